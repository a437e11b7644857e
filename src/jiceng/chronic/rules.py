"""The follow-up rules of the 规范 (spec §1) as pure functions over plain values.

Every threshold and interval lives in a :class:`RuleSet`. The defaults are the
national rules; a region overrides any of them (region setting ``chronic.rules``,
see ``chronic.settings``), e.g. the stricter S2-style local rule of spec §1.3::

    {"fpg": {"op": ">", "value": 6.9}, "ppg": {"op": ">", "value": 9.9}}

Nothing here touches the database, so every rule is table-tested in isolation.
"""

from __future__ import annotations

import calendar
import operator
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from typing import Any

from jiceng.chronic.codes import ADVERSE_REACTION, COMPLICATION, CONTROLLED, HTN, T2DM, UNCONTROLLED

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


@dataclass(frozen=True)
class Threshold:
    """A rule that *fires* when ``value <op> threshold`` (e.g. SBP ``>=`` 140 is uncontrolled)."""

    op: str
    value: float

    def hit(self, reading: float | None) -> bool:
        return reading is not None and OPERATORS[self.op](reading, self.value)

    def as_dict(self) -> dict[str, Any]:
        return {"op": self.op, "value": self.value}


HTN_CRITICAL_SIGNS = (
    "consciousness",
    "severe_headache",
    "nausea_vomiting",
    "blurred_vision",
    "eye_pain",
    "palpitations",
    "chest_tightness",
    "orthopnoea",
    # PARTIAL (spec §1.1): listed by S4; whether it is in the body text is unsettled.
    "precordial_pain",
)
DM_CRITICAL_SIGNS = (
    "consciousness",
    "acetone_breath",
    "palpitations",
    "sweating",
    "poor_appetite",
    "nausea_vomiting",
    "polydipsia_polyuria",
    "abdominal_pain",
    "deep_breathing",
    "flushed_skin",
    "sudden_vision_loss",
)
ALL_RISK_FACTORS = ("high_normal_bp", "overweight", "waist", "family_history", "high_salt", "heavy_drinking", "age")


@dataclass(frozen=True)
class RuleSet:
    """Thresholds and intervals. Field comments give the spec section and confidence."""

    # Control targets (§1.1 CONFIRMED): uncontrolled when SBP ≥140 or DBP ≥90; age ≥65: SBP ≥150 or DBP ≥90.
    htn_sbp: Threshold = Threshold(">=", 140)
    htn_dbp: Threshold = Threshold(">=", 90)
    elderly_age: int = 65
    elderly_sbp: Threshold = Threshold(">=", 150)
    elderly_dbp: Threshold = Threshold(">=", 90)
    # §1.2 CONFIRMED: controlled when fasting glucose < 7.0 mmol/L.
    fpg: Threshold = Threshold(">=", 7.0)
    # Local stricter rules (§1.3): off nationally.
    ppg: Threshold | None = None
    hba1c: Threshold | None = None
    # Urgent referral (§1.1, §1.2 CONFIRMED).
    critical_sbp: Threshold = Threshold(">=", 180)
    critical_dbp: Threshold = Threshold(">=", 110)
    glucose_high: Threshold = Threshold(">=", 16.7)
    glucose_low: Threshold = Threshold("<=", 3.9)
    tachycardia: Threshold = Threshold(">", 100)
    fever: Threshold = Threshold(">", 39.0)
    # "Above normal" in pregnancy or breastfeeding (derived: normal BP <140/90, normal FPG 3.9-6.1).
    pregnancy_sbp: Threshold = Threshold(">=", 140)
    pregnancy_dbp: Threshold = Threshold(">=", 90)
    pregnancy_fpg: Threshold = Threshold(">", 6.1)
    htn_critical_signs: tuple[str, ...] = HTN_CRITICAL_SIGNS
    dm_critical_signs: tuple[str, ...] = DM_CRITICAL_SIGNS
    # Intervals: 2 weeks CONFIRMED; "routine = 3 months" PARTIAL (practice, 4 visits a year).
    routine_interval_months: int = 3
    short_interval_days: int = 14
    referral_followup_days: int = 14
    consecutive_uncontrolled_for_referral: int = 2
    # Target group and screening (§1.1; PARTIAL for diabetes).
    enrol_min_age: int = 35
    screening_min_age: int = 35
    screening_interval_months: int = 12
    high_risk_interval_months: int = 6
    screening_recheck_days: int = 7
    diagnosis_days: int = 3
    # The six high-risk factors: two CONFIRMED, four UNCONFIRMED (family history, salt, drinking, age ≥55).
    risk_factors: tuple[str, ...] = ALL_RISK_FACTORS
    risk_age: int = 55
    overweight_bmi: float = 24.0
    waist_men_cm: float = 90.0
    waist_women_cm: float = 85.0
    heavy_drinking_ml: float = 100.0
    # 规范管理 (§2 UNCONFIRMED, set by provincial appraisal rules): ≥4 face-to-face visits,
    # spread over the quarters, plus the annual health check; pro-rated for new enrolments.
    standard_min_visits: int = 4
    standard_min_quarters: int = 4
    standard_requires_health_check: bool = True
    standard_prorate_new: bool = True
    # Estimated patients = adult residents × prevalence (§2 UNCONFIRMED). Defaults:
    # 《中国居民营养与慢性病状况报告（2020年）》 adult prevalence 27.5 % and 11.9 %.
    adult_age: int = 18
    htn_prevalence: float = 0.275
    dm_prevalence: float = 0.119
    # 长处方: up to 12 weeks for stable patients.
    long_rx_max_days: int = 84

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Threshold):
                value = value.as_dict()
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out


