"""Keeping the state current: read the change log from the saved position, find the
residents the changed rows belong to, rebuild their person rows and the rollups of their
villages and of every division above.

* a row of ``resident`` is the resident; a row of any table with a ``resident_id``
  column belongs to that resident (found generically from the table metadata);
* a region setting of a domain that has indicators (``chronic.rules`` …) or a change to
  a table the indicators read that has no ``resident_id`` affects everyone: the state is
  rebuilt (rare; the cost of a full rebuild);
* anything else (the registry, accounts, packages) does not change who is counted.

On PostgreSQL a sequence number is taken at insert, not at commit, so the position keeps
the snapshot's in-flight transactions and their rows are read again later
(docs/decisions/0002). Reprocessing a resident is idempotent: the rows are recomputed from
the source tables, never adjusted by deltas.
"""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Table, delete, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import find_tables

from jiceng.core.clock import local_today
from jiceng.core.indicators import IndicatorQuery, members_groups
from jiceng.core.outbox import ChangeLog
from jiceng.indicators import rebuild, state
from jiceng.indicators.indicators import _tables
from jiceng.indicators.models import PersonState
from jiceng.indicators.rebuild import Position

CHUNK = 200
SETTINGS_TABLE = "core_region_setting"
# Beyond these a full rebuild is cheaper than resident-by-resident updates (a bulk import,
# a first sync of a whole catchment, the generator).
REBUILD_BACKLOG = 200_000  # change-log rows not yet read
REBUILD_RESIDENTS = 20_000  # residents changed in one step


@dataclass
class StepReport:
    changes: int = 0
    residents: int = 0
    rebuilt: list[str] = field(default_factory=list)  # periods rebuilt (date change, rules change)
    seconds: float = 0.0
    built: bool = True  # False until the first `jiceng indicators rebuild`


def read_changes(session: Session, position: Position, limit: int) -> tuple[list[tuple[int, str, uuid.UUID]], Position]:
    xmax, xip = rebuild.snapshot(session)  # before reading: anything later comes after it
    condition = ChangeLog.seq > position.seq
    if position.xmax is not None:
        late = [ChangeLog.txid >= position.xmax]
        if position.xip:
            late.append(ChangeLog.txid.in_(position.xip))
        condition = or_(condition, *late)
    rows = session.execute(
        select(ChangeLog.seq, ChangeLog.table_name, ChangeLog.record_id).where(condition).order_by(ChangeLog.seq).limit(limit)
    ).all()
    seq = max([position.seq, *(r.seq for r in rows)])
    return [(r.seq, r.table_name, r.record_id) for r in rows], Position(seq, xmax, xip)


_read: frozenset[str] | None = None


def read_tables(session: Session) -> frozenset[str]:
    """Tables the indicators' per-person forms read (found in their SQL, once)."""
    global _read
    if _read is None:
        query = IndicatorQuery(date(2000, 1, 1), date(2000, 12, 31))
        found: set[str] = set()
        for group in members_groups():
            tables = find_tables(group.select(session, query, None), include_aliases=True, include_joins=True)
            found |= {t.name for t in tables if isinstance(t, Table)}
        _read = frozenset(found)
    return _read


def affected(session: Session, changes: Iterable[tuple[int, str, uuid.UUID]]) -> tuple[set[uuid.UUID], list[str]]:
    """The residents the changed rows belong to, and the reasons for a full rebuild (if any)."""
    by_table: dict[str, set[uuid.UUID]] = defaultdict(set)
    for _seq, table_name, record_id in changes:
        by_table[table_name].add(record_id)
    tables: dict[str, Table] = _tables()
    residents: set[uuid.UUID] = set()
    everyone: list[str] = []
    domains = {d.domain for d in state.definitions()} | {d.code.split(".")[0] for d in state.definitions()}
    for name, ids in sorted(by_table.items()):
        table = tables.get(name)
        if name == "resident":
            residents |= ids
        elif table is not None and "resident_id" in table.c:
            for chunk in _chunks(sorted(ids)):
                residents |= {r for (r,) in session.execute(select(table.c.resident_id).where(table.c.id.in_(chunk))) if r}
        elif name == SETTINGS_TABLE and table is not None:
            keys = session.scalars(select(table.c.key).where(table.c.id.in_(ids))).all()
            everyone += [f"setting {k}" for k in keys if k.split(".")[0] in domains and not k.startswith("indicators.")]
        elif name in read_tables(session):
            everyone.append(f"table {name}")
    return residents, everyone


def _chunks(ids: Sequence[uuid.UUID], size: int = CHUNK) -> Iterable[list[uuid.UUID]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def refresh_residents(session: Session, resident_ids: Iterable[uuid.UUID]) -> None:
    """Recompute these residents' person rows in every stored period, and the rollups above them."""
    slot_map = state.slots(session)
    words = sorted(state.words(slot_map))
    ordered = sorted(set(resident_ids))
    for period in rebuild.stored_periods(session):
        villages: set[str] = set()
        for chunk in _chunks(ordered):
            # With the word: an index lookup per resident (the key is period, word, resident).
            mine = (PersonState.period_key == period.key, PersonState.word.in_(words), PersonState.resident_id.in_(chunk))
            villages |= set(session.scalars(select(PersonState.village_code).where(*mine).distinct()))
            session.execute(delete(PersonState).where(*mine))
            state.insert_persons(session, period, slot_map, chunk)
            villages |= set(session.scalars(select(PersonState.village_code).where(*mine).distinct()))
        state.refresh_rollups(session, period.key, slot_map, villages)


def step(session: Session, limit: int = 5000, today: date | None = None) -> StepReport:
    """One pass: periods due for a rebuild (the date changed), then the changes since the
    saved position. The caller's transaction commits the state and the position together."""
    started = time.perf_counter()
    report = StepReport()
    rebuild.lock(session)
    position = rebuild.load_position(session)
    if position is None:
        report.built = False
        return report
    today = today or local_today()
    due = rebuild.stale_periods(session, today)
    if due:
        report.rebuilt += rebuild.rebuild(session, today, only=due).periods
    backlog = session.scalar(select(func.count()).select_from(ChangeLog).where(ChangeLog.seq > position.seq)) or 0
    if backlog > REBUILD_BACKLOG:
        report.changes = int(backlog)
        report.rebuilt += rebuild.rebuild(session, today).periods
        report.seconds = round(time.perf_counter() - started, 3)
        return report
    changes, new_position = read_changes(session, position, limit)
    report.changes = len(changes)
    residents, everyone = affected(session, changes)
    if len(residents) > REBUILD_RESIDENTS:
        everyone.append(f"{len(residents)} residents")
    if everyone:
        report.rebuilt += rebuild.rebuild(session, today).periods  # sets the position itself
    else:
        report.residents = len(residents)
        if residents:
            state.tune(session)
            refresh_residents(session, residents)
        if changes:  # nothing read: the old position stays valid (and is not rewritten every poll)
            rebuild.save_position(session, new_position)
    report.seconds = round(time.perf_counter() - started, 3)
    return report
