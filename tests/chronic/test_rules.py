"""Every rule of spec §1 as a table, with the boundary values named in the issue."""

from __future__ import annotations

from datetime import date

import pytest

from jiceng.chronic.codes import HTN, T2DM
from jiceng.chronic.rules import (
    NATIONAL,
    RuleSet,
    Threshold,
    VisitFacts,
    add_months,
    assess,
    is_standardized,
    on_target_reading,
    quarters_missed,
    standard_requirements,
)
from jiceng.chronic.screening import Reading, ScreeningFacts, assess_screening, raised_days
from jiceng.chronic.settings import parse_rules

DAY = date(2026, 3, 10)
TWO_WEEKS = date(2026, 3, 24)
THREE_MONTHS = date(2026, 6, 10)


def htn(sbp: int, dbp: int, age: int = 60, **kw: object) -> VisitFacts:
    return VisitFacts(disease=HTN, age=age, sbp=sbp, dbp=dbp, **kw)  # type: ignore[arg-type]


def dm(fpg: float, age: int = 60, **kw: object) -> VisitFacts:
    return VisitFacts(disease=T2DM, age=age, fpg=fpg, **kw)  # type: ignore[arg-type]


# ---- control targets: the boundaries of spec §1.1 / §1.2 -------------------------------


@pytest.mark.parametrize(
    ("sbp", "dbp", "age", "category", "reasons"),
    [
        (139, 89, 64, "1", ()),
        (140, 89, 64, "2", ("sbp_high",)),
        (139, 90, 64, "2", ("dbp_high",)),
        (140, 90, 64, "2", ("sbp_high", "dbp_high")),
        (149, 89, 64, "2", ("sbp_high",)),
        (149, 89, 65, "1", ()),  # ≥65: target <150/90
        (149, 90, 65, "2", ("dbp_high",)),  # ≥65 still needs DBP <90
        (150, 89, 65, "2", ("sbp_high",)),
        (150, 89, 66, "2", ("sbp_high",)),
        (145, 85, 64, "2", ("sbp_high",)),
        (145, 85, 65, "1", ()),
        (120, 80, 40, "1", ()),
    ],
)
def test_hypertension_control_target(sbp: int, dbp: int, age: int, category: str, reasons: tuple[str, ...]) -> None:
    result = assess(htn(sbp, dbp, age), DAY)
    assert result.category == category
    assert result.uncontrolled_reasons == reasons
    assert result.on_target is (category == "1")
    assert on_target_reading(HTN, age, sbp, dbp, None) is (category == "1")


@pytest.mark.parametrize(
    ("fpg", "category", "urgent"),
    [
        (3.8, "1", True),  # ≤3.9 is critical (hypoglycaemia)
        (3.9, "1", True),
        (4.0, "1", False),
        (6.9, "1", False),
        (7.0, "2", False),  # controlled means <7.0
        (7.1, "2", False),
        (16.6, "2", False),
        (16.7, "2", True),  # ≥16.7 is critical
        (20.0, "2", True),
    ],
)
def test_diabetes_fasting_glucose(fpg: float, category: str, urgent: bool) -> None:
    result = assess(dm(fpg), DAY)
    assert result.category == category
    assert result.urgent is urgent
    assert ("glucose_low" in result.urgent_reasons or "glucose_high" in result.urgent_reasons) is urgent
    assert on_target_reading(T2DM, 60, None, None, fpg) is (category == "1")


# ---- urgent referral (危急情况) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "urgent", "reason"),
    [
        (htn(179, 109), False, None),
        (htn(180, 100), True, "sbp_critical"),
        (htn(170, 110), True, "dbp_critical"),
        (htn(180, 110), True, "sbp_critical"),
        (dm(6.0, sbp=180, dbp=95), True, "sbp_critical"),  # the BP criterion applies to diabetes too
        (htn(130, 80, critical_signs=("severe_headache",)), True, "critical_sign"),
        (htn(130, 80, critical_signs=("orthopnoea",)), True, "critical_sign"),
        (htn(130, 80, critical_signs=("precordial_pain",)), True, "critical_sign"),
        (htn(130, 80, critical_signs=("acetone_breath",)), False, None),  # a diabetes sign only
        (dm(6.0, critical_signs=("acetone_breath",)), True, "critical_sign"),
        (dm(6.0, critical_signs=("deep_breathing",)), True, "critical_sign"),
        (dm(6.0, heart_rate=100), False, None),
        (dm(6.0, heart_rate=101), True, "tachycardia"),
        (htn(130, 80, heart_rate=120), False, None),  # tachycardia is a diabetes criterion
        (dm(6.0, temperature=39.0), False, None),
        (dm(6.0, temperature=39.1), True, "fever"),
        (htn(139, 89, pregnant_or_breastfeeding=True), False, None),
        (htn(140, 85, pregnant_or_breastfeeding=True), True, "pregnancy"),
        (dm(6.1, pregnant_or_breastfeeding=True), False, None),
        (dm(6.2, pregnant_or_breastfeeding=True), True, "pregnancy"),
        (htn(130, 80, unmanageable_condition=True), True, "unmanageable"),
    ],
)
def test_urgent_referral_criteria(facts: VisitFacts, urgent: bool, reason: str | None) -> None:
    result = assess(facts, DAY)
    assert result.urgent is urgent
    if reason:
        assert reason in result.urgent_reasons
        assert result.next_visit_kind == "referral"
        assert result.next_visit_date == TWO_WEEKS
        assert result.referral_suggested is False  # urgent, not merely suggested


