"""Append-only, hash-chained audit trail (who did what to which record, and how).

Each event stores the hash of the previous one; :func:`verify_chain` recomputes
the chain and reports the first row that was edited, inserted or removed.

An event is inserted in the caller's transaction (so a rolled-back action leaves
none) without a place in the chain; :func:`seal` later gives every committed,
unsealed event its sequence number and hash, in one short transaction that first
updates the head row (the write lock on SQLite, a row lock on PostgreSQL), so
sealers cannot fork the chain. The server seals every second in the background
and `jiceng audit verify` seals before it checks. A request therefore never waits
for another request's audit row: reads stay concurrent.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import BigInteger, Connection, DateTime, Index, Integer, String, Uuid, bindparam, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.types import JSON

from jiceng.core.db import Base, Database
from jiceng.core.ids import new_id
from jiceng.core.security import Principal

GENESIS = "0" * 64
log = logging.getLogger(__name__)


class AuditEvent(Base):
    __tablename__ = "core_audit_event"
    __table_args__ = (
        Index("ix_core_audit_event_resident", "resident_id", "seq"),
        Index("ix_core_audit_event_username", "username", "seq"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    # Position in the chain, assigned when the writing transaction commits.
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    username: Mapped[str] = mapped_column(String(100), nullable=False)
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    role: Mapped[str] = mapped_column(String(40), nullable=False)
    institution_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    object_type: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    object_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    resident_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    interface: Mapped[str] = mapped_column(String(16), nullable=False)
    client_address: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    hash: Mapped[str] = mapped_column(String(64), nullable=False, default="")


class AuditHead(Base):
    """The chain's tip: one row, locked by every append."""

    __tablename__ = "core_audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), nullable=False, default=GENESIS)


# The columns an event's hash covers (its id, time, actor, action, object and detail).
HASHED_COLUMNS = [
    getattr(AuditEvent, name)
    for name in (
        "id", "at", "username", "user_id", "role", "institution_id", "action",
        "object_type", "object_id", "resident_id", "interface", "client_address", "detail",
    )
]  # fmt: skip
# Built once: every audited request, reads included, runs it (its cache key is kept).
_INSERT_EVENT = insert(AuditEvent)
# Run on a Connection: a plain executemany UPDATE (the ORM's bulk update is not wanted here).
_CHAIN_EVENT = (
    update(AuditEvent)
    .where(AuditEvent.id == bindparam("event_id"))
    .values(seq=bindparam("event_seq"), prev_hash=bindparam("event_prev_hash"), hash=bindparam("event_hash"))
)


