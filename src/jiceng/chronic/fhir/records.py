"""The chronic records FHIR reads: in scope, effective, and who may see them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from jiceng.chronic import access, repository
from jiceng.chronic.fhir.codings import CONDITION_SUFFIX, ENCOUNTER_SUFFIX
from jiceng.chronic.models import Visit
from jiceng.chronic.visits import get_visit
from jiceng.core.fhir.outcome import not_found
from jiceng.core.fhir.query import last_updated, reference_uuids, split_id
from jiceng.core.fhir.search import date_condition
from jiceng.core.ids import parse_id
from jiceng.core.security import Principal
from jiceng.residents.service import readable_residents


def in_scope(principal: Principal, column: Any) -> Any:
    return column.in_(select(readable_residents(principal).c.id))


def current_visits(principal: Principal) -> Select:
    """Effective (nobody amends them), not voided visits of residents in scope."""
    return select(Visit).where(Visit.deleted_at.is_(None), ~Visit.voided, repository.not_amended(), in_scope(principal, Visit.resident_id))


def everything_patient(resource_id: str, principal: Principal) -> uuid.UUID | None:
    """The patient of $everything when the caller may read chronic records, else None."""
    return parse_id(resource_id) if principal.can(access.READ) else None


def visit_of(
    session: Session, principal: Principal, visit_id: uuid.UUID | None, resource_type: str, resource_id: str
) -> tuple[Visit, Visit | None]:
    """A visit by id (permission, scope and audit by the service) and the row that corrects it."""
    if visit_id is None:
        raise not_found(resource_type, resource_id)
    return get_visit(session, principal, visit_id)


def current_of_patient(session: Session, principal: Principal, resident_id: uuid.UUID) -> list[Visit]:
    stmt = current_visits(principal).where(Visit.resident_id == resident_id)
    return list(session.scalars(stmt.order_by(Visit.visit_date, Visit.id)))


def own_encounter(resource_id: str) -> uuid.UUID | None:
    parts = split_id(resource_id, ENCOUNTER_SUFFIX)
    return parts[0] if parts and parts[1] == "" else None


def own_condition(resource_id: str) -> uuid.UUID | None:
    parts = split_id(resource_id, CONDITION_SUFFIX)
    return parts[0] if parts and parts[1] == "" else None


def visit_condition(base: str, value: str) -> Any:
    """SQL for the parameters Encounters and Observations share; None for any other."""
    if base in ("patient", "subject"):
        return Visit.resident_id.in_(reference_uuids(value, "Patient", base))
    if base == "date":
        return date_condition(Visit.visit_date, value, "date", as_date=True)
    if base == "_lastUpdated":
        return last_updated(Visit.updated_at, value)
    return None
