"""The annual health check (健康体检表): record, sign, correct, find.

Used for the elderly, hypertension, type 2 diabetes and severe mental disorder
patients (spec §6.2). A check may be saved as a draft (e.g. while lab results are
pending) and edited until it is signed; once signed it is never changed, and a
correction is a new check with ``amends_id`` pointing at the one it corrects.

Other domains use :func:`create_health_check`, :func:`latest_health_check` and
:func:`health_check_resident_ids`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from jiceng.core import audit, clinical
from jiceng.core.clock import local_today
from jiceng.core.errors import Conflict, NotFound
from jiceng.core.permissions import grant
from jiceng.core.security import Principal
from jiceng.exams import repository
from jiceng.exams.measures import ELDERLY_AGE, bmi, in_elderly_cohort, years_before
from jiceng.exams.models import HealthCheck
from jiceng.exams.validation import flat_values, validate_health_check

EXAMS_READ = "exams.read"
EXAMS_WRITE = "exams.write"

for _role in ("village_doctor", "family_doctor", "nurse", "public_health", "exam_operator", "institution_admin"):
    grant(_role, EXAMS_READ, EXAMS_WRITE)
grant("console_operator", EXAMS_READ, EXAMS_WRITE)

__all__ = [
    "ELDERLY_AGE",
    "EXAMS_READ",
    "EXAMS_WRITE",
    "HealthCheck",
    "amend_health_check",
    "bmi",
    "correction_of",
    "create_health_check",
    "elderly_check_summary",
    "form_values",
    "get_health_check",
    "health_check_resident_ids",
    "in_elderly_cohort",
    "latest_health_check",
    "list_health_checks",
    "sign_health_check",
    "update_health_check",
    "years_before",
]


def _resident(session: Session, principal: Principal, resident_id: uuid.UUID) -> Any:
    row = repository.resident(session, principal, resident_id)
    if row is None:
        raise NotFound("居民档案", "resident record")
    return row


def _check(session: Session, principal: Principal, check_id: uuid.UUID) -> HealthCheck:
    check = repository.get(session, principal, check_id)
    if check is None:
        raise NotFound("体检记录", "health check")
    return check


def create_health_check(
    session: Session,
    principal: Principal,
    resident_id: uuid.UUID,
    data: Mapping[str, Any],
    *,
    sign: bool = True,
    today: date | None = None,
) -> HealthCheck:
    """Record a check for an in-scope resident; signed unless ``sign=False`` (a draft).

    ``data`` is the flat dict of ``jiceng.exams.form.FIELDS`` (``exam_date`` …);
    bad input raises :class:`ValidationFailed` naming every field, and nothing is saved.
    """
    principal.require(EXAMS_WRITE)
    resident = _resident(session, principal, resident_id)
    amends = _amended_target(session, principal, data.get("amends_id"), resident_id)
    values = validate_health_check(data, sex=resident.sex, birth_date=resident.birth_date, today=today or local_today(), signing=sign)
    check = HealthCheck(
        resident_id=resident_id,
        institution_id=principal.institution_id,
        created_by=principal.username,
        amends_id=amends.id if amends else None,
        **values,
    )
    if sign:
        clinical.sign(check, principal)
    session.add(check)
    session.flush()
    detail = {"status": check.status, **({"amends": str(amends.id)} if amends else {})}
    audit.record(session, principal, "create", "health_check", check.id, resident_id=resident_id, detail=detail)
    return check


# Why amends_id was refused (jiceng.core.clinical.check_correction).
CORRECTION_PROBLEMS = {
    "not_found": ("更正的体检记录：不存在", "Corrected check: does not exist"),
    "not_signed": ("更正的体检记录：草稿可直接修改，无需更正", "Corrected check: a draft is edited, not corrected"),
    "already_amended": ("更正的体检记录：已有更正记录，请更正最新的记录", "Corrected check: already corrected; correct the latest one"),
}


def _amended_target(session: Session, principal: Principal, amends_id: Any, resident_id: uuid.UUID) -> HealthCheck | None:
    if not amends_id:
        return None
    try:
        target_id = amends_id if isinstance(amends_id, uuid.UUID) else uuid.UUID(str(amends_id))
    except ValueError:
        target_id = None
    target = repository.get(session, principal, target_id) if target_id else None
    clinical.check_correction(target, resident_id, lambda key: repository.amendment_of(session, key), CORRECTION_PROBLEMS)
    return target


def amend_health_check(
    session: Session, principal: Principal, check_id: uuid.UUID, data: Mapping[str, Any], *, today: date | None = None
) -> HealthCheck:
    """A signed correction of a signed check (the original stays, marked as corrected)."""
    original = _check(session, principal, check_id)
    return create_health_check(session, principal, original.resident_id, {**data, "amends_id": original.id}, today=today)


def update_health_check(
    session: Session,
    principal: Principal,
    check_id: uuid.UUID,
    data: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    sign: bool = False,
    today: date | None = None,
) -> HealthCheck:
    """Change a draft (the fields sent replace the stored ones); optionally sign it."""
    principal.require(EXAMS_WRITE)
    check = _check(session, principal, check_id)
    clinical.require_draft(
        check,
        expected_version,
        Conflict("已签名的体检记录不能修改，请新建更正记录", "A signed health check cannot be changed; record a correction instead"),
    )
    resident = _resident(session, principal, check.resident_id)
    merged = {**flat_values(check), **{k: val for k, val in data.items() if k not in ("amends_id", "resident_id", "sign")}}
    values = validate_health_check(merged, sex=resident.sex, birth_date=resident.birth_date, today=today or local_today(), signing=sign)
    changed = clinical.apply_changes(check, values)
    if sign:
        clinical.sign(check, principal)
    session.flush()
    audit.record(
        session,
        principal,
        "sign" if sign else "update",
        "health_check",
        check.id,
        resident_id=check.resident_id,
        detail={"fields": changed},
    )
    return check


def sign_health_check(session: Session, principal: Principal, check_id: uuid.UUID, *, today: date | None = None) -> HealthCheck:
    """Sign a draft as it stands (every sign-time rule is checked)."""
    return update_health_check(session, principal, check_id, {}, sign=True, today=today)


def get_health_check(session: Session, principal: Principal, check_id: uuid.UUID) -> HealthCheck:
    principal.require(EXAMS_READ)
    check = _check(session, principal, check_id)
    audit.record(session, principal, "view", "health_check", check.id, resident_id=check.resident_id)
    return check


def correction_of(session: Session, principal: Principal, check: HealthCheck) -> HealthCheck | None:
    """The check that corrects ``check``, if any (the caller has already read ``check``)."""
    principal.require(EXAMS_READ)
    return repository.amendment_of(session, check.id)


def list_health_checks(session: Session, principal: Principal, resident_id: uuid.UUID, limit: int = 50) -> Sequence[HealthCheck]:
    """A resident's checks, newest first (drafts included)."""
    principal.require(EXAMS_READ)
    _resident(session, principal, resident_id)
    checks = repository.for_resident(session, principal, resident_id, limit)
    audit.record(session, principal, "list", "health_check", resident_id=resident_id, detail={"results": len(checks)})
    return checks


