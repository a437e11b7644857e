"""Protocol guarantees, in process: idempotent batches, per-record version
acknowledgement, revocation, bilingual refusals of malformed messages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jiceng.core.db import Database
from jiceng.core.outbox import ChangeLog
from jiceng.residents.models import Resident
from jiceng.sync import client
from jiceng.sync import service as sync
from jiceng.sync.models import SyncNodeReport, SyncRetry
from jiceng.sync.transport import SyncFailure
from tests.factories import VILLAGE_A, Region, add_resident, build_region, id_number
from tests.sync.harness import CONSOLE, Node, Server, add_node, rows, serve


@pytest.fixture
def world(database: Database, tmp_path: Path) -> Iterator[tuple[Server, Node, Region]]:
    region = build_region(database)
    server = serve(database, tmp_path / "region")
    node = add_node(server, "V411202100201", tmp_path / "node")
    yield server, node, region
    node.db.dispose()
    server.close()


def _log_rows(db: Database) -> int:
    with db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(ChangeLog)) or 0)


def _parent(node: Node) -> str:
    return client.link_for(node.db)[1]


def test_a_batch_delivered_twice_is_applied_once(world: tuple[Server, Node, Region]) -> None:
    server, node, region = world
    with node.db.unit_of_work() as s:
        add_resident(s, region.principal("doctor_a"), name="重发", id_number=id_number("19800808", "111"), village_code=VILLAGE_A)
    with node.db.unit_of_work() as s:
        message = client.prepare_push(s, _parent(node))
    assert message is not None
    first = node.link.post("/api/v1/sync/push", message)
    after_first = _log_rows(server.db)
    again = node.link.post("/api/v1/sync/push", message)
    assert again["replayed"] is True and again["acks"] == first["acks"]
    assert _log_rows(server.db) == after_first
    with node.db.unit_of_work() as s:
        assert client.confirm_push(s, _parent(node), message, again) == 0


def test_an_edit_made_while_the_batch_is_in_flight_is_sent_next_time(world: tuple[Server, Node, Region]) -> None:
    server, node, region = world
    with node.db.unit_of_work() as s:
        resident = add_resident(
            s, region.principal("doctor_a"), name="在途", id_number=id_number("19810808", "121"), village_code=VILLAGE_A
        )
        resident_id = resident.id
    with node.db.unit_of_work() as s:
        message = client.prepare_push(s, _parent(node))
    assert message is not None
    answer = node.link.post("/api/v1/sync/push", message)
    with node.db.unit_of_work() as s:  # the edit lands before the answer is processed
        s.get(Resident, resident_id).phone = "13911112222"  # type: ignore[union-attr]
    with node.db.unit_of_work() as s:
        assert client.confirm_push(s, _parent(node), message, answer) >= 1
    assert rows(node.db, SyncRetry)
    node.sync()
    assert rows(server.db, Resident, id=resident_id)[0].phone == "13911112222"
    assert rows(node.db, SyncRetry) == []


def test_a_revoked_node_cannot_sync(world: tuple[Server, Node, Region]) -> None:
    server, node, _region = world
    with server.db.unit_of_work() as s:
        node_id = node.db.node_id
        sync.revoke_node(s, CONSOLE, node_id)
    node.link._token = None  # the revoked client cannot get a new token
    with pytest.raises(SyncFailure) as failure:
        node.sync()
    assert failure.value.code in ("credentials_refused", "forbidden")
    with node.db.unit_of_work() as s:
        status = sync.node_status(s, CONSOLE)
    assert status.errors and status.errors[0].message_zh


def test_malformed_messages_are_refused_in_both_languages(world: tuple[Server, Node, Region]) -> None:
    server, node, _region = world
    token = node.link.token()
    headers = {"Authorization": f"Bearer {token}"}
    for body in ({"protocol": 2}, {"protocol": 1, "batch_id": "x", "records": [{"t": "resident"}]}, "not json"):
        answer = server.client.post(
            "/api/v1/sync/push", headers=headers, **({"json": body} if isinstance(body, dict) else {"content": body})
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["message_zh"] and answer.json()["message_en"]


def test_status_and_nodes_pages(world: tuple[Server, Node, Region]) -> None:
    server, node, region = world
    node.sync()
    token = server.client.post("/api/v1/auth/token", json={"username": "sysadmin", "password": "Test-Password-2026"}).json()["access_token"]
    nodes = server.client.get("/api/v1/sync/nodes", headers={"Authorization": f"Bearer {token}"}).json()
    assert [n["node_id"] for n in nodes] == [node.db.node_id]
    assert nodes[0]["silent"] is False
    with node.db.unit_of_work() as s:
        add_resident(s, region.principal("doctor_a"), name="待传", id_number=id_number("19820808", "131"), village_code=VILLAGE_A)
    with node.db.unit_of_work() as s:
        assert sync.node_status(s, CONSOLE).pending == 1


def test_nodes_silent_for_too_long_are_flagged(world: tuple[Server, Node, Region]) -> None:
    server, node, _region = world
    node.sync()
    with server.db.unit_of_work() as s:
        report = s.get(SyncNodeReport, node.db.node_id)
        assert report is not None
        report.contact_at = datetime.now(UTC) - timedelta(days=10)
    with server.db.unit_of_work() as s:
        (row,) = sync.nodes_overview(s, CONSOLE)
    assert row.silent and row.silent_days is not None and row.silent_days >= 10
