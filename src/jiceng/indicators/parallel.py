"""A full rebuild on PostgreSQL with the periods computed side by side (docs/decisions/0008).

Each period's person rows come from one large analytic query that PostgreSQL runs mostly
on one core; the periods are independent, so worker connections compute them at the same
time into unlogged scratch tables, and the rebuild's own transaction then copies them into
``indicators_person`` and derives the rollups as before.

The workers read committed data with snapshots taken after the rebuild saved its change-log
position, so a change committed in between is in the state and is also read again by the
next incremental step, which recomputes its residents from the source tables (the same
result): the position stays a safe place to go on from. Callers use this only from a
transaction that has written no source records itself (the workers could not see them).
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from jiceng.indicators import state
from jiceng.indicators.periods import PeriodSpec

SCRATCH = "indicators_scratch_"


def _statements(session: Session, periods: list[PeriodSpec], slot_map: dict[str, int]) -> list[list[tuple[str, str]]]:
    """Per period, (scratch table, the SQL of its rows), compiled here: the domains read
    their rules with the rebuild's session, and the workers only execute."""
    run = uuid.uuid4().hex[:8]
    found: list[list[tuple[str, str]]] = []
    for n, period in enumerate(periods):
        found.append([])
        for word, bits in state.words(slot_map).items():
            sql = state.literal_sql(session, state.person_select(session, period, word, bits, None))
            found[-1].append((f"{SCRATCH}{run}_{n}_{word}", sql))
    return found


def _compute(engine: Engine, table: str, sql: str) -> None:
    with engine.connect() as conn:
        state.tune(conn)
        conn.execute(text(f"CREATE UNLOGGED TABLE {table} AS {sql}"))
        conn.commit()


def _drop(engine: Engine, tables: list[str]) -> None:
    with engine.connect() as conn:
        for table in tables:
            conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
        conn.commit()


def drop_leftovers(session: Session) -> None:
    """Scratch tables of a rebuild whose process died; the caller holds the rebuild lock."""
    leftovers = session.scalars(
        text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE :pattern"),
        {"pattern": SCRATCH + "%"},
    ).all()
    for table in leftovers:
        session.execute(text(f"DROP TABLE IF EXISTS {table}"))


def build_periods(session: Session, periods: list[PeriodSpec], slot_map: dict[str, int], report: Any, workers: int) -> None:
    """Fill every period's person rows and rollups (the indexes are rebuilt by the caller).

    The copying is pipelined: a period is copied as soon as its scratch tables are ready,
    while the workers go on with the next ones."""
    bind = session.get_bind()
    engine: Engine = bind if isinstance(bind, Engine) else bind.engine
    statements = _statements(session, periods, slot_map)
    touched: set[str] = set()  # read by this transaction: only it may drop them now
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="indicators-rebuild")
    try:
        futures = [[pool.submit(_compute, engine, table, sql) for table, sql in tables] for tables in statements]
        for period, tables, done in zip(periods, statements, futures, strict=True):
            for future in done:
                future.result()  # a failure stops the rebuild (its transaction rolls back)
            started = time.perf_counter()
            touched.update(table for table, _ in tables)
            persons = sum(_copy(session, table) for table, _ in tables)
            state.finish_period(session, period, slot_map, report, persons, started)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        _drop(engine, [table for tables in statements for table, _ in tables if table not in touched])
        # The rest are held by this transaction until it ends; then they can go too.
        event.listen(session, "after_rollback", lambda _session: _drop(engine, sorted(touched)), once=True)
        raise
    pool.shutdown(wait=True)


def _copy(session: Session, table: str) -> int:
    result = session.execute(text(f"INSERT INTO indicators_person ({', '.join(state.COLUMNS)}) SELECT * FROM {table}"))
    session.execute(text(f"DROP TABLE {table}"))
    return state.count_rows(result)
