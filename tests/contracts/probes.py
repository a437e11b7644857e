"""Permission-matrix probes for the contracts endpoints (see tests/matrix.py).

The matrix region has no teams, packages or contracts, so requests naming one answer
404 to a permitted caller; requests that validate input answer 422; a bad card 403.
"""

from __future__ import annotations

import uuid

from tests.matrix import Probe

MISSING = str(uuid.UUID(int=0x0190_0000_0000_7000_8000_0000_0000_0001))


def missing(*names: str) -> Probe:
    return Probe(404, path_values=lambda f: dict.fromkeys(names, MISSING))


def missing_json(*names: str) -> Probe:
    return Probe(404, json=lambda f: {}, path_values=lambda f: dict.fromkeys(names, MISSING))


def missing_form(*names: str) -> Probe:
    return Probe(404, form=lambda f: {}, path_values=lambda f: dict.fromkeys(names, MISSING))


API = "/api/v1/contracts"

PROBES = {
    # JSON API
    ("POST", f"{API}/teams"): Probe(422, json=lambda f: {"name": "团队"}),
    ("GET", f"{API}/teams/{{team_id}}"): missing("team_id"),
    ("GET", f"{API}/teams/{{team_id}}/contracts"): missing("team_id"),
    ("POST", f"{API}/teams/{{team_id}}/members"): Probe(
        404, json=lambda f: {"staff_id": MISSING, "role": "nurse"}, path_values=lambda f: {"team_id": MISSING}
    ),
    ("DELETE", f"{API}/teams/{{team_id}}/members/{{staff_id}}"): missing("team_id", "staff_id"),
    ("POST", f"{API}/packages"): Probe(
        201,
        json=lambda f: {
            "code": f["fresh_code"],
            "kind": "basic",
            "name": "基础服务包",
            "items": [{"name": "健康评估", "category": "public_health"}],
        },
    ),
    ("GET", f"{API}/packages/{{package_id}}"): missing("package_id"),
    ("PUT", f"{API}/packages/{{package_id}}"): missing_json("package_id"),
    ("POST", f"{API}/packages/{{package_id}}/revise"): missing("package_id"),
    ("POST", f"{API}/packages/{{package_id}}/publish"): missing_json("package_id"),
    ("POST", f"{API}/packages/{{package_id}}/retire"): missing_json("package_id"),
    ("POST", f"{API}/consents"): Probe(422),
    ("POST", API): Probe(422, json=lambda f: {"resident_id": f["resident_id"]}),
    ("POST", f"{API}/households/{{household_id}}"): Probe(422, json=lambda f: {}),
    ("POST", f"{API}/residents/{{resident_id}}/card/revoke"): Probe(200),
    ("POST", f"{API}/card/scan"): Probe(403, json=lambda f: {"token": "not-a-card"}),
    ("POST", f"{API}/marks"): Probe(
        201, json=lambda f: {"resident_id": f["resident_id"], "group_code": "pregnant", "source": "县妇幼保健院"}
    ),
    ("POST", f"{API}/marks/import"): Probe(422),
    ("POST", f"{API}/marks/{{mark_id}}/end"): missing_json("mark_id"),
    ("GET", f"{API}/{{contract_id}}"): missing("contract_id"),
    ("POST", f"{API}/{{contract_id}}/renew"): missing_json("contract_id"),
    ("POST", f"{API}/{{contract_id}}/change-team"): missing_json("contract_id"),
    ("POST", f"{API}/{{contract_id}}/terminate"): missing_json("contract_id"),
    ("POST", f"{API}/{{contract_id}}/deliveries"): missing_json("contract_id"),
    ("POST", f"{API}/{{contract_id}}/deliveries/{{delivery_id}}/void"): missing("contract_id", "delivery_id"),
    ("POST", f"{API}/{{contract_id}}/link-evidence"): missing("contract_id"),
    ("GET", f"{API}/{{contract_id}}/document.pdf"): missing("contract_id"),
    ("GET", f"{API}/{{contract_id}}/consent"): missing("contract_id"),
    # Web pages
    ("POST", "/contracts/teams/new"): Probe(422, form=lambda f: {}),
    ("GET", "/contracts/teams/{team_id}"): missing("team_id"),
    ("POST", "/contracts/teams/{team_id}/members"): missing_form("team_id"),
    ("POST", "/contracts/teams/{team_id}/members/{staff_id}/remove"): missing_form("team_id", "staff_id"),
    ("POST", "/contracts/packages/new"): Probe(422, form=lambda f: {}),
    ("GET", "/contracts/packages/{package_id}"): missing("package_id"),
    ("GET", "/contracts/packages/{package_id}/edit"): missing("package_id"),
    ("POST", "/contracts/packages/{package_id}/edit"): missing_form("package_id"),
    ("POST", "/contracts/packages/{package_id}/{action}"): Probe(
        404, form=lambda f: {}, path_values=lambda f: {"package_id": MISSING, "action": "revise"}
    ),
    ("POST", "/contracts/residents/{resident_id}/sign"): Probe(422, form=lambda f: {}),
    ("POST", "/contracts/households/{household_id}/sign"): Probe(422, form=lambda f: {}),
    ("POST", "/contracts/residents/{resident_id}/marks"): Probe(
        303, form=lambda f: {"group_code": "poverty_alleviated", "source": "县乡村振兴局"}
    ),
    ("POST", "/contracts/marks/import"): Probe(422, form=lambda f: {}),
    ("POST", "/contracts/marks/{mark_id}/end"): missing_form("mark_id"),
    ("GET", "/contracts/card/{token}"): Probe(403, path_values=lambda f: {"token": "not-a-card"}),
    ("GET", "/contracts/{contract_id}"): missing("contract_id"),
    ("POST", "/contracts/{contract_id}/renew"): missing_form("contract_id"),
    ("POST", "/contracts/{contract_id}/change-team"): missing_form("contract_id"),
    ("POST", "/contracts/{contract_id}/terminate"): missing_form("contract_id"),
    ("POST", "/contracts/{contract_id}/deliveries"): missing_form("contract_id"),
    ("POST", "/contracts/{contract_id}/deliveries/{delivery_id}/void"): missing_form("contract_id", "delivery_id"),
    ("GET", "/contracts/{contract_id}/contract.pdf"): missing("contract_id"),
    ("GET", "/contracts/{contract_id}/consent"): missing("contract_id"),
}
