"""Probes for the foundation's API and web endpoints (see tests/matrix.py)."""

from __future__ import annotations

from tests.factories import PASSWORD, TOWNSHIP, VILLAGE_A, id_number
from tests.matrix import Probe

PROBES = {
    # JSON API
    ("POST", "/api/v1/auth/token"): Probe(401, json=lambda f: {"username": "nobody", "password": "wrong"}),
    ("POST", "/api/v1/auth/oauth/token"): Probe(
        401, form=lambda f: {"grant_type": "client_credentials", "client_id": "none", "client_secret": "x"}
    ),
    ("POST", "/api/v1/auth/revoke"): Probe(200),
    ("POST", "/api/v1/me/password"): Probe(422, json=lambda f: {"current_password": "wrong", "new_password": "Another-Secret-99"}),
    ("POST", "/api/v1/residents"): Probe(
        201, json=lambda f: {"name": "新居民", "id_number": f["fresh_id_number"], "village_code": VILLAGE_A}
    ),
    ("PATCH", "/api/v1/residents/{resident_id}"): Probe(200, json=lambda f: {"phone": "13900000000"}),
    ("POST", "/api/v1/residents/{resident_id}/status"): Probe(200, json=lambda f: {"status": "moved_out"}),
    ("DELETE", "/api/v1/residents/{resident_id}"): Probe(204, params=lambda f: {"reason": "重复建档"}),
    ("POST", "/api/v1/households"): Probe(201, json=lambda f: {"head_resident_id": f["resident_id"]}),
    ("POST", "/api/v1/households/{household_id}/members"): Probe(
        200, json=lambda f: {"resident_id": f["resident_id"], "relation_to_head": "20"}
    ),
    ("POST", "/api/v1/divisions"): Probe(201, json=lambda f: {"code": f["fresh_village_code"], "name": "新村"}),
    ("POST", "/api/v1/institutions"): Probe(
        201, json=lambda f: {"code": f["fresh_code"], "name": "新卫生室", "kind": "village_clinic", "division_code": VILLAGE_A}
    ),
    ("PUT", "/api/v1/institutions/{institution_id}/catchment"): Probe(200, json=lambda f: {"village_codes": [VILLAGE_A]}),
    ("POST", "/api/v1/staff"): Probe(
        201,
        json=lambda f: {
            "staff_code": f["fresh_code"],
            "name": "新医生",
            "sex": "1",
            "institution_id": f["institution_id"],
            "profession": "physician",
            "education": "bachelor",
        },
    ),
    ("POST", "/api/v1/users"): Probe(
        201, json=lambda f: {"username": f["fresh_username"], "role": "nurse", "institution_id": f["institution_id"]}
    ),
    ("POST", "/api/v1/users/{username}/disable"): Probe(200),
    # Web pages
    ("POST", "/login"): Probe(403, form=lambda f: {"username": "doctor_a", "password": PASSWORD, "prelogin": "forged"}),
    ("POST", "/logout"): Probe(303, form=lambda f: {}),
    ("POST", "/account/password"): Probe(422, form=lambda f: {"current_password": "wrong", "new_password": "Another-Secret-99"}),
    ("GET", "/lang/{code}"): Probe(303, path_values=lambda f: {"code": "en"}),
    ("POST", "/residents/new"): Probe(303, form=lambda f: {"name": "新居民", "id_number": f["fresh_id_number"], "village_code": VILLAGE_A}),
    ("POST", "/residents/{resident_id}/edit"): Probe(
        303, form=lambda f: {"name": "改名", "village_code": VILLAGE_A, "id_number": f["resident_id_number"]}
    ),
    ("POST", "/residents/{resident_id}/status"): Probe(303, form=lambda f: {"status": "moved_out"}),
    ("POST", "/admin/users"): Probe(
        200, form=lambda f: {"username": f["fresh_username"], "role": "nurse", "institution_code": "T411202100"}
    ),
    ("POST", "/admin/users/{username}/active"): Probe(200, form=lambda f: {"active": "0"}),
    ("POST", "/admin/users/{username}/reset-password"): Probe(200, form=lambda f: {}),
    ("GET", "/registry/institutions"): Probe(200, params=lambda f: {"under": TOWNSHIP}),
    ("GET", "/api/v1/divisions/{code}"): Probe(200, path_values=lambda f: {"code": VILLAGE_A}),
    ("GET", "/api/v1/residents"): Probe(200, params=lambda f: {"q": "zsf"}),
    ("GET", "/residents"): Probe(200, params=lambda f: {"q": "zsf"}),
}

__all__ = ["PROBES", "id_number"]
