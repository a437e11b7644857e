"""One person, one record: unique-key clashes between replicas, found and resolved the
same way on every tier, so the tiers agree whichever of them meets the clash first.

- An *identity key* (a unique index over live rows, such as the resident's ID number)
  names one real thing. Two live rows with the same key merge: the row with the smaller
  id survives, the other is retired (soft-deleted, its state kept in ``sync_merge`` with
  provenance), and every reference to it is moved to the survivor. The merge and the
  moved references are ordinary changes, so they travel back to the nodes.
- A *plain key* (a unique constraint, e.g. a record number two offline clinics both
  issued) keeps both rows: the row with the larger id gets a derived key and a review
  entry, so a person can assign a proper one.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, select, tuple_

from jiceng.sync import clocks, tables
from jiceng.sync.codec import codec
from jiceng.sync.merge import DELETED, Conflict
from jiceng.sync.models import SyncMerge
from jiceng.sync.tables import SyncTable, UniqueKey

if TYPE_CHECKING:
    from jiceng.sync.apply import Batch

NS = uuid.UUID("0f8d3a52-54a4-4c1b-8a0e-2f6b7a3d9e11")
MAX_ROUNDS = 20


def derived_id(*parts: Any) -> uuid.UUID:
    return uuid.uuid5(NS, "|".join(str(p) for p in parts))


# ---- references to retired records -------------------------------------------------------


def _reference_columns(table: SyncTable) -> dict[str, str]:
    """column -> the table its values point at (foreign keys and resident links)."""
    found = dict(table.fk_targets)
    found.update({c: tables.RESIDENT_TABLE for c in table.resident_columns})
    return found


def _retired_map(batch: Batch, candidates: set[str]) -> dict[str, tuple[str, str]]:
    """retired id -> (table, survivor id), following chains of merges."""
    found: dict[str, tuple[str, str]] = {}
    for (name, _rid), item in batch.pending.items():
        if name == "sync_merge" and item.state.values.get("retired_id"):
            values = item.state.values
            found[values["retired_id"]] = (values["table_name"], values["survivor_id"])
    ids = sorted(c for c in candidates if c not in found)
    for part in clocks.chunks(ids):
        query = select(SyncMerge.retired_id, SyncMerge.table_name, SyncMerge.survivor_id).where(
            SyncMerge.retired_id.in_([uuid.UUID(i) for i in part]), SyncMerge.deleted_at.is_(None)
        )
        for row in batch.session.execute(query):
            found[row.retired_id.hex] = (row.table_name, row.survivor_id.hex)
    for retired_id in list(found):
        name, survivor = found[retired_id]
        for _ in range(MAX_ROUNDS):
            if survivor not in found or found[survivor][0] != name:
                break
            survivor = found[survivor][1]
        found[retired_id] = (name, survivor)
    return found


def redirect_retired(batch: Batch) -> None:
    """Point references at survivors: in arriving rows, and, for merges that arrive now,
    in the rows already here (a node may hold unsent rows of the retired person)."""
    candidates: set[str] = set()
    for item in batch.pending.values():
        for column in _reference_columns(item.table):
            value = item.state.values.get(column)
            if value:
                candidates.add(value)
    retired = _retired_map(batch, candidates)
    for item in list(batch.pending.values()):
        if item.table.name.startswith("sync_"):
            continue
        moves = {}
        for column, target in _reference_columns(item.table).items():
            hit = retired.get(item.state.values.get(column) or "")
            if hit and hit[0] == target:
                moves[column] = hit[1]
        if moves:
            batch.edit(item.table, item.record_id, moves)
    for item in list(batch.pending.values()):
        if item.table.name == "sync_merge" and item.old is None:
            values = item.state.values
            _redirect_stored(batch, values["table_name"], values["retired_id"], values["survivor_id"])


def _redirect_stored(batch: Batch, target: str, retired: str, survivor: str) -> None:
    for name, column in tables.referencing_columns(target):
        table = tables.get(name)
        if table is None:
            continue
        query = select(table.table.c.id).where(table.table.c[column] == uuid.UUID(retired))
        for record_id in batch.session.scalars(query):
            batch.edit(table, record_id, {column: survivor})
    for item in list(batch.pending.values()):
        for column, points_at in _reference_columns(item.table).items():
            if points_at == target and item.state.values.get(column) == retired and not item.table.name.startswith("sync_"):
                batch.edit(item.table, item.record_id, {column: survivor})


# ---- clashes ----------------------------------------------------------------------------


def _relevant(item: Any, key: UniqueKey) -> bool:
    if item.old is None:
        return True
    return any(item.state.values.get(c) != item.old.values.get(c) for c in key.watched | {DELETED})


def _find(batch: Batch, table: SyncTable, key: UniqueKey) -> list[list[str]]:
    """Groups of record ids (hex) that would share a value of ``key``."""
    groups: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    for item in [p for p in batch.pending.values() if p.table is table and _relevant(p, key)]:
        if key.applies(item.state.values):
            groups[tuple(item.state.values[c] for c in key.columns)].add(item.record_id.hex)
    if not groups:
        return []
    encode = codec(table).encode
    decode = codec(table).decoders
    wanted = [tuple(decode[c](v) for c, v in zip(key.columns, values, strict=True)) for values in groups]
    columns = [table.column(c) for c in key.columns]
    for part in clocks.chunks(wanted, 400):
        condition = columns[0].in_([w[0] for w in part]) if len(columns) == 1 else tuple_(*columns).in_(part)
        for row in batch.session.execute(select(table.table).where(condition)):
            pending = batch.pending.get((table.name, row.id))
            values = pending.state.values if pending else encode(row._mapping)
            if key.applies(values):
                value = tuple(values[c] for c in key.columns)
                if value in groups:
                    groups[value].add(row.id.hex)
    return [sorted(ids) for ids in groups.values() if len(ids) > 1]


def resolve_clashes(batch: Batch) -> None:
    done: set[tuple[str, str, str]] = set()
    for _ in range(MAX_ROUNDS):
        found = False
        for table in {p.table.name: p.table for p in batch.pending.values()}.values():
            for key in table.unique_keys:
                for group in _find(batch, table, key):
                    for loser in group[1:]:
                        if (table.name, key.name, loser) in done:
                            continue
                        done.add((table.name, key.name, loser))
                        found = True
                        if key.identity:
                            _merge(batch, table, key, group[0], loser)
                        else:
                            _rekey(batch, table, key, group[0], loser)
        if not found:
            return


def _state_values(batch: Batch, table: SyncTable, record_id: str) -> dict[str, Any]:
    item = batch.pending.get((table.name, uuid.UUID(record_id)))
    if item is not None:
        return item.state.values
    states = batch.load(table, [uuid.UUID(record_id)])
    state = states.get(uuid.UUID(record_id))
    return state.values if state else {}


def _merge(batch: Batch, table: SyncTable, key: UniqueKey, survivor: str, retired: str) -> None:
    retired_values = dict(_state_values(batch, table, retired))
    survivor_values = _state_values(batch, table, survivor)
    now = datetime.now(UTC).isoformat()
    existing = batch.pending.get((table.name, uuid.UUID(retired)))
    batch.edit(table, uuid.UUID(retired), {DELETED: now}, first=existing is None or existing.old is not None)
    key_values = {c: survivor_values.get(c) for c in key.columns}
    people = _people(table, survivor, retired, survivor_values, retired_values)
    merge_table = tables.get("sync_merge")
    if merge_table is not None:
        batch.create(
            merge_table,
            derived_id("merge", table.name, survivor, retired),
            {
                "table_name": table.name,
                "survivor_id": survivor,
                "retired_id": retired,
                "key": key_values,
                "retired_state": retired_values,
                "merged_by": batch.node,
                "merged_at": now,
                "resident_id": people[0],
                "retired_resident_id": people[1],
            },
        )
    differing = sorted(n for n in table.columns if n != DELETED and retired_values.get(n) != survivor_values.get(n))
    details = {"id": survivor, "key": key_values}
    batch.conflict(
        table,
        uuid.UUID(survivor),
        Conflict(
            "identity_merge",
            "",
            details,
            {"id": retired, "fields": {n: retired_values.get(n) for n in differing}},
            f"merge|{table.name}|{survivor}|{retired}",
        ),
    )
    _redirect_stored(batch, table.name, retired, survivor)


def _people(table: SyncTable, survivor: str, retired: str, sv: dict[str, Any], rv: dict[str, Any]) -> tuple[str | None, str | None]:
    if table.is_resident:
        return survivor, retired
    column = table.resident_columns[0] if table.resident_columns else None
    return (sv.get(column), rv.get(column)) if column else (None, None)


def rekeyed(value: str, record_id: str, length: int | None, attempt: int = 0) -> str:
    """A derived key for the losing row: the same on every tier, fitting the column, and
    all digits if the key was (a record number keeps its 17-digit form)."""
    digest = hashlib.sha256(f"{record_id}|{attempt}".encode()).hexdigest()
    if value.isdigit():
        width = min(5, max(1, len(value) // 3))
        return value[:-width] + str(int(digest, 16))[-width:].zfill(width)
    suffix = "~" + digest[:6]
    keep = max(0, (length or len(value) + len(suffix)) - len(suffix))
    return value[:keep] + suffix


def _taken(batch: Batch, table: SyncTable, column: str, value: str) -> bool:
    if any(p.table is table and p.state.values.get(column) == value for p in batch.pending.values()):
        return True
    return batch.session.scalar(select(table.table.c.id).where(table.table.c[column] == value).limit(1)) is not None


def _rekey(batch: Batch, table: SyncTable, key: UniqueKey, winner: str, loser: str) -> None:
    strings = [c for c in key.columns if isinstance(table.column(c).type, String)]
    values = _state_values(batch, table, loser)
    item = batch.pending.get((table.name, uuid.UUID(loser)))
    if not strings:
        _hold(batch, table, key, winner, loser, values)
        return
    column = strings[-1]
    length = getattr(table.column(column).type, "length", None)
    new_value = rekeyed(str(values[column]), loser, length)
    for attempt in range(1, 10):
        if not _taken(batch, table, column, new_value):
            break
        new_value = rekeyed(str(values[column]), loser, length, attempt)
    batch.edit(table, uuid.UUID(loser), {column: new_value}, first=item is None or item.old is not None)
    details = {"id": winner, "value": values[column]}
    found = Conflict(
        "unique_collision",
        column,
        details,
        {"id": loser, "value": values[column], "new_value": new_value},
        f"unique|{table.name}|{key.name}|{loser}",
    )
    batch.conflict(table, uuid.UUID(loser), found)


def _hold(batch: Batch, table: SyncTable, key: UniqueKey, winner: str, loser: str, values: dict[str, Any]) -> None:
    """No text column to re-key (a pair of ids): keep the arriving row in the review queue."""
    record_key = (table.name, uuid.UUID(loser))
    item = batch.pending.get(record_key)
    if item is None or item.old is not None:
        record_key = (table.name, uuid.UUID(winner))
        item = batch.pending.get(record_key)
    if item is None:
        return
    del batch.pending[record_key]
    if record_key in batch.acks:
        batch.acks[record_key][4] = "held"
    found = Conflict(
        "unique_collision", key.name, {"id": winner}, {"id": loser, "record": dict(values)}, f"held|{table.name}|{key.name}|{loser}"
    )
    batch.conflict(table, record_key[1], found)
