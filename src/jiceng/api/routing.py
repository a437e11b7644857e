"""Route dispatch by first path segment.

FastAPI tries the app's routes one after another, matching each route's pattern and
juggling its request scope, at about a microsecond per route. A resident read
(``/api/v1/residents/{id}``) went through 108 routes before its own (measured: 137 µs of
routing against 16 µs for ``/api/v1/me``), and every later domain would add to that.

Each domain's router is therefore included through a :class:`SegmentGuard`, which refuses
at once a path whose first segment after the prefix none of its routes begins with, and
otherwise lets FastAPI match as before. Routes and their order, the OpenAPI document and
the 404/405 answers stay exactly as they were.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.routing import Match, get_route_path
from starlette.types import Scope


def first_segments(router: APIRouter) -> frozenset[str] | None:
    """The literal first segments of the router's paths; None if a path begins with a
    parameter (the router could then match any first segment)."""
    found = set()
    for route in router.routes:
        path = getattr(route, "path", None)
        if not isinstance(path, str) or not path.startswith("/"):
            return None
        segment = path.split("/", 2)[1]
        if "{" in segment:
            return None
        found.add(segment)
    return frozenset(found)


class SegmentGuard(APIRouter):
    """Holds one router, included under ``prefix``; see the module's docstring."""

    def __init__(self, router: APIRouter, prefix: str = "") -> None:
        super().__init__()
        self.include_router(router, prefix=prefix)
        self.guarded_router = router
        self.guarded_prefix = prefix
        self._segments: tuple[int, frozenset[str] | None] = (-1, None)

    @property
    def segments(self) -> frozenset[str] | None:
        """Recomputed when the guarded router gains a route (FastAPI allows that later)."""
        count, found = self._segments
        if count != len(self.guarded_router.routes):
            found = first_segments(self.guarded_router)
            self._segments = (len(self.guarded_router.routes), found)
        return found

    def could_match(self, path: str) -> bool:
        segments = self.segments
        if segments is None:
            return True
        if not path.startswith(self.guarded_prefix):
            return False
        rest = path[len(self.guarded_prefix) :]
        return rest.startswith("/") and rest.split("/", 2)[1] in segments

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] in ("http", "websocket") and not self.could_match(get_route_path(scope)):
            return Match.NONE, {}
        return super().matches(scope)
