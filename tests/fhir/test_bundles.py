"""Transaction bundles are atomic, with references resolved inside; batches are not."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jiceng.core.db import Database
from jiceng.residents.models import Resident
from jiceng.results.models import Observation
from tests.fhir.conftest import ID_SYSTEM, bearer, observation, patient


def _count(database: Database, model: Any) -> int:
    with database.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _transaction(entries: list[dict[str, Any]], kind: str = "transaction") -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": kind, "entry": entries}


def _post(resource: dict[str, Any], full_url: str | None = None, if_none_exist: str | None = None) -> dict[str, Any]:
    request = {"method": "POST", "url": resource["resourceType"], **({"ifNoneExist": if_none_exist} if if_none_exist else {})}
    return {"resource": resource, "request": request, **({"fullUrl": full_url} if full_url else {})}


def test_transaction_resolves_internal_references_in_any_order(client: TestClient, database: Database) -> None:
    headers = bearer(client, "doctor_a")
    entries = [_post(observation("urn:uuid:p1", 5.2)), _post(observation("urn:uuid:p1", 7.9)), _post(patient(), "urn:uuid:p1")]
    response = client.post("/fhir", json=_transaction(entries), headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["type"] == "transaction-response" and [e["response"]["status"] for e in body["entry"]] == ["201 Created"] * 3
    patient_id = body["entry"][2]["resource"]["id"]
    assert {e["resource"]["subject"]["reference"] for e in body["entry"][:2]} == {f"Patient/{patient_id}"}
    assert (_count(database, Resident), _count(database, Observation)) == (1, 2)


def test_one_bad_entry_leaves_nothing_behind(client: TestClient, database: Database) -> None:
    headers = bearer(client, "doctor_a")
    bad = observation("urn:uuid:p1")
    bad["status"] = "guessed"
    entries = [_post(patient(), "urn:uuid:p1"), _post(observation("urn:uuid:p1")), _post(bad)]
    response = client.post("/fhir", json=_transaction(entries), headers=headers)
    assert response.status_code == 422
    issue = response.json()["issue"][0]
    assert (
        issue["expression"][0].startswith("Bundle.entry[2]")
        and "回滚" in issue["details"]["text"]
        and "rolled back" in issue["diagnostics"]
    )
    assert (_count(database, Resident), _count(database, Observation)) == (0, 0)


def test_conditional_references_and_creates_inside_a_transaction(client: TestClient, database: Database) -> None:
    headers = bearer(client, "doctor_a")
    number = patient()["identifier"][0]["value"]
    client.post("/fhir/Patient", json=patient(), headers=headers)
    entries = [
        _post(patient(), "urn:uuid:p1", if_none_exist=f"identifier={ID_SYSTEM}|{number}"),
        _post(observation(f"Patient?identifier={ID_SYSTEM}|{number}")),
    ]
    response = client.post("/fhir", json=_transaction(entries), headers=headers)
    assert response.status_code == 200, response.text
    assert [e["response"]["status"] for e in response.json()["entry"]] == ["200 OK", "201 Created"]
    assert (_count(database, Resident), _count(database, Observation)) == (1, 1)
    missing = client.post(
        "/fhir", json=_transaction([_post(observation(f"Patient?identifier={ID_SYSTEM}|110105194912310020"))]), headers=headers
    )
    assert missing.status_code == 412


def test_batch_reports_each_entry(client: TestClient, database: Database) -> None:
    headers = bearer(client, "doctor_a")
    bad = patient("19900101", "125")
    bad["identifier"][0]["value"] = "110105194912310021"
    response = client.post("/fhir", json=_transaction([_post(patient()), _post(bad)], "batch"), headers=headers)
    assert response.status_code == 200
    statuses = [e["response"]["status"] for e in response.json()["entry"]]
    assert statuses[0] == "201 Created" and statuses[1] == "422"
    assert response.json()["entry"][1]["response"]["outcome"]["issue"][0]["expression"] == ["Patient.identifier"]
    assert _count(database, Resident) == 1


def test_reference_cycle_is_refused(client: TestClient) -> None:
    headers = bearer(client, "doctor_a")
    a = observation("urn:uuid:b")
    b = observation("urn:uuid:a")
    response = client.post("/fhir", json=_transaction([_post(a, "urn:uuid:a"), _post(b, "urn:uuid:b")]), headers=headers)
    assert response.status_code == 400


def test_bundle_searches_see_results_posted_with_them_and_batches_keep_good_ones(client: TestClient, database: Database) -> None:
    headers = bearer(client, "doctor_a")
    patient_id = client.post("/fhir/Patient", json=patient(), headers=headers).json()["id"]
    search = {"request": {"method": "GET", "url": f"Observation?patient=Patient/{patient_id}"}}
    response = client.post("/fhir", json=_transaction([search, _post(observation(f"Patient/{patient_id}", 5.5))]), headers=headers)
    assert response.status_code == 200, response.text
    assert len(response.json()["entry"][0]["resource"]["entry"]) == 1
    bad = observation(f"Patient/{patient_id}")
    bad["status"] = "guessed"
    entries = [_post(observation(f"Patient/{patient_id}", 6.5)), _post(bad), _post(observation(f"Patient/{patient_id}", 7.5))]
    response = client.post("/fhir", json=_transaction(entries, "batch"), headers=headers)
    assert [e["response"]["status"] for e in response.json()["entry"]] == ["201 Created", "422", "201 Created"]
    with database.unit_of_work() as s:
        assert sorted(s.scalars(select(Observation.value_quantity))) == [5.5, 6.5, 7.5]
