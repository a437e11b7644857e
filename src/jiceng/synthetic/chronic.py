"""Hypertension and diabetes patients with a year of follow-ups (``jiceng generate``).

Residents flagged with hypertension or diabetes (aged 35+) are enrolled; each gets a
year of visits scheduled by the real rules (``chronic.rules.assess``: quarterly when
controlled, 2 weeks after an uncontrolled visit, a referral after two in a row), with
realistic adherence: most are seen at least 4 times, some miss visits, a few are lost,
some stay uncontrolled and a few have critical readings. The enrolment's schedule,
referrals and some long prescriptions follow from the visits, exactly as the service
would have left them. At city scale: about 229 k and 78 k patients, ~1.2 M visits.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select

from jiceng.chronic.codes import HTN, T2DM
from jiceng.chronic.models import Enrolment, LongPrescription, Referral, Screening, Visit
from jiceng.chronic.rules import NATIONAL, age_on
from jiceng.residents.models import Resident
from jiceng.synthetic.chronic_patients import ChronicFactory, Patient
from jiceng.synthetic.context import GenerationContext
from jiceng.synthetic.run import register_step

# Share of flagged residents under management (city scale → Sanmenxia's 228,712 and 78,488).
ENROL_SHARE = {"htn": 0.88, "t2dm": 0.97}


def _diagnosis_dates(past: list[dict[str, Any]] | None) -> dict[str, date]:
    found: dict[str, date] = {}
    for item in past or []:
        month = item.get("diagnosed_on") or ""
        if item.get("code") in ("2", "3") and len(month) == 7:
            found[HTN if item["code"] == "2" else T2DM] = date(int(month[:4]), int(month[5:]), 15)
    return found


def _screenings(ctx: GenerationContext, rng: random.Random, people: list[tuple[uuid.UUID, date, str]]) -> list[dict[str, Any]]:
    """Annual BP measurements for a sample of residents aged 35+ without either condition."""
    rows = []
    for resident_id, birth, _sex in people:
        day = ctx.today - timedelta(days=rng.randrange(0, 330))
        sbp = int(rng.gauss(124, 12))
        dbp = max(60, min(int(sbp * 0.62 + rng.gauss(0, 5)), sbp - 25))
        raised = sbp >= 140 or dbp >= 90
        high_normal = not raised and (sbp >= 130 or dbp >= 85)
        age = age_on(birth, day)
        factors = [code for code, hit in (("high_normal_bp", high_normal), ("age", age >= NATIONAL.risk_age)) if hit]
        outcome = "recheck" if raised else ("high_risk" if factors else "normal")
        next_day = day + timedelta(days=7) if raised else day + timedelta(days=182 if factors else 365)
        rows.append(
            {
                "id": ctx.new_id(),
                "resident_id": resident_id,
                "screened_on": day,
                "sbp": sbp,
                "dbp": dbp,
                "height_cm": None,
                "weight_kg": None,
                "bmi": None,
                "waist_cm": None,
                "drinking_ml": None,
                "fpg": None,
                "declared_risks": [],
                "risk_factors": factors,
                "raised_days": 1 if raised else 0,
                "outcome": outcome,
                "next_date": next_day,
                "referral_suggested": False,
                "screener_id": None,
                "screener_name": "村医",
                "institution_id": None,
                "notes": "",
            }
        )
    return rows


def generate_chronic(ctx: GenerationContext) -> None:
    factory = ChronicFactory(ctx)
    rng = factory.rng
    born_by = ctx.today.replace(year=ctx.today.year - NATIONAL.enrol_min_age, day=min(ctx.today.day, 28))
    adults = (Resident.status == "active", Resident.deleted_at.is_(None), Resident.birth_date <= born_by)
    flagged = (
        select(
            Resident.id,
            Resident.village_code,
            Resident.birth_date,
            Resident.sex,
            Resident.has_hypertension,
            Resident.has_diabetes,
            Resident.past_diseases,
        )
        .where(*adults, or_(Resident.has_hypertension, Resident.has_diabetes))
        .order_by(Resident.village_code, Resident.record_number)
    )
    patients = 0
    for resident_id, village, birth, sex, htn, dm, past in ctx.session.execute(flagged).all():
        person = Patient(resident_id, village, birth, sex, _diagnosis_dates(past))
        for disease, has in ((HTN, htn), (T2DM, dm)):
            if has and rng.random() < ENROL_SHARE[disease]:
                factory.patient(person, disease)
                patients += 1
        if len(factory.visits) >= 50_000:
            _flush(ctx, factory)
            ctx.progress("chronic", patients, 0)
    _flush(ctx, factory)
    # Annual BP screening for about 1 in 100 residents aged 35+ without either condition.
    sample = (
        select(Resident.id, Resident.birth_date, Resident.sex)
        .where(*adults, ~Resident.has_hypertension, ~Resident.has_diabetes, Resident.record_number.like("%37"))
        .order_by(Resident.record_number)
    )
    ctx.loader.load(Screening, _screenings(ctx, rng, [(row[0], row[1], row[2]) for row in ctx.session.execute(sample).all()]))


def _flush(ctx: GenerationContext, factory: ChronicFactory) -> None:
    """Load what is buffered (enrolments first: visits and referrals refer to them)."""
    ctx.loader.load(Enrolment, factory.enrolments)
    ctx.loader.load(Visit, factory.visits)
    ctx.loader.load(Referral, factory.referrals)
    ctx.loader.load(LongPrescription, factory.prescriptions)
    factory.enrolments, factory.visits, factory.referrals, factory.prescriptions = [], [], [], []


register_step("chronic", generate_chronic, 40)
