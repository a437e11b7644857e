"""Worked examples shared by the tests (spec §3.6 and §3.4)."""

from __future__ import annotations

# Spec §3.6: the 33 answers, with Q9 (BMI 25.5 → 3) and Q28 (waist 88 cm → 3) as scored.
SPEC_36_ANSWERS: dict[int, int] = {
    1: 2, 2: 4, 3: 4, 4: 3, 5: 2, 6: 2, 7: 3, 8: 2, 9: 3, 10: 2, 11: 3, 12: 2, 13: 3, 14: 3, 15: 1, 16: 3, 17: 1,
    18: 1, 19: 1, 20: 1, 21: 2, 22: 2, 23: 2, 24: 1, 25: 1, 26: 2, 27: 2, 28: 3, 29: 2, 30: 2, 31: 2, 32: 3, 33: 1,
}  # fmt: skip

SPEC_36_SUMS = {"qixu": 14, "yangxu": 10, "yinxu": 8, "tanshi": 12, "shire": 7, "xueyu": 5, "qiyu": 9, "tebing": 4, "pinghe": 14}
SPEC_36_RESULTS = {
    "qixu": "yes",
    "yangxu": "tendency",
    "yinxu": "no",
    "tanshi": "yes",
    "shire": "no",
    "xueyu": "no",
    "qiyu": "tendency",
    "tebing": "no",
    "pinghe": "no",
}
SPEC_36_CONVERTED = {
    "qixu": 62.5,
    "yangxu": 37.5,
    "yinxu": 25,
    "tanshi": 50,
    "shire": 18.75,
    "xueyu": 6.25,
    "qiyu": 31.25,
    "tebing": 0,
    "pinghe": 45,
}


def asked(answers: dict[int, int]) -> dict[str, int]:
    """The answers a client sends: every question except the measured Q9 and Q28."""
    return {str(q): a for q, a in answers.items() if q not in (9, 28)}
