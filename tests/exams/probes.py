"""Permission-matrix probes for the health-check endpoints (see tests/matrix.py)."""

from __future__ import annotations

import uuid
from typing import Any

from jiceng.core.clock import local_today
from tests.exams.helpers import elderly_check
from tests.matrix import Probe


def check_body(**overrides: Any) -> dict[str, Any]:
    """A complete check for the matrix's resident (born 1930 or later: aged 65+), dated today."""
    return elderly_check(exam_date=local_today().isoformat(), **overrides)


def check_form() -> dict[str, Any]:
    """The same check as the web form posts it (multi-selects as lists)."""
    return {k: (v if isinstance(v, list) else str(v)) for k, v in check_body().items()}


def unknown(name: str) -> Any:
    return lambda f: {name: str(uuid.uuid4())}


PROBES = {
    # JSON API
    ("POST", "/api/v1/exams/health-checks"): Probe(201, json=lambda f: {"resident_id": f["resident_id"], **check_body()}),
    ("GET", "/api/v1/exams/health-checks/{check_id}"): Probe(404, path_values=unknown("check_id")),
    ("PATCH", "/api/v1/exams/health-checks/{check_id}"): Probe(404, json=lambda f: {"weight_kg": 60}, path_values=unknown("check_id")),
    ("POST", "/api/v1/exams/health-checks/{check_id}/sign"): Probe(404, path_values=unknown("check_id")),
    ("POST", "/api/v1/exams/health-checks/{check_id}/corrections"): Probe(
        404, json=lambda f: check_body(), path_values=unknown("check_id")
    ),
    # Web pages
    ("GET", "/exams/health-checks/new"): Probe(200, params=lambda f: {"resident_id": f["resident_id"]}),
    ("POST", "/exams/health-checks/new"): Probe(
        303, params=lambda f: {"resident_id": f["resident_id"]}, form=lambda f: {**check_form(), "action": "sign"}
    ),
    ("GET", "/exams/health-checks/{check_id}"): Probe(404, path_values=unknown("check_id")),
    ("GET", "/exams/health-checks/{check_id}/edit"): Probe(404, path_values=unknown("check_id")),
    ("POST", "/exams/health-checks/{check_id}/edit"): Probe(404, form=lambda f: check_form(), path_values=unknown("check_id")),
    ("POST", "/exams/health-checks/{check_id}/correct"): Probe(404, form=lambda f: check_form(), path_values=unknown("check_id")),
    ("POST", "/exams/health-checks/{check_id}/sign"): Probe(404, form=lambda f: {}, path_values=unknown("check_id")),
}
