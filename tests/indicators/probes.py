"""Permission-matrix probes for the dashboard endpoints (see tests/matrix.py). The matrix's
world has no indicator state built: every page answers, with zeros and a notice."""

from __future__ import annotations

from tests.matrix import Probe

CODE = {"path_values": lambda f: {"code": "contracts.coverage"}}

PROBES = {
    # JSON API
    ("GET", "/api/v1/indicators"): Probe(200),
    ("GET", "/api/v1/indicators/status"): Probe(200),
    ("GET", "/api/v1/indicators/values"): Probe(200),
    ("GET", "/api/v1/indicators/workforce"): Probe(200),
    ("GET", "/api/v1/indicators/targets"): Probe(200),
    ("PUT", "/api/v1/indicators/targets"): Probe(200, json=lambda f: {"targets": {"contracts.coverage": 0.8}}),
    ("GET", "/api/v1/indicators/{code}"): Probe(200, **CODE),
    ("GET", "/api/v1/indicators/{code}/people"): Probe(200, params=lambda f: {"which": "denominator"}, **CODE),
    # Web pages
    ("GET", "/dashboard"): Probe(200),
    ("GET", "/dashboard/indicator/{code}"): Probe(200, **CODE),
    ("GET", "/dashboard/people"): Probe(200, params=lambda f: {"code": "contracts.coverage"}),
    ("GET", "/dashboard/catalogue"): Probe(200),
    ("GET", "/dashboard/workforce"): Probe(200),
    ("GET", "/dashboard/export.xlsx"): Probe(200),
    ("GET", "/dashboard/report.pdf"): Probe(200),
    ("GET", "/dashboard/targets"): Probe(200),
    ("POST", "/dashboard/targets"): Probe(303, form=lambda f: {"target_contracts.coverage": "80"}),
}
