"""A region and a village node, in process: bootstrap, push, pull, and what arrives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jiceng.core.db import Database
from jiceng.residents.models import Resident
from jiceng.sync.models import SyncConflict
from tests.factories import VILLAGE_A, VILLAGE_C, add_resident, build_region, id_number
from tests.sync.harness import CONSOLE, Node, Server, add_node, rows, serve


@pytest.fixture
def world(database: Database, tmp_path: Path) -> Iterator[tuple[Server, Node, object]]:
    region_map = build_region(database)
    with database.unit_of_work() as s:
        add_resident(s, CONSOLE, name="甲", id_number=id_number("19500101", "011"), village_code=VILLAGE_A)
        add_resident(s, CONSOLE, name="丙", id_number=id_number("19500101", "031"), village_code=VILLAGE_C)
    server = serve(database, tmp_path / "region")
    node = add_node(server, "V411202100201", tmp_path / "node-a")
    yield server, node, region_map
    node.db.dispose()
    server.close()


def test_bootstrap_brings_the_scope_only(world: tuple[Server, Node, object]) -> None:
    _server, node, _ = world
    names = {r.name for r in rows(node.db, Resident)}
    assert names == {"甲"}


def test_push_then_pull(world: tuple[Server, Node, object]) -> None:
    server, node, region_map = world
    doctor = region_map.principal("doctor_a")  # type: ignore[attr-defined]
    with node.db.unit_of_work() as s:
        add_resident(s, doctor, name="乙", id_number=id_number("19600101", "021"), village_code=VILLAGE_A)
    result = node.sync()
    assert result.pushed >= 1
    assert {r.name for r in rows(server.db, Resident)} >= {"甲", "乙", "丙"}
    with server.db.unit_of_work() as s:
        resident = rows(server.db, Resident, name="乙")[0]
        s.get(Resident, resident.id).phone = "13700000000"  # type: ignore[union-attr]
    node.sync()
    assert {r.name for r in rows(node.db, Resident)} == {"甲", "乙"}
    assert rows(node.db, Resident, name="乙")[0].phone == "13700000000"


def test_two_clinics_issue_the_same_record_number(world: tuple[Server, Node, object]) -> None:
    """Offline, the region and the node both give out the next serial of village A: both
    residents are kept, the later id is re-keyed, and the clash is in the review queue."""
    server, node, region_map = world
    doctor = region_map.principal("doctor_a")  # type: ignore[attr-defined]
    with server.db.unit_of_work() as s:
        add_resident(s, CONSOLE, name="丁", id_number=id_number("19700101", "041"), village_code=VILLAGE_A)
    with node.db.unit_of_work() as s:
        add_resident(s, doctor, name="乙", id_number=id_number("19600101", "021"), village_code=VILLAGE_A)
    node.sync()
    node.sync()
    for db in (server.db, node.db):
        found = {r.name: r.record_number for r in rows(db, Resident) if r.village_code == VILLAGE_A}
        assert set(found) == {"甲", "乙", "丁"}
        assert len(set(found.values())) == 3
    region_numbers = {r.id: r.record_number for r in rows(server.db, Resident)}
    assert all(region_numbers[r.id] == r.record_number for r in rows(node.db, Resident))
    conflicts = rows(server.db, SyncConflict)
    assert [c.kind for c in conflicts] == ["unique_collision"]
    assert [c.kind for c in rows(node.db, SyncConflict)] == ["unique_collision"]
