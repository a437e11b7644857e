"""Elderly health management (老年人健康管理) with TCM constitution identification.

Once a year for every resident aged 65 and over: the health check (``jiceng.exams``),
and the TCM service — the 33-question record, the constitution determination and
guidance. This module records the TCM service, records a whole visit (check and
questionnaire together, BMI and waist measured once), tracks who has been served
this year and who is still missing, and prints the result for the resident.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jiceng.core import audit, clinical
from jiceng.core.clock import local_today
from jiceng.core.errors import Conflict, ErrorCollector, FieldError, NotFound, ValidationFailed
from jiceng.core.security import Principal
from jiceng.elderly import report, repository, tcm
from jiceng.elderly.access import ELDERLY_READ, ELDERLY_WRITE
from jiceng.elderly.models import TcmAssessment
from jiceng.elderly.tracking import (
    INDICATOR_LEVELS,
    MISSING,
    ServicePage,
    ServiceRow,
    VillageSummary,
    indicator_values,
    resident_year_status,
    service_summary,
    yearly_services,
)
from jiceng.elderly.validation import preview, validate_tcm
from jiceng.exams import service as exams

__all__ = [
    "ELDERLY_READ",
    "ELDERLY_WRITE",
    "INDICATOR_LEVELS",
    "MISSING",
    "ServicePage",
    "ServiceRow",
    "VillageSummary",
    "Visit",
    "correction_of",
    "get_tcm_assessment",
    "indicator_values",
    "latest_tcm_assessment",
    "list_tcm_assessments",
    "record_elderly_visit",
    "record_tcm_assessment",
    "resident_year_status",
    "result_pdf",
    "score_preview",
    "service_summary",
    "sign_tcm_assessment",
    "tcm_resident_ids",
    "update_tcm_assessment",
    "yearly_services",
]


def _resident(session: Session, principal: Principal, resident_id: uuid.UUID) -> Any:
    row = repository.resident(session, principal, resident_id)
    if row is None:
        raise NotFound("居民档案", "resident record")
    return row


def _record(session: Session, principal: Principal, record_id: uuid.UUID) -> TcmAssessment:
    record = repository.get(session, principal, record_id)
    if record is None:
        raise NotFound("中医药健康管理服务记录", "TCM service record")
    return record


def _measurements(
    session: Session, principal: Principal, resident_id: uuid.UUID, data: Mapping[str, Any], check: Any | None
) -> tuple[Any | None, float | None, float | None, list[FieldError]]:
    """BMI and waist for Q9 / Q28: from the visit's health check, else measured now
    (with any problems found in the measurements)."""
    if check is None and data.get("health_check_id"):
        try:
            check_id = uuid.UUID(str(data["health_check_id"]))
        except ValueError:
            check_id = None
        check = exams.get_health_check(session, principal, check_id) if check_id else None
        if check is None or check.resident_id != resident_id:
            raise ValidationFailed([FieldError("health_check_id", "not_found", "体检记录：不存在", "Health check: does not exist")])
    if check is not None:
        return check, check.bmi, check.waist_cm, []
    errors = ErrorCollector()
    values = {}
    for key, zh, en, low, high in (
        ("height_cm", "身高", "Height", 80, 230),
        ("weight_kg", "体重", "Weight", 20, 250),
        ("waist_cm", "腰围", "Waist", 40, 200),
    ):
        raw = data.get(key)
        try:
            value = None if raw in (None, "") else float(raw)
        except (TypeError, ValueError):
            value = None
            errors.add(key, "not_a_number", f"{zh}：“{raw}”不是数字", f"{en}: “{raw}” is not a number")
        if value is not None and not low <= value <= high:
            errors.add(key, "out_of_range", f"{zh}：超出合理范围（{low}–{high}）", f"{en}: outside the plausible range ({low}-{high})")
            value = None
        values[key] = value
    return None, exams.bmi(values["height_cm"], values["weight_kg"]), values["waist_cm"], errors.errors


# Why amends_id was refused (jiceng.core.clinical.check_correction).
CORRECTION_PROBLEMS = {
    "not_found": ("更正的服务记录：不存在", "Corrected record: does not exist"),
    "not_signed": ("更正的服务记录：草稿可直接修改", "Corrected record: a draft is edited, not corrected"),
    "already_amended": ("更正的服务记录：已有更正记录", "Corrected record: already corrected"),
}


def _amended(session: Session, principal: Principal, amends_id: Any, resident_id: uuid.UUID) -> TcmAssessment | None:
    if not amends_id:
        return None
    try:
        target = repository.get(session, principal, uuid.UUID(str(amends_id)))
    except ValueError:
        target = None
    clinical.check_correction(target, resident_id, lambda key: repository.amendment_of(session, key), CORRECTION_PROBLEMS)
    return target


def record_tcm_assessment(
    session: Session,
    principal: Principal,
    resident_id: uuid.UUID,
    data: Mapping[str, Any],
    *,
    sign: bool = True,
    today: date | None = None,
    health_check: Any | None = None,
) -> TcmAssessment:
    """Record the 33-question service with its determination and guidance.

    BMI and waist come from ``health_check`` (or ``data["health_check_id"]``), else from
    ``height_cm``/``weight_kg``/``waist_cm`` in ``data``. Signed unless ``sign=False``.
    """
    principal.require(ELDERLY_WRITE)
    resident = _resident(session, principal, resident_id)
    amends = _amended(session, principal, data.get("amends_id"), resident_id)
    check, bmi, waist, problems = _measurements(session, principal, resident_id, data, health_check)
    values = validate_tcm(
        data,
        birth_date=resident.birth_date,
        today=today or local_today(),
        signing=sign,
        bmi=bmi,
        waist_cm=waist,
        measurement_errors=problems,
    )
    record = TcmAssessment(
        resident_id=resident_id,
        institution_id=principal.institution_id,
        created_by=principal.username,
        health_check_id=check.id if check is not None else None,
        amends_id=amends.id if amends else None,
        **values,
    )
    if sign:
        clinical.sign(record, principal)
    session.add(record)
    session.flush()
    detail = {"status": record.status, "main_type": record.main_type, **({"amends": str(amends.id)} if amends else {})}
    audit.record(session, principal, "create", "tcm_assessment", record.id, resident_id=resident_id, detail=detail)
    return record


def update_tcm_assessment(
    session: Session,
    principal: Principal,
    record_id: uuid.UUID,
    data: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    sign: bool = False,
    today: date | None = None,
) -> TcmAssessment:
    """Change a draft (e.g. answers re-checked, physician's decision) and optionally sign it."""
    principal.require(ELDERLY_WRITE)
    record = _record(session, principal, record_id)
    clinical.require_draft(
        record,
        expected_version,
        Conflict("已签名的服务记录不能修改，请新建更正记录", "A signed record cannot be changed; record a correction instead"),
    )
    resident = _resident(session, principal, record.resident_id)
    stored = {
        "assessed_on": record.assessed_on,
        "answers": record.answers,
        "colds_per_year": record.colds_per_year,
        "allergies_per_year": record.allergies_per_year,
        "guidance": record.guidance,
        "guidance_other": record.guidance_other,
        "main_type": record.main_type if record.tied_types else None,
        "physician_confirmed": record.physician_confirmed,
        "doctor_name": record.doctor_name,
        "visit_mode": record.visit_mode,
    }
    merged = {**stored, **{k: val for k, val in data.items() if k not in ("amends_id", "resident_id", "sign", "health_check_id")}}
    if "answers" in data:
        merged["answers"] = {k: a for k, a in {**record.answers, **(data["answers"] or {})}.items() if k not in ("9", "28")}
    else:
        merged["answers"] = {k: a for k, a in record.answers.items() if k not in ("9", "28")}
    values = validate_tcm(
        merged, birth_date=resident.birth_date, today=today or local_today(), signing=sign, bmi=record.bmi, waist_cm=record.waist_cm
    )
    changed = clinical.apply_changes(record, values)
    if sign:
        clinical.sign(record, principal)
    session.flush()
    audit.record(
        session,
        principal,
        "sign" if sign else "update",
        "tcm_assessment",
        record.id,
        resident_id=record.resident_id,
        detail={"fields": changed},
    )
    return record


def sign_tcm_assessment(
    session: Session, principal: Principal, record_id: uuid.UUID, data: Mapping[str, Any] | None = None
) -> TcmAssessment:
    return update_tcm_assessment(session, principal, record_id, data or {}, sign=True)


@dataclass(frozen=True)
class Visit:
    health_check: Any
    tcm: TcmAssessment


def record_elderly_visit(
    session: Session,
    principal: Principal,
    resident_id: uuid.UUID,
    check_data: Mapping[str, Any],
    tcm_data: Mapping[str, Any],
    *,
    sign: bool = True,
    today: date | None = None,
) -> Visit:
    """The yearly visit on one screen: the health check and the TCM questionnaire,
    with BMI and waist measured once. Every problem of both forms is reported at once
    (TCM fields prefixed ``tcm.``); nothing is saved unless both are valid."""
    principal.require(ELDERLY_WRITE)
    principal.require(exams.EXAMS_WRITE)
    errors: list[FieldError] = []
    check = None
    try:
        with session.begin_nested():
            check = exams.create_health_check(session, principal, resident_id, check_data, sign=sign, today=today)
    except ValidationFailed as failed:
        errors += failed.errors
    merged = {**tcm_data, "assessed_on": tcm_data.get("assessed_on") or check_data.get("exam_date")}
    merged.setdefault("visit_mode", check_data.get("visit_mode"))
    merged.setdefault("doctor_name", check_data.get("doctor_name"))
    if check is None:
        merged.update({k: check_data.get(k) for k in ("height_cm", "weight_kg", "waist_cm")})
    try:
        with session.begin_nested():
            record = record_tcm_assessment(session, principal, resident_id, merged, sign=sign, today=today, health_check=check)
    except ValidationFailed as failed:
        measured = {"height_cm", "weight_kg", "waist_cm"}
        known = {e.field for e in errors}
        errors += [
            FieldError(e.field if e.field in measured else f"tcm.{e.field}", e.code, e.message_zh, e.message_en)
            for e in failed.errors
            if e.field not in known
        ]
    if errors:
        raise ValidationFailed(errors)
    assert check is not None
    return Visit(check, record)


def get_tcm_assessment(session: Session, principal: Principal, record_id: uuid.UUID) -> TcmAssessment:
    principal.require(ELDERLY_READ)
    record = _record(session, principal, record_id)
    audit.record(session, principal, "view", "tcm_assessment", record.id, resident_id=record.resident_id)
    return record


def correction_of(session: Session, principal: Principal, record: TcmAssessment) -> TcmAssessment | None:
    principal.require(ELDERLY_READ)
    return repository.amendment_of(session, record.id)


def list_tcm_assessments(session: Session, principal: Principal, resident_id: uuid.UUID) -> Sequence[TcmAssessment]:
    principal.require(ELDERLY_READ)
    _resident(session, principal, resident_id)
    records = repository.for_resident(session, principal, resident_id)
    audit.record(session, principal, "list", "tcm_assessment", resident_id=resident_id, detail={"results": len(records)})
    return records


def latest_tcm_assessment(session: Session, principal: Principal, resident_id: uuid.UUID) -> TcmAssessment | None:
    principal.require(ELDERLY_READ)
    _resident(session, principal, resident_id)
    record = repository.latest_signed(session, principal, resident_id)
    if record is not None:
        audit.record(session, principal, "view", "tcm_assessment", record.id, resident_id=resident_id, detail={"latest": True})
    return record


def tcm_resident_ids(period_start: date, period_end: date) -> Any:
    """A ``select`` of residents with a signed, complete TCM service in the period (unscoped)."""
    return repository.complete_resident_ids(period_start, period_end)


def result_pdf(session: Session, principal: Principal, record_id: uuid.UUID) -> bytes:
    """The printable one-page result of a TCM service (with its visit's health check)."""
    principal.require(ELDERLY_READ)
    record = _record(session, principal, record_id)
    resident = _resident(session, principal, record.resident_id)
    check = None
    if record.health_check_id:
        check = exams.get_health_check(session, principal, record.health_check_id)
    elif principal.can(exams.EXAMS_READ):
        check = exams.latest_health_check(session, principal, record.resident_id, on_or_before=record.assessed_on)
        if check is not None and check.exam_date.year != record.assessed_on.year:
            check = None
    audit.record(session, principal, "print", "tcm_assessment", record.id, resident_id=record.resident_id)
    return report.result_pdf(resident, check, record)


def score_preview(principal: Principal, data: Mapping[str, Any]) -> tcm.Determination:
    """Score answers (with ``bmi`` and ``waist_cm``) without saving anything."""
    principal.require(ELDERLY_READ)
    return preview(data)
