"""The signed TCM records FHIR reads: in scope, not replaced by a correction."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session, aliased

from jiceng.core.fhir.query import current_signed, last_updated, reference_uuids, signed_record
from jiceng.core.fhir.search import date_condition
from jiceng.core.ids import parse_id
from jiceng.core.security import Principal
from jiceng.elderly import service as elderly
from jiceng.elderly.models import TcmAssessment
from jiceng.residents.service import readable_residents


def current(principal: Principal) -> Select:
    """Signed, live records of residents in scope that no signed correction replaced."""
    readable = readable_residents(principal)
    newer = aliased(TcmAssessment)
    replaced = exists().where(newer.amends_id == TcmAssessment.id, newer.status == "signed", newer.deleted_at.is_(None))
    return select(TcmAssessment).where(
        TcmAssessment.deleted_at.is_(None),
        TcmAssessment.status == "signed",
        ~replaced,
        TcmAssessment.resident_id.in_(select(readable.c.id)),
    )


def signed(session: Session, principal: Principal, record_id: uuid.UUID | None, resource: str, resource_id: str) -> TcmAssessment:
    """A signed record by id (scoped and audited by the service), else 404."""
    return signed_record(lambda key: elderly.get_tcm_assessment(session, principal, key), record_id, resource, resource_id)


def for_patient(session: Session, principal: Principal, resource_id: str) -> list[TcmAssessment]:
    """A patient's current signed records for $everything (scoped and audited by the service)."""
    resident_id = parse_id(resource_id)
    if resident_id is None or not principal.can(elderly.ELDERLY_READ):
        return []
    found = elderly.list_tcm_assessments(session, principal, resident_id)
    return current_signed(found, key=lambda r: (r.assessed_on, r.id))


def condition(name: str, value: str, date_name: str) -> Any:
    """SQL for the parameters both resources share; None for a parameter that is not one of them."""
    base = name.split(":")[0]
    if base in ("patient", "subject"):
        return TcmAssessment.resident_id.in_(reference_uuids(value, "Patient", base))
    if base == date_name:
        return date_condition(TcmAssessment.assessed_on, value, date_name, as_date=True)
    if base == "_lastUpdated":
        return last_updated(TcmAssessment.updated_at, value)
    return None
