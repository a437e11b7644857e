"""Writing merged records: the row, its change-log entry, its clocks, in one transaction.

This is the outbox's "apply a remote change" path: SQL statements instead of the ORM, so
the stored version, HLC time and origin are the merged ones rather than a fresh local
edit's; the change-log row is still appended, so the next tier gets the change forwarded.
Rows written for a peer's push are remembered in ``sync_log_source`` and not echoed back.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby
from typing import Any, cast

import orjson
from psycopg.types.json import Json
from sqlalchemy import JSON, Table, bindparam, insert, text, update
from sqlalchemy.orm import Session

from jiceng.core.durability import raw_cursor
from jiceng.core.outbox import OP_DELETE, OP_INSERT, OP_UPDATE, ChangeLog
from jiceng.sync import clocks
from jiceng.sync.codec import codec
from jiceng.sync.merge import DELETED, State
from jiceng.sync.models import SyncLogSource
from jiceng.sync.tables import SyncTable, order


@dataclass
class Pending:
    """A record about to be written: its new state and what the database holds now."""

    table: SyncTable
    record_id: uuid.UUID
    state: State
    old: State | None
    source: str | None = None  # the peer whose push this applies; None for a local write
    incoming_version: int | None = None
    local_edit: bool = False  # this node changed it too (a merge, redirect or re-key)
    first: bool = False  # write before the others (frees a unique key)

    @property
    def key(self) -> tuple[str, uuid.UUID]:
        return (self.table.name, self.record_id)

    def changed_fields(self) -> list[str]:
        """Fields whose value or clock differs from the stored state."""
        if self.old is None:
            return sorted(self.state.values)
        return sorted(
            n for n in self.state.values if self.state.clock(n) != self.old.clock(n) or self.state.values[n] != self.old.values.get(n)
        )

    def stored_version(self) -> int:
        if self.old is None:
            return max(self.state.version, 1) + (1 if self.local_edit and self.incoming_version else 0)
        return max(self.old.version + 1, self.state.version)


def write(session: Session, items: list[Pending]) -> None:
    """Write every pending record that changed, then their log rows and clocks.

    Order: writes that free a unique key (``first``), then inserts in dependency order
    (referenced tables first), then the other updates.
    """
    learnt: dict[str, list[tuple[uuid.UUID, int, dict[str, Any]]]] = defaultdict(list)
    firsts: list[tuple[Pending, list[str]]] = []
    updates: list[tuple[Pending, list[str]]] = []
    inserts: list[Pending] = []
    for item in sorted(items, key=lambda p: order(p.table.name)):
        fields = item.changed_fields()
        if item.old is not None and not fields:
            item.state.version = item.old.version  # nothing written
            if item.state.vv != item.old.vv:  # learnt of more history, nothing to forward
                learnt[item.table.name].append((item.record_id, item.old.version, item.state.to_wire()))
            continue
        item.state.version = item.stored_version()
        if item.old is None:
            inserts.append(item)
        else:
            # A changed unique key may free a value an insert of this batch takes.
            frees = any(name in key.watched for key in item.table.unique_keys for name in fields)
            (firsts if item.first or frees else updates).append((item, fields))
    entries: list[tuple[Pending, str, list[str] | None]] = []
    entries += _updates(session, firsts)
    for _name, group in groupby(inserts, key=lambda p: p.table.name):
        entries += _inserts(session, list(group))
    entries += _updates(session, updates)
    _log(session, entries)
    for name, known in learnt.items():
        clocks.store(session, name, known)


def _inserts(session: Session, items: list[Pending]) -> list[tuple[Pending, str, list[str] | None]]:
    table = items[0].table
    decode = codec(table).decode
    rows = []
    for item in items:
        row = decode(item.state.values)
        row.update(id=item.record_id, version=item.state.version, updated_at=item.state.hlc, origin_node=item.state.origin)
        rows.append(row)
    if session.get_bind().dialect.name == "postgresql" and len(rows) > 20:
        _copy(session, table, rows)
    else:
        session.connection().execute(insert(table.table), rows)  # Core: no ORM bulk bookkeeping
    return [(item, OP_INSERT, None) for item in items]


def _copy(session: Session, table: SyncTable, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY: several times faster than INSERT for a batch of new records."""
    columns = [c.name for c in table.table.columns]
    json_columns = {c.name for c in table.table.columns if isinstance(c.type, JSON)}
    cursor = raw_cursor(session.connection())
    with cursor.copy(f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([Json(row[c], dumps=_json) if c in json_columns and row.get(c) is not None else row.get(c) for c in columns])


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _updates(session: Session, items: list[tuple[Pending, list[str]]]) -> list[tuple[Pending, str, list[str] | None]]:
    """One executemany per table and set of changed columns."""
    groups: dict[tuple[str, tuple[str, ...]], list[tuple[Pending, list[str]]]] = defaultdict(list)
    for item, fields in items:
        groups[(item.table.name, tuple(fields))].append((item, fields))
    entries: list[tuple[Pending, str, list[str] | None]] = []
    for (_name, columns), group in groups.items():
        table = group[0][0].table
        decode = codec(table).decode
        names = [*columns, "version", "updated_at"]
        stmt = update(table.table).where(table.table.c.id == bindparam("_id")).values({k: bindparam(f"v_{k}") for k in names})
        params = []
        for item, _ in group:
            values = decode({n: item.state.values[n] for n in columns})
            values.update(version=item.state.version, updated_at=item.state.hlc)
            params.append({"_id": item.record_id, **{f"v_{k}": v for k, v in values.items()}})
        session.execute(stmt, params)
        for item, changed in group:
            entries.append((item, _op(item), changed))
    return entries


def _op(item: Pending) -> str:
    now_deleted = item.state.values.get(DELETED) is not None
    was_deleted = item.old is not None and item.old.values.get(DELETED) is not None
    return OP_DELETE if now_deleted and not was_deleted else OP_UPDATE


def _log(session: Session, entries: list[tuple[Pending, str, list[str] | None]]) -> None:
    if not entries:
        return
    rows = [
        {
            "table_name": item.table.name,
            "record_id": item.record_id,
            "op": op,
            "version": item.state.version,
            "hlc": item.state.hlc,
            "origin_node": item.state.origin,
            "fields": fields,
        }
        for item, op, fields in entries
    ]
    seqs = _append_log(session, rows)
    sources = [
        {"seq": seq, "peer_id": item.source} for seq, (item, _, _) in zip(seqs, entries, strict=True) if item.source and not item.local_edit
    ]
    if sources:
        session.connection().execute(insert(cast(Table, SyncLogSource.__table__)), sources)
    by_table: dict[str, list[tuple[uuid.UUID, int, dict[str, Any]]]] = defaultdict(list)
    for item, op, _ in entries:
        if op != OP_INSERT or not clocks.plain(item.state):
            by_table[item.table.name].append((item.record_id, item.state.version, item.state.to_wire()))
    for name, items in by_table.items():
        clocks.store(session, name, items)


def _append_log(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Append change-log rows; returns their ``seq`` values in order. On PostgreSQL the
    values are drawn from the log's sequence first and the rows COPied (the transaction
    id default still applies, so readers treat them like any other in-flight rows)."""
    log = cast(Table, ChangeLog.__table__)
    connection = session.connection()
    if connection.dialect.name != "postgresql" or len(rows) <= 20:
        return list(connection.execute(insert(log).returning(log.c.seq, sort_by_parameter_order=True), rows).scalars())
    draw = text("SELECT nextval(pg_get_serial_sequence('core_change_log', 'seq')) FROM generate_series(1, :n) ORDER BY 1")
    seqs = [int(seq) for seq in connection.execute(draw, {"n": len(rows)}).scalars()]
    columns = ["seq", "table_name", "record_id", "op", "version", "hlc", "origin_node", "fields"]
    cursor = raw_cursor(connection)
    with cursor.copy(f"COPY core_change_log ({', '.join(columns)}) FROM STDIN") as copy:
        for seq, row in zip(seqs, rows, strict=True):
            fields = Json(row["fields"], dumps=_json) if row["fields"] is not None else None
            copy.write_row([seq, row["table_name"], row["record_id"], row["op"], row["version"], row["hlc"], row["origin_node"], fields])
    return seqs
