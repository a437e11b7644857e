"""Per-record field clocks: kept in ``sync_record_clock``, caught up from the change log.

Local edits go through the ORM and the outbox hook, which knows nothing of sync; so the
clocks of a record are brought up to date lazily: change-log rows of a version newer than
the one the stored clocks describe are this node's own edits, and are folded in (each
changed field gets that row's HLC and this node's id). Sync's own writes store the clocks
directly, in the same transaction as the row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from jiceng.core.outbox import OP_INSERT, ChangeLog
from jiceng.sync.codec import codec
from jiceng.sync.merge import State
from jiceng.sync.models import SyncRecordClock
from jiceng.sync.tables import SyncTable

CHUNK = 900
CLOCK_VERSION, CLOCK_DATA = "_sync_clock_version", "_sync_clock_data"


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def local_node(session: Session) -> str:
    return str(session.info.get("node_id", "local"))


def with_clocks(query: Select[Any], table: SyncTable) -> Select[Any]:
    """``query`` over ``table`` plus each row's stored clocks, read by the same statement:
    on PostgreSQL a row and its clocks read separately could straddle a concurrent commit
    and pair old values with newer clocks."""
    clock_row = SyncRecordClock.__table__
    join = table.table.outerjoin(clock_row, (clock_row.c.table_name == table.name) & (clock_row.c.record_id == table.table.c.id))
    return query.add_columns(clock_row.c.version.label(CLOCK_VERSION), clock_row.c.clocks.label(CLOCK_DATA)).select_from(join)


def read_rows(session: Session, table: SyncTable, ids: Sequence[uuid.UUID], lock: bool = False) -> list[Any]:
    """Rows with their clocks (``with_clocks``), in id order; ``lock``: FOR UPDATE on PostgreSQL."""
    found: list[Any] = []
    for part in chunks(sorted(ids)):
        query = with_clocks(select(table.table), table).where(table.table.c.id.in_(part)).order_by(table.table.c.id)
        if lock:
            query = query.with_for_update(of=table.table)
        found += session.execute(query).all()
    return found


def load_states(session: Session, table: SyncTable, rows: Sequence[Any]) -> dict[uuid.UUID, State]:
    """The current state (values and clocks) of each row read with ``with_clocks``."""
    if not rows:
        return {}
    stale = [row for row in rows if row._mapping[CLOCK_VERSION] is None or row._mapping[CLOCK_VERSION] < row.version]
    log = _log_rows(session, table.name, stale)
    me = local_node(session)
    encode = codec(table).encode
    states = {}
    for row in rows:
        stored_version, stored = row._mapping[CLOCK_VERSION], row._mapping[CLOCK_DATA]
        if stored is not None:
            state = State.from_wire({}, stored, stored_version, row.origin_node)
        else:
            state = State({}, (0, row.origin_node), {}, {}, row.version, row.origin_node)
        # This node's own edits since the clocks were stored (never later than the row read).
        entries = [e for e in log.get(row.id, []) if (stored_version or 0) < e.version <= row.version]
        if stored is None and not entries:
            # Written outside the ORM and the log (e.g. SQL in a data migration).
            state.base = (int(row.updated_at), row.origin_node)
            state.vv = {row.origin_node: int(row.updated_at)}
        for entry in entries:
            _fold(state, entry, me)
        state.values = encode(row._mapping)
        state.version = row.version
        states[row.id] = state
    return states


def _log_rows(session: Session, table_name: str, stale: Sequence[Any]) -> dict[uuid.UUID, list[Any]]:
    found: dict[uuid.UUID, list[Any]] = {}
    for part in chunks([row.id for row in stale]):
        query = (
            select(ChangeLog.record_id, ChangeLog.op, ChangeLog.version, ChangeLog.hlc, ChangeLog.fields, ChangeLog.origin_node)
            .where(ChangeLog.table_name == table_name, ChangeLog.record_id.in_(part))
            .order_by(ChangeLog.seq)
        )
        for entry in session.execute(query):
            found.setdefault(entry.record_id, []).append(entry)
    return found


def _fold(state: State, entry: Any, me: str) -> None:
    # An insert's clock belongs to the node that created the record (``origin_node``: this
    # node for its own inserts, the creator for a received one stored without clocks).
    clock = (int(entry.hlc), entry.origin_node if entry.op == OP_INSERT else me)
    if entry.op == OP_INSERT:
        state.base, state.fields = clock, {}
    else:
        for name in entry.fields or ():
            state.fields[name] = clock
    state.vv[clock[1]] = max(state.vv.get(clock[1], -1), clock[0])


def plain(state: State) -> bool:
    """A record as its creator made it, never changed: its clocks follow from the row and
    its insert's log entry, so they need no row of their own (most synced records are
    new clinical events)."""
    return not state.fields and state.base[1] == state.origin and state.vv == {state.origin: state.base[0]}


def store(session: Session, table_name: str, items: Sequence[tuple[uuid.UUID, int, dict[str, Any]]]) -> None:
    """Insert or replace the clocks of records: (id, version, wire clocks). One statement
    compiled once and executed for many rows (not a many-VALUES statement per call)."""
    if not items:
        return
    rows = [{"table_name": table_name, "record_id": rid, "version": version, "clocks": clocks} for rid, version, clocks in items]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(SyncRecordClock)
    stmt = stmt.on_conflict_do_update(
        index_elements=["table_name", "record_id"], set_={"version": stmt.excluded.version, "clocks": stmt.excluded.clocks}
    )
    session.execute(stmt, rows)
