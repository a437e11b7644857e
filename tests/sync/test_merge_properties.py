"""Property tests of the merge rules (``jiceng.sync.merge``).

Replicas edit one record and exchange states at random; every state a write produced is
then delivered to fresh replicas in random orders, with duplicates. Whatever the order,
they all end in the same state; every reported conflict is a pair of writes neither of
which had seen the other; every concurrent pair of different values on one field is
reported on some replica; and an edit concurrent with a delete is kept and flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from jiceng.sync.merge import DELETED, Conflict, State, local_write, merge, new_state

FIELDS = ["phone", "address", DELETED]
NODES = ["a", "b", "c"]


@dataclass
class Replica:
    node: str
    state: State
    hlc: int = 0
    seen: set[int] = field(default_factory=set)  # ids of writes this state includes

    def tick(self) -> int:
        self.hlc += 1
        return self.hlc


@dataclass(frozen=True)
class Write:
    id: int
    node: str
    field: str
    value: object
    clock: tuple[int, str]
    saw: frozenset[int]


def _world(ops: list[tuple[int, int, int, int]], found: list[Conflict] | None = None) -> tuple[list[State], list[Write]]:
    """Run the edits and exchanges; conflicts the replicas detect go to ``found``."""
    origin = new_state({"phone": "0", "address": "", DELETED: None}, (1, "a"), "a")
    replicas = [Replica(n, origin, 1) for n in NODES]
    states: list[State] = [origin]
    writes: list[Write] = []
    for kind, i, j, v in ops:
        me = replicas[i % len(replicas)]
        if kind == 0:  # a local write
            name = FIELDS[v % len(FIELDS)]
            value = None if name == DELETED and v % 2 else (f"t{v}" if name == DELETED else f"{name}-{v}")
            clock = (me.tick(), me.node)
            write = Write(len(writes), me.node, name, value, clock, frozenset(me.seen))
            writes.append(write)
            me.state = local_write(me.state, [name], {name: value}, clock)
            me.seen.add(write.id)
            states.append(me.state)
        else:  # me receives the state of another replica
            other = replicas[j % len(replicas)]
            outcome = merge(me.state, other.state)
            me.state = outcome.state
            if found is not None:
                found += outcome.conflicts
            me.hlc = max(me.hlc, other.hlc)  # HLC observe on receive
            me.seen |= other.seen
    return states, writes


ops_strategy = st.lists(st.tuples(st.integers(0, 1), st.integers(0, 2), st.integers(0, 2), st.integers(0, 20)), max_size=40)


def _deliver(states: list[State], order: list[int]) -> tuple[State, list[Conflict]]:
    current: State | None = None
    conflicts: list[Conflict] = []
    for index in order:
        outcome = merge(current, states[index], "t", "r")
        current = outcome.state
        conflicts += outcome.conflicts
    assert current is not None
    return current, conflicts


def _snapshot(state: State) -> tuple[object, ...]:
    clocks = tuple((name, state.clock(name)) for name in sorted(state.values))
    return (tuple(sorted(state.values.items(), key=lambda kv: kv[0])), clocks, tuple(sorted(state.vv.items())))


@settings(max_examples=300, deadline=None)
@given(ops=ops_strategy, data=st.data())
def test_any_arrival_order_converges(ops: list[tuple[int, int, int, int]], data: st.DataObject) -> None:
    states, _ = _world(ops)
    indexes = list(range(len(states)))
    first = data.draw(st.permutations(indexes))
    second = data.draw(st.permutations(indexes))
    duplicated = data.draw(st.lists(st.sampled_from(indexes), max_size=10)) + list(second)
    results = {_snapshot(_deliver(states, order)[0]) for order in (first, second, duplicated)}
    assert len(results) == 1


@settings(max_examples=200, deadline=None)
@given(ops=ops_strategy, data=st.data())
def test_merge_is_idempotent_and_commutative(ops: list[tuple[int, int, int, int]], data: st.DataObject) -> None:
    states, _ = _world(ops)
    a = data.draw(st.sampled_from(states))
    b = data.draw(st.sampled_from(states))
    ab, ba = merge(a, b).state, merge(b, a).state
    assert _snapshot(ab) == _snapshot(ba)
    assert _snapshot(merge(ab, ab).state) == _snapshot(ab)
    assert merge(ab, a).changed == []


def _deleted(value: object) -> object:
    return value is not None


def _same(value: object) -> object:
    return value


def _write_at(writes: list[Write], clock: tuple[int, str], name: str) -> Write | None:
    return next((w for w in writes if w.clock == clock and w.field == name), None)


@settings(max_examples=300, deadline=None)
@given(ops=ops_strategy, data=st.data())
def test_conflicts_are_exactly_the_concurrent_writes(ops: list[tuple[int, int, int, int]], data: st.DataObject) -> None:
    detected: list[Conflict] = []
    states, writes = _world(ops, detected)
    orders = [data.draw(st.permutations(list(range(len(states))))) for _ in range(3)]
    reported = [c for c in detected if c.kind == "field"]
    for order in orders:
        reported += [c for c in _deliver(states, order)[1] if c.kind == "field"]
    for found in reported:  # sound: only writes that had not seen each other
        winner = _write_at(writes, (found.winner["hlc"], found.winner["node"]), found.field)
        loser = _write_at(writes, (found.loser["hlc"], found.loser["node"]), found.field)
        assert winner is not None and loser is not None
        assert loser.id not in winner.saw and winner.id not in loser.saw
        assert ((winner.clock > loser.clock) and winner.value != loser.value) or found.field == DELETED
    # complete: a rival of the final value that no later write of that field superseded
    # (the head of its own branch) is in the queue, unless the final value's writer
    # had itself seen and overwritten that same value
    final = _deliver(states, orders[0])[0]
    for name in FIELDS:
        # (two tombstones are the same outcome, whatever time each records)
        outcome = _deleted if name == DELETED else _same
        top = _write_at(writes, final.clock(name), name)
        if top is None:
            continue
        rivals = [w for w in writes if w.field == name and w.id not in top.saw and top.id not in w.saw and w.value != top.value]
        rivals = [w for w in rivals if not (name == DELETED and (w.value is None) == (top.value is None))]
        overwritten = {outcome(w.value) for w in writes if w.field == name and w.id in top.saw}
        rivals = [w for w in rivals if outcome(w.value) not in overwritten]
        involved = {outcome(side["value"]) for c in reported if c.field == name for side in (c.winner, c.loser)}
        for rival in rivals:
            if not any(rival.id in w.saw for w in writes if w.field == name):
                assert outcome(rival.value) in involved  # the losing value is kept in the queue


@settings(max_examples=200, deadline=None)
@given(edit_first=st.booleans(), value=st.text(min_size=1, max_size=5))
def test_edit_concurrent_with_delete_is_kept_and_flagged(edit_first: bool, value: str) -> None:
    origin = new_state({"phone": "0", DELETED: None}, (1, "a"), "a")
    deleted = local_write(origin, [DELETED], {DELETED: "2026-01-01T00:00:00+00:00"}, (5, "a"))
    edited = local_write(origin, ["phone"], {"phone": value}, (3 if edit_first else 7, "b"))
    for first, second in ((deleted, edited), (edited, deleted)):
        outcome = merge(first, second)
        assert outcome.state.deleted
        assert outcome.state.values["phone"] == value  # the edit is kept on the tombstone
        flagged = [c for c in outcome.conflicts if c.kind == "edit_after_delete"]
        assert len(flagged) == 1 and flagged[0].loser["fields"] == {"phone": value}