def test_precordial_pain_is_configurable() -> None:
    """PARTIAL in the spec: a region can drop it from the hypertension list."""
    rules, errors = parse_rules({"htn_critical_signs": ["consciousness", "severe_headache"]})
    assert not errors.errors
    assert assess(htn(130, 80, critical_signs=("precordial_pain",)), DAY, rules=rules).urgent is False


# ---- the category: most severe wins --------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "category"),
    [
        (htn(130, 80), "1"),
        (htn(150, 95), "2"),
        (htn(130, 80, adverse_reaction=True), "3"),
        (htn(150, 95, adverse_reaction=True), "3"),  # ADR is more severe than uncontrolled
        (htn(150, 95, adverse_reaction=True, new_complication=True), "4"),  # complication is the most severe
        (htn(130, 80, new_complication=True), "4"),
        (dm(8.0, adr_hard_to_control=True), "3"),
        (dm(5.0, new_complication=True, adverse_reaction=True), "4"),
    ],
)
def test_most_severe_category_wins(facts: VisitFacts, category: str) -> None:
    assert assess(facts, DAY).category == category


# ---- next visit: the intervention table --------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "previous_streak", "kind", "due", "referral"),
    [
        (htn(130, 80), 0, "routine", THREE_MONTHS, ()),
        (htn(130, 80), 1, "routine", THREE_MONTHS, ()),  # controlled again after one uncontrolled visit
        (htn(150, 95), 0, "two_weeks", TWO_WEEKS, ()),  # first uncontrolled
        (htn(150, 95), 1, "referral", TWO_WEEKS, ("consecutive_uncontrolled",)),  # two in a row
        (htn(150, 95), 3, "referral", TWO_WEEKS, ("consecutive_uncontrolled",)),
        (htn(130, 80, adverse_reaction=True), 0, "two_weeks", TWO_WEEKS, ()),  # ADR
        (htn(130, 80, adverse_reaction=True, adr_hard_to_control=True), 0, "referral", TWO_WEEKS, ("adr_hard_to_control",)),
        (htn(130, 80, new_complication=True), 0, "referral", TWO_WEEKS, ("new_complication",)),
        (
            htn(150, 95, adverse_reaction=True),
            1,
            "referral",
            TWO_WEEKS,
            ("consecutive_uncontrolled",),
        ),  # raised BP under ADR extends the streak
        (dm(7.0), 0, "two_weeks", TWO_WEEKS, ()),
        (dm(7.0), 1, "referral", TWO_WEEKS, ("consecutive_uncontrolled",)),
        (dm(6.9), 1, "routine", THREE_MONTHS, ()),
    ],
)
def test_next_visit(facts: VisitFacts, previous_streak: int, kind: str, due: date, referral: tuple[str, ...]) -> None:
    result = assess(facts, DAY, previous_streak)
    assert (result.next_visit_kind, result.next_visit_date, result.referral_reasons) == (kind, due, referral)
    assert result.referral_suggested is bool(referral)


@pytest.mark.parametrize(
    ("category", "on_target", "previous", "streak"),
    [("1", True, 3, 0), ("2", False, 0, 1), ("2", False, 1, 2), ("3", False, 1, 2), ("3", True, 1, 0), ("4", None, 2, 0)],
)
def test_uncontrolled_streak(category: str, on_target: bool | None, previous: int, streak: int) -> None:
    from jiceng.chronic.rules import streak_after

    assert streak_after(category, on_target, previous) == streak