def latest_health_check(
    session: Session, principal: Principal, resident_id: uuid.UUID, *, on_or_before: date | None = None
) -> HealthCheck | None:
    """The resident's latest signed, uncorrected check (scoped and audited); None if none.

    Raises :class:`NotFound` when the resident is outside the principal's scope.
    """
    principal.require(EXAMS_READ)
    _resident(session, principal, resident_id)
    check = repository.latest_signed(session, principal, resident_id, on_or_before)
    if check is not None:
        audit.record(session, principal, "view", "health_check", check.id, resident_id=resident_id, detail={"latest": True})
    return check


def health_check_resident_ids(period_start: date, period_end: date, *, elderly_complete: bool = False) -> Select:
    """A ``select`` of ``resident_id`` for residents with a signed check dated in the period.

    Unscoped, for use inside already-scoped queries, e.g.
    ``Visit.resident_id.in_(health_check_resident_ids(start, end))``.
    With ``elderly_complete=True``: only checks that complete the 65+ service.
    """
    return repository.signed_resident_ids(period_start, period_end, elderly_complete=elderly_complete)


def elderly_check_summary(period_start: date, period_end: date, within: Select | None = None) -> Select:
    """Per resident, from signed checks in the period: ``check_date`` (latest check that
    completes the 65+ service), ``any_check_date`` and ``home_visit`` (1 when a check
    found the person unable to care for themselves or was done at home). Unscoped;
    ``within`` (a select of resident ids) narrows it for speed."""
    return repository.elderly_check_summary(period_start, period_end, within)


def form_values(check: HealthCheck) -> dict[str, Any]:
    """A stored check as the flat dict of ``jiceng.exams.form.FIELDS`` (for forms and the API)."""
    return flat_values(check)
