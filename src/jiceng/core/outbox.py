"""Sync-ready tables and the change log (outbox), ARCHITECTURE §3.

Every model that holds records a clinic can create inherits :class:`SyncMixin`.
A ``before_flush`` hook stamps each insert, update and soft delete with a new
version and HLC time and appends one :class:`ChangeLog` row in the same
transaction, so a change and its log entry commit or roll back together.
Sync cursors are positions (``seq``) in this log, never timestamps.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    DateTime,
    FetchedValue,
    Index,
    Integer,
    String,
    Uuid,
    event,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column
from sqlalchemy.types import JSON

from jiceng.core.clock import clock
from jiceng.core.db import Base
from jiceng.core.ids import new_id

SYNC_COLUMNS = frozenset({"id", "version", "updated_at", "origin_node", "deleted_at"})

OP_INSERT = "I"
OP_UPDATE = "U"
OP_DELETE = "D"

# SQLite only makes an auto-incrementing rowid alias of INTEGER, not BIGINT.
SequenceInteger = BigInteger().with_variant(Integer(), "sqlite")


class HardDeleteRefused(RuntimeError):
    """Sync-ready records are deleted softly so that the delete itself can sync."""


class SyncMixin:
    """UUIDv7 key, version, HLC ``updated_at``, origin node and soft delete."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_at: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    origin_node: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @declared_attr.directive
    @classmethod
    def __mapper_args__(cls) -> dict[str, Any]:
        # The UPDATE checks the version the row had when it was read, so two
        # concurrent edits cannot silently overwrite each other.
        return {"version_id_col": cls.version, "version_id_generator": False}

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def soft_delete(self) -> None:
        self.deleted_at = datetime.now(UTC)


class ChangeLog(Base):
    """The per-database outbox: one row per insert, update or delete of a sync-ready record."""

    __tablename__ = "core_change_log"
    __table_args__ = (
        Index("ix_core_change_log_record", "table_name", "record_id"),
        # Sync readers on PostgreSQL fetch the rows of transactions that were in flight.
        Index("ix_core_change_log_txid", "txid"),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(SequenceInteger, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(64), nullable=False)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    op: Mapped[str] = mapped_column(String(1), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    hlc: Mapped[int] = mapped_column(BigInteger, nullable=False)
    origin_node: Mapped[str] = mapped_column(String(64), nullable=False)
    # Names of the columns this change touched; NULL for an insert (all of them).
    fields: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    # PostgreSQL fills this with the writing transaction's id (see the migration),
    # so a reader can hold its cursor below transactions still in flight.
    txid: Mapped[int | None] = mapped_column(BigInteger, nullable=True, server_default=FetchedValue())


def seed_clock(session: Session) -> None:
    """Move the HLC past every value already in the log (e.g. after a restart)."""
    latest = session.scalar(select(func.max(ChangeLog.hlc)))
    if latest:
        clock.observe(int(latest))


def _changed_columns(obj: SyncMixin) -> list[str]:
    state = inspect(obj)
    changed = []
    for attr in state.mapper.column_attrs:
        if attr.key in SYNC_COLUMNS and attr.key != "deleted_at":
            continue
        if state.attrs[attr.key].history.has_changes():
            changed.append(attr.key)
    return changed


def _log_entry(obj: SyncMixin, op: str, fields: list[str] | None) -> ChangeLog:
    return ChangeLog(
        table_name=obj.__tablename__,  # type: ignore[attr-defined]
        record_id=obj.id,
        op=op,
        version=obj.version,
        hlc=obj.updated_at,
        origin_node=obj.origin_node,
        fields=fields,
    )


@event.listens_for(Session, "before_flush")
def _append_change_log(session: Session, _context: Any, _instances: Any) -> None:
    node_id = session.info.get("node_id", "local")
    for obj in list(session.deleted):
        if isinstance(obj, SyncMixin):
            raise HardDeleteRefused(f"{type(obj).__name__} must be soft-deleted")
    for obj in list(session.new):
        if isinstance(obj, SyncMixin):
            if obj.id is None:
                obj.id = new_id()
            obj.version = 1
            # A record stamped when it was made keeps that time.
            obj.updated_at = obj.updated_at or clock.now()
            obj.origin_node = obj.origin_node or node_id
            session.add(_log_entry(obj, OP_INSERT, None))
    for obj in list(session.dirty):
        if not isinstance(obj, SyncMixin) or obj in session.new:
            continue
        changed = _changed_columns(obj)
        if not changed:
            continue
        # Count from the version read from the database, whatever is set now.
        base_version = inspect(obj).committed_state.get("version", obj.version)
        obj.version = base_version + 1
        obj.updated_at = clock.now()
        deleting = "deleted_at" in changed and obj.deleted_at is not None
        session.add(_log_entry(obj, OP_DELETE if deleting else OP_UPDATE, changed))


def stamp_row(row: dict[str, Any], node_id: str) -> dict[str, Any]:
    """Give a new record's row (a dict) its id, version 1, HLC time and origin now."""
    row.setdefault("id", new_id())
    row["version"] = 1
    row["updated_at"] = clock.now()
    row.setdefault("origin_node", node_id)
    return row


def insert_stamped(target: Session | Connection, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT stamped rows and their change-log rows, on the caller's transaction."""
    target.execute(insert(model), list(rows))
    target.execute(insert(ChangeLog), list(change_rows(model.__tablename__, rows)))


def bulk_insert(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    """Insert many new records at once, with their change-log rows, in this transaction.

    For imports and the generator: it bypasses the ORM unit of work but keeps the
    same guarantees (UUIDv7, version 1, HLC, origin, one log row per record).
    """
    if not rows:
        return
    node_id = session.info.get("node_id", "local")
    insert_stamped(session, model, [stamp_row(row, node_id) for row in rows])


def change_rows(table_name: str, rows: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for row in rows:
        yield {
            "table_name": table_name,
            "record_id": row["id"],
            "op": OP_INSERT,
            "version": row["version"],
            "hlc": row["updated_at"],
            "origin_node": row["origin_node"],
            "fields": None,
        }
