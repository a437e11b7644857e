"""Applying a batch of records received from a peer, in the caller's transaction.

1. each record is merged field by field into the local one (``merge.merge``);
2. references to records retired by an identity merge are moved to the survivor;
3. unique-key clashes are resolved (``identity``): identity keys merge, plain keys re-key;
4. everything is written with its change-log rows (``store.write``), then the conflicts.

The batch is all or nothing: the caller's unit of work commits it with the cursor or
idempotency key that records it as done, so a crash mid-batch leaves nothing half-applied.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from jiceng.core.clock import clock
from jiceng.sync import clocks, identity, outbound, tables
from jiceng.sync.codec import codec
from jiceng.sync.merge import Conflict, State, local_write, merge, new_state
from jiceng.sync.store import Pending, write
from jiceng.sync.tables import SyncTable

Key = tuple[str, uuid.UUID]
# A check of a peer's record before it is applied: (table, id hex, values) -> refusal or None.
Policy = Callable[[SyncTable, str, dict[str, Any]], "str | None"]


@dataclass
class Batch:
    """The work of one apply: records to write, conflicts found, answers to give."""

    session: Session
    node: str
    source: str | None
    pending: dict[Key, Pending] = field(default_factory=dict)
    conflicts: list[tuple[SyncTable, uuid.UUID, Conflict]] = field(default_factory=list)
    acks: dict[Key, list[Any]] = field(default_factory=dict)

    def stamp(self) -> tuple[int, str]:
        return (clock.now(), self.node)

    def load(self, table: SyncTable, ids: list[uuid.UUID]) -> dict[uuid.UUID, State]:
        """States of rows not yet pending, read from the database (locked on PostgreSQL)."""
        wanted = [i for i in ids if (table.name, i) not in self.pending]
        return clocks.load_states(self.session, table, clocks.read_rows(self.session, table, wanted, lock=True))

    def exists(self, table: SyncTable, ids: list[uuid.UUID]) -> set[uuid.UUID]:
        found: set[uuid.UUID] = set()
        for part in clocks.chunks(ids):
            found |= set(self.session.scalars(select(table.table.c.id).where(table.table.c.id.in_(part))))
        return found

    def edit(self, table: SyncTable, record_id: uuid.UUID, values: dict[str, Any], first: bool = False) -> Pending | None:
        """A local write of ``values`` on a record (pending or in the database)."""
        item = self.pending.get((table.name, record_id))
        if item is None:
            state = self.load(table, [record_id]).get(record_id)
            if state is None:
                return None
            item = self.pending[(table.name, record_id)] = Pending(table, record_id, state, state)
        names = [n for n, v in values.items() if item.state.values.get(n) != v]
        if names:
            item.state = local_write(item.state, names, values, self.stamp())
            item.local_edit = True
        item.first = item.first or first
        return item

    def create(self, table: SyncTable, record_id: uuid.UUID, values: dict[str, Any], known_new: bool = False) -> None:
        """A new local record with a derived id, unless some replica already made it."""
        key = (table.name, record_id)
        if key in self.pending or (not known_new and self.exists(table, [record_id])):
            return
        full = {name: None for name in table.columns} | values
        self.pending[key] = Pending(table, record_id, new_state(full, self.stamp(), self.node), None)

    def conflict(self, table: SyncTable, record_id: uuid.UUID, found: Conflict) -> None:
        self.conflicts.append((table, record_id, found))


def apply_records(session: Session, records: list[dict[str, Any]], source: str | None, policy: Policy | None = None) -> list[list[Any]]:
    """Merge and store ``records`` (wire format); returns one acknowledgement per record:
    ``[table, id, version received, version stored, status]``."""
    batch = Batch(session, clocks.local_node(session), source)
    if session.get_bind().dialect.name == "sqlite":
        # Rows of one batch may arrive before the rows they reference; check at commit.
        session.execute(text("PRAGMA defer_foreign_keys = ON"))
    newest = max((max([r["c"]["b"][0], *(f[0] for f in r["c"].get("f", {}).values())]) for r in records), default=0)
    if newest:
        clock.observe(int(newest))  # never order a later local edit before what we received
    by_table: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in _screen(batch, records, policy):
        by_table[record["t"]].append(record)
    for name in sorted(by_table, key=tables.order):
        table = tables.get(name)
        if table is not None:
            _merge_table(batch, table, by_table[name])
    identity.redirect_retired(batch)
    identity.resolve_clashes(batch)
    write(session, list(batch.pending.values()))
    _store_conflicts(batch)
    for item in batch.pending.values():
        ack = batch.acks.get(item.key)
        if ack is not None and ack[4] == "applied":
            ack[3] = item.state.version
    return list(batch.acks.values())


def _screen(batch: Batch, records: list[dict[str, Any]], policy: Policy | None) -> list[dict[str, Any]]:
    """Acknowledge unknown tables and refused records (kept in the review queue, not
    applied); residents are checked first, so the records of a new registration pass."""
    accepted = []
    for record in sorted(records, key=lambda r: r["t"] != tables.RESIDENT_TABLE):
        key = (record["t"], uuid.UUID(record["id"]))
        table = tables.get(record["t"])
        batch.acks[key] = [record["t"], record["id"], record["v"], None, "applied"]
        if table is None:
            batch.acks[key][4] = "unknown_table"
            continue
        refusal = policy(table, key[1].hex, record["d"]) if policy else None
        if refusal:
            batch.acks[key][4] = "rejected"
            found = Conflict("rejected", "", {"reason": refusal}, {"record": record}, f"rejected|{table.name}|{key[1]}|{record['v']}")
            batch.conflict(table, key[1], found)
            continue
        accepted.append(record)
    return accepted


def _merge_table(batch: Batch, table: SyncTable, records: list[dict[str, Any]]) -> None:
    incoming: dict[uuid.UUID, dict[str, Any]] = {}
    for record in records:
        incoming[uuid.UUID(record["id"])] = record  # a record listed twice: the last state
    local = batch.load(table, sorted(incoming))
    known = set(codec(table).encoders)
    for record_id, record in incoming.items():
        key = (table.name, record_id)
        values = {k: v for k, v in record["d"].items() if k in known}
        state = State.from_wire(values, record["c"], int(record["v"]), record["o"])
        previous = batch.pending.get(key)
        outcome = merge(previous.state if previous else local.get(record_id), state, table.name, record_id.hex)
        stored = previous.old if previous else local.get(record_id)
        batch.pending[key] = Pending(table, record_id, outcome.state, stored, batch.source, int(record["v"]))
        for found in outcome.conflicts:
            batch.conflict(table, record_id, found)


def _store_conflicts(batch: Batch) -> None:
    """Conflict rows are records too (they sync); one id per conflict on every replica."""
    conflict_table = tables.get("sync_conflict")
    if conflict_table is None or not batch.conflicts:
        return
    now = datetime.now(UTC).isoformat()
    pending_before = dict(batch.pending)
    batch.pending.clear()
    existing = batch.exists(conflict_table, sorted({found.id for _, _, found in batch.conflicts}))
    for table, record_id, found in batch.conflicts:
        if found.id in existing:
            continue  # another tier found it first; its row is here already
        values = {
            "kind": found.kind,
            "table_name": table.name,
            "record_id": record_id.hex,
            "field": found.field,
            "resident_id": _resident_of(batch, table, record_id, pending_before),
            "winner": found.winner,
            "loser": found.loser,
            "detected_by": batch.node,
            "detected_at": now,
            "status": "open",
            "resolution": None,
            "resolved_by": "",
            "resolved_at": None,
        }
        batch.create(conflict_table, found.id, values, known_new=True)
    write(batch.session, list(batch.pending.values()))


def _resident_of(batch: Batch, table: SyncTable, record_id: uuid.UUID, pending: dict[Key, Pending]) -> str | None:
    """The person a record belongs to, so the conflict reaches the nodes that hold them."""
    if table.is_resident:
        return record_id.hex
    item = pending.get((table.name, record_id))
    values = item.state.values if item else None
    if values is None:
        rows = outbound.load_rows(batch.session, table, [record_id])
        values = codec(table).encode(rows[0]._mapping) if rows else {}
    for column in table.resident_columns:
        if values.get(column):
            return str(values[column])
    return None
