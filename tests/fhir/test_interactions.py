"""FHIR REST interactions: round trips, search, versions, conditional create, scope, errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jiceng.core.db import Database
from jiceng.residents.models import Resident
from jiceng.results.models import Observation
from tests.factories import VILLAGE_C, Region, add_resident
from tests.fhir.conftest import ID_SYSTEM, bearer, machine_token, observation, patient, strip_server

FHIR = "application/fhir+json"


def test_capability_statement_lists_what_is_supported(client: TestClient) -> None:
    body = client.get("/fhir/metadata").json()
    assert body["fhirVersion"] == "4.0.1"
    by_type = {r["type"]: r for r in body["rest"][0]["resource"]}
    assert {
        "Patient",
        "Observation",
        "Organization",
        "Location",
        "Practitioner",
        "PractitionerRole",
        "Condition",
        "OrganizationAffiliation",
    } <= set(by_type)
    assert {i["code"] for i in by_type["Patient"]["interaction"]} == {
        "read",
        "vread",
        "history-instance",
        "search-type",
        "create",
        "update",
        "delete",
        "$everything",
    }
    assert "identifier" in {p["name"] for p in by_type["Patient"]["searchParam"]}
    assert by_type["Organization"]["interaction"] == [{"code": "read"}, {"code": "search-type"}]


def test_patient_round_trip_keeps_unmapped_elements(client: TestClient) -> None:
    headers = bearer(client, "doctor_a")
    sent = patient(communication=[{"language": {"text": "zh-CN"}}], generalPractitioner=[{"display": "李医生"}])
    sent["extension"] = [{"url": "http://hospital.example/fhir/ext/vip", "valueBoolean": False}]
    created = client.post("/fhir/Patient", json=sent, headers=headers)
    assert created.status_code == 201 and created.headers["content-type"].startswith(FHIR)
    assert created.headers["location"].endswith("/_history/1") and created.headers["etag"] == 'W/"1"'
    read = client.get(f"/fhir/Patient/{created.json()['id']}", headers=headers).json()
    assert read["communication"] == sent["communication"] and read["generalPractitioner"] == sent["generalPractitioner"]
    assert sent["extension"][0] in read["extension"]
    assert read["name"][0]["text"] == "张三丰" and read["birthDate"] == "1980-01-01" and read["gender"] == "male"
    assert {"system": ID_SYSTEM, "value": sent["identifier"][0]["value"]}.items() <= read["identifier"][0].items()
    assert read["telecom"] == [{"system": "phone", "value": "13812345678", "use": "mobile"}]


def test_observation_round_trip_is_verbatim(client: TestClient, database: Database, region: Region) -> None:
    headers = bearer(client, "doctor_a")
    with database.unit_of_work() as s:
        resident_id = add_resident(s, region.principal("doctor_a")).id
    sent = observation(f"Patient/{resident_id}")
    created = client.post("/fhir/Observation", json=sent, headers=headers)
    assert created.status_code == 201
    read = client.get(f"/fhir/Observation/{created.json()['id']}", headers=headers).json()
    assert strip_server(read) == sent


def test_search_parameters_and_paging(client: TestClient) -> None:
    headers = bearer(client, "gpdoc")
    for n, (name, birth) in enumerate([("张三丰", "19800101"), ("张小明", "19900505"), ("李四", "19600303")]):
        assert client.post("/fhir/Patient", json=patient(birth, f"{2 * n + 1:03d}", name), headers=headers).status_code == 201

    def names(query: str) -> list[str]:
        bundle = client.get(f"/fhir/Patient?{query}", headers=headers).json()
        assert bundle["resourceType"] == "Bundle" and bundle["type"] == "searchset" and "total" not in bundle
        return sorted(e["resource"]["name"][0]["text"] for e in bundle.get("entry", []) if e["search"]["mode"] == "match")

    assert names("name=zsf") == ["张三丰"]
    assert names("name=张") == ["张三丰", "张小明"]
    assert names("birthdate=ge1980-01-01") == ["张三丰", "张小明"]
    assert names("birthdate=lt1970") == ["李四"]
    assert names("gender=male") == sorted(["张三丰", "张小明", "李四"])  # odd sequence numbers 001/003/005
    assert names("gender=female") == []
    assert names(f"identifier={ID_SYSTEM}|{patient('19600303', '005')['identifier'][0]['value']}") == ["李四"]
    assert names("address-district=411202100") == sorted(["张三丰", "张小明", "李四"])
    assert names("address-district=411202101") == []
    assert names("_lastUpdated=ge2020-01-01") and names("_lastUpdated=lt2020-01-01") == []
    first = client.get("/fhir/Patient?_count=2", headers=headers).json()
    next_url = next(link["url"] for link in first["link"] if link["relation"] == "next")
    second = client.get(next_url.replace("http://testserver", ""), headers=headers).json()
    seen = [e["resource"]["id"] for e in first["entry"] + second.get("entry", [])]
    assert len(seen) == 3 == len(set(seen)) and not [link for link in second["link"] if link["relation"] == "next"]


def test_include_and_revinclude(client: TestClient, database: Database, region: Region) -> None:
    headers = bearer(client, "doctor_a")
    with database.unit_of_work() as s:
        resident_id = add_resident(s, region.principal("doctor_a")).id
    client.post("/fhir/Observation", json=observation(f"Patient/{resident_id}"), headers=headers)
    bundle = client.get("/fhir/Patient?name=zsf&_include=Patient:organization&_revinclude=Observation:subject", headers=headers).json()
    modes = sorted((e["resource"]["resourceType"], e["search"]["mode"]) for e in bundle["entry"])
    assert modes == [("Observation", "include"), ("Organization", "include"), ("Patient", "match")]


def test_versions_history_and_if_match(client: TestClient) -> None:
    headers = bearer(client, "doctor_a")
    created = client.post("/fhir/Patient", json=patient(), headers=headers).json()
    updated = dict(created, telecom=[{"system": "phone", "value": "13900001111"}])
    ok = client.put(f"/fhir/Patient/{created['id']}", json=updated, headers={**headers, "If-Match": 'W/"1"'})
    assert ok.status_code == 200 and ok.json()["meta"]["versionId"] == "2"
    stale = client.put(f"/fhir/Patient/{created['id']}", json=updated, headers={**headers, "If-Match": 'W/"1"'})
    assert stale.status_code == 412 and stale.json()["resourceType"] == "OperationOutcome"
    old = client.get(f"/fhir/Patient/{created['id']}/_history/1", headers=headers).json()
    assert old["telecom"][0]["value"] == "13812345678" and old["meta"]["versionId"] == "1"
    history = client.get(f"/fhir/Patient/{created['id']}/_history", headers=headers).json()
    assert [e["resource"]["meta"]["versionId"] for e in history["entry"]] == ["2", "1"]


def test_conditional_create_is_idempotent(client: TestClient, database: Database) -> None:
    headers = bearer(client, "doctor_a")
    number = patient()["identifier"][0]["value"]
    condition = {"If-None-Exist": f"identifier={ID_SYSTEM}|{number}"}
    first = client.post("/fhir/Patient", json=patient(), headers={**headers, **condition})
    again = client.post("/fhir/Patient", json=patient(), headers={**headers, **condition})
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    with database.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Resident)) == 1


def test_scope_applies(client: TestClient, database: Database, region: Region) -> None:
    with database.unit_of_work() as s:
        other = add_resident(s, region.principal("doctor_c"), village_code=VILLAGE_C)
    headers = bearer(client, "doctor_a")
    assert client.get(f"/fhir/Patient/{other.id}", headers=headers).status_code == 404
    assert client.get("/fhir/Patient", headers=headers).json().get("entry", []) == []
    refused = client.post("/fhir/Observation", json=observation(f"Patient/{other.id}"), headers=headers)
    assert refused.status_code == 422 and refused.json()["issue"][0]["expression"] == ["Observation.subject"]
    assert client.get(f"/fhir/Patient/{other.id}/$everything", headers=headers).status_code == 404


def test_machine_client_scopes(client: TestClient, database: Database, region: Region) -> None:
    with database.unit_of_work() as s:
        resident_id = add_resident(s, region.principal("doctor_a")).id
    reader = machine_token(database, client, "system/Patient.read")
    assert client.get(f"/fhir/Patient/{resident_id}", headers=reader).status_code == 200
    assert client.post("/fhir/Patient", json=patient("19700101", "127"), headers=reader).status_code == 403
    assert client.get("/fhir/Observation?patient=Patient/" + str(resident_id), headers=reader).status_code == 403
    writer = machine_token(database, client, "system/Observation.write")
    assert client.post("/fhir/Observation", json=observation(f"Patient/{resident_id}"), headers=writer).status_code == 201


def test_everything(client: TestClient, database: Database, region: Region) -> None:
    headers = bearer(client, "doctor_a")
    with database.unit_of_work() as s:
        resident_id = add_resident(s, region.principal("doctor_a"), past_diseases=[{"code": "2", "diagnosed_on": "2019-05"}]).id
    client.post("/fhir/Observation", json=observation(f"Patient/{resident_id}"), headers=headers)
    bundle = client.get(f"/fhir/Patient/{resident_id}/$everything", headers=headers).json()
    assert sorted(e["resource"]["resourceType"] for e in bundle["entry"]) == ["Condition", "Observation", "Patient"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/fhir/Patient", b"{not json", 400),
        ("POST", "/fhir/Patient", b"[1,2]", 400),
        ("POST", "/fhir/Patient", b'{"resourceType": "Observation"}', 400),
        ("POST", "/fhir/Patient", b'{"resourceType": "Patient", "name": 5}', 400),
        (
            "POST",
            "/fhir/Patient",
            b'{"resourceType": "Patient", "name": [{"text": "A"}], "birthDate": "1990-02-30", "gender": "robot"}',
            422,
        ),
        ("POST", "/fhir/Patient", b'{"resourceType": "Patient", "telecom": [7], "address": "x"}', 400),
        ("POST", "/fhir/Observation", b'{"resourceType": "Observation", "status": "final", "valueQuantity": {"value": "high"}}', 400),
        ("POST", "/fhir/Observation", b'{"resourceType": "Observation", "status": "final", "effectiveDateTime": "yesterday"}', 400),
        ("GET", "/fhir/Patient?birthdate=soon", None, 400),
        ("GET", "/fhir/Patient?_count=-1", None, 400),
        ("GET", "/fhir/Patient?_page=garbage", None, 400),
        ("GET", "/fhir/Patient/%20bad%20id", None, 400),
        ("GET", "/fhir/Unicorn/1", None, 404),
        ("PUT", "/fhir/Patient/abc", b'{"resourceType": "Patient", "id": "other"}', 400),
        ("POST", "/fhir", b'{"resourceType": "Bundle", "type": "collection"}', 400),
        ("POST", "/fhir", b'{"resourceType": "Bundle", "type": "transaction", "entry": [{"request": {}}]}', 400),
    ],
)
def test_malformed_requests_get_outcomes_not_500(client: TestClient, method: str, path: str, body: bytes | None, status: int) -> None:
    headers = {**bearer(client, "doctor_a"), "Content-Type": FHIR}
    response = client.request(method, path, content=body, headers=headers)
    assert response.status_code == status, response.text
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["details"]["text"] and outcome["issue"][0]["diagnostics"]


def test_unauthenticated_is_401_outcome(client: TestClient) -> None:
    response = client.get("/fhir/Patient")
    assert response.status_code == 401 and response.json()["resourceType"] == "OperationOutcome"


def test_observation_count(database: Database) -> None:
    with database.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Observation)) == 0
