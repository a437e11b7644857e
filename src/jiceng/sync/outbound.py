"""Reading this database's change log for a peer, and turning it into records to send.

A cursor is a position in the log (``seq``), never a timestamp. On PostgreSQL a sequence
value is taken when a row is inserted, not when its transaction commits, so a reader can
see seq 11 while seq 10 is still in flight. The cursor therefore also carries the
snapshot the page was read under (``xmax`` and the in-flight ``xip`` transaction ids); the
next read adds the rows of those transactions, and of any that got their id later, that
sit below the cursor. Every row is delivered; a few may be delivered twice, which the
merge absorbs. SQLite has one writer at a time, so there ``{"seq": n}`` is the whole cursor.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from jiceng.core.outbox import OP_INSERT, ChangeLog
from jiceng.sync import clocks, tables
from jiceng.sync.models import SyncLogSource
from jiceng.sync.tables import SyncTable

Key = tuple[str, uuid.UUID]


@dataclass
class Page:
    keys: list[Key]  # records changed, in the order of their first change in the page
    position: dict[str, Any]  # the cursor after this page
    more: bool
    rows: int  # log rows read (including those not sent)
    inserted: set[Key]  # records created after the cursor: their whole history is in the log


def read_log(session: Session, position: dict[str, Any], limit: int, exclude_peer: str | None = None) -> Page:
    """The records changed after ``position``, up to ``limit`` log rows."""
    seq = int(position.get("seq", 0))
    snapshot = _snapshot(session)
    condition = ChangeLog.seq > seq
    if position.get("xmax") is not None:
        late = [ChangeLog.txid >= int(position["xmax"])]
        if position.get("xip"):
            late.append(ChangeLog.txid.in_([int(x) for x in position["xip"]]))
        condition = or_(condition, *late)
    query = (
        select(ChangeLog.seq, ChangeLog.table_name, ChangeLog.record_id, ChangeLog.op, SyncLogSource.peer_id)
        .outerjoin(SyncLogSource, SyncLogSource.seq == ChangeLog.seq)
        .where(condition)
        .order_by(ChangeLog.seq)
        .limit(limit)
    )
    rows = session.execute(query).all()
    keys: dict[Key, None] = {}
    inserted = set()
    for row in rows:
        if exclude_peer is None or row.peer_id != exclude_peer:
            keys.setdefault((row.table_name, row.record_id), None)
        if row.op == OP_INSERT and row.seq > seq:
            inserted.add((row.table_name, row.record_id))
    new_seq = max([seq, *(r.seq for r in rows)])
    return Page(list(keys), {"seq": new_seq, **snapshot}, len(rows) >= limit, len(rows), inserted)


def _snapshot(session: Session) -> dict[str, Any]:
    if session.get_bind().dialect.name != "postgresql":
        return {}
    _xmin, xmax, xip = str(session.scalar(text("SELECT pg_current_snapshot()::text"))).split(":")
    return {"xmax": int(xmax), "xip": [int(x) for x in xip.split(",") if x]}


def current_position(session: Session) -> dict[str, Any]:
    """A cursor at the end of the log as this transaction sees it (for a snapshot)."""
    snapshot = _snapshot(session)
    return {"seq": latest_seq(session), **snapshot}


def latest_seq(session: Session) -> int:
    return int(session.scalar(select(func.max(ChangeLog.seq))) or 0)


def load_rows(session: Session, table: SyncTable, ids: Sequence[uuid.UUID]) -> list[Any]:
    """Rows with their clocks, consistently (see ``clocks.with_clocks``)."""
    return clocks.read_rows(session, table, ids)


def records(session: Session, keys: Sequence[Key]) -> list[dict[str, Any]]:
    """The current state of each record, ready to send (unknown tables are skipped)."""
    by_table: dict[str, list[uuid.UUID]] = defaultdict(list)
    for name, record_id in keys:
        by_table[name].append(record_id)
    built: dict[Key, dict[str, Any]] = {}
    for name, ids in by_table.items():
        table = tables.get(name)
        if table is None:
            continue
        rows = load_rows(session, table, ids)
        states = clocks.load_states(session, table, rows)
        for row in rows:
            state = states[row.id]
            built[(name, row.id)] = {
                "t": name,
                "id": row.id.hex,
                "v": row.version,
                "o": row.origin_node,
                "d": state.values,
                "c": state.to_wire(),
            }
    return [built[k] for k in keys if k in built]


def references(batch: Sequence[dict[str, Any]]) -> list[Key]:
    """Rows the batch's rows point at through foreign keys."""
    found: dict[Key, None] = {}
    for record in batch:
        table = tables.get(record["t"])
        if table is None:
            continue
        for column, target in table.fk_targets.items():
            value = record["d"].get(column)
            if value:
                found.setdefault((target, uuid.UUID(value)), None)
    return list(found)


def changed_after(session: Session, keys: Sequence[Key], seq: int) -> set[Key]:
    """Which of ``keys`` have a change-log row after ``seq`` (not yet surely delivered)."""
    by_table: dict[str, list[uuid.UUID]] = defaultdict(list)
    for name, record_id in keys:
        by_table[name].append(record_id)
    found: set[Key] = set()
    for name, ids in by_table.items():
        for part in clocks.chunks(ids):
            query = select(ChangeLog.record_id).where(ChangeLog.table_name == name, ChangeLog.record_id.in_(part), ChangeLog.seq > seq)
            found.update((name, rid) for rid in session.scalars(query.distinct()))
    return found


def with_references(
    session: Session,
    batch: list[dict[str, Any]],
    since_seq: int,
    needed: Callable[[dict[str, Any]], bool] | None = None,
    depth: int = 3,
) -> list[dict[str, Any]]:
    """Put first the rows the batch references that the receiver may lack (changed after
    the cursor, or ``needed``, e.g. outside the node's scope), so foreign keys hold there."""
    present = {(r["t"], r["id"]) for r in batch}
    extra: list[dict[str, Any]] = []
    current = batch
    for _ in range(depth):
        wanted = [k for k in references(current) if (k[0], k[1].hex) not in present]
        if not wanted:
            break
        recent = changed_after(session, wanted, since_seq)
        if needed is None:
            current = records(session, [k for k in wanted if k in recent])
        else:
            current = [r for r in records(session, wanted) if (r["t"], uuid.UUID(r["id"])) in recent or needed(r)]
        present |= {(r["t"], r["id"]) for r in current}
        extra = current + extra
    return extra + batch
