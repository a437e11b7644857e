"""Permission-matrix probes for the elderly endpoints (see tests/matrix.py)."""

from __future__ import annotations

from typing import Any

from jiceng.core.clock import local_today
from tests.elderly.examples import SPEC_36_ANSWERS, asked
from tests.exams.probes import check_body, check_form, unknown
from tests.matrix import Probe

MEASURED = {"height_cm": 160, "weight_kg": 65.3, "waist_cm": 88}


def tcm_body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"answers": asked(SPEC_36_ANSWERS), "guidance": {"qixu": ["1", "2"]}}
    data.update(overrides)
    return data


def tcm_form() -> dict[str, Any]:
    return {**{f"q{q}": str(a) for q, a in asked(SPEC_36_ANSWERS).items()}, "guidance_qixu": ["1", "2"]}


RESIDENT = {"params": lambda f: {"resident_id": f["resident_id"]}}

PROBES = {
    # JSON API
    ("POST", "/api/v1/elderly/tcm/score"): Probe(200, json=lambda f: {"answers": asked(SPEC_36_ANSWERS), "bmi": 25.5, "waist_cm": 88}),
    ("POST", "/api/v1/elderly/tcm-assessments"): Probe(
        201, json=lambda f: {"resident_id": f["resident_id"], "assessed_on": local_today().isoformat(), **MEASURED, **tcm_body()}
    ),
    ("GET", "/api/v1/elderly/tcm-assessments/{record_id}"): Probe(404, path_values=unknown("record_id")),
    ("PATCH", "/api/v1/elderly/tcm-assessments/{record_id}"): Probe(
        404, json=lambda f: {"doctor_name": "李"}, path_values=unknown("record_id")
    ),
    ("GET", "/api/v1/elderly/tcm-assessments/{record_id}/result.pdf"): Probe(404, path_values=unknown("record_id")),
    ("POST", "/api/v1/elderly/visits"): Probe(
        201, json=lambda f: {"resident_id": f["resident_id"], "health_check": check_body(**MEASURED), "tcm": tcm_body()}
    ),
    ("GET", "/api/v1/elderly/indicators/{code}"): Probe(200, path_values=lambda f: {"code": "elderly_tcm_management_rate"}),
    # Web pages
    ("GET", "/elderly/visits/new"): Probe(200, **RESIDENT),
    ("POST", "/elderly/visits/new"): Probe(303, form=lambda f: {**check_form(), **tcm_form(), "action": "sign"}, **RESIDENT),
    ("GET", "/elderly/tcm/new"): Probe(200, **RESIDENT),
    ("POST", "/elderly/tcm/new"): Probe(
        303, form=lambda f: {**tcm_form(), "assessed_on": local_today().isoformat(), **{k: str(v) for k, v in MEASURED.items()}}, **RESIDENT
    ),
    ("GET", "/elderly/tcm/{record_id}"): Probe(404, path_values=unknown("record_id")),
    ("POST", "/elderly/tcm/{record_id}/sign"): Probe(404, form=lambda f: {}, path_values=unknown("record_id")),
    ("GET", "/elderly/tcm/{record_id}/result.pdf"): Probe(404, path_values=unknown("record_id")),
}