def test_doctor_override_changes_the_schedule() -> None:
    """The doctor may call a raised reading controlled (e.g. white-coat, re-measured): the
    stored category and the next visit follow the doctor's choice; urgency never does."""
    result = assess(htn(150, 95), DAY, previous_streak=1, override_category="1")
    assert (result.computed_category, result.category) == ("2", "1")
    assert (result.next_visit_kind, result.next_visit_date, result.uncontrolled_streak) == ("routine", THREE_MONTHS, 0)
    critical = assess(htn(185, 95), DAY, override_category="1")
    assert critical.urgent and critical.next_visit_kind == "referral"


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [(date(2026, 1, 31), 3, date(2026, 4, 30)), (date(2025, 11, 30), 3, date(2026, 2, 28)), (date(2026, 12, 15), 3, date(2027, 3, 15))],
)
def test_routine_interval_is_calendar_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_intervals_are_configurable() -> None:
    rules = RuleSet(routine_interval_months=2, short_interval_days=10, referral_followup_days=7)
    assert assess(htn(120, 80), DAY, rules=rules).next_visit_date == date(2026, 5, 10)
    assert assess(htn(150, 80), DAY, rules=rules).next_visit_date == date(2026, 3, 20)
    assert assess(htn(190, 80), DAY, rules=rules).next_visit_date == date(2026, 3, 17)


# ---- a stricter local rule (spec §1.3) ---------------------------------------------------


def test_s2_style_stricter_local_rule() -> None:
    """FPG >6.9 or 2-hour glucose >9.9 counts as uncontrolled (Nanjing/Liyang variants)."""
    rules, errors = parse_rules({"fpg": {"op": ">", "value": 6.9}, "ppg": {"op": ">", "value": 9.9}})
    assert errors.errors == []
    assert assess(dm(6.9), DAY, rules=rules).category == "1"
    assert assess(dm(6.95), DAY, rules=rules).category == "2"
    assert assess(dm(6.95), DAY).category == "1"  # national: <7.0 is controlled
    assert assess(dm(6.5, ppg=9.9), DAY, rules=rules).category == "1"
    assert assess(dm(6.5, ppg=10.0), DAY, rules=rules).uncontrolled_reasons == ("ppg_high",)
    assert assess(dm(6.5, ppg=10.0), DAY).category == "1"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"fpg": {"op": "=>", "value": 7}}, "rules.fpg"),
        ({"fpg": None}, "rules.fpg"),
        ({"bogus": 1}, "rules.bogus"),
        ({"routine_interval_months": -1}, "rules.routine_interval_months"),
        ({"routine_interval_months": 2.5}, "rules.routine_interval_months"),
        ({"standard_requires_health_check": "yes"}, "rules.standard_requires_health_check"),
        ({"dm_critical_signs": ["not_a_sign"]}, "rules.dm_critical_signs"),
    ],
)
def test_bad_overrides_are_named(overrides: dict[str, object], field: str) -> None:
    _rules, errors = parse_rules(overrides)
    assert [e.field for e in errors.errors] == [field]
    assert errors.errors[0].message_zh and errors.errors[0].message_en


def test_a_number_keeps_the_default_operator() -> None:
    rules, errors = parse_rules({"htn_sbp": 135, "elderly_age": 70})
    assert not errors.errors
    assert rules.htn_sbp == Threshold(">=", 135.0)
    assert assess(htn(135, 80, age=60), DAY, rules=rules).category == "2"
    assert assess(htn(149, 80, age=67), DAY, rules=rules).category == "2"  # 67 is no longer "elderly"


# ---- standardized management (规范管理) --------------------------------------------------


@pytest.mark.parametrize(
    ("visits", "quarters", "checked", "missed", "expected"),
    [
        (4, 4, True, 0, True),
        (5, 4, True, 0, True),
        (4, 3, True, 0, False),  # four visits but one quarter without a visit
        (3, 3, True, 0, False),
        (4, 4, False, 0, False),  # no annual health check
        (2, 2, True, 2, True),  # enrolled in the third quarter: two remaining quarters
        (1, 1, True, 2, False),
        (1, 1, True, 3, True),  # enrolled in the last quarter
    ],
)
def test_standardized_management(visits: int, quarters: int, checked: bool, missed: int, expected: bool) -> None:
    assert is_standardized(visits, quarters, checked, missed, NATIONAL) is expected


