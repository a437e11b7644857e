"""FHIR mapping of family-doctor contracts (CareTeam, Contract): read-back, search, and a
contract check of everything emitted for chronic care and contracts against the R4B models."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from jiceng.chronic import service as chronic
from jiceng.core.db import Database
from tests.chronic.helpers import visit
from tests.contracts.helpers import World, build_world
from tests.factories import Region
from tests.fhir.chronic_contracts_world import BASE, TODAY, _chronic, _contracts, _entries, _ext, _get, _ids, _pages, _sub
from tests.fhir.conftest import bearer
from tests.fhir.test_contract import _validate


@pytest.fixture
def world(database: Database) -> World:
    return build_world(database)


@pytest.fixture
def region(world: World) -> Region:
    """The conftest's client builds on this region: the contracts world's."""
    return world.region


def test_contract_reads_back_with_parties_packages_and_fees(client: TestClient, database: Database, world: World) -> None:
    signed = _contracts(database, world)
    headers = bearer(client, "teamdoc")
    contract = _get(client, f"/fhir/Contract/{signed.current}", headers)
    assert contract["status"] == "executed" and contract["identifier"][0]["system"] == f"{BASE}/sid/contract-number"
    assert contract["identifier"][0]["value"].startswith("QY2026")
    assert contract["applies"] == {"start": "2026-11-22", "end": "2027-11-21"} and contract["issued"] == "2026-11-22"
    assert contract["subject"] == [{"reference": f"Patient/{signed.resident}"}]
    assert contract["authority"] == [{"reference": f"Organization/{world.region.township_hospital}"}]
    assert _ext(contract, "family-doctor-team")["valueReference"] == {"reference": f"CareTeam/{world.team_a}"}
    assert _ext(contract, "contract-status")["valueCoding"]["code"] == "active"
    assert _sub(_ext(contract, "contract-signing"), "signatory") == "赵大勇"
    assert _sub(_ext(contract, "contract-signing"), "consent")["code"] == "signature"
    agreement = contract["term"][0]
    parties = {p["role"]["coding"][0]["code"]: p["reference"][0]["reference"] for p in agreement["offer"]["party"]}
    assert parties == {
        "resident": f"Patient/{signed.resident}",
        "family-doctor": f"Practitioner/{world.staff['doc1']}",
        "institution": f"Organization/{world.region.township_hospital}",
    }
    basic, personal = agreement["group"]
    assert basic["identifier"] == {"system": f"{BASE}/sid/service-package", "value": "BASIC"}
    assert basic["type"]["coding"][0]["code"] == "basic" and basic["subType"]["coding"][0]["version"] == "1"
    items = basic["asset"][0]["valuedItem"]
    fees = {i["entityCodeableConcept"]["coding"][0]["code"]: i["net"] for i in items if "net" in i}
    assert fees == {
        "insurance": {"value": 50.0, "currency": "CNY"},
        "government": {"value": 30.0, "currency": "CNY"},
        "resident": {"value": 0.0, "currency": "CNY"},
    }
    services = {i["entityCodeableConcept"]["coding"][0]["code"]: i for i in items if "net" not in i}
    assert set(services) == {"A01", "A02", "A03", "A04"}
    assert services["A02"]["quantity"]["value"] == 4 and "quantity" not in services["A04"]  # on demand
    assert _ext(services["A02"], "service-item-population")["valueCoding"]["code"] == "hypertension"
    assert personal["type"]["coding"][0]["code"] == "personalised"
    assert {
        i["entityCodeableConcept"]["coding"][0]["code"]: i["net"]["value"] for i in personal["asset"][0]["valuedItem"] if "net" in i
    } == {
        "insurance": 60.0,
        "government": 20.0,
        "resident": 40.0,
    }
    old = _get(client, f"/fhir/Contract/{signed.old}", headers)
    assert old["status"] == "terminated" and _ext(old, "contract-status")["valueCoding"]["code"] == "expired"
    ended = _get(client, f"/fhir/Contract?patient={signed.other}", headers)["entry"][0]["resource"]
    assert ended["status"] == "revoked" and _sub(_ext(ended, "contract-termination"), "reason")["code"] == "moved_out"


def test_contract_search(client: TestClient, database: Database, world: World) -> None:
    signed = _contracts(database, world)
    headers = bearer(client, "teamdoc")
    number = _get(client, f"/fhir/Contract/{signed.current}", headers)["identifier"][0]["value"]
    assert _ids(client, f"Contract?patient={signed.resident}", headers) == sorted([str(signed.old), str(signed.current)])
    assert _ids(client, f"Contract?subject=Patient/{signed.resident}&status=executed", headers) == [str(signed.current)]
    assert _ids(client, f"Contract?patient={signed.resident}&status=terminated", headers) == [str(signed.old)]
    assert _ids(client, "Contract?status=revoked", headers) == [str(signed.ended)]
    assert _ids(client, "Contract?status=renewed", headers) == []
    assert _ids(client, "Contract?status=revoked", bearer(client, "doctor_c")) == []  # another village's doctor
    assert _ids(client, f"Contract?patient={signed.resident}&date=2026-11-22", headers) == [str(signed.current)]
    assert _ids(client, f"Contract?patient={signed.resident}&date=2025-06", headers) == [str(signed.old)]
    assert _ids(client, f"Contract?patient={signed.resident}&date=lt2025-01-01", headers) == []
    assert _ids(client, f"Contract?patient={signed.resident}&issued=2025", headers) == [str(signed.old)]
    assert _ids(client, f"Contract?identifier={BASE}/sid/contract-number|{number}", headers) == [str(signed.current)]
    assert _ids(client, f"Contract?identifier=other-system|{number}", headers) == []
    assert _ids(client, f"Contract?team=CareTeam/{world.team_a}&patient={signed.resident}", headers) == sorted(
        [str(signed.old), str(signed.current)]
    )
    assert _ids(client, f"Contract?team={world.team_b}&patient={signed.resident}", headers) == []
    assert _ids(client, f"Contract?authority=Organization/{world.region.township_hospital}&patient={signed.resident}", headers)
    included = _get(client, f"/fhir/Contract?_id={signed.current}&_include=Contract:team&_include=Contract:patient", headers)["entry"]
    assert sorted(e["resource"]["resourceType"] for e in included) == ["CareTeam", "Contract", "Patient"]
    everything = _ids(client, "Contract?_count=500", bearer(client, "doctor_a"))
    assert everything and _pages(client, "/fhir/Contract?_count=1", bearer(client, "doctor_a")) == everything


def test_family_doctor_team_as_care_team(client: TestClient, database: Database, world: World) -> None:
    headers = bearer(client, "teamdoc")
    team = _get(client, f"/fhir/CareTeam/{world.team_a}", headers)
    assert team["name"] == "李医生团队" and team["status"] == "active"
    assert team["identifier"][0]["system"] == f"{BASE}/sid/family-doctor-team"
    assert team["managingOrganization"] == [{"reference": f"Organization/{world.region.township_hospital}"}]
    assert team["category"][0]["coding"][0]["code"] == "LA28865-6"
    assert _ext(team, "family-doctor-kind")["valueCoding"]["code"] == "gp" and _ext(team, "panel-limit")["valueInteger"] == 2000
    members = [(p["role"][0]["coding"][0]["code"], p["member"]["reference"], p["member"].get("display")) for p in team["participant"]]
    assert members == [
        ("family_doctor", f"Practitioner/{world.staff['doc1']}", "李医生"),
        ("nurse", f"Practitioner/{world.staff['nurse1']}", "王护士"),
        ("public_health", f"Practitioner/{world.staff['ph1']}", "赵公卫"),
        ("village_doctor", f"Practitioner/{world.staff['vdoc']}", "吴村医"),
    ]
    assert team["participant"][0]["period"] == {"start": "2026-11-22"}
    assert _ids(client, "CareTeam", headers) == sorted([str(world.team_a), str(world.team_b)])
    assert _ids(client, f"CareTeam?participant=Practitioner/{world.staff['nurse2']}", headers) == [str(world.team_b)]
    assert _ids(client, "CareTeam?name=钱医生", headers) == [str(world.team_b)]
    assert _ids(client, "CareTeam?status=inactive", headers) == []
    code = team["identifier"][0]["value"]
    assert _ids(client, f"CareTeam?identifier={code}&organization=Organization/{world.region.township_hospital}", headers) == [
        str(world.team_a)
    ]
    included = _get(client, f"/fhir/CareTeam?_id={world.team_a}&_include=CareTeam:participant", headers)["entry"]
    assert sorted(e["resource"]["resourceType"] for e in included) == ["CareTeam", *["Practitioner"] * 4]
    assert _pages(client, "/fhir/CareTeam?_count=1", headers) == sorted([str(world.team_a), str(world.team_b)])
    # Teams of other institutions are not listed (the web's team list), but a team can be read by id.
    assert _ids(client, "CareTeam", bearer(client, "outsider")) == []
    _get(client, f"/fhir/CareTeam/{world.team_a}", bearer(client, "outsider"))
    assert _entries(_get(client, "/fhir/CareTeam", bearer(client, "specialist"))) == []  # no contracts.read


def test_everything_we_emit_for_these_domains_is_valid_fhir(client: TestClient, database: Database, world: World) -> None:
    c = _chronic(database, world)
    signed = _contracts(database, world, c.resident)
    with database.unit_of_work() as s:
        chronic.follow_up_referral(s, world.principal("teamdoc"), c.referral, {"result": "2", "outcome": "未到上级医院"}, today=TODAY)
        chronic.stop_prescription(s, world.principal("teamdoc"), c.rx, "停药")
        chronic.update_enrolment(s, world.principal("teamdoc"), c.t2dm, {"status": "lost", "status_reason": "联系不上"}, today=TODAY)
        phone = visit(
            s, world.principal("teamdoc"), c.resident, "htn", "2026-11-20", mode="3", category="4", category_override_reason="新发眼底病变"
        )
    headers = bearer(client, "teamdoc")
    emitted: list[dict[str, Any]] = [
        _get(client, f"/fhir/Encounter/{c.original}-fu", headers),
        _get(client, f"/fhir/Encounter/{c.voided}-fu", headers),
        _get(client, f"/fhir/Observation/{c.voided}-fu-bp", headers),
        _get(client, f"/fhir/Encounter/{phone.visit.id}-fu", headers),
        _get(client, f"/fhir/Observation/{phone.visit.id}-fu-category", headers),
        _get(client, f"/fhir/Contract/{signed.ended}", bearer(client, "doctor_a")),
        _get(client, "/fhir/CareTeam/nope", headers, 404),
    ]
    for path in (
        f"/fhir/Patient/{c.resident}/$everything",
        f"/fhir/Observation?patient={c.resident}&_count=5",
        "/fhir/Encounter?_include=Encounter:service-provider",
        "/fhir/ServiceRequest?_include=ServiceRequest:encounter&_include=ServiceRequest:requester",
        "/fhir/MedicationRequest?_include=MedicationRequest:requester",
        f"/fhir/Condition?patient={c.resident}",
        "/fhir/Contract?_include=Contract:team&_include=Contract:authority",
        "/fhir/CareTeam?_include=CareTeam:participant&_include=CareTeam:organization",
    ):
        bundle = _get(client, path, headers)
        emitted.append(bundle)
        emitted += [e["resource"] for e in bundle.get("entry", [])]
    kinds = {r["resourceType"] for r in emitted}
    assert {
        "Encounter",
        "Observation",
        "Condition",
        "ServiceRequest",
        "MedicationRequest",
        "Contract",
        "CareTeam",
        "OperationOutcome",
    } <= kinds
    assert {"AMB", "HH", "VR"} <= {r["class"]["code"] for r in emitted if r["resourceType"] == "Encounter"}
    assert "entered-in-error" in {r["status"] for r in emitted if r["resourceType"] == "Encounter"}
    assert {"executed", "terminated", "revoked"} <= {r["status"] for r in emitted if r["resourceType"] == "Contract"}
    for resource in emitted:
        _validate(resource)