NATIONAL = RuleSet()


# ---- dates -----------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def quarter_starts(period_start: date, period_end: date) -> list[date]:
    """The starts of the 3-month blocks of a period (calendar quarters for a calendar year)."""
    starts, current = [], period_start
    while current <= period_end:
        starts.append(current)
        current = add_months(current, 3)
    return starts


# ---- one follow-up visit ---------------------------------------------------


@dataclass(frozen=True)
class VisitFacts:
    disease: str
    age: int
    sbp: int | None = None
    dbp: int | None = None
    fpg: float | None = None
    ppg: float | None = None
    hba1c: float | None = None
    heart_rate: int | None = None
    temperature: float | None = None
    critical_signs: tuple[str, ...] = ()
    pregnant_or_breastfeeding: bool = False
    unmanageable_condition: bool = False
    adverse_reaction: bool = False
    adr_hard_to_control: bool = False
    new_complication: bool = False


@dataclass(frozen=True)
class Assessment:
    on_target: bool | None  # None when the deciding reading is missing
    uncontrolled_reasons: tuple[str, ...]
    computed_category: str
    category: str  # the doctor's override, or the computed one
    urgent: bool
    urgent_reasons: tuple[str, ...]
    referral_suggested: bool
    referral_reasons: tuple[str, ...]
    uncontrolled_streak: int  # consecutive uncontrolled visits, this one included
    next_visit_kind: str
    next_visit_date: date
    messages: tuple[str, ...] = field(default=())


def bp_targets(age: int, rules: RuleSet) -> tuple[Threshold, Threshold]:
    """The (SBP, DBP) "uncontrolled" thresholds for a patient's age."""
    if age >= rules.elderly_age:
        return rules.elderly_sbp, rules.elderly_dbp
    return rules.htn_sbp, rules.htn_dbp


def uncontrolled_reasons(facts: VisitFacts, rules: RuleSet) -> tuple[bool | None, tuple[str, ...]]:
    """Whether the readings meet the target, and which ones do not (spec §1.1/§1.2)."""
    reasons: list[str] = []
    if facts.disease == HTN:
        if facts.sbp is None or facts.dbp is None:
            return None, ()
        sbp_rule, dbp_rule = bp_targets(facts.age, rules)
        if sbp_rule.hit(facts.sbp):
            reasons.append("sbp_high")
        if dbp_rule.hit(facts.dbp):
            reasons.append("dbp_high")
    else:
        if facts.fpg is None:
            return None, ()
        if rules.fpg.hit(facts.fpg):
            reasons.append("fpg_high")
        if rules.ppg is not None and rules.ppg.hit(facts.ppg):
            reasons.append("ppg_high")
        if rules.hba1c is not None and rules.hba1c.hit(facts.hba1c):
            reasons.append("hba1c_high")
    return not reasons, tuple(reasons)


def urgent_reasons(facts: VisitFacts, rules: RuleSet) -> tuple[str, ...]:
    """The urgent-referral criteria that apply (危急情况, spec §1.1 and §1.2)."""
    reasons: list[str] = []
    if rules.critical_sbp.hit(facts.sbp):
        reasons.append("sbp_critical")
    if rules.critical_dbp.hit(facts.dbp):
        reasons.append("dbp_critical")
    glucose = [g for g in (facts.fpg, facts.ppg) if g is not None]
    if any(rules.glucose_high.hit(g) for g in glucose):
        reasons.append("glucose_high")
    if any(rules.glucose_low.hit(g) for g in glucose):
        reasons.append("glucose_low")
    if facts.disease == T2DM:
        if rules.tachycardia.hit(facts.heart_rate):
            reasons.append("tachycardia")
        if rules.fever.hit(facts.temperature):
            reasons.append("fever")
    signs = rules.htn_critical_signs if facts.disease == HTN else rules.dm_critical_signs
    if any(sign in signs for sign in facts.critical_signs):
        reasons.append("critical_sign")
    if facts.pregnant_or_breastfeeding:
        raised_bp = rules.pregnancy_sbp.hit(facts.sbp) or rules.pregnancy_dbp.hit(facts.dbp)
        raised_glucose = facts.disease == T2DM and rules.pregnancy_fpg.hit(facts.fpg)
        if raised_bp or raised_glucose:
            reasons.append("pregnancy")
    if facts.unmanageable_condition:
        reasons.append("unmanageable")
    return tuple(reasons)


