"""Merge rules end to end, in process: a region and two village nodes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from jiceng.core.db import Database
from jiceng.residents import service as residents
from jiceng.residents.models import Household, Resident
from jiceng.sync.models import SyncConflict, SyncMerge
from tests.factories import VILLAGE_A, VILLAGE_B, Region, add_resident, build_region, id_number
from tests.sync.harness import CONSOLE, Node, Server, add_node, rows, serve

SAME = id_number("19450505", "051")


@dataclass
class World:
    server: Server
    a: Node
    b: Node
    region: Region


@pytest.fixture
def world(database: Database, tmp_path: Path) -> Iterator[World]:
    region = build_region(database)
    server = serve(database, tmp_path / "region")
    a = add_node(server, "V411202100201", tmp_path / "a")
    b = add_node(server, "V411202100202", tmp_path / "b")
    yield World(server, a, b, region)
    a.db.dispose()
    b.db.dispose()
    server.close()


def _sync_all(world: World, rounds: int = 2) -> None:
    for _ in range(rounds):
        world.a.sync()
        world.b.sync()


def test_same_id_number_on_two_nodes_is_merged_with_provenance(world: World) -> None:
    with world.a.db.unit_of_work() as s:
        first = add_resident(
            s, world.region.principal("doctor_a"), name="王五", id_number=SAME, village_code=VILLAGE_A, phone="13811111111"
        )
        first_id = first.id
    with world.b.db.unit_of_work() as s:
        second = add_resident(
            s, world.region.principal("doctor_b"), name="王五", id_number=SAME, village_code=VILLAGE_B, phone="13822222222"
        )
        household = residents.create_household(s, world.region.principal("doctor_b"), second.id)
        second_id, household_id = second.id, household.id
    _sync_all(world)
    survivor, retired = sorted([first_id, second_id], key=lambda u: u.hex)
    for db in (world.server.db, world.a.db, world.b.db):
        live = [r for r in rows(db, Resident) if r.id_number == SAME and r.deleted_at is None]
        assert [r.id for r in live] == [survivor]
        merge = rows(db, SyncMerge)
        assert [(m.survivor_id, m.retired_id) for m in merge] == [(survivor, retired)]
        assert merge[0].retired_state["phone"] in ("13811111111", "13822222222")
        assert [c.kind for c in rows(db, SyncConflict)] == ["identity_merge"]
    for db in (world.server.db, world.b.db):
        assert rows(db, Household, id=household_id)[0].head_resident_id == survivor


def test_concurrent_edits_of_one_field_go_to_the_queue(world: World) -> None:
    with world.server.db.unit_of_work() as s:
        resident = add_resident(s, CONSOLE, name="赵六", id_number=id_number("19550505", "061"), village_code=VILLAGE_A)
        resident_id = resident.id
    world.a.sync()
    with world.a.db.unit_of_work() as s:
        s.get(Resident, resident_id).phone = "13900000001"  # type: ignore[union-attr]
    with world.server.db.unit_of_work() as s:
        row = s.get(Resident, resident_id)
        assert row is not None
        row.phone, row.address = "13900000002", "新地址"
    world.a.sync()
    world.a.sync()
    region_row, node_row = rows(world.server.db, Resident, id=resident_id)[0], rows(world.a.db, Resident, id=resident_id)[0]
    assert (region_row.phone, region_row.address) == (node_row.phone, node_row.address)
    assert region_row.address == "新地址"  # different fields merge without a conflict
    for db in (world.server.db, world.a.db):
        conflicts = rows(db, SyncConflict)
        assert [(c.kind, c.field) for c in conflicts] == [("field", "phone")]
        values = {conflicts[0].winner["value"], conflicts[0].loser["value"]}
        assert values == {"13900000001", "13900000002"} and region_row.phone == conflicts[0].winner["value"]


def test_resolution_syncs(world: World) -> None:
    test_concurrent_edits_of_one_field_go_to_the_queue(world)
    from jiceng.sync import service as sync

    with world.server.db.unit_of_work() as s:
        conflict = rows(world.server.db, SyncConflict)[0]
        sync.resolve(s, CONSOLE, conflict.id, "loser")
        chosen = conflict.loser["value"]
    world.a.sync()
    for db in (world.server.db, world.a.db):
        assert rows(db, SyncConflict)[0].status == "resolved"
        assert rows(db, Resident, id=conflict.record_id)[0].phone == chosen


def test_edit_after_delete_is_kept_and_flagged(world: World) -> None:
    with world.server.db.unit_of_work() as s:
        resident = add_resident(s, CONSOLE, name="钱七", id_number=id_number("19600606", "071"), village_code=VILLAGE_A)
        resident_id = resident.id
    world.a.sync()
    with world.server.db.unit_of_work() as s:
        residents.delete_resident(s, CONSOLE, resident_id, "重复建档")
    with world.a.db.unit_of_work() as s:
        s.get(Resident, resident_id).phone = "13600000000"  # type: ignore[union-attr]
    world.a.sync()
    world.a.sync()
    for db in (world.server.db, world.a.db):
        row = rows(db, Resident, id=resident_id)[0]
        assert row.deleted_at is not None and row.phone == "13600000000"
        assert [c.kind for c in rows(db, SyncConflict)] == ["edit_after_delete"]
