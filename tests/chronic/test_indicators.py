"""The six indicators of spec §2 on a small hand-built population; every expected number
is worked out by hand below, patient by patient."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jiceng.chronic import indicators
from jiceng.chronic import service as chronic
from jiceng.core import indicators as catalogue
from jiceng.core.db import Database
from jiceng.core.indicators import IndicatorQuery
from jiceng.exams import service as exams
from tests.chronic.helpers import TODAY, enrol, patient, visit
from tests.factories import TOWNSHIP, VILLAGE_A, VILLAGE_B, Region, build_region

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
Q = ("2026-02-10", "2026-05-10", "2026-08-10", "2026-11-10")  # one date in each quarter


HEALTH_CHECK = {
    "symptoms": ["1"],
    "height_cm": 165,
    "weight_kg": 65,
    "waist_cm": 85,
    "sbp_left": 130,
    "dbp_left": 80,
    "assessment": "1",
    "guidance": ["1"],
    # the 65+ self-assessments (required for the elderly, ignored otherwise)
    "self_rated_health": "1",
    "cognition_screen": "1",
    "mood_screen": "1",
    **{f"self_care_{item}": "1" for item in ("eating", "grooming", "dressing", "toileting", "activity")},
}


def check(s: Any, doctor: Any, resident_id: Any, day: str = "2026-06-01") -> None:
    """A signed annual health check (健康体检表) from the exams domain."""
    exams.create_health_check(s, doctor, resident_id, {**HEALTH_CHECK, "exam_date": day}, today=TODAY)


def population(db: Database) -> Region:
    region = build_region(db)
    a, b = region.principal("doctor_a"), region.principal("doctor_b")
    with db.unit_of_work() as s:
        # ---- village A -------------------------------------------------------------------
        # A1 hypertension, 66: a face-to-face visit every quarter + health check; latest 130/80.
        a1 = patient(s, a, birth="19600315", name="甲一")
        enrol(s, a, a1.id)
        for day in Q:
            visit(s, a, a1.id, "htn", day, sbp=130, dbp=80)
        check(s, a, a1.id)
        # A2 hypertension, 71: every quarter, latest 148/88 (on target at ≥65), no health check.
        a2 = patient(s, a, birth="19550101", name="甲二")
        enrol(s, a, a2.id)
        for day in Q:
            visit(s, a, a2.id, "htn", day, sbp=148, dbp=88)
        # A3 hypertension, 50: the Q2 visit was by phone, two in Q4: 4 face-to-face visits but
        # only 3 quarters; health check; latest 145/85 (not on target under 65).
        a3 = patient(s, a, birth="19760101", name="甲三")
        enrol(s, a, a3.id)
        visit(s, a, a3.id, "htn", Q[0])
        visit(s, a, a3.id, "htn", Q[1], mode="3")
        visit(s, a, a3.id, "htn", Q[2])
        visit(s, a, a3.id, "htn", "2026-10-05")
        visit(s, a, a3.id, "htn", Q[3], sbp=145, dbp=85)
        check(s, a, a3.id)
        # A4 hypertension: last seen in 2025 (lost to follow-up, still managed): not on target.
        a4 = patient(s, a, birth="19710101", name="甲四")
        enrol(s, a, a4.id)
        visit(s, a, a4.id, "htn", "2025-10-01")
        # A5 hypertension, enrolled in Q3: needs 2 visits in the 2 remaining quarters + check.
        a5 = patient(s, a, birth="19640101", name="甲五")
        enrol(s, a, a5.id, enrolled_on="2026-07-15")
        visit(s, a, a5.id, "htn", "2026-08-01")
        visit(s, a, a5.id, "htn", "2026-10-20", sbp=132, dbp=84)
        check(s, a, a5.id)
        # A6 hypertension, moved away in 2025: not managed this year.
        a6 = patient(s, a, birth="19660101", name="甲六")
        moved = enrol(s, a, a6.id)
        chronic.update_enrolment(s, a, moved.id, {"status": "moved", "status_date": "2025-12-01"}, today=TODAY)
        # A7 hypertension and diabetes, 60: every quarter + check. The latest BP (150/95) was
        # corrected to 135/85: on target. Latest glucose 7.0: not on target.
        a7 = patient(s, a, birth="19660601", name="甲七")
        enrol(s, a, a7.id)
        enrol(s, a, a7.id, "t2dm")
        for day in Q[:3]:
            visit(s, a, a7.id, "htn", day)
            visit(s, a, a7.id, "t2dm", day, fpg=6.5)
        wrong = visit(s, a, a7.id, "htn", Q[3], sbp=150, dbp=95).visit
        chronic.amend_visit(s, a, wrong.id, {"visit_date": Q[3], "mode": "1", "sbp": 135, "dbp": 85}, "录入错误", today=TODAY)
        visit(s, a, a7.id, "t2dm", Q[3], fpg=7.0)
        check(s, a, a7.id)
        # A8 diabetes: every quarter, latest effective FPG 6.9 (a later 8.0 was voided); no check.
        a8 = patient(s, a, birth="19700101", name="甲八")
        enrol(s, a, a8.id, "t2dm")
        for day in Q:
            visit(s, a, a8.id, "t2dm", day, fpg=6.9)
        voided = visit(s, a, a8.id, "t2dm", "2026-11-15", fpg=8.0).visit
        chronic.amend_visit(s, a, voided.id, {}, "录错患者", voided=True, today=TODAY)
        # A9 (40) and A10 (30) adults without either condition; A11 a child.
        patient(s, a, birth="19860101", name="甲九")
        patient(s, a, birth="19960101", name="甲十")
        patient(s, a, birth="20160101", name="甲童")
        # ---- village B -------------------------------------------------------------------
        # B1 hypertension, 66: every quarter + check; latest 152/85: not on target even at ≥65.
        b1 = patient(s, b, birth="19600315", name="乙一", village=VILLAGE_B)
        enrol(s, b, b1.id)
        for day in Q[:3]:
            visit(s, b, b1.id, "htn", day)
        visit(s, b, b1.id, "htn", Q[3], sbp=152, dbp=85)
        check(s, b, b1.id)
        # B2 diabetes enrolled in Q4: one visit is enough; check; FPG 6.5 on target.
        b2 = patient(s, b, birth="19700101", name="乙二", village=VILLAGE_B)
        enrol(s, b, b2.id, "t2dm", enrolled_on="2026-11-01")
        visit(s, b, b2.id, "t2dm", "2026-11-10", fpg=6.5)
        check(s, b, b2.id, "2026-11-10")
        # B3 an adult without either condition.
        patient(s, b, birth="19800101", name="乙三", village=VILLAGE_B)
    return region


# Adults: village A 10 (A1-A10), village B 3; the township 13.
# Hypertension: A managed A1 A2 A3 A4 A5 A7 = 6, standardized A1 A5 A7 = 3, on target A1 A2 A5 A7 = 4;
#               B managed B1 = 1, standardized 1, on target 0.
#   estimate = adults × 27.5 %: A 2.75 → 3, B 0.825 → 1, township 3.575 → 4.
# Diabetes: A managed A7 A8 = 2, standardized A7 = 1, on target A8 = 1; B: B2 1, 1, 1.
#   estimate = adults × 11.9 %: A 1.19 → 1, B 0.357 → 0, township 1.547 → 2.
EXPECTED = {
    "village": {
        "chronic.htn.management_rate": {VILLAGE_A: (6, 3), VILLAGE_B: (1, 1)},
        "chronic.htn.standardized_rate": {VILLAGE_A: (3, 6), VILLAGE_B: (1, 1)},
        "chronic.htn.bp_control_rate": {VILLAGE_A: (4, 6), VILLAGE_B: (0, 1)},
        "chronic.t2dm.management_rate": {VILLAGE_A: (2, 1), VILLAGE_B: (1, 0)},
        "chronic.t2dm.standardized_rate": {VILLAGE_A: (1, 2), VILLAGE_B: (1, 1)},
        "chronic.t2dm.glucose_control_rate": {VILLAGE_A: (1, 2), VILLAGE_B: (1, 1)},
    },
    "township": {
        "chronic.htn.management_rate": {TOWNSHIP: (7, 4)},
        "chronic.htn.standardized_rate": {TOWNSHIP: (4, 7)},
        "chronic.htn.bp_control_rate": {TOWNSHIP: (4, 7)},
        "chronic.t2dm.management_rate": {TOWNSHIP: (3, 2)},
        "chronic.t2dm.standardized_rate": {TOWNSHIP: (2, 3)},
        "chronic.t2dm.glucose_control_rate": {TOWNSHIP: (2, 3)},
    },
}


def as_table(values: list[Any]) -> dict[str, tuple[int, int]]:
    return {v.division_code: (v.numerator, v.denominator) for v in values}


@pytest.mark.parametrize("level", ["village", "township"])
def test_every_indicator_by_hand(database: Database, level: str) -> None:
    population(database)
    query = IndicatorQuery(*YEAR, level=level)
    with database.unit_of_work() as s:
        for code, expected in EXPECTED[level].items():
            definition = catalogue.get(code)
            assert definition.domain == "chronic" and definition.version == indicators.VERSION
            assert as_table(definition.compute(s, query)) == expected, code
        together = indicators.compute_all(s, query, levels=("village", "township"))
        for lvl, table in EXPECTED.items():
            for code, expected in table.items():
                assert as_table(together[code][lvl]) == expected


def test_scope_and_region_rules(database: Database) -> None:
    region = population(database)
    query = IndicatorQuery(*YEAR, level="village")
    with database.unit_of_work() as s:
        supervisor = indicators.report(s, region.principal("supervisor"), query)
        assert as_table(supervisor.values["chronic.htn.bp_control_rate"]) == EXPECTED["village"]["chronic.htn.bp_control_rate"]
        own = indicators.report(s, region.principal("doctor_b"), query)
        assert as_table(own.values["chronic.htn.bp_control_rate"]) == {VILLAGE_B: (0, 1)}
        other_county = indicators.report(
            s, region.principal("supervisor"), IndicatorQuery(*YEAR, level="village", division_prefix="411203")
        )
        assert all(values == [] for values in other_county.values.values())
        # A region that does not require the health check and uses 3 quarters: A2 and A3 qualify too.
        chronic.save_rules(
            s, region.principal("sysadmin"), {"standard_requires_health_check": False, "standard_min_quarters": 3, "htn_prevalence": 0.3}
        )
        relaxed = indicators.compute_all(s, query)
        assert as_table(relaxed["chronic.htn.standardized_rate"]["village"]) == {VILLAGE_A: (5, 6), VILLAGE_B: (1, 1)}
        assert as_table(relaxed["chronic.htn.management_rate"]["village"]) == {VILLAGE_A: (6, 3), VILLAGE_B: (1, 1)}


def test_catalogue_definitions_are_complete() -> None:
    codes = [d.code for d in catalogue.catalogue() if d.domain == "chronic"]
    assert sorted(codes) == sorted(EXPECTED["village"])
    for code in codes:
        d = catalogue.get(code)
        assert d.name_zh and d.name_en and d.numerator_zh and d.denominator_en and d.period == "year" and "spec §2" in d.source
