"""The printable result: one A4 page even with four identified constitutions and every option."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from jiceng.elderly import guidance, report, tcm
from tests.elderly.examples import SPEC_36_ANSWERS


def _record(**overrides: object) -> SimpleNamespace:
    result = tcm.determine(SPEC_36_ANSWERS)
    identified = ["qixu", "tanshi", "yangxu", "qiyu"]
    values = {
        "assessed_on": date(2026, 5, 10),
        "scores": {c: r.raw for c, r in result.results.items()},
        "results": {c: r.result for c, r in result.results.items()},
        "main_type": "qixu",
        "positive_types": ["qixu", "tanshi"],
        "tendency_types": ["yangxu", "qiyu"],
        "undeterminable": False,
        "guidance": {c: list(guidance.OPTIONS) for c in identified},
        "guidance_other": dict.fromkeys(identified, "每日按时服药，定期复查血压血糖"),
        "doctor_name": "李医生",
        "signed_by": "doctor_a",
    }
    values.update(overrides)
    return SimpleNamespace(**values)


CHECK = SimpleNamespace(
    exam_date=date(2026, 5, 10),
    sbp_left=150,
    dbp_left=90,
    sbp_right=148,
    dbp_right=88,
    height_cm=160.0,
    weight_kg=65.3,
    bmi=25.5,
    waist_cm=88.0,
    self_care_score=4,
    self_care_level="2",
    cognition_screen="2",
    mood_screen="2",
    assessment="2",
    abnormalities=["血压偏高", "超重", "空腹血糖偏高", "脂肪肝"],
    guidance=["1", "2"],
    risk_factors=["3", "4", "5"],
    target_weight_kg=60.0,
)
RESIDENT = SimpleNamespace(name="王秀英", sex="2", birth_date=date(1950, 3, 10))


def _pages(content: bytes) -> int:
    return content.count(b"/Type /Page\n")


def test_worst_case_fits_one_page() -> None:
    content = report.result_pdf(RESIDENT, CHECK, _record())
    assert content.startswith(b"%PDF") and _pages(content) == 1


def test_without_a_check_and_undeterminable() -> None:
    content = report.result_pdf(
        RESIDENT, None, _record(main_type=None, undeterminable=True, guidance={}, positive_types=[], tendency_types=[])
    )
    assert _pages(content) == 1


def test_conclusion_texts() -> None:
    assert report._conclusion(_record()) == "主要体质：气虚质；兼夹体质：痰湿质；倾向：阳虚质、气郁质。"
    balanced = _record(
        main_type="pinghe", results={**_record().results, "pinghe": "basically"}, positive_types=[], tendency_types=["tanshi"]
    )
    assert report._conclusion(balanced) == "基本是平和质；倾向：痰湿质。"
    assert (
        report._conclusion(_record(main_type=None, positive_types=["shire", "xueyu"]))
        == "主要体质：待中医师判定；兼夹体质：湿热质、血瘀质；倾向：阳虚质、气郁质。"
    )
