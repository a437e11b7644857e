"""Hypertension and type 2 diabetes management: the domain's public functions.

Enrolment (纳入管理), screening (≥35), referrals, long prescriptions and the patient
summary live here; visits in ``chronic.visits``, worklists in ``chronic.worklist``,
indicators in ``chronic.indicators`` (all re-exported for other domains).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from jiceng.chronic import access, codes, repository
from jiceng.chronic.form import Field
from jiceng.chronic.models import Enrolment, LongPrescription, Referral, Screening, Visit
from jiceng.chronic.orders import create_prescription, follow_up_referral, stop_prescription
from jiceng.chronic.rules import age_on
from jiceng.chronic.screening import Reading, ScreeningFacts, assess_screening
from jiceng.chronic.settings import load_rules, save_rules
from jiceng.chronic.validation import bmi, number, parse_disease
from jiceng.chronic.visits import SignedVisit, amend_visit, get_visit, preview, refresh_schedule, sign_visit, timeline
from jiceng.chronic.worklist import Worklist, worklist
from jiceng.chronic.worklist import workbook as worklist_workbook
from jiceng.core import audit
from jiceng.core import validators as v
from jiceng.core.clock import local_today
from jiceng.core.errors import ErrorCollector, NotFound, VersionMismatch
from jiceng.core.ids import parse_id
from jiceng.core.security import Principal

__all__ = [
    "SignedVisit",
    "Worklist",
    "amend_visit",
    "get_visit",
    "load_rules",
    "preview",
    "save_rules",
    "sign_visit",
    "timeline",
    "worklist",
    "worklist_workbook",
]

STATUS_FINAL = {"deceased"}


def _resident(session: Session, principal: Principal, resident_id: uuid.UUID) -> Any:
    resident = repository.resident(session, principal, resident_id)
    if resident is None:
        raise NotFound("居民档案", "resident record")
    return resident


def _text(data: Mapping[str, Any], key: str, limit: int) -> str:
    return v.text(data.get(key))[:limit]


# ---- enrolment (纳入管理) ------------------------------------------------------


def enrol(
    session: Session, principal: Principal, resident_id: uuid.UUID, data: Mapping[str, Any], *, today: date | None = None
) -> Enrolment:
    principal.require(access.WRITE)
    resident = _resident(session, principal, resident_id)
    today = today or local_today()
    rules = load_rules(session)
    errors = ErrorCollector()
    disease = parse_disease(errors, data.get("disease"))
    diagnosed = v.check_date(
        errors,
        "diagnosis_date",
        ("确诊日期", "Diagnosis date"),
        data.get("diagnosis_date"),
        required=True,
        not_after=today,
        not_before=resident.birth_date,
    )
    basis = v.check_code(errors, "diagnosis_basis", codes.DIAGNOSIS_BASIS, data.get("diagnosis_basis") or "1", required=True)
    source = v.check_code(errors, "source", codes.SOURCE, data.get("source"), required=True)
    enrolled_on = v.check_date(
        errors, "enrolled_on", ("纳入管理日期", "Enrolment date"), data.get("enrolled_on") or today, required=True, not_after=today
    )
    if diagnosed and enrolled_on and enrolled_on < diagnosed:
        errors.add(
            "enrolled_on", "before_diagnosis", "纳入管理日期：不能早于确诊日期", "Enrolment date: must not be before the diagnosis date"
        )
    doctor_id = (
        _uuid(errors, "responsible_doctor_id", ("责任医生", "Responsible doctor"), data.get("responsible_doctor_id")) or principal.staff_id
    )
    if resident.status != "active":
        errors.add(
            "resident_id",
            "not_active",
            "居民档案：非在档状态（迁出或死亡），不能纳入管理",
            "Resident: the record is not active (moved out or deceased)",
        )
    age = age_on(resident.birth_date, enrolled_on or today)
    if age < rules.enrol_min_age:
        errors.add(
            "resident_id",
            "too_young",
            f"居民年龄：{age} 岁，规范管理对象为 {rules.enrol_min_age} 岁及以上居民",
            f"Resident's age: {age}; the programme manages residents aged {rules.enrol_min_age} and over",
        )
    if disease and repository.enrolment(session, principal, resident_id, disease) is not None:
        errors.add(
            "disease",
            "already_enrolled",
            f"管理病种：已纳入{codes.DISEASE.label(disease)}管理",
            f"Condition: already managed for {codes.DISEASE.label(disease, 'en').lower()}",
        )
    errors.raise_if_any()
    enrolment = Enrolment(
        resident_id=resident_id,
        disease=disease,
        diagnosis_date=diagnosed,
        diagnosis_basis=basis,
        diagnosis_institution=_text(data, "diagnosis_institution", 200),
        source=source,
        enrolled_on=enrolled_on,
        responsible_institution_id=principal.institution_id,
        responsible_doctor_id=doctor_id,
        responsible_team=_text(data, "responsible_team", 100),
        status="managed",
        notes=_text(data, "notes", 2000),
        next_due_date=enrolled_on,
        next_visit_kind="routine",
        last_urgent=False,
        uncontrolled_streak=0,
    )
    session.add(enrolment)
    session.flush()
    audit.record(session, principal, "create", "chronic_enrolment", enrolment.id, resident_id=resident_id, detail={"disease": disease})
    return enrolment


def _uuid(errors: ErrorCollector, name: str, label: tuple[str, str], raw: Any) -> uuid.UUID | None:
    if v.blank(raw):
        return None
    parsed = raw if isinstance(raw, uuid.UUID) else parse_id(str(raw))
    if parsed is None:
        errors.add(name, "invalid_id", f"{label[0]}：不是有效的标识符", f"{label[1]}: not a valid identifier")
    return parsed


def update_enrolment(
    session: Session,
    principal: Principal,
    enrolment_id: uuid.UUID,
    data: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> Enrolment:
    """Change the status (moved, deceased, lost to follow-up, managed again), the responsible
    doctor or team, or the diagnosis details."""
    principal.require(access.WRITE)
    enrolment = repository.enrolment_by_id(session, principal, enrolment_id)
    if enrolment is None:
        raise NotFound("慢病管理档案", "chronic-disease enrolment")
    if expected_version is not None and expected_version != enrolment.version:
        raise VersionMismatch(expected_version, enrolment.version)
    today = today or local_today()
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    if "status" in data:
        status = v.check_code(errors, "status", codes.ENROLMENT_STATUS, data.get("status"), required=True)
        if status and status != enrolment.status:
            if enrolment.status in STATUS_FINAL:
                errors.add("status", "final", "管理状态：死亡为最终状态，不能更改", "Management status: deceased is final")
            values["status"] = status
            values["status_date"] = v.check_date(
                errors, "status_date", ("状态日期", "Status date"), data.get("status_date") or today, required=True, not_after=today
            )
            values["status_reason"] = _text(data, "status_reason", 300)
            if status != "managed" and not values["status_reason"] and status == "lost":
                errors.add(
                    "status_reason", "required", "状态原因：失访时必填（如联系不上的经过）", "Reason: required for lost to follow-up"
                )
    for key, limit in (("responsible_team", 100), ("diagnosis_institution", 200), ("notes", 2000)):
        if key in data:
            values[key] = _text(data, key, limit)
    if "responsible_doctor_id" in data:
        values["responsible_doctor_id"] = _uuid(
            errors, "responsible_doctor_id", ("责任医生", "Responsible doctor"), data.get("responsible_doctor_id")
        )
    if "diagnosis_basis" in data:
        values["diagnosis_basis"] = v.check_code(
            errors, "diagnosis_basis", codes.DIAGNOSIS_BASIS, data.get("diagnosis_basis"), required=True
        )
    errors.raise_if_any()
    changed = sorted(k for k, val in values.items() if getattr(enrolment, k) != val)
    for key in changed:
        setattr(enrolment, key, values[key])
    session.flush()
    audit.record(
        session, principal, "update", "chronic_enrolment", enrolment.id, resident_id=enrolment.resident_id, detail={"fields": changed}
    )
    return enrolment


# ---- the patient's chronic record ----------------------------------------------


@dataclass(frozen=True)
class PatientSummary:
    resident: Any
    age: int
    enrolments: Sequence[Enrolment]
    visits: Sequence[Visit]
    superseded: set[uuid.UUID]
    screenings: Sequence[Screening]
    referrals: Sequence[Referral]
    prescriptions: Sequence[LongPrescription]


def patient(session: Session, principal: Principal, resident_id: uuid.UUID, *, audit_view: bool = True) -> PatientSummary:
    """Everything chronic about one resident (in scope, else 404); the view is audited."""
    principal.require(access.READ)
    resident = _resident(session, principal, resident_id)
    visits = repository.visits_of(session, principal, resident_id)
    if audit_view:
        audit.record(session, principal, "view", "chronic_patient", resident_id, resident_id=resident_id)
    return PatientSummary(
        resident=resident,
        age=age_on(resident.birth_date, local_today()),
        enrolments=repository.enrolments_of(session, principal, resident_id),
        visits=visits,
        superseded=repository.amended_ids(session, [x.id for x in visits]),
        screenings=repository.screenings_of(session, principal, resident_id),
        referrals=repository.referrals_of(session, principal, resident_id),
        prescriptions=repository.prescriptions_of(session, principal, resident_id),
    )


# ---- screening (≥35) ---------------------------------------------------------------

SCREENING_FIELDS = {
    "sbp": Field("sbp", "收缩压", "Systolic BP", "int", low=50, high=300, unit="mmHg"),
    "dbp": Field("dbp", "舒张压", "Diastolic BP", "int", low=30, high=200, unit="mmHg"),
    "height_cm": Field("height_cm", "身高", "Height", "number", low=80, high=230, unit="cm"),
    "weight_kg": Field("weight_kg", "体重", "Weight", "number", low=20, high=250, unit="kg"),
    "waist_cm": Field("waist_cm", "腰围", "Waist", "number", low=40, high=200, unit="cm"),
    "drinking_ml": Field("drinking_ml", "日饮白酒量", "Liquor a day", "number", low=0, high=2000, unit="ml"),
    "fpg": Field("fpg", "空腹血糖", "Fasting glucose", "number", low=1.0, high=40.0, unit="mmol/L"),
}
DECLARED_RISKS = ("family_history", "high_salt", "heavy_drinking")


def record_screening(
    session: Session, principal: Principal, resident_id: uuid.UUID, data: Mapping[str, Any], *, today: date | None = None
) -> Screening:
    """An annual BP measurement or re-check; the outcome follows the screening path of spec §1.1."""
    principal.require(access.WRITE)
    resident = _resident(session, principal, resident_id)
    today = today or local_today()
    rules = load_rules(session)
    errors = ErrorCollector()
    screened_on = v.check_date(
        errors, "screened_on", ("测量日期", "Measured on"), data.get("screened_on") or today, required=True, not_after=today
    )
    values = {key: number(errors, f, data.get(key)) for key, f in SCREENING_FIELDS.items()}
    for key in ("sbp", "dbp"):
        if values[key] is None and not errors.has(key):
            errors.add(key, "required", f"{SCREENING_FIELDS[key].zh}：必填", f"{SCREENING_FIELDS[key].en}: required")
    if values["sbp"] is not None and values["dbp"] is not None and values["dbp"] >= values["sbp"]:
        errors.add("dbp", "dbp_not_below_sbp", "舒张压：应低于收缩压", "Diastolic BP: must be lower than systolic")
    declared = v.check_codes(errors, "declared_risks", codes.SCREENING_RISK, data.get("declared_risks") or [])
    if any(code not in DECLARED_RISKS for code in declared):
        errors.add(
            "declared_risks",
            "computed_risk",
            "高危因素：血压高值、超重、腰围、年龄由系统计算，无需勾选",
            "High-risk factors: BP, weight, waist and age are computed, not ticked",
        )
    age = age_on(resident.birth_date, screened_on or today)
    if age < rules.screening_min_age:
        errors.add(
            "resident_id",
            "too_young",
            f"居民年龄：{age} 岁，筛查对象为 {rules.screening_min_age} 岁及以上居民",
            f"Resident's age: {age}; screening is for residents aged {rules.screening_min_age} and over",
        )
    errors.raise_if_any()
    assert screened_on is not None
    earlier = [Reading(s.screened_on, s.sbp, s.dbp) for s in repository.screenings_of(session, principal, resident_id)]
    facts = ScreeningFacts(
        age=age,
        sex=resident.sex,
        readings=[*earlier, Reading(screened_on, values["sbp"], values["dbp"])],
        declared_risks=tuple(d for d in declared if d in DECLARED_RISKS),
        bmi=bmi(values["weight_kg"], values["height_cm"]),
        waist_cm=values["waist_cm"],
        drinking_ml=values["drinking_ml"],
        fpg=values["fpg"],
    )
    result = assess_screening(facts, screened_on, rules)
    screening = Screening(
        resident_id=resident_id,
        screened_on=screened_on,
        **values,
        bmi=facts.bmi,
        declared_risks=list(facts.declared_risks),
        risk_factors=list(result.risk_factors),
        raised_days=result.raised_days,
        outcome=result.outcome,
        next_date=result.next_date,
        referral_suggested=result.referral_suggested,
        screener_id=principal.staff_id,
        screener_name=principal.display_name or principal.username,
        institution_id=principal.institution_id,
        notes=_text(data, "notes", 1000),
    )
    session.add(screening)
    session.flush()
    audit.record(
        session, principal, "create", "chronic_screening", screening.id, resident_id=resident_id, detail={"outcome": result.outcome}
    )
    open_screening_referral = any(r.status == "open" and r.screening_id for r in repository.referrals_of(session, principal, resident_id))
    if result.referral_suggested and not open_screening_referral:
        referral = Referral(
            resident_id=resident_id,
            disease=codes.HTN,
            screening_id=screening.id,
            kind="suggested",
            reasons=["screening_suspected"],
            raised_on=screened_on,
            followup_due=screened_on + timedelta(days=rules.referral_followup_days),
            status="open",
            raised_by=screening.screener_name,
            institution_id=principal.institution_id,
        )
        session.add(referral)
        session.flush()
        audit.record(session, principal, "create", "chronic_referral", referral.id, resident_id=resident_id, detail={"kind": "suggested"})
    return screening


__all__ += [
    "PatientSummary",
    "create_prescription",
    "enrol",
    "follow_up_referral",
    "patient",
    "record_screening",
    "refresh_schedule",
    "stop_prescription",
    "update_enrolment",
]
