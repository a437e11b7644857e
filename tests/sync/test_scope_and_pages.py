"""A record naming the node's institution brings a resident outside its catchment to it
(the referral hook), and the review queue works in the browser pages."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, String, Uuid

from jiceng.accounts import service as accounts
from jiceng.core.db import Database
from jiceng.core.outbox import bulk_insert
from jiceng.residents.models import Resident
from jiceng.sync import tables
from jiceng.sync.models import SyncConflict
from jiceng.web.deps import SESSION_COOKIE
from tests.factories import VILLAGE_A, VILLAGE_C, Region, add_resident, build_region, id_number
from tests.sync.harness import CONSOLE, Node, Server, add_node, rows, serve


@pytest.fixture
def world(database: Database, tmp_path: Path) -> Iterator[tuple[Server, Node, Region]]:
    region = build_region(database)
    server = serve(database, tmp_path / "region")
    node = add_node(server, "V411202100201", tmp_path / "node")
    yield server, node, region
    node.db.dispose()
    server.close()


def _filler(column: Any) -> Any:
    kind = column.type
    if isinstance(kind, Uuid):
        return uuid.uuid4()
    if isinstance(kind, DateTime):
        return datetime.now(UTC)
    if isinstance(kind, Date):
        return date(2026, 11, 1)
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer | Float):
        return 0
    if isinstance(kind, JSON):
        return {}
    if isinstance(kind, String):
        return "x"[: kind.length or 1]
    return None


def _record_naming(table: tables.SyncTable, resident_id: uuid.UUID, column: str, institution_id: uuid.UUID) -> dict[str, Any]:
    row = {
        c.name: _filler(c)
        for c in table.table.columns
        if not c.nullable and c.default is None and c.server_default is None and c.name != "id"
    }
    row.update({table.resident_columns[0]: resident_id, column: institution_id})
    return row


def test_a_record_naming_the_institution_brings_the_resident(world: tuple[Server, Node, Region]) -> None:
    server, node, region = world
    candidates = [
        (t, c.name)
        for t in tables.registry().values()
        if t.resident_columns and not t.name.startswith("sync_")
        for c in t.table.columns
        if c.name == "institution_id" or c.name.endswith("_institution_id")
    ]
    assert candidates, "no domain table links a resident to an institution"
    table, column = candidates[0]
    with server.db.unit_of_work() as s:
        outsider = add_resident(s, CONSOLE, name="转诊", id_number=id_number("19660606", "161"), village_code=VILLAGE_C)
        outsider_id = outsider.id
    node.sync()
    assert rows(node.db, Resident, id=outsider_id) == []  # village C is not clinic A's
    with server.db.unit_of_work() as s:
        bulk_insert(s, table.model, [_record_naming(table, outsider_id, column, region.clinic_a)])
    node.sync()
    assert rows(node.db, Resident, id=outsider_id)[0].name == "转诊"
    assert len(rows(node.db, table.model)) == 1


def test_review_a_conflict_in_the_browser(world: tuple[Server, Node, Region]) -> None:
    server, node, _region = world
    with server.db.unit_of_work() as s:
        resident = add_resident(s, CONSOLE, name="审核", id_number=id_number("19670707", "171"), village_code=VILLAGE_A)
        resident_id = resident.id
    node.sync()
    with node.db.unit_of_work() as s:
        s.get(Resident, resident_id).employer = "村办企业"  # type: ignore[union-attr]
    with server.db.unit_of_work() as s:
        s.get(Resident, resident_id).employer = "镇办企业"  # type: ignore[union-attr]
    node.sync()
    conflict = rows(server.db, SyncConflict)[0]
    with server.db.unit_of_work() as s:
        user = accounts.get_user(s, "admin_th")
        cookie, csrf = accounts.start_session(s, user, None)
    web = server.client
    web.cookies.set(SESSION_COOKIE, cookie)
    queue = web.get("/sync/conflicts")
    assert queue.status_code == 200 and f"/sync/conflicts/{conflict.id}" in queue.text
    page = web.get(f"/sync/conflicts/{conflict.id}")
    assert page.status_code == 200 and "村办企业" in page.text and "镇办企业" in page.text
    done = web.post(f"/sync/conflicts/{conflict.id}", data={"csrf_token": csrf, "choice": "loser"}, follow_redirects=False)
    assert done.status_code == 303
    node.sync()
    for db in (server.db, node.db):
        assert rows(db, SyncConflict)[0].status == "resolved"
        assert rows(db, Resident, id=resident_id)[0].employer == conflict.loser["value"]
    assert web.get("/sync").status_code == 200 and web.get("/sync/nodes").status_code == 200
