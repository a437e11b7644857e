"""Every role × every endpoint (API and web) × in-scope / out-of-scope resident,
generated from the role table, asserting the exact status.

An endpoint that declares no permission, or has no probe (see tests/matrix.py),
fails here, so a new endpoint cannot slip in unprotected.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from jiceng.accounts import service as accounts
from jiceng.api.app import API_ROUTERS, WEB_ROUTERS, create_app
from jiceng.api.deps import AUTHENTICATED, PUBLIC, declared_permission
from jiceng.core.config import Settings
from jiceng.core.db import Database
from jiceng.core.permissions import ROLES, ScopeKind
from jiceng.core.security import Principal
from jiceng.registry import service as registry
from jiceng.residents import service as residents
from jiceng.web.deps import SESSION_COOKIE
from tests.factories import COUNTY, PASSWORD, VILLAGE_A, VILLAGE_C, add_resident, build_region, id_number
from tests.matrix import Probe, collect_probes

CONSOLE = Principal.console_operator()
MATRIX_ROLES = [code for code in ROLES if code not in ("console_operator", "anonymous")]
PROBES = collect_probes()
AUTO_PARAMS = {"resident_id", "household_id", "institution_id", "alliance_id", "username", "code"}


@dataclass(frozen=True)
class Endpoint:
    interface: str  # "api" or "web"
    method: str
    path: str
    permission: str | None


def _endpoints() -> list[Endpoint]:
    found = []
    for prefix, routers, interface in (("/api/v1", API_ROUTERS, "api"), ("", WEB_ROUTERS, "web")):
        for router in routers:
            for route in router.routes:
                if isinstance(route, APIRoute):
                    for method in sorted(route.methods - {"HEAD"}):
                        found.append(Endpoint(interface, method, prefix + route.path, declared_permission(route.dependant)))
    return found


ENDPOINTS = _endpoints()


def test_every_endpoint_declares_a_permission() -> None:
    missing = [f"{e.method} {e.path}" for e in ENDPOINTS if e.permission is None]
    assert missing == []


def test_every_endpoint_has_a_probe() -> None:
    def needs_probe(e: Endpoint) -> bool:
        params = set(re.findall(r"{(\w+)}", e.path))
        return e.method != "GET" or not params <= AUTO_PARAMS

    missing = [f"{e.method} {e.path}" for e in ENDPOINTS if needs_probe(e) and (e.method, e.path) not in PROBES]
    assert missing == []


# ---- the world: one region, a user for every role ------------------------------------

ROLE_PLACES = {
    "village_doctor": "clinic_a",
    "family_doctor": "township_hospital",
    "nurse": "township_hospital",
    "public_health": "township_hospital",
    "exam_operator": "township_hospital",
    "specialist": "county_hospital",
    "reader": "county_hospital",
    "institution_admin": "township_hospital",
    "sync_node": "township_hospital",
}


@dataclass
class World:
    db: Database
    client: TestClient
    users: dict[str, Any]
    institution_id: uuid.UUID
    alliance_id: uuid.UUID
    counter: Iterator[int]


@pytest.fixture(scope="module")
def world(sqlite_storage: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    db = Database(sqlite_storage.fresh_url())
    region = build_region(db)
    users = {}
    with db.unit_of_work() as s:
        for role in MATRIX_ROLES:
            place = ROLE_PLACES.get(role)
            division = COUNTY if role == "supervisor_county" else ("411200000000" if role == "supervisor_city" else None)
            users[role] = accounts.create_user(
                s,
                CONSOLE,
                username=f"m_{role}",
                password=PASSWORD,
                role=role,
                institution_id=getattr(region, place) if place else None,
                division_code=division,
            )
        alliance = registry.create_alliance(
            s,
            CONSOLE,
            {"name": "医共体", "kind": "county_community", "lead_institution_id": region.county_hospital},
            [region.township_hospital],
        )
        alliance_id = alliance.id
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("matrix"), database_url=db.url), db)
    with TestClient(app) as client:
        yield World(db, client, users, region.township_hospital, alliance_id, itertools.count(1))
    db.dispose()


def _in_scope(role: str) -> tuple[bool, bool]:
    """Whether the role reaches a resident of village A (the township's) and of village C."""
    kind = ROLES[role].scope
    if kind in (ScopeKind.ALL, ScopeKind.DIVISION):
        return True, True
    if kind is ScopeKind.CATCHMENT:
        return True, False
    return False, False


def _unique_id_number(n: int, kind: int) -> str:
    """A valid ID number unique per case (birth date) and per use (sequence)."""
    born = date(1930, 1, 1) + timedelta(days=n)
    return id_number(born.strftime("%Y%m%d"), f"{2 * kind + 1:03d}")


def _fixture(world: World, village: str) -> dict[str, Any]:
    n = next(world.counter)
    with world.db.unit_of_work() as s:
        resident = add_resident(s, CONSOLE, name="张三丰", village_code=village, id_number=_unique_id_number(n, 0))
        household = residents.create_household(s, CONSOLE, resident.id)
        member = add_resident(s, CONSOLE, name="张小宝", village_code=village, id_number=_unique_id_number(n, 1))
        throwaway = accounts.create_user(
            s, CONSOLE, username=f"tmp{n}", password=PASSWORD, role="nurse", institution_id=world.institution_id
        )
        return {
            "resident_id": str(member.id),
            "household_id": str(household.id),
            "resident_id_number": member.id_number,
            "institution_id": str(world.institution_id),
            "alliance_id": str(world.alliance_id),
            "username": throwaway.username,
            "code": VILLAGE_A,
            "fresh_id_number": _unique_id_number(n, 2),
            "fresh_code": f"X{n:06d}",
            "fresh_username": f"new{n}",
            "fresh_village_code": f"411202100{300 + n % 99:03d}",
        }


def _request(world: World, endpoint: Endpoint, role: str, fixture: dict[str, Any]) -> int:
    probe = PROBES.get((endpoint.method, endpoint.path), Probe(200))
    values = {k: fixture[k] for k in re.findall(r"{(\w+)}", endpoint.path) if k in fixture} | probe.path_values(fixture)
    url = endpoint.path.format(**values)
    user = world.users[role]
    with world.db.unit_of_work() as s:
        token, _ = accounts.issue_token(s, user)
        cookie, csrf = accounts.start_session(s, user, None)
    headers = {"Authorization": f"Bearer {token}"} if endpoint.interface == "api" else {}
    world.client.cookies.clear()
    if endpoint.interface == "web":
        world.client.cookies.set(SESSION_COOKIE, cookie)
    kwargs: dict[str, Any] = {"headers": headers, "params": probe.params(fixture) if probe.params else None, "follow_redirects": False}
    if probe.json is not None:
        kwargs["json"] = probe.json(fixture)
    elif probe.form is not None:
        kwargs["data"] = {**probe.form(fixture), "csrf_token": csrf}
    return world.client.request(endpoint.method, url, **kwargs).status_code


CASES = [(e, role) for e in ENDPOINTS for role in MATRIX_ROLES if e.interface == "api" or not ROLES[role].machine]


@pytest.mark.parametrize(("endpoint", "role"), CASES, ids=[f"{e.interface}:{e.method}:{e.path}:{r}" for e, r in CASES])
def test_status(world: World, endpoint: Endpoint, role: str) -> None:
    probe = PROBES.get((endpoint.method, endpoint.path), Probe(200))
    permitted = endpoint.permission in (PUBLIC, AUTHENTICATED) or endpoint.permission in ROLES[role].permissions
    resident_bound = "{resident_id}" in endpoint.path or "{household_id}" in endpoint.path
    reach_a, reach_c = _in_scope(role)
    if not permitted:
        assert _request(world, endpoint, role, _fixture(world, VILLAGE_A)) == 403
    elif resident_bound:
        assert _request(world, endpoint, role, _fixture(world, VILLAGE_A)) == (probe.ok if reach_a else 404)
        assert _request(world, endpoint, role, _fixture(world, VILLAGE_C)) == (probe.ok if reach_c else 404)
    else:
        assert _request(world, endpoint, role, _fixture(world, VILLAGE_A)) == probe.ok


def test_matrix_size() -> None:
    """Reported in the closing note; each resident-bound case checks two residents."""
    resident_bound = sum(1 for e, _ in CASES if "{resident_id}" in e.path or "{household_id}" in e.path)
    assert len(CASES) + resident_bound > 500
