"""The generator: deterministic for a seed, valid and consistent identities."""

from __future__ import annotations

import gc
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, inspect, select

from jiceng.core.db import Database
from jiceng.core.errors import ErrorCollector
from jiceng.core.outbox import ChangeLog
from jiceng.core.validators import check_id_number, id_birth_date, id_sex
from jiceng.registry.models import Institution, Staff
from jiceng.residents.models import Household, Resident
from jiceng.residents.pinyin import name_keys
from jiceng.synthetic import run
from jiceng.synthetic.loader import BulkLoader, synthetic_uuid7
from jiceng.synthetic.run import generate

TODAY = date(2026, 11, 22)


def _snapshot(db: Database) -> list[tuple[object, ...]]:
    with db.unit_of_work() as s:
        return [
            tuple(r)
            for r in s.execute(
                select(Resident.id, Resident.record_number, Resident.name, Resident.id_number, Resident.birth_date).order_by(
                    Resident.record_number
                )
            )
        ]


def test_same_seed_same_data(database: Database, storage: object) -> None:
    generate(database, "village", 3, today=TODAY)
    first = _snapshot(database)
    other = Database(storage.fresh_url())  # type: ignore[attr-defined]
    try:
        generate(other, "village", 3, today=TODAY)
        assert _snapshot(other) == first
    finally:
        other.dispose()


def test_identities_are_valid_and_consistent(database: Database) -> None:
    report = generate(database, "village", 1, today=TODAY)
    with database.unit_of_work() as s:
        residents = s.scalars(select(Resident)).all()
        assert len(residents) == report.rows["resident"] > 1000
        numbers = [r.id_number for r in residents if r.id_number]
        assert len(numbers) == len(set(numbers))
        for r in residents:
            if r.id_number is None:
                assert r.no_id_reason == "infant" and (TODAY - r.birth_date).days < 366
                continue
            errors = ErrorCollector()
            assert check_id_number(errors, "id_number", r.id_number, TODAY) == r.id_number, errors.errors
            assert id_birth_date(r.id_number) == r.birth_date and id_sex(r.id_number) == r.sex
            assert (r.name_pinyin, r.name_initials) == name_keys(r.name)
        ages = Counter((TODAY - r.birth_date).days // 365 >= 65 for r in residents)
        assert 0.10 < ages[True] / len(residents) < 0.25
        households = s.scalar(select(func.count()).select_from(Household))
        assert 1.8 < len(residents) / households < 3.5
        # Every generated record has exactly one change-log row.
        logged = s.scalar(select(func.count()).select_from(ChangeLog).where(ChangeLog.table_name == "resident"))
        assert logged == len(residents)


def test_city_shape_is_sanmenxia_like() -> None:
    from jiceng.synthetic.scales import SCALES

    city = SCALES["city"]
    townships = sum(c.townships for c in city.counties)
    streets = sum(c.streets for c in city.counties)
    villages = sum(c.townships * c.villages_per_township for c in city.counties)
    communities = sum(c.streets * c.communities_per_street for c in city.counties)
    assert (streets, communities, townships, villages) == (11, 52, 73, 1293)  # seed 001
    assert townships + streets + villages + communities == 1429
    assert 1_950_000 < city.villages * city.residents_per_village < 2_050_000


def test_institutions_and_staff(database: Database) -> None:
    generate(database, "township", 2, today=TODAY)
    with database.unit_of_work() as s:
        kinds = Counter(s.scalars(select(Institution.kind)))
        assert kinds["village_clinic"] == 20 and kinds["township_hospital"] == 1 and kinds["county_general"] == 1
        assert s.scalar(select(func.count()).select_from(Staff)) > 40


def test_cycle_collector_paused_during_the_run_and_restored(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    spy = run._Registered(99, "spy", lambda _ctx: seen.append(gc.isenabled()))
    monkeypatch.setattr(run, "_steps", [*run._steps, spy])
    assert gc.isenabled()
    generate(database, "village", 1, today=TODAY)
    assert seen == [False]
    assert gc.isenabled()


def test_collector_left_off_when_it_was_off(database: Database) -> None:
    gc.disable()
    try:
        generate(database, "village", 1, today=TODAY)
        assert not gc.isenabled()
    finally:
        gc.enable()


def _index_names(db_session: object, table: str) -> set[str]:
    return {str(i["name"]) for i in inspect(db_session.connection()).get_indexes(table)}  # type: ignore[attr-defined]


def test_later_steps_read_the_foundation_with_its_indexes(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The foundation's indexes are built once, before the later steps, which query
    residents by village; they are not dropped again while those steps load."""
    seen: list[set[str]] = []
    spy = run._Registered(99, "spy", lambda ctx: seen.append(_index_names(ctx.session, "resident")))
    monkeypatch.setattr(run, "_steps", [*run._steps, spy])
    generate(database, "village", 1, today=TODAY)
    assert {"ix_resident_village_name", "ix_resident_village_initials", "ix_resident_household"} <= seen[0]


def test_every_index_exists_after_generation(database: Database) -> None:
    generate(database, "village", 1, today=TODAY)
    with database.unit_of_work() as s:
        for table in (ChangeLog.__table__, Resident.__table__, Household.__table__):
            declared = {str(i.name) for i in table.indexes}
            assert declared and declared <= _index_names(s, table.name)


def test_loader_takes_rows_that_leave_optional_columns_out(database: Database) -> None:
    """A column a row leaves out is stored as NULL, whichever rows come first."""
    with database.unit_of_work() as s:
        loader = BulkLoader(s)
        full = {
            "id": synthetic_uuid7(1, 1),
            "household_number": "H1",
            "village_code": "411202001001",
            "address": "一号",
            "head_resident_id": None,
        }
        partial = {k: v for k, v in full.items() if k != "head_resident_id"} | {"id": synthetic_uuid7(2, 1), "household_number": "H2"}
        assert loader.load(Household, [partial, full]) == 2
    with database.unit_of_work() as s:
        stored = {str(n): h for n, h in s.execute(select(Household.household_number, Household.head_resident_id))}
        assert stored == {"H1": None, "H2": None}