def _digest(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = orjson.dumps(fields, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)
    return hashlib.sha256(prev_hash.encode() + payload).hexdigest()


def _hashed_fields(entry: Any, seq: int) -> dict[str, Any]:
    """What an event's hash covers; ``entry`` is an event or a row of :data:`HASHED_COLUMNS`."""
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
    return {
        "id": str(entry.id),
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(),
        "username": entry.username,
        "user_id": str(entry.user_id) if entry.user_id else None,
        "role": entry.role,
        "institution_id": str(entry.institution_id) if entry.institution_id else None,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "resident_id": str(entry.resident_id) if entry.resident_id else None,
        "interface": entry.interface,
        "client_address": entry.client_address,
        "detail": entry.detail,
    }


def record(
    session: Session,
    principal: Principal,
    action: str,
    object_type: str = "",
    object_id: object = "",
    resident_id: uuid.UUID | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one event in the caller's transaction; it is chained when that commits.

    A plain INSERT rather than an ORM object: every request writes one (reads too), and
    the unit of work's bookkeeping cost more than the statement."""
    session.connection().execute(_INSERT_EVENT, _row(principal, datetime.now(UTC), action, object_type, object_id, resident_id, detail))


def record_many(
    connection: Connection, principal: Principal, action: str, object_type: str, objects: Sequence[tuple[object, uuid.UUID | None]]
) -> None:
    """Append one event per ``(object id, resident id)`` in a single INSERT on the caller's
    transaction (its session's connection): the events :func:`record` would insert one by one,
    for a batch of writes."""
    if not objects:
        return
    at = datetime.now(UTC)
    rows = [_row(principal, at, action, object_type, object_id, resident_id, None) for object_id, resident_id in objects]
    connection.execute(_INSERT_EVENT, rows)


def _row(
    principal: Principal,
    at: datetime,
    action: str,
    object_type: str,
    object_id: object,
    resident_id: uuid.UUID | None,
    detail: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "at": at,
        "username": principal.username,
        "user_id": principal.user_id,
        "role": principal.role,
        "institution_id": principal.institution_id,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id or ""),
        "resident_id": resident_id,
        "interface": principal.interface,
        "client_address": principal.client_address or "",
        "detail": detail,
    }


def seal(session: Session, batch: int = 5000) -> int:
    """Chain every committed event that has no sequence number yet; returns how many.

    Core statements, not ORM objects: every audited request (reads too) is sealed once,
    and loading and flushing an object per event cost more than hashing it."""
    sealed = 0
    connection = session.connection()
    while True:
        head = connection.execute(
            update(AuditHead)
            .where(AuditHead.id == 1)
            .values(last_seq=AuditHead.last_seq)
            .returning(AuditHead.last_seq, AuditHead.last_hash)
        ).one()
        seq, prev_hash = head
        rows = connection.execute(
            select(*HASHED_COLUMNS).where(AuditEvent.seq.is_(None)).order_by(AuditEvent.at, AuditEvent.id).limit(batch)
        ).all()
        chained = []
        for row in rows:
            seq += 1
            digest = _digest(prev_hash, _hashed_fields(row, seq))
            chained.append({"event_id": row.id, "event_seq": seq, "event_prev_hash": prev_hash, "event_hash": digest})
            prev_hash = digest
        if chained:
            connection.execute(_CHAIN_EVENT, chained)
        connection.execute(update(AuditHead).where(AuditHead.id == 1).values(last_seq=seq, last_hash=prev_hash))
        sealed += len(rows)
        if len(rows) < batch:
            return sealed


class Sealer:
    """Seals the audit trail every ``interval`` seconds in a background thread."""

    def __init__(self, database: Database, interval: float = 1.0) -> None:
        self.database = database
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="audit-sealer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)
        self.seal_now()

    def seal_now(self) -> int:
        with self.database.unit_of_work() as session:
            return seal(session)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.seal_now()
            except Exception:  # keep sealing after a transient database error
                log.exception("audit sealing failed; retrying")


@dataclass
class ChainReport:
    checked: int
    ok: bool
    first_bad_seq: int | None = None
    problem: str = ""


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Recompute every hash in order; report the first break (callers :func:`seal` first)."""
    prev_hash, expected_seq, checked, last_seq = GENESIS, 1, 0, 0
    while True:
        stmt = select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch)
        rows = session.scalars(stmt.execution_options(populate_existing=True)).all()
        if not rows:
            break
        for entry in rows:
            if entry.seq != expected_seq:
                return ChainReport(checked, False, expected_seq, "missing event / 缺失记录")
            if entry.prev_hash != prev_hash or entry.hash != _digest(prev_hash, _hashed_fields(entry, entry.seq)):
                return ChainReport(checked, False, entry.seq, "hash mismatch / 哈希不符")
            prev_hash, expected_seq, checked, last_seq = entry.hash, expected_seq + 1, checked + 1, entry.seq
        session.expunge_all()
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_seq != last_seq or head.last_hash != prev_hash):
        return ChainReport(checked, False, last_seq + 1, "events removed from the end / 末尾记录被删除")
    return ChainReport(checked, True)


@dataclass(frozen=True)
class AuditFilter:
    username: str | None = None
    action: str | None = None
    resident_id: uuid.UUID | None = None
    object_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def search(
    session: Session, principal: Principal, filters: AuditFilter, before_seq: int | None = None, limit: int = 100
) -> list[AuditEvent]:
    """Newest first, keyset-paged by ``before_seq``; for administrators."""
    from jiceng.core.permissions import Perm

    principal.require(Perm.AUDIT_READ)
    seal(session)
    return _query(session, filters, before_seq, limit)


def _query(session: Session, filters: AuditFilter, before_seq: int | None, limit: int) -> list[AuditEvent]:
    stmt = select(AuditEvent)
    if filters.username:
        stmt = stmt.where(AuditEvent.username == filters.username)
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.resident_id:
        stmt = stmt.where(AuditEvent.resident_id == filters.resident_id)
    if filters.object_type:
        stmt = stmt.where(AuditEvent.object_type == filters.object_type)
    if filters.since:
        stmt = stmt.where(AuditEvent.at >= filters.since)
    if filters.until:
        stmt = stmt.where(AuditEvent.at < filters.until)
    if before_seq:
        stmt = stmt.where(AuditEvent.seq < before_seq)
    # Re-read events the session already holds: sealing writes their chain fields with plain UPDATEs.
    stmt = stmt.order_by(AuditEvent.seq.desc()).limit(max(1, min(limit, 1000))).execution_options(populate_existing=True)
    return list(session.scalars(stmt))


def resident_events(session: Session, resident_id: uuid.UUID, limit: int = 200) -> list[AuditEvent]:
    """Who viewed or changed one resident's record (the caller checks scope first)."""
    seal(session)
    return _query(session, AuditFilter(resident_id=resident_id), None, limit)


def sealer_factory(_settings: object, database: Database) -> Sealer:
    return Sealer(database)
