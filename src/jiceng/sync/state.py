"""This database's sync bookkeeping: cursors, errors, and the status shown to people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jiceng.core.outbox import ChangeLog
from jiceng.sync.models import SyncConflict, SyncCursor, SyncError, SyncLogSource, SyncPeer, SyncRetry

PUSH, PULL = "push", "pull"


def now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def cursor(session: Session, peer_id: str, direction: str) -> SyncCursor:
    found = session.get(SyncCursor, (peer_id, direction))
    if found is None:
        found = SyncCursor(peer_id=peer_id, direction=direction, position={"seq": 0}, updated_at=now())
        session.add(found)
        session.flush()
    return found


def parent(session: Session) -> SyncPeer | None:
    return session.scalars(select(SyncPeer).where(SyncPeer.kind == "parent")).first()


def record_error(session: Session, peer_id: str, phase: str, code: str, zh: str, en: str, detail: str = "") -> None:
    session.add(
        SyncError(
            occurred_at=now(), peer_id=peer_id, phase=phase, code=code, message_zh=zh[:500], message_en=en[:500], detail=detail[:4000]
        )
    )


def clear_errors(session: Session, peer_id: str) -> None:
    session.execute(update(SyncError).where(SyncError.peer_id == peer_id, SyncError.cleared.is_(False)).values(cleared=True))


def open_errors(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(SyncError).where(SyncError.cleared.is_(False))) or 0)


def open_conflicts(session: Session) -> int:
    query = select(func.count()).select_from(SyncConflict).where(SyncConflict.status == "open", SyncConflict.deleted_at.is_(None))
    return int(session.scalar(query) or 0)


def pending_changes(session: Session, peer_id: str) -> int:
    """Change-log rows not yet pushed to the parent (its own changes echoed back excluded),
    plus records waiting to be sent again."""
    position = session.get(SyncCursor, (peer_id, PUSH))
    seq = int(position.position.get("seq", 0)) if position else 0
    query = (
        select(func.count())
        .select_from(ChangeLog)
        .outerjoin(SyncLogSource, SyncLogSource.seq == ChangeLog.seq)
        .where(ChangeLog.seq > seq, (SyncLogSource.peer_id.is_(None)) | (SyncLogSource.peer_id != peer_id))
    )
    retries = select(func.count()).select_from(SyncRetry).where(SyncRetry.peer_id == peer_id)
    return int(session.scalar(query) or 0) + int(session.scalar(retries) or 0)


@dataclass
class Status:
    role: str
    parent_url: str
    node_id: str
    last_success_at: datetime | None
    last_contact_at: datetime | None
    pending: int
    conflicts: int
    errors: list[Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "node_id": self.node_id,
            "parent_url": self.parent_url,
            "last_success_at": self.last_success_at.isoformat() if self.last_success_at else None,
            "last_contact_at": self.last_contact_at.isoformat() if self.last_contact_at else None,
            "pending_changes": self.pending,
            "open_conflicts": self.conflicts,
            "errors": [
                {"at": e.occurred_at.isoformat(), "phase": e.phase, "code": e.code, "message_zh": e.message_zh, "message_en": e.message_en}
                for e in self.errors
            ],
        }


def status(session: Session, node_id: str) -> Status:
    up = parent(session)
    errors = session.scalars(select(SyncError).where(SyncError.cleared.is_(False)).order_by(SyncError.id.desc()).limit(20)).all()
    return Status(
        role="node" if up else "region",
        parent_url=up.url if up else "",
        node_id=node_id,
        last_success_at=aware(up.last_success_at) if up else None,
        last_contact_at=aware(up.last_contact_at) if up else None,
        pending=pending_changes(session, up.node_id) if up else 0,
        conflicts=open_conflicts(session),
        errors=list(errors),
    )
