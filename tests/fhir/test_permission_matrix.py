"""Every FHIR route × every role × in-scope / out-of-scope patient, with the exact status
derived from the role table (the generic matrix in tests/api covers /api and web routes)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from jiceng.accounts import service as accounts
from jiceng.api.app import FHIR_ROUTERS, create_app
from jiceng.api.deps import declared_permission
from jiceng.core.config import Settings
from jiceng.core.db import Database
from jiceng.core.permissions import ROLES, ScopeKind
from jiceng.core.security import Principal
from tests.factories import PASSWORD, VILLAGE_A, VILLAGE_C, add_resident, build_region, id_number
from tests.fhir.conftest import ID_SYSTEM, patient

CONSOLE = Principal.console_operator()
ROLES_UNDER_TEST = [code for code in ROLES if code not in ("console_operator", "anonymous")]
PLACES = {"village_doctor": "clinic_a", "specialist": "county_hospital", "reader": "county_hospital"}
FHIR_ROUTES = sorted(
    {(m, r.path) for router in FHIR_ROUTERS for r in router.routes if isinstance(r, APIRoute) for m in r.methods - {"HEAD"}}
)


def test_every_fhir_route_declares_a_permission_and_is_probed() -> None:
    for router in FHIR_ROUTERS:
        for route in router.routes:
            assert isinstance(route, APIRoute) and declared_permission(route.dependant), route.path
    assert {path for _m, path in FHIR_ROUTES} == set(PROBES_BY_PATH)


@dataclass
class World:
    db: Database
    client: TestClient
    tokens: dict[str, str]
    organization: str
    counter: Iterator[int]


@pytest.fixture(scope="module")
def world(sqlite_storage: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    db = Database(sqlite_storage.fresh_url())
    region = build_region(db)
    tokens = {}
    with db.unit_of_work() as s:
        for role in ROLES_UNDER_TEST:
            place = PLACES.get(role, "township_hospital") if ROLES[role].scope in (ScopeKind.CATCHMENT, ScopeKind.RELATION) else None
            division = "411202000000" if ROLES[role].scope is ScopeKind.DIVISION else None
            user = accounts.create_user(
                s,
                CONSOLE,
                username=f"f_{role}",
                password=PASSWORD,
                role=role,
                institution_id=getattr(region, place) if place else None,
                division_code=division,
            )
            tokens[role] = accounts.issue_token(s, user, hours=2)[0]
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("fhir-matrix"), database_url=db.url), db)
    with TestClient(app) as client:
        yield World(db, client, tokens, str(region.township_hospital), itertools.count(1))
    db.dispose()


def _resident(world: World, village: str) -> str:
    n = next(world.counter)
    with world.db.unit_of_work() as s:
        return str(
            add_resident(
                s,
                CONSOLE,
                village_code=village,
                id_number=id_number(f"19{40 + n // 300:02d}{(n // 28) % 12 + 1:02d}{n % 28 + 1:02d}", "007"),
            ).id
        )


def _expect(role: str, permission: str, resident_bound: bool, in_scope_village: bool, ok: int) -> int:
    perms = ROLES[role].permissions
    if permission not in perms:
        return 403
    if not resident_bound:
        return ok
    kind = ROLES[role].scope
    reaches = kind in (ScopeKind.ALL, ScopeKind.DIVISION) or (kind is ScopeKind.CATCHMENT and in_scope_village)
    return ok if reaches else 404


# path → (method → (permission, resident-bound, status when permitted and in scope))
PROBES_BY_PATH: dict[str, dict[str, tuple[str, bool, int]]] = {
    "/fhir/metadata": {"GET": ("public", False, 200)},
    "/fhir": {"POST": ("authenticated", False, 200)},
    "/fhir/{resource_type}": {"GET": ("resident.read", False, 200), "POST": ("resident.write", False, 201)},
    "/fhir/{resource_type}/_search": {"POST": ("resident.read", False, 200)},
    "/fhir/{resource_type}/{resource_id}": {
        "GET": ("resident.read", True, 200),
        "PUT": ("resident.write", True, 200),
        "DELETE": ("resident.delete", True, 204),
    },
    "/fhir/{resource_type}/{resource_id}/_history": {"GET": ("resident.read", True, 200)},
    "/fhir/{resource_type}/{resource_id}/_history/{version}": {"GET": ("resident.read", True, 200)},
    "/fhir/{resource_type}/{resource_id}/$everything": {"GET": ("resident.read", True, 200)},
}
CASES = [(method, path, role) for method, path in FHIR_ROUTES for role in ROLES_UNDER_TEST]


def _call(world: World, role: str, method: str, path: str, resident: str) -> int:
    headers = {"Authorization": f"Bearer {world.tokens[role]}"}
    url = path.replace("{resource_type}", "Patient").replace("{resource_id}", resident).replace("{version}", "1")
    if path == "/fhir":
        bundle = {"resourceType": "Bundle", "type": "batch", "entry": [{"request": {"method": "GET", "url": f"Patient/{resident}"}}]}
        return world.client.post(url, json=bundle, headers=headers).status_code
    if path.endswith("/_search"):
        return world.client.post(url, data={"_id": resident}, headers=headers).status_code
    if method == "GET" and path == "/fhir/{resource_type}":
        return world.client.get(url, params={"_id": resident}, headers=headers).status_code
    if method == "POST":
        n = next(world.counter)
        return world.client.post(
            url, json=patient(f"1960{n % 12 + 1:02d}{n % 28 + 1:02d}", f"{2 * (n % 400) + 1:03d}"), headers=headers
        ).status_code
    if method == "PUT":
        body = {**patient(), "id": resident, "identifier": [{"system": ID_SYSTEM, "value": _number(world, resident)}]}
        return world.client.put(url, json=body, headers=headers).status_code
    return world.client.request(method, url, headers=headers).status_code


def _number(world: World, resident: str) -> str:
    from jiceng.residents.models import Resident

    with world.db.unit_of_work() as s:
        row = s.get(Resident, uuid.UUID(resident))
        assert row is not None and row.id_number
        return row.id_number


@pytest.mark.parametrize(("method", "path", "role"), CASES, ids=[f"{m}:{p}:{r}" for m, p, r in CASES])
def test_fhir_status(world: World, method: str, path: str, role: str) -> None:
    permission, resident_bound, ok = PROBES_BY_PATH[path][method]
    if permission in ("public", "authenticated"):
        assert _call(world, role, method, path, _resident(world, VILLAGE_A)) == ok
        return
    for village, inside in ((VILLAGE_A, True), (VILLAGE_C, False)):
        if method == "POST":  # creating: the new resident is in the creator's catchment (village A)
            if inside:
                assert _call(world, role, method, path, "") == _expect(role, permission, False, True, ok)
            continue
        status = _call(world, role, method, path, _resident(world, village))
        assert status == _expect(role, permission, resident_bound, inside, ok), (village, status)


def test_search_returns_only_what_is_in_scope(world: World) -> None:
    inside, outside = _resident(world, VILLAGE_A), _resident(world, VILLAGE_C)
    headers = {"Authorization": f"Bearer {world.tokens['family_doctor']}"}
    found = world.client.get("/fhir/Patient", params={"_id": f"{inside},{outside}"}, headers=headers).json()
    assert [e["resource"]["id"] for e in found.get("entry", [])] == [inside]


def test_registry_resources_follow_registry_read(world: World) -> None:
    for role in ROLES_UNDER_TEST:
        status = world.client.get(
            f"/fhir/Organization/{world.organization}", headers={"Authorization": f"Bearer {world.tokens[role]}"}
        ).status_code
        assert status == (200 if "registry.read" in ROLES[role].permissions else 403), role
