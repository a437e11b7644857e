"""The signed checks FHIR reads: in scope, not replaced by a correction."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from jiceng.core.fhir.query import current_signed, reference_uuids, signed_record
from jiceng.core.ids import parse_id
from jiceng.core.security import Principal
from jiceng.exams import repository
from jiceng.exams import service as exams
from jiceng.exams.models import HealthCheck
from jiceng.residents.service import readable_residents


def current(principal: Principal) -> Select:
    """Signed, live checks of residents in scope that no signed correction replaced."""
    readable = readable_residents(principal)
    return select(HealthCheck).where(
        HealthCheck.deleted_at.is_(None),
        HealthCheck.status == "signed",
        repository.not_amended(),
        HealthCheck.resident_id.in_(select(readable.c.id)),
    )


def signed(session: Session, principal: Principal, check_id: uuid.UUID | None, resource: str, resource_id: str) -> HealthCheck:
    """A signed check by id (scoped and audited by the service), else 404."""
    return signed_record(lambda key: exams.get_health_check(session, principal, key), check_id, resource, resource_id)


def for_patient(session: Session, principal: Principal, resource_id: str) -> list[HealthCheck]:
    """A patient's current signed checks for $everything (scoped and audited by the service)."""
    resident_id = parse_id(resource_id)
    if resident_id is None or not principal.can(exams.EXAMS_READ):
        return []
    checks = exams.list_health_checks(session, principal, resident_id, limit=1000)
    return current_signed(checks, key=lambda c: (c.exam_date, c.id))


def patients(value: str, name: str) -> Any:
    return HealthCheck.resident_id.in_(reference_uuids(value, "Patient", name))
