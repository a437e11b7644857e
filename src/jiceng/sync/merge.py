"""The merge rules, as pure functions (property-tested in tests/sync/test_merge_properties.py).

Each record is a set of fields; each field carries the hybrid-logical-clock time and the
node of its last write. Merging two states of a record takes, field by field, the write
with the later clock (ties broken by node id), so any arrival order of the same changes
gives the same record (the merge is commutative, associative and idempotent).

A version vector per record (node -> newest write of that node the state includes) tells
whether one write *saw* another. Two different values for one field, neither written by
a node that had seen the other, are concurrent: the later still wins (so every replica
agrees) but the pair goes to the conflict review queue, loser kept. An edit the deleting
node had not seen is kept on the tombstone and flagged, never dropped.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

Clock = tuple[int, str]  # (hlc, node)
DELETED = "deleted_at"
_NS = uuid.UUID("6f1c3b1e-9a57-4c44-9c55-3c2b0b9f1a77")


@dataclass
class State:
    """One record as a replica holds it: encoded values plus per-field clocks."""

    values: dict[str, Any]
    base: Clock  # when the record was created: the clock of every field not in ``fields``
    fields: dict[str, Clock] = field(default_factory=dict)
    vv: dict[str, int] = field(default_factory=dict)
    version: int = 1
    origin: str = ""

    def clock(self, name: str) -> Clock:
        return self.fields.get(name, self.base)

    @property
    def deleted(self) -> bool:
        return self.values.get(DELETED) is not None

    @property
    def hlc(self) -> int:
        """The record's ``updated_at``: its newest field write."""
        return max([self.base[0], *(c[0] for c in self.fields.values())])

    def to_wire(self) -> dict[str, Any]:
        return {"b": list(self.base), "f": {k: list(v) for k, v in self.fields.items()}, "vv": dict(self.vv)}

    @classmethod
    def from_wire(cls, values: dict[str, Any], clocks: dict[str, Any], version: int, origin: str) -> State:
        base = (int(clocks["b"][0]), str(clocks["b"][1]))
        fields = {k: (int(v[0]), str(v[1])) for k, v in (clocks.get("f") or {}).items()}
        vv = {str(k): int(v) for k, v in (clocks.get("vv") or {}).items()}
        return cls(dict(values), base, fields, vv, version, origin)


@dataclass(frozen=True)
class Conflict:
    kind: str  # "field" | "edit_after_delete"
    field: str
    winner: dict[str, Any]
    loser: dict[str, Any]
    key: str  # what identifies it on every replica

    @property
    def id(self) -> uuid.UUID:
        return uuid.uuid5(_NS, self.key)


@dataclass
class Outcome:
    state: State
    changed: list[str]  # fields whose value or clock differs from the local state
    conflicts: list[Conflict]


def seen(vv: dict[str, int], clock: Clock) -> bool:
    """Whether a state with version vector ``vv`` includes the write at ``clock``."""
    return vv.get(clock[1], -1) >= clock[0]


def differ(name: str, a: Any, b: Any) -> bool:
    # Two tombstones are the same outcome whatever time each one records.
    if name == DELETED:
        return (a is None) != (b is None)
    return bool(a != b)


def _side(value: Any, clock: Clock) -> dict[str, Any]:
    return {"value": value, "hlc": clock[0], "node": clock[1]}


def merge(local: State | None, incoming: State, table: str = "", record_id: str = "") -> Outcome:
    """Merge an incoming state of a record into the local one (or take it if new)."""
    if local is None:
        return Outcome(_copy(incoming), sorted(incoming.values), [])
    base = min(local.base, incoming.base)
    values: dict[str, Any] = {}
    clocks: dict[str, Clock] = {}
    changed: list[str] = []
    conflicts: list[Conflict] = []
    for name in sorted(set(local.values) | set(incoming.values)):
        lc, ic = local.clock(name), incoming.clock(name)
        lv, iv = local.values.get(name), incoming.values.get(name)
        take_incoming = ic > lc
        values[name], clocks[name] = (iv, ic) if take_incoming else (lv, lc)
        if take_incoming:
            changed.append(name)
        if lc != ic and differ(name, lv, iv) and not seen(local.vv, ic) and not seen(incoming.vv, lc):
            win, lose = ((iv, ic), (lv, lc)) if take_incoming else ((lv, lc), (iv, ic))
            key = f"field|{table}|{record_id}|{name}|{min(lc, ic)}|{max(lc, ic)}"
            conflicts.append(Conflict("field", name, _side(*win), _side(*lose), key))
    vv = dict(local.vv)
    for node, hlc in incoming.vv.items():
        vv[node] = max(vv.get(node, -1), hlc)
    state = State(values, base, {k: c for k, c in clocks.items() if c != base}, vv, max(local.version, incoming.version), local.origin)
    conflicts += _edits_after_delete(local, incoming, state, table, record_id)
    return Outcome(state, changed, conflicts)


def _edits_after_delete(local: State, incoming: State, result: State, table: str, record_id: str) -> list[Conflict]:
    """Edits on one side that the side holding the tombstone had not seen."""
    if not result.deleted:
        return []
    delete = result.clock(DELETED)
    deleter, editor = (local, incoming) if local.clock(DELETED) == delete else (incoming, local)
    if seen(editor.vv, delete):
        return []  # the editor knew of the delete (e.g. a restore followed by an edit)
    edits = {name: editor.values.get(name) for name, clock in editor.fields.items() if name != DELETED and not seen(deleter.vv, clock)}
    if not edits:
        return []
    key = f"edit_after_delete|{table}|{record_id}|{delete}"
    winner = _side(result.values.get(DELETED), delete)
    return [Conflict("edit_after_delete", "", winner, {"fields": edits}, key)]


def _copy(state: State) -> State:
    return State(dict(state.values), state.base, dict(state.fields), dict(state.vv), state.version, state.origin)


def local_write(state: State, names: list[str], values: dict[str, Any], clock: Clock) -> State:
    """The state after this node writes ``values`` to ``names`` at ``clock``."""
    result = _copy(state)
    for name in names:
        result.values[name] = values[name]
        result.fields[name] = clock
    result.vv[clock[1]] = max(result.vv.get(clock[1], -1), clock[0])
    return result


def new_state(values: dict[str, Any], clock: Clock, origin: str, version: int = 1) -> State:
    return State(dict(values), clock, {}, {clock[1]: clock[0]}, version, origin)
