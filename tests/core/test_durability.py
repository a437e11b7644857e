"""Commits wait for the disk unless a transaction's only writes are audit events (ADR 0010)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, event, select, text, update

from jiceng.core import audit, outbox
from jiceng.core.db import Database
from jiceng.core.durability import raw_cursor, write_kind
from jiceng.core.ids import new_id
from jiceng.core.security import Principal
from jiceng.registry.models import Division
from jiceng.residents.models import Household
from tests.conftest import POSTGRES_URL, Storage, require_component


@pytest.fixture(scope="module")
def postgres_storage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Storage]:
    require_component(bool(POSTGRES_URL), "PostgreSQL (JICENG_TEST_POSTGRES_URL)")
    store = Storage("postgresql", tmp_path_factory.mktemp("durability"))
    yield store
    store.close()


@pytest.fixture(params=[False, True], ids=["default", "durable"])
def postgres(request: pytest.FixtureRequest, postgres_storage: Storage) -> Iterator[tuple[Database, bool]]:
    """PostgreSQL only: SQLite has no per-transaction commit setting (its nodes run with
    ``synchronous=NORMAL`` throughout)."""
    db = Database(postgres_storage.fresh_url(), durable_view_audit=request.param)
    assert db.node_id  # the identity row is written (and committed) once, before the probes
    yield db, request.param
    db.dispose()


def _commit_settings(db: Database) -> list[str]:
    """What ``synchronous_commit`` is as each transaction commits."""
    seen: list[str] = []

    def probe(connection: Connection) -> None:
        seen.append(connection.connection.dbapi_connection.execute("SHOW synchronous_commit").fetchone()[0])  # type: ignore[union-attr]

    event.listen(db.engine, "commit", probe)
    return seen


def test_a_transaction_that_only_audits_a_view_does_not_wait(postgres: tuple[Database, bool]) -> None:
    db, durable = postgres
    seen = _commit_settings(db)
    with db.unit_of_work() as s:
        s.scalar(select(Division.code).limit(1))
        audit.record(s, Principal.console_operator(), "view", "resident", "r1")
    assert seen == (["on"] if durable else ["off"])


def test_a_transaction_that_changes_anything_else_waits(postgres: tuple[Database, bool]) -> None:
    db, _ = postgres
    seen = _commit_settings(db)
    with db.unit_of_work() as s:
        audit.record(s, Principal.console_operator(), "view", "resident", "r1")
        s.execute(update(Division).where(Division.code == "none").values(name="x"))
    with db.unit_of_work() as s:
        s.execute(text("SET LOCAL work_mem = '8MB'"))  # not known to be harmless: counts as a write
        audit.record(s, Principal.console_operator(), "view", "resident", "r2")
    with db.unit_of_work() as s:
        s.scalar(select(Division.code).limit(1))  # reads only: nothing to relax
    assert seen == ["on", "on", "on"]


def test_bulk_inserts_of_records_wait(postgres: tuple[Database, bool]) -> None:
    """Core executemany inserts (results from a FHIR Bundle, imports) are record writes."""
    db, _ = postgres
    seen = _commit_settings(db)
    with db.unit_of_work() as s:
        audit.record(s, Principal.console_operator(), "create", "household", "h1")
        rows = [{"id": new_id(), "household_number": f"H{n}", "village_code": "411202001001", "address": ""} for n in range(3)]
        outbox.bulk_insert(s, Household, rows)
    assert seen == ["on"]


def test_work_on_a_driver_cursor_counts_as_a_write(postgres: tuple[Database, bool]) -> None:
    """COPY and other bulk work (the generator, sync) go past the engine's events."""
    db, _ = postgres
    seen = _commit_settings(db)
    with db.unit_of_work() as s:
        audit.record(s, Principal.console_operator(), "view", "resident", "r1")
        raw_cursor(s.connection()).execute("SELECT 1")
    assert seen == ["on"]


def test_the_setting_ends_with_its_transaction(postgres: tuple[Database, bool]) -> None:
    db, _ = postgres
    with db.unit_of_work() as s:
        audit.record(s, Principal.console_operator(), "view", "resident", "r1")
    with db.unit_of_work() as s:
        assert s.scalar(text("SHOW synchronous_commit")) == "on"


def test_sealing_waits_and_chains_the_relaxed_events(postgres: tuple[Database, bool]) -> None:
    db, _ = postgres
    with db.unit_of_work() as s:
        audit.record(s, Principal.console_operator(), "view", "resident", "r1")
    seen = _commit_settings(db)
    with db.unit_of_work() as s:
        assert audit.seal(s) == 1
    assert seen == ["on"]
    with db.unit_of_work() as s:
        assert audit.verify_chain(s).ok


@pytest.mark.parametrize(
    ("statement", "kind"),
    [
        ("SELECT 1", None),
        ("  select * from resident", None),
        ("UPDATE resident SET name = 'x'", "other"),
        ("DELETE FROM resident", "other"),
        ("WITH x AS (DELETE FROM resident RETURNING id) SELECT 1", "other"),
        ("SET LOCAL jit = off", "other"),
    ],
)
def test_statements_without_a_compiled_insert_are_classified_by_their_text(statement: str, kind: str | None) -> None:
    assert write_kind(statement, None) == kind
