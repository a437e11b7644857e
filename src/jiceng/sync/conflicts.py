"""The conflict review queue: list, show, resolve. A resolution is an ordinary edit of
the record (new HLC time, so it wins everywhere) plus the conflict row's new status;
both sync, so every tier sees the conflict closed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, String, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jiceng.core import audit
from jiceng.core.errors import ErrorCollector, FieldError, NotFound, ValidationFailed
from jiceng.core.permissions import Perm, ScopeKind
from jiceng.core.security import Principal
from jiceng.residents import service as residents
from jiceng.sync import tables
from jiceng.sync.codec import codec
from jiceng.sync.merge import DELETED
from jiceng.sync.models import SyncConflict, SyncMerge

CHOICES = {
    "field": {"winner", "loser", "custom"},
    "edit_after_delete": {"keep_deleted", "restore"},
    "identity_merge": {"confirm", "take_fields"},
    "unique_collision": {"accept", "custom"},
    "rejected": {"dismiss"},
}


def _visible(principal: Principal) -> Any:
    """Conflicts about people in the principal's scope; about reference data, for registry managers."""
    if principal.scope is ScopeKind.ALL:
        return SyncConflict.id.isnot(None)
    people = SyncConflict.resident_id.in_(select(residents.readable_residents(principal).c.id))
    if principal.can(Perm.REGISTRY_MANAGE):
        return or_(people, SyncConflict.resident_id.is_(None))
    return people


def _query(principal: Principal) -> Select[Any]:
    return select(SyncConflict).where(SyncConflict.deleted_at.is_(None), _visible(principal))


def list_conflicts(session: Session, principal: Principal, status: str = "open", limit: int = 100) -> list[SyncConflict]:
    principal.require(Perm.RESIDENT_WRITE)
    query = _query(principal).order_by(SyncConflict.detected_at.desc()).limit(max(1, min(limit, 500)))
    if status in ("open", "resolved"):
        query = query.where(SyncConflict.status == status)
    found: list[SyncConflict] = list(session.scalars(query))
    audit.record(session, principal, "search", "sync_conflict", detail={"results": len(found), "status": status})
    return found


def get_conflict(session: Session, principal: Principal, conflict_id: uuid.UUID) -> SyncConflict:
    principal.require(Perm.RESIDENT_WRITE)
    found: SyncConflict | None = session.scalar(_query(principal).where(SyncConflict.id == conflict_id))
    if found is None:
        raise NotFound("冲突记录", "conflict")
    audit.record(session, principal, "view", "sync_conflict", found.id, resident_id=found.resident_id)
    return found


def current_record(session: Session, conflict: SyncConflict) -> dict[str, Any]:
    """The record as it stands now (encoded values), to show beside the conflict."""
    table = tables.get(conflict.table_name)
    if table is None:
        return {}
    row = session.execute(select(table.table).where(table.table.c.id == conflict.record_id)).first()
    return codec(table).encode(row._mapping) if row else {}


def merge_of(session: Session, conflict: SyncConflict) -> SyncMerge | None:
    if conflict.kind != "identity_merge":
        return None
    retired = uuid.UUID(str(conflict.loser.get("id")))
    return session.scalar(select(SyncMerge).where(SyncMerge.retired_id == retired, SyncMerge.survivor_id == conflict.record_id))


def resolve(
    session: Session, principal: Principal, conflict_id: uuid.UUID, choice: str, value: Any = None, fields: list[str] | None = None
) -> SyncConflict:
    """Close a conflict: keep the applied value, take the other one, or enter a combined value."""
    conflict = get_conflict(session, principal, conflict_id)
    errors = ErrorCollector()
    if conflict.status != "open":
        errors.add("status", "already_resolved", "冲突：已处理", "Conflict: already resolved")
    if choice not in CHOICES.get(conflict.kind, set()):
        errors.add(
            "choice", "invalid_choice", f"处理方式：“{choice}”不适用于此冲突", f"Resolution: “{choice}” does not apply to this conflict"
        )
    errors.raise_if_any()
    table = tables.get(conflict.table_name)
    if table is None:
        raise NotFound("冲突所涉记录", "record in conflict")
    if not table.resident_linked:
        principal.require(Perm.REGISTRY_MANAGE)
    _apply_choice(session, conflict, table, choice, value, fields or [])
    conflict.status = "resolved"
    conflict.resolution = {"choice": choice, "value": value, "fields": fields or []}
    conflict.resolved_by = principal.username
    conflict.resolved_at = datetime.now(UTC)
    session.flush()
    audit.record(session, principal, "resolve", "sync_conflict", conflict.id, resident_id=conflict.resident_id, detail={"choice": choice})
    return conflict


def _apply_choice(session: Session, conflict: SyncConflict, table: Any, choice: str, value: Any, fields: list[str]) -> None:
    target = session.get(table.model, conflict.record_id)
    if target is None:
        raise NotFound("冲突所涉记录", "record in conflict")
    decoders = codec(table).decoders
    updates: dict[str, Any] = {}
    if choice == "loser":
        updates[conflict.field] = conflict.loser.get("value")
    elif choice == "custom":
        column = conflict.field
        if not isinstance(value, str) or not value.strip() or not isinstance(table.column(column).type, String):
            raise ValidationFailed([_field_error(column)])
        updates[column] = value.strip()
    elif choice == "restore":
        updates[DELETED] = None
    elif choice == "take_fields":
        retired = conflict.loser.get("fields") or {}
        unknown = [f for f in fields if f not in retired]
        if not fields or unknown:
            raise ValidationFailed([_field_error("fields")])
        updates = {f: retired[f] for f in fields}
    for name, encoded in updates.items():
        if name not in decoders:
            raise ValidationFailed([_field_error(name)])
        setattr(target, name, decoders[name](encoded))
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise ValidationFailed(
            [FieldError(conflict.field or "value", "duplicate", "取值：与已有记录重复", "Value: already used by another record")]
        ) from None


def _field_error(name: str) -> FieldError:
    return FieldError(name, "invalid", f"{name}：请选择或填写有效的值", f"{name}: choose or enter a valid value")