def test_standardized_rule_is_configurable() -> None:
    rules = RuleSet(standard_min_quarters=3, standard_requires_health_check=False, standard_prorate_new=False)
    assert is_standardized(4, 3, False, 0, rules)
    assert standard_requirements(2, rules) == (4, 3)


@pytest.mark.parametrize(
    ("enrolled", "missed"),
    [
        (date(2025, 6, 1), 0),
        (date(2026, 1, 1), 0),
        (date(2026, 3, 31), 0),
        (date(2026, 4, 1), 1),
        (date(2026, 9, 30), 2),
        (date(2026, 10, 1), 3),
    ],
)
def test_quarters_missed_by_late_enrolment(enrolled: date, missed: int) -> None:
    assert quarters_missed(enrolled, date(2026, 1, 1), date(2026, 12, 31)) == missed


# ---- screening (≥35) ----------------------------------------------------------------------


def r(day: int, sbp: int, dbp: int) -> Reading:
    return Reading(date(2026, 3, day), sbp, dbp)


@pytest.mark.parametrize(
    ("readings", "outcome", "days", "next_date"),
    [
        ([r(10, 120, 78)], "normal", 0, date(2027, 3, 10)),
        ([r(10, 139, 80)], "high_risk", 0, date(2026, 9, 10)),  # high-normal BP is a risk factor
        ([r(10, 120, 85)], "high_risk", 0, date(2026, 9, 10)),
        ([r(10, 140, 80)], "recheck", 1, date(2026, 3, 17)),
        ([r(3, 142, 80), r(10, 150, 92)], "recheck", 2, date(2026, 3, 17)),
        ([r(1, 145, 80), r(3, 142, 80), r(10, 150, 92)], "suspected", 3, date(2026, 3, 24)),
        ([r(10, 145, 80), r(10, 150, 92), r(10, 148, 95)], "recheck", 1, date(2026, 3, 17)),  # same day counts once
        ([r(1, 145, 80), r(3, 120, 80), r(10, 150, 92)], "recheck", 1, date(2026, 3, 17)),  # a normal day resets the run
    ],
)
def test_screening_path(readings: list[Reading], outcome: str, days: int, next_date: date) -> None:
    facts = ScreeningFacts(age=45, sex="1", readings=readings)
    result = assess_screening(facts, date(2026, 3, 10))
    assert (result.outcome, result.raised_days, result.next_date) == (outcome, days, next_date)
    assert result.referral_suggested is (outcome == "suspected")
    assert raised_days(readings) == days


@pytest.mark.parametrize(
    ("facts", "factors"),
    [
        (ScreeningFacts(age=45, sex="1", readings=[r(10, 120, 78)], bmi=24.0), ("overweight",)),
        (ScreeningFacts(age=45, sex="1", readings=[r(10, 120, 78)], bmi=23.9), ()),
        (ScreeningFacts(age=45, sex="1", readings=[r(10, 120, 78)], waist_cm=90), ("waist",)),
        (ScreeningFacts(age=45, sex="2", readings=[r(10, 120, 78)], waist_cm=85), ("waist",)),
        (ScreeningFacts(age=45, sex="2", readings=[r(10, 120, 78)], waist_cm=84.9), ()),
        (ScreeningFacts(age=55, sex="1", readings=[r(10, 120, 78)]), ("age",)),
        (ScreeningFacts(age=45, sex="1", readings=[r(10, 120, 78)], drinking_ml=100), ("heavy_drinking",)),
        (
            ScreeningFacts(age=45, sex="1", readings=[r(10, 120, 78)], declared_risks=("family_history", "high_salt")),
            ("family_history", "high_salt"),
        ),
    ],
)
def test_screening_risk_factors(facts: ScreeningFacts, factors: tuple[str, ...]) -> None:
    result = assess_screening(facts, date(2026, 3, 10))
    assert result.risk_factors == factors
    assert result.outcome == ("high_risk" if factors else "normal")


def test_unconfirmed_risk_factors_can_be_switched_off() -> None:
    rules, errors = parse_rules({"risk_factors": ["high_normal_bp", "overweight", "waist"]})
    assert not errors.errors
    facts = ScreeningFacts(age=60, sex="1", readings=[r(10, 120, 78)], declared_risks=("family_history",))
    assert assess_screening(facts, date(2026, 3, 10), rules).outcome == "normal"


def test_screening_raised_glucose_asks_for_a_recheck() -> None:
    facts = ScreeningFacts(age=50, sex="1", readings=[r(10, 120, 78)], fpg=7.0)
    assert assess_screening(facts, date(2026, 3, 10)).outcome == "glucose_recheck"
