"""Sync bookkeeping tables.

Local tables (plain ``Base``) describe this database's relation to its peers and are never
synced. ``SyncConflict`` and ``SyncMerge`` are sync-ready themselves, so a conflict found at
one tier, its resolution, and an identity merge travel like any other record.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from jiceng.core.db import Base
from jiceng.core.outbox import SequenceInteger, SyncMixin


class SyncPeer(Base):
    """A node this database talks to: its parent (on a node) or a child node (on a parent)."""

    __tablename__ = "sync_peer"

    node_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)  # "parent" | "child"
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    institution_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    # Child peers: the sync_node machine identity and its OAuth2 client.
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    client_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    # The parent peer: where it is and the secret to get tokens (kept on the node only).
    url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    client_secret: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="active")
    # Child peers: the position of this database's log the child last asked from (backlog).
    pull_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_contact_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SyncCursor(Base):
    """How far this database has pushed its log to a peer, or pulled the peer's log.

    ``position`` is the sender's opaque cursor: ``{"seq": n}`` plus, from a PostgreSQL
    sender, the transactions that were in flight (see ``outbound.read_log``).
    A push in flight keeps its idempotency key and range, so a retry after a crash
    resends the same batch under the same key.
    """

    __tablename__ = "sync_cursor"

    peer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    direction: Mapped[str] = mapped_column(String(4), primary_key=True)  # "push" | "pull"
    position: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    batch_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    batch_to: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class SyncInbound(Base):
    """A push batch received, by idempotency key, with the answer given (replayed on a retry)."""

    __tablename__ = "sync_inbound"

    peer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    response: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class SyncRetry(Base):
    """Records a peer acknowledged at another version than ours: sent again next push."""

    __tablename__ = "sync_retry"

    peer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)


class SyncRecordClock(Base):
    """Per-field hybrid-logical-clock times and the version vector of one record.

    ``clocks`` = ``{"b": [hlc, node], "f": {field: [hlc, node]}, "vv": {node: hlc}}``: ``b``
    is the time of the insert, ``f`` the fields changed since, ``vv`` the newest change of
    each node this record's state includes. ``version`` is the row version described; log
    rows of later versions are local edits not yet folded in.
    """

    __tablename__ = "sync_record_clock"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    clocks: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)


class SyncLogSource(Base):
    """Change-log rows written by applying a peer's changes: not echoed back to that peer."""

    __tablename__ = "sync_log_source"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    peer_id: Mapped[str] = mapped_column(String(64), nullable=False)


class SyncScopeMember(Base):
    """Parent side: residents whose whole history a child has been sent (per scope epoch)."""

    __tablename__ = "sync_scope_member"

    peer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    epoch: Mapped[int] = mapped_column(Integer, nullable=False)


class SyncNodeReport(Base):
    """The last state each node below this one reported (relayed up the tiers)."""

    __tablename__ = "sync_node_report"

    node_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    institution_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    parent_node_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    # When its parent last heard from it, in this database's time (relayed as an age).
    contact_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_success_age_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pending: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    conflicts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    errors: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class SyncError(Base):
    """A failed sync step, shown on the status page until a later sync succeeds."""

    __tablename__ = "sync_error"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(SequenceInteger, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    peer_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    phase: Mapped[str] = mapped_column(String(16), nullable=False)
    code: Mapped[str] = mapped_column(String(48), nullable=False)
    message_zh: Mapped[str] = mapped_column(String(500), nullable=False)
    message_en: Mapped[str] = mapped_column(String(500), nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")
    cleared: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class SyncConflict(SyncMixin, Base):
    """A review-queue entry: concurrent edits of a field, an edit after a delete, an identity
    merge, a unique-key collision, or a change a parent refused. The id is derived from
    what was found, so tiers that find the same conflict write the same row."""

    __tablename__ = "sync_conflict"
    __table_args__ = (
        Index("ix_sync_conflict_status", "status", "detected_at"),
        Index("ix_sync_conflict_record", "table_name", "record_id"),
        Index("ix_sync_conflict_resident", "resident_id"),
    )

    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    table_name: Mapped[str] = mapped_column(String(64), nullable=False)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    field: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    resident_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    # {"value": ..., "hlc": n, "node": "..."}; for merges and collisions, the details.
    winner: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    loser: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    detected_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    detected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="open")
    resolution: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    resolved_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SyncMerge(SyncMixin, Base):
    """Provenance of an identity merge: two records of one natural key (a resident's ID
    number) joined; the retired one's state is kept here and references moved to the survivor."""

    __tablename__ = "sync_merge"
    __table_args__ = (Index("ix_sync_merge_retired", "retired_id"),)

    table_name: Mapped[str] = mapped_column(String(64), nullable=False)
    survivor_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    retired_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    key: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    retired_state: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    merged_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    merged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # Resident merges: both people, so the merge reaches every node that had either.
    resident_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    retired_resident_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
