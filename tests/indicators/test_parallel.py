"""A full rebuild with the periods computed on several connections (PostgreSQL) leaves
exactly the state of the one-connection rebuild, reconciles with the source tables, and
leaves no scratch tables behind; on SQLite ``workers`` changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text

from jiceng.core.db import Database
from jiceng.indicators import parallel, rebuild, verify
from jiceng.indicators.models import Period, PersonState, Rollup
from tests.indicators.population import TODAY, Population


def _rows(database: Database, model: Any) -> set[tuple[Any, ...]]:
    """Every row of a state table, by its columns (the whole state, comparable as a set)."""
    with database.unit_of_work() as s:
        columns = [c for c in model.__table__.columns if c.name != "built_at"]  # when, not what
        return {tuple(r) for r in s.execute(select(*columns))}


def _state(database: Database) -> tuple[set[tuple[Any, ...]], ...]:
    return _rows(database, PersonState), _rows(database, Rollup), _rows(database, Period)


def _scratch_tables(database: Database) -> list[str]:
    if database.is_sqlite:
        return []
    with database.unit_of_work() as s:
        found = s.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'indicators\\_scratch\\_%'")
        )
        return list(found)


POSTGRES_ONLY = pytest.mark.parametrize("storage", ["postgresql"], indirect=True)  # workers exist only there


def test_parallel_rebuild_equals_the_sequential_one(database: Database, built: Population) -> None:
    sequential = _state(database)
    assert sequential[0], "the population fills the state"
    with database.unit_of_work() as s:
        report = rebuild.rebuild(s, TODAY, workers=2)
    assert sorted(report.periods) == sorted(key for key, *_ in sequential[2])
    assert report.persons == len(sequential[0])
    assert _state(database) == sequential
    assert _scratch_tables(database) == []
    with database.unit_of_work() as s:
        assert verify.verify(s).ok


@POSTGRES_ONLY
def test_a_failed_worker_rolls_the_rebuild_back_and_drops_its_scratch(
    database: Database, built: Population, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _state(database)
    real = parallel._compute
    calls = []

    def failing(engine: Any, table: str, sql: str) -> None:
        calls.append(table)
        if len(calls) == 2:
            raise RuntimeError("worker lost its connection")
        real(engine, table, sql)

    monkeypatch.setattr(parallel, "_compute", failing)
    with pytest.raises(RuntimeError), database.unit_of_work() as s:
        rebuild.rebuild(s, TODAY, workers=2)
    assert _state(database) == before
    assert _scratch_tables(database) == []


@POSTGRES_ONLY
def test_leftover_scratch_tables_are_dropped_by_the_next_rebuild(database: Database, built: Population) -> None:
    with database.unit_of_work() as s:
        s.execute(text(f"CREATE UNLOGGED TABLE {parallel.SCRATCH}deadbeef_0_0 (x int)"))
    assert _scratch_tables(database) == [f"{parallel.SCRATCH}deadbeef_0_0"]
    with database.unit_of_work() as s:
        rebuild.rebuild(s, TODAY, workers=2)
    assert _scratch_tables(database) == []
