"""Earlier versions of sync-ready records (for FHIR ``vread`` and ``_history``).

The current row is always the latest version; when a record changes, its previous
state is kept here, in the same transaction. Inserts cost nothing extra (version 1 is
the row itself until it first changes), so bulk-generated data adds no history.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Integer, String, UniqueConstraint, Uuid, event, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.types import JSON

from jiceng.core.db import Base
from jiceng.core.outbox import SYNC_COLUMNS, SequenceInteger, SyncMixin


class RecordVersion(Base):
    __tablename__ = "core_record_history"
    __table_args__ = (UniqueConstraint("table_name", "record_id", "version"), {"sqlite_autoincrement": True})

    seq: Mapped[int] = mapped_column(SequenceInteger, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(64), nullable=False)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    hlc: Mapped[int] = mapped_column(BigInteger, nullable=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return value


def _content_changed(obj: SyncMixin) -> bool:
    state = inspect(obj)
    return any(
        state.attrs[a.key].history.has_changes() for a in state.mapper.column_attrs if a.key not in SYNC_COLUMNS or a.key == "deleted_at"
    )


@event.listens_for(Session, "before_flush")
def _keep_previous_version(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.dirty):
        if not isinstance(obj, SyncMixin) or obj in session.new or not _content_changed(obj):
            continue
        state = inspect(obj)
        # committed_state holds the value each changed attribute had when it was loaded.
        old = {a.key: _plain(state.committed_state.get(a.key, getattr(obj, a.key))) for a in state.mapper.column_attrs}
        session.add(RecordVersion(table_name=obj.__tablename__, record_id=obj.id, version=old["version"], hlc=old["updated_at"], data=old))  # type: ignore[attr-defined]


def previous_version(session: Session, table_name: str, record_id: uuid.UUID, version: int) -> dict[str, Any] | None:
    row = session.scalar(
        select(RecordVersion).where(
            RecordVersion.table_name == table_name, RecordVersion.record_id == record_id, RecordVersion.version == version
        )
    )
    return None if row is None else row.data


def versions(session: Session, table_name: str, record_id: uuid.UUID) -> list[RecordVersion]:
    """Every earlier version, newest first."""
    stmt = (
        select(RecordVersion)
        .where(RecordVersion.table_name == table_name, RecordVersion.record_id == record_id)
        .order_by(RecordVersion.version.desc())
    )
    return list(session.scalars(stmt))