def computed_category(facts: VisitFacts, on_target: bool | None) -> str:
    """Most severe wins (4 complication > 3 adverse reaction > 2 uncontrolled > 1 controlled)."""
    if facts.new_complication:
        return COMPLICATION
    if facts.adverse_reaction or facts.adr_hard_to_control:
        return ADVERSE_REACTION
    if on_target is False:
        return UNCONTROLLED
    return CONTROLLED


def streak_after(category: str, on_target: bool | None, previous_streak: int) -> int:
    """Consecutive uncontrolled visits: an uncontrolled category, or raised readings under
    a more severe category, extend the streak; a controlled visit ends it."""
    uncontrolled = category == UNCONTROLLED or (category in (ADVERSE_REACTION, COMPLICATION) and on_target is False)
    return previous_streak + 1 if uncontrolled else 0


def next_visit(
    visit_date: date,
    category: str,
    streak: int,
    urgent: bool,
    facts: VisitFacts,
    rules: RuleSet,
) -> tuple[str, date, tuple[str, ...]]:
    """(kind, date, referral reasons): the intervention table of spec §1.1/§1.2."""
    referral: list[str] = []
    if streak >= rules.consecutive_uncontrolled_for_referral:
        referral.append("consecutive_uncontrolled")
    if facts.adr_hard_to_control:
        referral.append("adr_hard_to_control")
    if category == COMPLICATION or facts.new_complication:
        referral.append("new_complication")
    if urgent or referral:
        return "referral", visit_date + timedelta(days=rules.referral_followup_days), tuple(referral)
    if category in (UNCONTROLLED, ADVERSE_REACTION):
        return "two_weeks", visit_date + timedelta(days=rules.short_interval_days), ()
    return "routine", add_months(visit_date, rules.routine_interval_months), ()


def assess(
    facts: VisitFacts,
    visit_date: date,
    previous_streak: int = 0,
    rules: RuleSet = NATIONAL,
    override_category: str | None = None,
) -> Assessment:
    """Everything the form computes: category, urgency, referral, next visit."""
    on_target, reasons = uncontrolled_reasons(facts, rules)
    computed = computed_category(facts, on_target)
    category = override_category or computed
    urgent = urgent_reasons(facts, rules)
    streak = streak_after(category, on_target, previous_streak)
    kind, due, referral = next_visit(visit_date, category, streak, bool(urgent), facts, rules)
    messages: list[str] = []
    if category == UNCONTROLLED and streak == 1:
        messages.append("first_uncontrolled")
    if category == ADVERSE_REACTION and not facts.adr_hard_to_control:
        messages.append("adverse_reaction")
    return Assessment(
        on_target=on_target,
        uncontrolled_reasons=reasons,
        computed_category=computed,
        category=category,
        urgent=bool(urgent),
        urgent_reasons=urgent,
        referral_suggested=bool(referral) and not urgent,
        referral_reasons=referral,
        uncontrolled_streak=streak,
        next_visit_kind=kind,
        next_visit_date=due,
        messages=tuple(messages),
    )


def on_target_reading(disease: str, age: int, sbp: int | None, dbp: int | None, fpg: float | None, rules: RuleSet = NATIONAL) -> bool:
    """达标 for the control-rate indicators: BP both below target, or fasting glucose below target."""
    if disease == HTN:
        if sbp is None or dbp is None:
            return False
        sbp_rule, dbp_rule = bp_targets(age, rules)
        return not sbp_rule.hit(sbp) and not dbp_rule.hit(dbp)
    return fpg is not None and not rules.fpg.hit(fpg)


# ---- 规范管理 (standardized management, spec §2) ------------------------------


def quarters_missed(enrolled_on: date, period_start: date, period_end: date) -> int:
    """Quarter blocks of the period that ended before the patient was enrolled."""
    return sum(1 for start in quarter_starts(period_start, period_end)[1:] if start <= enrolled_on)


def standard_requirements(missed: int, rules: RuleSet = NATIONAL) -> tuple[int, int]:
    """(face-to-face visits, quarters) needed, pro-rated for patients enrolled during the period."""
    if not rules.standard_prorate_new:
        missed = 0
    return max(1, rules.standard_min_visits - missed), max(1, rules.standard_min_quarters - missed)


def is_standardized(
    face_to_face_visits: int, quarters_visited: int, had_health_check: bool, missed: int, rules: RuleSet = NATIONAL
) -> bool:
    """Default: ≥4 face-to-face visits in the year, in every quarter, plus the annual health check."""
    need_visits, need_quarters = standard_requirements(missed, rules)
    if rules.standard_requires_health_check and not had_health_check:
        return False
    return face_to_face_visits >= need_visits and quarters_visited >= need_quarters


def with_overrides(base: RuleSet, values: dict[str, Any]) -> RuleSet:
    """A copy of ``base`` with already-validated values (see ``chronic.settings.parse_rules``)."""
    return replace(base, **values)
