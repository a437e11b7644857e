"""FHIR mapping of chronic-disease management (Encounter + Observations of follow-ups, Condition,
ServiceRequest, MedicationRequest): read-back, search and paging, $everything, corrections,
scope and token scopes, errors and read-only interactions."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from jiceng.chronic import service as chronic
from jiceng.core.db import Database
from jiceng.exams import service as exams
from tests.contracts.helpers import World, build_world
from tests.exams.helpers import full_check
from tests.factories import Region
from tests.fhir.chronic_contracts_world import (
    BASE,
    ICD10,
    ITEM,
    LOINC,
    TODAY,
    _chronic,
    _codes,
    _contracts,
    _entries,
    _ext,
    _get,
    _ids,
    _pages,
    _sub,
)
from tests.fhir.conftest import bearer, machine_token


@pytest.fixture
def world(database: Database) -> World:
    return build_world(database)


@pytest.fixture
def region(world: World) -> Region:
    """The conftest's client builds on this region: the contracts world's."""
    return world.region


def test_follow_up_reads_back_as_encounter_and_observations(client: TestClient, database: Database, world: World) -> None:
    c = _chronic(database, world)
    headers = bearer(client, "teamdoc")
    encounter = _get(client, f"/fhir/Encounter/{c.dm_visit}-fu", headers)
    assert encounter["status"] == "finished" and encounter["class"]["code"] == "AMB"
    assert encounter["type"][0]["coding"][0] == {
        "system": f"{BASE}/CodeSystem/encounter-type",
        "code": "t2dm-followup",
        "display": "2型糖尿病患者随访",
    }
    assert encounter["period"] == {"start": "2026-05-10", "end": "2026-05-10"}
    assert encounter["subject"] == {"reference": f"Patient/{c.resident}"}
    assert encounter["reasonReference"] == [{"reference": f"Condition/{c.t2dm}-dx"}]
    assert encounter["participant"][0]["individual"] == {"reference": f"Practitioner/{world.staff['doc1']}", "display": "teamdoc"}
    assert encounter["serviceProvider"] == {"reference": f"Organization/{world.region.township_hospital}"}
    assert _sub(_ext(encounter, "chronic-next-visit"), "date") > "2026-05-10"
    assert _get(client, f"/fhir/Encounter/{c.corrected}-fu", headers)["class"]["code"] == "HH"  # 随访方式 家庭

    def obs(visit_id: uuid.UUID, item: str) -> dict[str, Any]:
        found = _get(client, f"/fhir/Observation/{visit_id}-fu-{item}", headers)
        assert found["id"] == f"{visit_id}-fu-{item}" and found["encounter"] == {"reference": f"Encounter/{visit_id}-fu"}
        assert found["subject"] == {"reference": f"Patient/{c.resident}"} and found["status"] == "final"
        assert (ITEM, item) in _codes(found)
        return found

    bp = obs(c.urgent, "bp")
    assert (LOINC, "85354-9") in _codes(bp) and bp["category"][0]["coding"][0]["code"] == "vital-signs"
    assert [(x["code"]["coding"][0]["code"], x["valueQuantity"]["value"], x["valueQuantity"]["code"]) for x in bp["component"]] == [
        ("8480-6", 185, "mm[Hg]"),
        ("8462-4", 100, "mm[Hg]"),
    ]
    assert (LOINC, "8867-4") in _codes(obs(c.original, "heart-rate"))
    weight = obs(c.original, "weight")
    assert (LOINC, "29463-7") in _codes(weight) and weight["valueQuantity"]["value"] == 72
    assert weight["component"][0]["code"]["coding"][0]["code"] == "weight-target" and weight["component"][0]["valueQuantity"]["value"] == 68
    bmi = obs(c.original, "bmi")
    assert (LOINC, "39156-5") in _codes(bmi) and bmi["valueQuantity"] == {
        "value": 24.9,
        "unit": "kg/m²",
        "system": "http://unitsofmeasure.org",
        "code": "kg/m2",
    }
    smoking = obs(c.original, "smoking")
    assert smoking["valueQuantity"]["value"] == 10 and smoking["component"][0]["valueQuantity"]["value"] == 5
    assert smoking["category"][0]["coding"][0]["code"] == "social-history"
    exercise = {x["code"]["coding"][0]["code"]: x["valueQuantity"]["value"] for x in obs(c.original, "exercise")["component"]}
    assert exercise == {"exercise-minutes": 30, "exercise-target": 5, "exercise-minutes-target": 30}
    salt = obs(c.original, "salt")
    assert salt["valueCodeableConcept"]["coding"][0] == {"system": f"{BASE}/CodeSystem/chronic-salt", "code": "3", "display": "重"}
    symptoms = obs(c.urgent, "symptoms")
    assert {x["code"]["coding"][0]["code"]: x["valueCodeableConcept"]["coding"][0]["code"] for x in symptoms["component"]} == {
        "critical-sign": "severe_headache"
    }
    glucose = obs(c.dm_visit, "fasting-glucose")
    assert (LOINC, "1558-6") in _codes(glucose) and glucose["valueQuantity"]["value"] == 7.4
    assert glucose["category"][0]["coding"][0]["code"] == "laboratory" and glucose["effectiveDateTime"] == "2026-05-10"
    hba1c = obs(c.dm_visit, "hba1c")
    assert (LOINC, "4548-4") in _codes(hba1c) and hba1c["valueQuantity"]["code"] == "%" and hba1c["effectiveDateTime"] == "2026-05-01"
    ppg = obs(c.dm_visit, "postprandial-glucose")
    assert _codes(ppg) == {(ITEM, "postprandial-glucose")} and ppg["valueQuantity"]["code"] == "mmol/L"
    pulse = obs(c.dm_visit, "dorsalis-pedis")
    assert pulse["valueCodeableConcept"]["coding"][0]["display"] == "减弱" and pulse["bodySite"]["coding"][0]["code"] == "left"
    assert (LOINC, "8310-5") in _codes(obs(c.dm_visit, "temperature"))
    category = obs(c.dm_visit, "category")
    assert category["valueCodeableConcept"]["coding"][0] == {
        "system": f"{BASE}/CodeSystem/chronic-visit-category",
        "code": "2",
        "display": "控制不满意",
    }
    parts = {x["code"]["coding"][0]["code"]: x for x in category["component"]}
    assert parts["on-target"]["valueBoolean"] is False and parts["urgent"]["valueBoolean"] is False
    assert parts["reason"]["valueCodeableConcept"]["coding"][0]["code"] == "fpg_high"
    urgent = {x["code"]["coding"][0]["code"]: x for x in obs(c.urgent, "category")["component"]}
    assert urgent["urgent"]["valueBoolean"] is True
    assert obs(c.dm_visit, "adverse-reaction")["valueBoolean"] is False
    # A hypertension visit has no glucose-only items, an unknown item is nobody's, an unknown visit is absent.
    _get(client, f"/fhir/Observation/{c.urgent}-fu-hba1c", headers, 404)
    _get(client, f"/fhir/Observation/{c.dm_visit}-fu-salt", headers, 404)
    _get(client, f"/fhir/Observation/{c.dm_visit}-fu-nonsense", headers, 404)
    _get(client, f"/fhir/Observation/{uuid.uuid4()}-fu-bp", headers, 404)
    _get(client, f"/fhir/Encounter/{uuid.uuid4()}-fu", headers, 404)


def test_managed_diagnoses_are_conditions_next_to_the_record(client: TestClient, database: Database, world: World) -> None:
    c = _chronic(database, world)
    headers = bearer(client, "teamdoc")
    htn = _get(client, f"/fhir/Condition/{c.htn}-dx", headers)
    assert htn["code"]["coding"][0] == {"system": ICD10, "code": "I10", "display": "Essential (primary) hypertension"}
    assert (f"{BASE}/CodeSystem/chronic-disease", "htn") in _codes(htn) and htn["code"]["text"] == "高血压"
    assert htn["clinicalStatus"]["coding"][0]["code"] == "active" and htn["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert htn["onsetDateTime"] == "2020-05-01" and htn["recordedDate"] == "2025-06-01"
    management = _ext(htn, "chronic-management")
    assert _sub(management, "status")["code"] == "managed" and _sub(management, "team") == "李医生团队"
    assert _sub(management, "practitioner") == {"reference": f"Practitioner/{world.staff['doc1']}"}
    t2dm = _get(client, f"/fhir/Condition/{c.t2dm}-dx", headers)
    assert t2dm["code"]["coding"][0]["code"] == "E11" and _ext(t2dm, "chronic-diagnosis-institution")["valueString"] == "湖滨区人民医院"
    # The resident record's own past diagnosis and the managed ones, merged and paged by id.
    found = _ids(client, f"Condition?patient={c.resident}", headers)
    assert sorted(found) == sorted([f"{c.resident}-pd2", f"{c.htn}-dx", f"{c.t2dm}-dx"]) and found == sorted(found)
    assert _pages(client, f"/fhir/Condition?patient={c.resident}&_count=1", headers) == found
    # Management ends with death: the condition becomes inactive.
    with database.unit_of_work() as s:
        chronic.update_enrolment(s, world.principal("teamdoc"), c.htn, {"status": "deceased", "status_date": "2026-11-20"}, today=TODAY)
    dead = _get(client, f"/fhir/Condition/{c.htn}-dx", headers)
    assert dead["clinicalStatus"]["coding"][0]["code"] == "inactive" and dead["meta"]["versionId"] != htn["meta"]["versionId"]
    assert _sub(_ext(dead, "chronic-management"), "status")["code"] == "deceased"
    _get(client, f"/fhir/Condition/{uuid.uuid4()}-dx", headers, 404)


def test_referral_and_long_prescription(client: TestClient, database: Database, world: World) -> None:
    c = _chronic(database, world)
    headers = bearer(client, "teamdoc")
    referral = _get(client, f"/fhir/ServiceRequest/{c.referral}", headers)
    assert (referral["status"], referral["intent"], referral["priority"]) == ("active", "order", "urgent")
    assert referral["category"][0]["coding"][0]["code"] == "3457005" and referral["code"]["coding"][0]["code"] == "urgent"
    assert referral["encounter"] == {"reference": f"Encounter/{c.urgent}-fu"} and referral["authoredOn"] == "2026-03-24"
    assert referral["reasonReference"] == [{"reference": f"Condition/{c.htn}-dx"}]
    assert {"sbp_critical", "critical_sign"} <= {r["coding"][0]["code"] for r in referral["reasonCode"]}
    assert _sub(_ext(referral, "chronic-referral-followup"), "due") == "2026-04-07"
    assert _ids(client, f"ServiceRequest?patient={c.resident}&status=active&priority=urgent", headers) == [str(c.referral)]
    assert _ids(client, f"ServiceRequest?subject=Patient/{c.resident}&status=completed", headers) == []
    assert _ids(client, f"ServiceRequest?encounter=Encounter/{c.urgent}-fu&authored=2026-03", headers) == [str(c.referral)]
    included = _get(client, f"/fhir/ServiceRequest?_id={c.referral}&_include=ServiceRequest:encounter", headers)["entry"]
    assert sorted(e["resource"]["resourceType"] for e in included) == ["Encounter", "ServiceRequest"]
    with database.unit_of_work() as s:
        chronic.follow_up_referral(
            s,
            world.principal("teamdoc"),
            c.referral,
            {"result": "1", "outcome": "上级医院调整用药", "followed_up_on": "2026-04-01"},
            today=TODAY,
        )
    followed = _get(client, f"/fhir/ServiceRequest/{c.referral}", headers)
    assert followed["status"] == "completed"
    assert _sub(_ext(followed, "chronic-referral-followup"), "result")["code"] == "1"
    assert _sub(_ext(followed, "chronic-referral-followup"), "outcome") == "上级医院调整用药"

    rx = _get(client, f"/fhir/MedicationRequest/{c.rx}", headers)
    assert (rx["status"], rx["intent"], rx["medicationCodeableConcept"]["text"]) == ("active", "order", "盐酸二甲双胍片 0.5g")
    assert rx["dosageInstruction"][0]["timing"]["repeat"] == {"frequency": 2, "period": 1, "periodUnit": "d"}
    assert rx["dosageInstruction"][0]["text"] == "每次0.5g，每日2次"
    assert rx["dispenseRequest"]["expectedSupplyDuration"] == {
        "value": 84,
        "unit": "天",
        "system": "http://unitsofmeasure.org",
        "code": "d",
    }
    assert rx["dispenseRequest"]["validityPeriod"] == {"start": "2026-11-22", "end": "2027-02-13"}
    assert rx["dispenseRequest"]["quantity"] == {"value": 168, "unit": "片"}
    assert rx["requester"] == {"reference": f"Practitioner/{world.staff['doc1']}", "display": "teamdoc"}
    assert rx["supportingInformation"] == [{"reference": f"Encounter/{c.dm_recent}-fu"}]
    assert rx["reasonReference"] == [{"reference": f"Condition/{c.t2dm}-dx"}]
    assert _ids(client, f"MedicationRequest?patient={c.resident}&status=active&authoredon=ge2026-11-01", headers) == [str(c.rx)]
    included = _get(client, f"/fhir/MedicationRequest?_id={c.rx}&_include=MedicationRequest:requester", headers)["entry"]
    assert sorted(e["resource"]["resourceType"] for e in included) == ["MedicationRequest", "Practitioner"]
    with database.unit_of_work() as s:
        chronic.stop_prescription(s, world.principal("teamdoc"), c.rx, "改用其他药物")
    stopped = _get(client, f"/fhir/MedicationRequest/{c.rx}", headers)
    assert stopped["status"] == "stopped" and "改用其他药物" in stopped["note"][0]["text"]
    assert _ids(client, f"MedicationRequest?patient={c.resident}&status=active", headers) == []
    assert _ids(client, f"MedicationRequest?patient={c.resident}&status=stopped,completed", headers) == [str(c.rx)]
    _get(client, f"/fhir/MedicationRequest/{uuid.uuid4()}", headers, 404)
    _get(client, "/fhir/ServiceRequest/not-a-uuid", headers, 404)


def test_search_finds_current_follow_ups_and_their_readings(client: TestClient, database: Database, world: World) -> None:
    c = _chronic(database, world)
    with database.unit_of_work() as s:  # the same resident's health check: its Encounter and Observations share the types
        check = exams.create_health_check(s, world.principal("teamdoc"), c.resident, full_check(exam_date="2026-05-10"), today=TODAY)
    headers = bearer(client, "teamdoc")
    current = sorted(f"{v}-fu" for v in (c.corrected, c.urgent, c.dm_visit, c.dm_recent))
    assert _ids(client, f"Encounter?patient={c.resident}", headers) == sorted([*current, str(check.id)])
    assert _ids(client, f"Encounter?subject=Patient/{c.resident}&class=HH", headers) == [f"{c.corrected}-fu"]
    assert _ids(client, f"Encounter?patient={c.resident}&date=2026-05-10", headers) == sorted([f"{c.dm_visit}-fu", str(check.id)])
    assert _ids(client, f"Encounter?_id={c.urgent}-fu,{c.original}-fu", headers) == [f"{c.urgent}-fu"]  # the original was replaced
    assert _ids(client, f"Encounter?service-provider=Organization/{world.region.township_hospital}&date=ge2026-11-01", headers) == [
        f"{c.dm_recent}-fu"
    ]
    assert _ids(client, f"Encounter?patient={c.resident}&_lastUpdated=lt2000-01-01", headers) == []

    hba1c = _ids(client, f"Observation?patient={c.resident}&code={LOINC}|4548-4", headers)
    assert hba1c == sorted([f"{c.dm_visit}-fu-hba1c", f"{check.id}-hba1c"])
    assert _ids(client, f"Observation?patient={c.resident}&code={ITEM}|bp", headers) == sorted(
        f"{v}-fu-bp" for v in (c.corrected, c.urgent)
    )
    assert _ids(client, f"Observation?patient={c.resident}&code=85354-9&date=2026-03", headers) == sorted(
        f"{v}-fu-bp" for v in (c.corrected, c.urgent)
    )
    categories = _ids(client, f"Observation?patient={c.resident}&code={ITEM}|category", headers)
    assert categories == sorted(f"{v}-fu-category" for v in (c.corrected, c.urgent, c.dm_visit, c.dm_recent))
    # The HbA1c was measured on 1 May, before the visit: its own date is searched.
    assert _ids(client, f"Observation?patient={c.resident}&date=2026-05-01", headers) == [f"{c.dm_visit}-fu-hba1c"]
    vitals = _ids(client, f"Observation?patient={c.resident}&category=vital-signs&code=29463-7", headers)
    assert vitals == sorted([f"{c.corrected}-fu-weight", f"{c.dm_visit}-fu-weight", f"{check.id}-weight"])
    assert _ids(client, f"Observation?_id={c.urgent}-fu-bp,{c.original}-fu-bp", headers) == [f"{c.urgent}-fu-bp"]
    everything = _ids(client, f"Observation?patient={c.resident}&_count=500", headers)
    assert everything == sorted(everything) and len(everything) == len(set(everything)) > 50
    assert not [i for i in everything if i.startswith((str(c.original), str(c.voided), str(c.voided_original)))]
    assert _pages(client, f"/fhir/Observation?patient={c.resident}&_count=7", headers) == everything
    revincluded = _get(client, f"/fhir/Patient?_id={c.resident}&_revinclude=Condition:subject", headers)["entry"]
    assert {f"{c.htn}-dx", f"{c.t2dm}-dx"} <= {e["resource"]["id"] for e in revincluded}


def test_encounter_pages_across_follow_ups(client: TestClient, database: Database, world: World) -> None:
    c = _chronic(database, world)
    headers = bearer(client, "teamdoc")
    found = _ids(client, f"Encounter?patient={c.resident}", headers)
    assert _pages(client, f"/fhir/Encounter?patient={c.resident}&_count=1", headers) == found


def test_corrected_and_voided_visits(client: TestClient, database: Database, world: World) -> None:
    c = _chronic(database, world)
    headers = bearer(client, "teamdoc")
    original = _get(client, f"/fhir/Encounter/{c.original}-fu", headers)
    assert _ext(original, "corrected-by")["valueReference"] == {"reference": f"Encounter/{c.corrected}-fu"}
    fixed = _get(client, f"/fhir/Encounter/{c.corrected}-fu", headers)
    assert _ext(fixed, "amends")["valueReference"] == {"reference": f"Encounter/{c.original}-fu"}
    assert _ext(fixed, "amendment-reason")["valueString"] == "血压录入错误"
    assert _get(client, f"/fhir/Observation/{c.original}-fu-bp", headers)["component"][0]["valueQuantity"]["value"] == 150
    assert _get(client, f"/fhir/Observation/{c.corrected}-fu-bp", headers)["component"][0]["valueQuantity"]["value"] == 138
    voided = _get(client, f"/fhir/Encounter/{c.voided}-fu", headers)
    assert (
        voided["status"] == "entered-in-error"
        and _ext(voided, "amends")["valueReference"]["reference"] == f"Encounter/{c.voided_original}-fu"
    )
    assert _get(client, f"/fhir/Observation/{c.voided}-fu-bp", headers)["status"] == "entered-in-error"
    bundle = _get(client, f"/fhir/Patient/{c.resident}/$everything", headers)
    shown = {e["resource"]["id"] for e in bundle["entry"]}
    assert f"{c.corrected}-fu" in shown and f"{c.corrected}-fu-bp" in shown
    assert not {f"{c.original}-fu", f"{c.voided}-fu", f"{c.voided_original}-fu", f"{c.original}-fu-bp"} & shown


def test_signed_records_are_read_only(client: TestClient, database: Database, world: World) -> None:
    c = _chronic(database, world)
    signed = _contracts(database, world)
    headers = bearer(client, "teamdoc")
    encounter = _get(client, f"/fhir/Encounter/{c.dm_visit}-fu", headers)
    body = {k: v for k, v in encounter.items() if k not in ("id", "meta")}
    assert client.post("/fhir/Encounter", json=body, headers=headers).status_code == 405
    assert client.put(f"/fhir/Encounter/{c.dm_visit}-fu", json=encounter, headers=headers).status_code == 405
    assert client.delete(f"/fhir/Encounter/{c.dm_visit}-fu", headers=headers).status_code == 405
    observation = _get(client, f"/fhir/Observation/{c.dm_visit}-fu-hba1c", headers)
    assert client.put(f"/fhir/Observation/{c.dm_visit}-fu-hba1c", json=observation, headers=headers).status_code == 405
    for path in (f"ServiceRequest/{c.referral}", f"MedicationRequest/{c.rx}", f"Contract/{signed.current}", f"CareTeam/{world.team_a}"):
        resource = _get(client, f"/fhir/{path}", headers)
        assert client.put(f"/fhir/{path}", json=resource, headers=headers).status_code == 405
        assert client.delete(f"/fhir/{path}", headers=headers).status_code == 405
        response = client.post(f"/fhir/{path.split('/')[0]}", json={k: v for k, v in resource.items() if k != "id"}, headers=headers)
        assert response.status_code == 405 and response.json()["issue"][0]["code"] == "not-supported"
    by_type = {r["type"]: r for r in client.get("/fhir/metadata").json()["rest"][0]["resource"]}
    for kind in ("ServiceRequest", "MedicationRequest", "Contract", "CareTeam", "Encounter", "Condition"):
        assert {i["code"] for i in by_type[kind]["interaction"]} == {"read", "search-type"}, kind
    assert "follow-up" in by_type["Encounter"]["documentation"] and "health check" in by_type["Encounter"]["documentation"]
    assert "icd-10" in by_type["Condition"]["documentation"] and "<visit id>-fu-<item>" in by_type["Observation"]["documentation"]
    assert {"patient", "status", "date", "team", "identifier"} <= {p["name"] for p in by_type["Contract"]["searchParam"]}
    assert "Contract:team" in by_type["Contract"]["searchInclude"]


def test_bad_requests_answer_operation_outcomes(client: TestClient, database: Database, world: World) -> None:
    c = _chronic(database, world)
    _contracts(database, world)
    headers = bearer(client, "teamdoc")

    def outcome(path: str, status: int, prefer: str = "") -> dict[str, Any]:
        response = client.get(path, headers={**headers, **({"Prefer": prefer} if prefer else {})})
        assert response.status_code == status, response.text
        issue = response.json()["issue"][0]
        assert response.json()["resourceType"] == "OperationOutcome" and issue["details"]["text"] and issue["diagnostics"]
        return issue

    assert outcome(f"/fhir/Observation?patient={c.resident}&date=someday", 400)["expression"] == ["date"]
    assert outcome(f"/fhir/Encounter?patient={c.resident}&date=2026-13-40", 400)["expression"] == ["date"]
    assert outcome("/fhir/ServiceRequest?authored=x", 400)["expression"] == ["authored"]
    assert outcome("/fhir/MedicationRequest?_page=not-a-token", 400)["expression"] == ["_page"]
    assert outcome("/fhir/Contract?date=2026-02-30", 400)["expression"] == ["date"]
    assert outcome("/fhir/Contract?issued=le20x", 400)["expression"] == ["issued"]
    assert outcome("/fhir/CareTeam?_lastUpdated=yesterday", 400)["expression"] == ["_lastUpdated"]
    assert outcome("/fhir/Contract?colour=red", 400, "handling=strict")["expression"] == ["colour"]
    assert outcome("/fhir/ServiceRequest?patient=Organization/1", 400)["expression"] == ["patient"]
    assert outcome("/fhir/Condition", 400)["expression"] == ["patient"]  # the owner's rule: Condition needs a patient
    lenient = _get(client, "/fhir/MedicationRequest?colour=red", headers)
    assert lenient["entry"][-1]["search"]["mode"] == "outcome"
    assert outcome(f"/fhir/Observation/{uuid.uuid4()}-fu-bp", 404)["code"] == "not-found"
    assert outcome(f"/fhir/Contract/{uuid.uuid4()}", 404)["code"] == "not-found"
    assert outcome("/fhir/CareTeam/nope", 404)["code"] == "not-found"


def test_scope_hides_records_of_residents_out_of_reach(client: TestClient, database: Database, world: World) -> None:
    c = _chronic(database, world)
    signed = _contracts(database, world, c.resident)
    paths = (
        f"Encounter/{c.dm_visit}-fu",
        f"Observation/{c.dm_visit}-fu-hba1c",
        f"Condition/{c.htn}-dx",
        f"ServiceRequest/{c.referral}",
        f"MedicationRequest/{c.rx}",
        f"Contract/{signed.current}",
        f"Patient/{c.resident}/$everything",
    )
    queries = (
        f"Encounter?patient={c.resident}",
        f"Observation?patient={c.resident}",
        f"Condition?patient={c.resident}",
        f"ServiceRequest?patient={c.resident}",
        f"MedicationRequest?patient={c.resident}",
        f"Contract?patient={c.resident}",
        "ServiceRequest",
        "MedicationRequest",
        "Contract",
    )
    outsider = bearer(client, "doctor_c")  # the village doctor of another village
    for path in paths:
        assert _get(client, f"/fhir/{path}", outsider, 404)["resourceType"] == "OperationOutcome"
    for query in queries:
        assert _entries(_get(client, f"/fhir/{query}", outsider)) == []
    village = bearer(client, "doctor_a")  # the resident's village doctor sees them
    for path in paths:
        _get(client, f"/fhir/{path}", village)
    assert _ids(client, f"Contract?patient={c.resident}", village) == sorted([str(signed.old), str(signed.current)])
    # A role without chronic.read: a read is refused, a search contributes nothing.
    specialist = bearer(client, "specialist")
    assert client.get(f"/fhir/ServiceRequest/{c.referral}", headers=specialist).status_code == 403
    assert client.get(f"/fhir/Condition/{c.htn}-dx", headers=specialist).status_code == 403
    assert _entries(_get(client, f"/fhir/MedicationRequest?patient={c.resident}", specialist)) == []
    # Token scopes (SMART): the type's scope is needed, then the permission.
    lab = machine_token(database, client, "system/Observation.read system/Patient.read")
    denied = client.get(f"/fhir/ServiceRequest/{c.referral}", headers=lab)
    assert denied.status_code == 403 and "system/ServiceRequest.read" in denied.json()["issue"][0]["diagnostics"]
    assert client.get(f"/fhir/Contract?patient={c.resident}", headers=lab).status_code == 403
    assert _entries(_get(client, f"/fhir/Observation?patient={c.resident}&code={ITEM}|bp", lab)) == []  # no chronic.read


def test_everything_carries_chronic_and_contract_records(client: TestClient, database: Database, world: World) -> None:
    c = _chronic(database, world)
    signed = _contracts(database, world, c.resident)
    headers = bearer(client, "teamdoc")
    bundle = _get(client, f"/fhir/Patient/{c.resident}/$everything", headers)
    found = {(e["resource"]["resourceType"], e["resource"]["id"]) for e in bundle["entry"]}
    assert {
        ("Patient", str(c.resident)),
        ("Encounter", f"{c.dm_visit}-fu"),
        ("Observation", f"{c.dm_visit}-fu-hba1c"),
        ("Observation", f"{c.urgent}-fu-category"),
        ("Condition", f"{c.htn}-dx"),
        ("Condition", f"{c.t2dm}-dx"),
        ("ServiceRequest", str(c.referral)),
        ("MedicationRequest", str(c.rx)),
        ("Contract", str(signed.old)),
        ("Contract", str(signed.current)),
        ("CareTeam", str(world.team_a)),
    } <= found
    assert len(found) == len(bundle["entry"])  # nothing twice
