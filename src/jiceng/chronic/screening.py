"""The screening path for residents aged 35 and over (spec §1.1), as pure functions.

Raised once → remove causes and re-check; raised on 3 different days → preliminary
diagnosis, referral to confirm, follow-up within 2 weeks; high risk → BP at least
every 6 months; otherwise once a year.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from jiceng.chronic.rules import ALL_RISK_FACTORS, NATIONAL, RuleSet, add_months


@dataclass(frozen=True)
class Reading:
    measured_on: date
    sbp: int | None
    dbp: int | None


@dataclass(frozen=True)
class ScreeningFacts:
    age: int
    sex: str
    readings: Sequence[Reading]  # this resident's screening readings, any order, including today's
    declared_risks: tuple[str, ...] = ()  # family_history, high_salt, heavy_drinking (ticked on the form)
    bmi: float | None = None
    waist_cm: float | None = None
    drinking_ml: float | None = None
    fpg: float | None = None


@dataclass(frozen=True)
class ScreeningAssessment:
    outcome: str
    raised_days: int
    risk_factors: tuple[str, ...]
    next_date: date
    referral_suggested: bool


def raised(reading: Reading, rules: RuleSet = NATIONAL) -> bool:
    return rules.htn_sbp.hit(reading.sbp) or rules.htn_dbp.hit(reading.dbp)


def raised_days(readings: Iterable[Reading], rules: RuleSet = NATIONAL) -> int:
    """Distinct days with raised BP in the current run (back from the latest to the last normal day)."""
    by_day: dict[date, bool] = {}
    for r in readings:
        by_day[r.measured_on] = by_day.get(r.measured_on, False) or raised(r, rules)
    count = 0
    for day in sorted(by_day, reverse=True):
        if not by_day[day]:
            break
        count += 1
    return count


def risk_factors(facts: ScreeningFacts, latest: Reading | None, rules: RuleSet = NATIONAL) -> tuple[str, ...]:
    found = set(facts.declared_risks)
    if latest is not None and latest.sbp is not None and latest.dbp is not None:
        high_normal = latest.sbp >= 130 or latest.dbp >= 85
        if high_normal and not raised(latest, rules):
            found.add("high_normal_bp")
    if facts.bmi is not None and facts.bmi >= rules.overweight_bmi:
        found.add("overweight")
    waist_limit = rules.waist_men_cm if facts.sex == "1" else rules.waist_women_cm
    if facts.waist_cm is not None and facts.waist_cm >= waist_limit:
        found.add("waist")
    if facts.drinking_ml is not None and facts.drinking_ml >= rules.heavy_drinking_ml:
        found.add("heavy_drinking")
    if facts.age >= rules.risk_age:
        found.add("age")
    return tuple(code for code in ALL_RISK_FACTORS if code in found and code in rules.risk_factors)


def assess_screening(facts: ScreeningFacts, screened_on: date, rules: RuleSet = NATIONAL) -> ScreeningAssessment:
    """The screening path: raised once → re-check; raised on 3 different days → preliminary
    diagnosis and referral to confirm (follow up within 2 weeks); high risk → every 6 months."""
    ordered = sorted(facts.readings, key=lambda r: r.measured_on)
    latest = ordered[-1] if ordered else None
    days = raised_days(ordered, rules)
    factors = risk_factors(facts, latest, rules)
    if days >= rules.diagnosis_days:
        return ScreeningAssessment("suspected", days, factors, screened_on + timedelta(days=rules.referral_followup_days), True)
    if days >= 1:
        return ScreeningAssessment("recheck", days, factors, screened_on + timedelta(days=rules.screening_recheck_days), False)
    if rules.fpg.hit(facts.fpg):
        return ScreeningAssessment("glucose_recheck", 0, factors, screened_on + timedelta(days=rules.screening_recheck_days), False)
    if factors:
        return ScreeningAssessment("high_risk", 0, factors, add_months(screened_on, rules.high_risk_interval_months), False)
    return ScreeningAssessment("normal", 0, factors, add_months(screened_on, rules.screening_interval_months), False)
