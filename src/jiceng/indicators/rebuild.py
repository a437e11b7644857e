"""``jiceng indicators rebuild``: the whole state, from the source tables, in one
transaction; and the change-log position it reflects, so the incremental updates go on
from exactly there (docs/decisions/0002: on PostgreSQL the position carries the snapshot's
in-flight transactions, whose changes are read again later)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from jiceng.core.clock import local_today
from jiceng.core.outbox import ChangeLog
from jiceng.indicators import parallel, state
from jiceng.indicators import periods as period_rules
from jiceng.indicators.models import Cursor, Period, PersonState, Rollup
from jiceng.indicators.periods import PeriodSpec

LOCK_KEY = 7_140_919_009  # one writer of the state at a time (PostgreSQL advisory lock)


@dataclass(frozen=True)
class Position:
    seq: int
    xmax: int | None = None
    xip: tuple[int, ...] = ()


@dataclass
class RebuildReport:
    periods: list[str] = field(default_factory=list)
    persons: int = 0
    rollups: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def lock(session: Session) -> None:
    """Serialize writers of the state (SQLite already has one writer at a time)."""
    if _postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def snapshot(session: Session) -> tuple[int | None, tuple[int, ...]]:
    if not _postgres(session):
        return None, ()
    _xmin, xmax, xip = str(session.scalar(text("SELECT pg_current_snapshot()::text"))).split(":")
    return int(xmax), tuple(int(x) for x in xip.split(",") if x)


def head(session: Session) -> Position:
    """The end of the change log as this transaction sees it (snapshot taken first)."""
    xmax, xip = snapshot(session)
    return Position(int(session.scalar(select(func.coalesce(func.max(ChangeLog.seq), 0))) or 0), xmax, xip)


def save_position(session: Session, position: Position) -> None:
    row = session.get(Cursor, 1)
    if row is None:
        row = Cursor(id=1)
        session.add(row)
    row.seq, row.snapshot_xmax, row.snapshot_xip = position.seq, position.xmax, list(position.xip)
    row.updated_at = datetime.now(UTC)
    session.flush()


def load_position(session: Session) -> Position | None:
    row = session.get(Cursor, 1)
    if row is None:
        return None
    return Position(row.seq, row.snapshot_xmax, tuple(int(x) for x in row.snapshot_xip or ()))


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# A full rebuild on PostgreSQL loads the person rows without their indexes and builds the
# indexes once at the end (a few seconds instead of maintaining them row by row).
INDEXES_DROP = ("ALTER TABLE indicators_person DROP CONSTRAINT pk_indicators_person", "DROP INDEX ix_indicators_person_village")
INDEXES_CREATE = (
    "ALTER TABLE indicators_person ADD CONSTRAINT pk_indicators_person PRIMARY KEY (period_key, word, resident_id)",
    "CREATE INDEX ix_indicators_person_village ON indicators_person (period_key, word, village_code)",
)


def _clear(session: Session, keys: Sequence[str] | None) -> None:
    if keys is None and _postgres(session):
        session.execute(text("TRUNCATE indicators_person, indicators_rollup"))
        session.execute(delete(Period))
        for statement in INDEXES_DROP:
            session.execute(text(statement))
        return
    for model in (PersonState, Rollup):
        column: Any = model.period_key
        session.execute(delete(model) if keys is None else delete(model).where(column.in_(keys)))
    session.execute(delete(Period) if keys is None else delete(Period).where(Period.key.in_(keys)))


def build_period(session: Session, period: PeriodSpec, slot_map: dict[str, int], report: RebuildReport, indexed: bool = True) -> None:
    started = time.perf_counter()
    persons = state.insert_persons(session, period, slot_map, indexed=indexed)
    state.finish_period(session, period, slot_map, report, persons, started)


def _analyze(session: Session) -> None:
    if _postgres(session):
        session.execute(text("ANALYZE indicators_person"))
        session.execute(text("ANALYZE indicators_rollup"))


def rebuild(session: Session, today: date | None = None, only: Sequence[str] | None = None, workers: int = 1) -> RebuildReport:
    """Rebuild the kept periods (or only the named ones, e.g. an open period after the
    date changed) and drop the periods no longer kept. The caller's transaction commits.

    ``workers`` > 1: a full rebuild on PostgreSQL computes the periods on that many
    connections at once (``indicators.parallel``), for callers whose transaction has not
    written source records."""
    lock(session)
    state.tune(session)
    position = head(session)  # before reading any record: later changes come after it
    today = today or local_today()
    kept = period_rules.kept(session, today)
    slot_map = state.slots(session)
    report = RebuildReport()
    if only is None:
        _clear(session, None)
        targets = kept
    else:
        wanted = set(only)
        targets = [p for p in kept if p.key in wanted]
        stale = [k for (k,) in session.execute(select(Period.key)) if k not in {p.key for p in kept}]
        _clear(session, [p.key for p in targets] + stale)
    if only is None and workers > 1 and _postgres(session):
        parallel.drop_leftovers(session)
        parallel.build_periods(session, targets, slot_map, report, workers)
    else:
        for period in targets:
            build_period(session, period, slot_map, report, indexed=only is not None)
    started = time.perf_counter()
    if only is None and _postgres(session):
        for statement in INDEXES_CREATE:
            session.execute(text(statement))
    _analyze(session)
    report.seconds["indexes"] = round(time.perf_counter() - started, 2)
    if only is None or load_position(session) is None:
        save_position(session, position)
    return report


def stored_periods(session: Session) -> list[PeriodSpec]:
    rows = session.scalars(select(Period).order_by(Period.end, Period.start, Period.key)).all()
    return [PeriodSpec(r.key, r.start, r.end, r.open) for r in rows]


def stale_periods(session: Session, today: date) -> list[str]:
    """Periods to (re)build now: kept ones not built, and open ones built for another day."""
    stored = {p.key: p for p in stored_periods(session)}
    wanted = period_rules.kept(session, today)
    due = [p.key for p in wanted if p.key not in stored or stored[p.key].end != p.end or stored[p.key].open != p.open]
    extra = [k for k in stored if k not in {p.key for p in wanted}]
    return due + extra
