"""The TCM record's form: canonical URLs, code systems, the questions' nested items, codings."""

from __future__ import annotations

from typing import Any

from jiceng.core.fhir import systems
from jiceng.elderly import guidance as g
from jiceng.elderly import tcm

QUESTIONNAIRE_ID = "tcm-constitution"
QUESTIONNAIRE_URL = f"{systems.BASE}/Questionnaire/{QUESTIONNAIRE_ID}"
QUESTIONNAIRE_VERSION = "3"  # 国家基本公共卫生服务规范（第三版）
CANONICAL = f"{QUESTIONNAIRE_URL}|{QUESTIONNAIRE_VERSION}"
PUBLISHED = "2026-11-22"
SCALE_SYSTEM = systems.code_system("tcm-answer")
CONSTITUTION_SYSTEM = systems.code_system("tcm-constitution")
RESULT_SYSTEM = systems.code_system("tcm-constitution-result")
GUIDANCE_SYSTEM = systems.code_system("tcm-guidance")
ITEM_SYSTEM = systems.code_system("elderly-item")
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
VISIT_MODE_EXT = systems.extension("visit-mode")
AMENDS_EXT = systems.extension("amends")
CORRECTED_BY_EXT = systems.extension("corrected-by")
QR = "QuestionnaireResponse"

# Items nested under a question (in a response: under its answer): (linkId, type, zh, en, read-only).
CHILDREN: dict[int, tuple[str, str, str, str, bool]] = {
    9: ("bmi", "decimal", "体质指数（BMI），取自同次健康体检", "BMI, from the same visit's health check", True),
    14: ("colds-per-year", "integer", "一年感冒次数（填写时按次数计分）", "Colds a year (scored from the count when given)", False),
    17: (
        "allergies-per-year",
        "integer",
        "一年过敏次数（填写时按次数计分；“每次遇到上述原因都过敏”须直接选 5）",
        "Allergic episodes a year (scored from the count; “on every exposure” is answered as 5)",
        False,
    ),
    28: ("waist-cm", "decimal", "腰围（cm），取自同次健康体检", "Waist (cm), from the same visit's health check", True),
}
CALCULATED = {
    9: (
        "不询问：由体质指数计分 BMI＜24→1，24≤BMI＜25→2，25≤BMI＜26→3，26≤BMI＜28→4，BMI≥28→5",
        "Not asked: scored from the BMI <24 → 1, 24–<25 → 2, 25–<26 → 3, 26–<28 → 4, ≥28 → 5",
    ),
    28: (
        "不询问：由腰围计分 ＜80cm→1，80–85→2，86–90→3，91–105→4，＞105→5（小数计入其整厘米所在档）",
        "Not asked: scored from the waist <80 cm → 1, 80–85 → 2, 86–90 → 3, 91–105 → 4, >105 → 5 (a fraction stays in its whole centimetre's band)",
    ),
}


def english(text: str) -> dict[str, Any]:
    """A primitive's English translation (``_text``, ``_display``)."""
    return {"extension": [{"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": "en"}, {"url": "content", "valueString": text}]}]}


def answer_label(question: int, answer: int) -> tuple[str, str]:
    """An answer's label, with the question's anchor where the form prints one (Q9, Q14, Q17, Q28)."""
    zh, en = tcm.SCALE[answer]
    anchor = tcm.ANCHORS.get(question, {}).get(answer)
    if anchor is None:
        return zh, en
    return f"{zh.split('（')[0]}（{anchor[0]}）", f"{en} ({anchor[1]})"


def answer_coding(question: int, answer: int) -> dict[str, Any]:
    return {"system": SCALE_SYSTEM, "code": str(answer), "display": answer_label(question, answer)[0]}


def constitution_coding(code: str) -> dict[str, Any]:
    return {"system": CONSTITUTION_SYSTEM, "code": code, "display": tcm.name(code)}


def guidance_option(code: str) -> dict[str, Any]:
    return {"system": GUIDANCE_SYSTEM, "code": code, "display": g.OPTIONS.label(code)}
