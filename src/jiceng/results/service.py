"""Receiving and reading results (Observations) within the caller's scope."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from jiceng.core import audit, outbox
from jiceng.core.errors import ErrorCollector, NotFound
from jiceng.core.permissions import grant
from jiceng.core.security import Principal
from jiceng.residents import service as residents
from jiceng.results import batch, repository
from jiceng.results.models import Observation

READ, WRITE = "results.read", "results.write"
for _role in ("village_doctor", "family_doctor", "nurse", "public_health", "exam_operator", "specialist", "reader", "institution_admin"):
    grant(_role, READ, WRITE)
grant("integration_client", READ, WRITE)

STATUSES = {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error"}


@dataclass
class ObservationInput:
    resident_id: uuid.UUID | None
    status: str
    code_system: str
    code: str
    display: str = ""
    category: str = ""
    value_quantity: float | None = None
    value_unit: str = ""
    value_text: str = ""
    effective_at: datetime | None = None
    performer_institution_id: uuid.UUID | None = None


def _check(data: ObservationInput, errors: ErrorCollector) -> None:
    if data.status not in STATUSES:
        errors.add("status", "unknown_code", f"状态：“{data.status}”不是有效值", f"Status: “{data.status}” is not a valid status")
    if not data.code:
        errors.add("code", "required", "检验项目代码：必填", "Code: required")
    if data.resident_id is None:
        errors.add("subject", "required", "患者：必须引用一位居民（Patient）", "Subject: must reference a Patient")


class Received(NamedTuple):
    """A result just recorded: what the answer shows of it (written with the rest of its batch)."""

    id: uuid.UUID
    version: int
    updated_at: int
    payload: dict[str, Any]


def record(session: Session, principal: Principal, data: ObservationInput, payload: dict[str, Any]) -> Received:
    """Store one result for an in-scope resident, with the original payload and its sender.

    The row, its change-log row and its audit event are queued and written together with
    the rest of the transaction's results (:mod:`jiceng.results.batch`)."""
    principal.require(WRITE)
    errors = ErrorCollector()
    _check(data, errors)
    if data.resident_id is not None and not _readable(session, principal, data.resident_id):
        errors.add("subject", "unknown_patient", "患者：不存在或不在您的范围内", "Subject: no such patient in your scope")
    errors.raise_if_any()
    assert data.resident_id is not None
    fields = {
        "resident_id": data.resident_id,
        "status": data.status,
        "category": data.category,
        "code_system": data.code_system,
        "code": data.code,
        "display": data.display[:200],
        "value_quantity": data.value_quantity,
        "value_unit": data.value_unit[:40],
        "value_text": data.value_text[:500],
        "effective_at": data.effective_at,
        "performer_institution_id": data.performer_institution_id,
        "source": principal.username,
        "received_at": datetime.now(UTC),
        "payload": payload,
    }
    row = outbox.stamp_row(fields, session.info.get("node_id", "local"))
    batch.add(session, principal, row)
    return Received(row["id"], 1, row["updated_at"], payload)


SCOPE_CACHE = "results_scope_cache"


def _readable(session: Session, principal: Principal, resident_id: uuid.UUID) -> bool:
    """Scope check, remembered for the rest of the transaction (a bundle often repeats a patient)."""
    cache: dict[tuple[str, uuid.UUID], bool] = session.info.setdefault(SCOPE_CACHE, {})
    key = (principal.username, resident_id)
    if key not in cache:
        with session.no_autoflush:  # pending results do not change who is in scope
            cache[key] = residents.is_readable(session, principal, resident_id)
    return cache[key]


def prefetch_scope(session: Session, principal: Principal, resident_ids: list[uuid.UUID]) -> None:
    """Check many residents' scope in one query, for a bundle of results."""
    cache: dict[tuple[str, uuid.UUID], bool] = session.info.setdefault(SCOPE_CACHE, {})
    readable = residents.readable_ids(session, principal, resident_ids)
    for resident_id in resident_ids:
        cache[(principal.username, resident_id)] = resident_id in readable


def get(session: Session, principal: Principal, observation_id: uuid.UUID) -> Observation:
    principal.require(READ)
    row = repository.get(session, principal, observation_id)
    if row is None:
        raise NotFound("检验检查结果", "observation")
    audit.record(session, principal, "view", "observation", row.id, resident_id=row.resident_id)
    return row


def search(session: Session, principal: Principal, conditions: Sequence[Any], after: uuid.UUID | None, limit: int) -> list[Observation]:
    principal.require(READ)
    return repository.search(session, principal, conditions, after, limit)


def for_resident(session: Session, principal: Principal, resident_id: uuid.UUID, limit: int = 1000) -> list[Observation]:
    principal.require(READ)
    return list(
        session.scalars(
            repository.readable(principal).where(Observation.resident_id == resident_id).order_by(Observation.effective_at).limit(limit)
        )
    )
