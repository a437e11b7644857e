"""One generated chronic-disease patient: enrolment, a year of follow-ups scheduled by the real
rules, the referrals and long prescriptions they lead to (used by :mod:`jiceng.synthetic.chronic`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from jiceng.chronic.codes import HTN, T2DM
from jiceng.chronic.rules import NATIONAL, Assessment, VisitFacts, add_months, age_on, assess
from jiceng.synthetic.context import GenerationContext

HTN_DRUGS = [
    ("苯磺酸氨氯地平片", 1, "5mg"),
    ("硝苯地平缓释片", 2, "20mg"),
    ("厄贝沙坦片", 1, "150mg"),
    ("缬沙坦胶囊", 1, "80mg"),
    ("氢氯噻嗪片", 1, "12.5mg"),
    ("琥珀酸美托洛尔缓释片", 1, "47.5mg"),
]
DM_DRUGS = [("盐酸二甲双胍片", 3, "0.5g"), ("格列美脲片", 1, "2mg"), ("阿卡波糖片", 3, "50mg"), ("格列齐特缓释片", 1, "30mg")]
# Profiles: (share, systolic mean, fasting-glucose mean)
PROFILES = ((0.52, 127, 6.1), (0.30, 137, 6.8), (0.18, 149, 8.0))
# Adherence: (share, largest delay in days after the due date, lost to follow-up)
ADHERENCE = ((0.80, 7, False), (0.16, 50, False), (0.04, 0, True))
SIGNED_AT = time(9, 30)
CACHE_DAY = date(2000, 1, 1)
MODES = ("1",) * 62 + ("2",) * 27 + ("3",) * 11  # clinic, home, phone


@dataclass
class Patient:
    resident_id: uuid.UUID
    village_code: str
    birth: date
    sex: str
    diagnosed: dict[str, date]


def _visit_base(disease: str) -> dict[str, Any]:
    """The columns that do not vary between generated visits of a condition (the loader
    writes every column, so each NOT NULL one needs a value)."""
    htn = disease == HTN
    return {
        "disease": disease,
        "amends_id": None,
        "amendment_reason": "",
        "voided": False,
        "symptoms": ["1"],
        "symptoms_other": "",
        "critical_signs": [],
        "pregnant_or_breastfeeding": False,
        "unmanageable_condition": False,
        "target_weight_kg": None,
        "target_bmi": None,
        "temperature": None,
        "pedal_pulse": None if htn else "1",
        "pedal_pulse_side": None,
        "other_signs": "",
        "smoking_per_day": None,
        "smoking_target": None,
        "drinking_liang": None,
        "drinking_target": None,
        "exercise_minutes": 30,
        "exercise_target_per_week": 7,
        "exercise_target_minutes": 30,
        "salt": "2" if htn else None,
        "salt_target": "1" if htn else None,
        "staple_g": None if htn else 300,
        "staple_target_g": None if htn else 250,
        "psychology": "1",
        "ppg": None,
        "hba1c": None,
        "hba1c_date": None,
        "other_tests": "",
        "adr_hard_to_control": False,
        "new_complication": False,
        "complication_detail": "",
        "hypoglycaemia": None if htn else "1",
        "insulin_kind": "",
        "insulin_usage": "",
        "medication_adjustment": [],
        "category_override_reason": "",
        "referral_reason": "",
        "referral_to": "",
        "referral_contact": "",
        "referral_result": None,
        "remarks": "",
        "resident_signed": True,
    }


class ChronicFactory:
    def __init__(self, ctx: GenerationContext) -> None:
        self.ctx = ctx
        self.rng = ctx.child_rng("chronic")
        self.today = ctx.today
        self.window_start = ctx.today - timedelta(days=365)
        self.bases = {disease: _visit_base(disease) for disease in (HTN, T2DM)}
        self.doctors: dict[str, tuple[uuid.UUID | None, uuid.UUID | None, str]] = {}
        for village in ctx.villages:
            staff = ctx.staff.get(village.clinic_id, {})
            doctor_ids = staff.get("village_doctor") or staff.get("physician") or []
            self.doctors[village.code] = (village.clinic_id, doctor_ids[0] if doctor_ids else None, f"{village.name}卫生室")
        self.enrolments: list[dict[str, Any]] = []
        self.visits: list[dict[str, Any]] = []
        self.referrals: list[dict[str, Any]] = []
        self.prescriptions: list[dict[str, Any]] = []
        self.referral_open_until: dict[uuid.UUID, date] = {}
        self.referred_visits: set[uuid.UUID] = set()
        self.assessed: dict[tuple[Any, ...], Assessment] = {}

    def _pick(self, table: tuple[tuple[Any, ...], ...]) -> tuple[Any, ...]:
        roll, total = self.rng.random(), 0.0
        for row in table:
            total += row[0]
            if roll < total:
                return row
        return table[-1]

    def patient(self, person: Patient, disease: str) -> None:
        rng = self.rng
        institution, doctor, doctor_name = self.doctors.get(person.village_code, (None, None, "村医"))
        diagnosed = person.diagnosed.get(disease) or self.today - timedelta(days=rng.randrange(60, 3650))
        diagnosed = max(diagnosed, person.birth + timedelta(days=365 * 30))
        enrolled_on = min(diagnosed + timedelta(days=rng.randrange(0, 45)), self.today - timedelta(days=20))
        if enrolled_on < diagnosed:
            diagnosed = enrolled_on
        if age_on(person.birth, enrolled_on) < NATIONAL.enrol_min_age:
            enrolled_on = person.birth.replace(year=person.birth.year + NATIONAL.enrol_min_age, day=min(person.birth.day, 28))
            diagnosed = min(diagnosed, enrolled_on)
        _share, sbp_mean, fpg_mean = self._pick(PROFILES)
        _share2, max_delay, lost = self._pick(ADHERENCE)
        enrolment_id = self.ctx.new_id()
        drugs = HTN_DRUGS if disease == HTN else DM_DRUGS
        medications = [{"name": n, "per_day": p, "dose": d} for n, p, d in rng.sample(drugs, rng.choice((1, 1, 2)))]
        height = round(rng.gauss(168 if person.sex == "1" else 157, 6), 1)
        weight = round(height - 105 + rng.gauss(4, 8), 1)
        last: dict[str, Any] | None = None
        streak = 0
        readings = (float(sbp_mean), float(fpg_mean))  # this patient's current means
        if not lost:
            start = max(self.window_start, enrolled_on)
            day = start + timedelta(days=rng.randrange(0, 20 if start == enrolled_on else 90))
            while day <= self.today:
                last = self._visit(
                    person, disease, enrolment_id, day, streak, readings, medications, (height, weight), (institution, doctor, doctor_name)
                )
                streak = last["uncontrolled_streak"]
                readings = self._respond(last, readings, sbp_mean, fpg_mean)
                delay = rng.randrange(0, max_delay + 1) if rng.random() < 0.5 else rng.randrange(0, 4)
                if last["next_visit_kind"] != "routine" and rng.random() < 0.45:
                    delay += rng.randrange(40, 80)  # the 2-week re-check did not happen in time
                day = last["next_visit_date"] + timedelta(days=delay)
        status = "lost" if lost and rng.random() < 0.6 else "managed"
        self.enrolments.append(
            {
                "id": enrolment_id,
                "resident_id": person.resident_id,
                "disease": disease,
                "diagnosis_date": diagnosed,
                "diagnosis_basis": "1" if rng.random() < 0.7 else "2",
                "diagnosis_institution": "",
                "source": rng.choice(("screening", "clinic", "clinic", "hospital", "health_check")),
                "enrolled_on": enrolled_on,
                "responsible_institution_id": institution,
                "responsible_doctor_id": doctor,
                "responsible_team": "",
                "status": status,
                "status_date": self.today - timedelta(days=rng.randrange(30, 200)) if status == "lost" else None,
                "status_reason": "外出务工，联系不上" if status == "lost" else "",
                "notes": "",
                "next_due_date": last["next_visit_date"] if last else enrolled_on,
                "next_visit_kind": last["next_visit_kind"] if last else "routine",
                "last_visit_id": last["id"] if last else None,
                "last_visit_date": last["visit_date"] if last else None,
                "last_category": last["category"] if last else None,
                "last_sbp": last["sbp"] if last else None,
                "last_dbp": last["dbp"] if last else None,
                "last_fpg": last["fpg"] if last else None,
                "last_urgent": last["urgent"] if last else False,
                "uncontrolled_streak": streak,
            }
        )
        if last and last["category"] == "1" and not last["urgent"] and rng.random() < 0.12:
            self._prescription(person, enrolment_id, last, medications[0], doctor, doctor_name, institution)

    def _assess(
        self, disease: str, age: int, sbp: int, dbp: int, fpg: float | None, adverse: bool, streak: int, day: date
    ) -> tuple[Assessment, date]:
        """``rules.assess`` and the next visit date, memoized on what decides the result
        (for diabetes, BP only matters at the critical thresholds). A million visits at city scale."""
        if disease == HTN:
            readings: tuple[Any, ...] = (age >= NATIONAL.elderly_age, sbp, dbp)
        else:
            readings = (fpg, NATIONAL.critical_sbp.hit(sbp), NATIONAL.critical_dbp.hit(dbp))
        key = (disease, *readings, adverse, min(streak, NATIONAL.consecutive_uncontrolled_for_referral))
        known = self.assessed.get(key)
        if known is None:
            facts = VisitFacts(disease=disease, age=age, sbp=sbp, dbp=dbp, fpg=fpg, adverse_reaction=adverse)
            known = self.assessed[key] = assess(facts, CACHE_DAY, key[-1])
        if known.next_visit_kind == "routine":
            return known, add_months(day, NATIONAL.routine_interval_months)
        return known, day + (known.next_visit_date - CACHE_DAY)

    def _respond(self, last: dict[str, Any], readings: tuple[float, float], sbp_mean: float, fpg_mean: float) -> tuple[float, float]:
        """Treatment response: a referral (the hospital adjusts treatment) or an uncontrolled
        visit (a higher dose, another drug) brings readings down; they drift back slowly."""
        sbp_now, fpg_now = readings
        if last["id"] in self.referred_visits:
            return sbp_mean - 10, fpg_mean - 0.8
        if last["category"] == "2":
            return max(sbp_now - 3, sbp_mean - 9), max(fpg_now - 0.3, fpg_mean - 0.9)
        return min(sbp_now + 2, sbp_mean), min(fpg_now + 0.2, fpg_mean)

    def _visit(
        self,
        person: Patient,
        disease: str,
        enrolment_id: uuid.UUID,
        day: date,
        streak: int,
        readings: tuple[float, float],
        medications: list[dict[str, Any]],
        body: tuple[float, float],
        where: tuple[uuid.UUID | None, uuid.UUID | None, str],
    ) -> dict[str, Any]:
        rng = self.rng
        sbp_mean, fpg_mean = readings
        height, weight = body
        institution, doctor, doctor_name = where
        critical = rng.random() < 0.004
        sbp = int(rng.gauss(sbp_mean, 8)) if not critical or disease == T2DM else 180 + int(rng.random() * 16)
        sbp = max(96, min(sbp, 210))
        dbp = max(58, min(int(sbp * 0.6 + rng.gauss(2, 5)), sbp - 25))
        fpg = None
        if disease == T2DM:
            fpg = round(max(4.2, rng.gauss(fpg_mean, 0.8)), 1)
            if critical:
                fpg = round(rng.uniform(16.7, 19.5), 1) if rng.random() < 0.7 else round(rng.uniform(3.2, 3.9), 1)
        adverse = rng.random() < 0.01
        age = age_on(person.birth, day)
        result, due = self._assess(disease, age, sbp, dbp, fpg, adverse, streak, day)
        row = dict(self.bases[disease])
        row.update(
            id=self.ctx.new_id(),
            enrolment_id=enrolment_id,
            resident_id=person.resident_id,
            visit_date=day,
            mode=MODES[int(rng.random() * len(MODES))],
            age_years=age,
            sbp=sbp,
            dbp=dbp,
            height_cm=height,
            weight_kg=round(weight + rng.gauss(0, 1), 1),
            bmi=round(weight / (height / 100) ** 2, 1),
            heart_rate=62 + int(rng.random() * 30),
            exercise_per_week=(3, 5, 7)[int(rng.random() * 3)],
            compliance="1" if sbp < 150 else "2",
            fpg=fpg,
            adherence="1" if sbp < 145 or rng.random() < 0.5 else "2",
            adverse_reaction=adverse,
            adverse_reaction_detail="干咳" if adverse else "",
            medications=medications,
            on_target=result.on_target,
            computed_category=result.computed_category,
            category=result.category,
            uncontrolled_streak=result.uncontrolled_streak,
            urgent=result.urgent,
            reasons=list(result.urgent_reasons + result.referral_reasons + result.uncontrolled_reasons),
            computed_next_date=due,
            next_visit_kind=result.next_visit_kind,
            next_visit_date=due,
            doctor_id=doctor,
            doctor_name=doctor_name,
            institution_id=institution,
            signed_at=datetime.combine(day, SIGNED_AT, tzinfo=UTC),
        )
        self.visits.append(row)
        if result.urgent or (result.referral_suggested and (self.referral_open_until.get(enrolment_id) or date.min) < day):
            self._referral(row, result.urgent, list(result.urgent_reasons + result.referral_reasons), institution)
        return row

    def _referral(self, visit: dict[str, Any], urgent: bool, reasons: list[str], institution: uuid.UUID | None) -> None:
        due = visit["visit_date"] + timedelta(days=NATIONAL.referral_followup_days)
        done = due < self.today and self.rng.random() < 0.9
        # Like the service: no new suggested referral while one awaits follow-up.
        self.referral_open_until[visit["enrolment_id"]] = due if done else date.max
        self.referred_visits.add(visit["id"])
        self.referrals.append(
            {
                "id": self.ctx.new_id(),
                "resident_id": visit["resident_id"],
                "enrolment_id": visit["enrolment_id"],
                "visit_id": visit["id"],
                "screening_id": None,
                "disease": visit["disease"],
                "kind": "urgent" if urgent else "suggested",
                "reasons": reasons,
                "raised_on": visit["visit_date"],
                "followup_due": due,
                "to_institution": "县人民医院",
                "status": "followed_up" if done else "open",
                "followed_up_on": visit["visit_date"] + timedelta(days=self.rng.randrange(3, 14)) if done else None,
                "result": "1" if done else None,
                "outcome": "上级医院调整用药后病情稳定" if done else "",
                "raised_by": visit["doctor_name"],
                "institution_id": institution,
            }
        )

    def _prescription(
        self,
        person: Patient,
        enrolment_id: uuid.UUID,
        last: dict[str, Any],
        drug: dict[str, Any],
        doctor: uuid.UUID | None,
        name: str,
        institution: uuid.UUID | None,
    ) -> None:
        start = last["visit_date"]
        days = self.rng.choice((28, 56, 84))
        self.prescriptions.append(
            {
                "id": self.ctx.new_id(),
                "resident_id": person.resident_id,
                "enrolment_id": enrolment_id,
                "drug_name": drug["name"],
                "specification": drug["dose"],
                "dose": drug["dose"],
                "frequency_per_day": drug["per_day"] or 1,
                "quantity": days * (drug["per_day"] or 1),
                "quantity_unit": "片",
                "days": days,
                "start_date": start,
                "end_date": start + timedelta(days=days - 1),
                "condition_controlled": True,
                "condition_stable": True,
                "basis_visit_id": last["id"],
                "prescriber_id": doctor,
                "prescriber_name": name,
                "institution_id": institution,
                "status": "active",
                "notes": "",
            }
        )
