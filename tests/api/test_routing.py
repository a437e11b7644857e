"""Dispatch by first path segment (api.routing): the same answers, fewer patterns tried."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from jiceng.api.routing import SegmentGuard, first_segments


def _router(*paths: str) -> APIRouter:
    router = APIRouter()
    for path in paths:
        router.add_api_route(path, lambda: {"ok": True}, methods=["GET"])
    return router


def test_first_segments_of_a_router() -> None:
    assert first_segments(_router("/residents", "/residents/{rid}", "/households/{hid}")) == {"residents", "households"}
    assert first_segments(_router("/", "/login")) == {"", "login"}
    assert first_segments(_router("/residents", "/{page}")) is None  # could match any first segment


def test_guard_skips_other_paths_and_keeps_every_answer() -> None:
    app = FastAPI()
    app.include_router(SegmentGuard(_router("/residents/{rid}", "/households"), "/api/v1"))
    app.include_router(SegmentGuard(_router("/{anything}"), "/api/v1"))  # unguarded: tried for every path
    app.include_router(SegmentGuard(_router("/", "/login")))
    client = TestClient(app)
    assert client.get("/api/v1/residents/1").json() == {"ok": True}
    assert client.get("/api/v1/households").json() == {"ok": True}
    assert client.get("/api/v1/other").json() == {"ok": True}  # reached the catch-all behind the guard
    assert client.get("/").status_code == 200 and client.get("/login").status_code == 200
    assert client.post("/api/v1/households").status_code == 405  # method not allowed, as before
    assert client.get("/nothing/here").status_code == 404


def test_guard_refuses_only_what_none_of_its_routes_could_match() -> None:
    guard = SegmentGuard(_router("/residents/{rid}", "/households"), "/api/v1")
    assert guard.could_match("/api/v1/residents/1") and guard.could_match("/api/v1/households")
    assert not guard.could_match("/api/v1/me") and not guard.could_match("/fhir/Patient") and not guard.could_match("/api/v1")


def test_a_route_added_after_the_app_was_built_is_reached() -> None:
    router = _router("/residents")
    app = FastAPI()
    app.include_router(SegmentGuard(router, "/api/v1"))
    client = TestClient(app)
    assert client.get("/api/v1/late").status_code == 404
    router.add_api_route("/late", lambda: {"late": True}, methods=["GET"])
    assert client.get("/api/v1/late").json() == {"late": True}
