"""QuestionnaireResponse create through the elderly service: round trip, errors that name
the path, and atomic transactions."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jiceng.core.db import Database
from jiceng.elderly.models import TcmAssessment
from jiceng.exams import service as exams
from tests.exams.helpers import elderly_check
from tests.factories import VILLAGE_C, Region, add_resident, id_number
from tests.fhir.conftest import bearer, strip_server
from tests.fhir.exams_elderly_world import QR, TODAY, _entries, _get, _visit


def _second_resident(database: Database, region: Region) -> tuple[uuid.UUID, uuid.UUID]:
    """Another woman 65+ with a signed check of the same measurements (BMI 25.5, waist 88)."""
    with database.unit_of_work() as s:
        doctor = region.principal("doctor_a")
        resident = add_resident(s, doctor, name="李桂兰", sex="2", id_number=id_number("19480202", "226"))
        check = exams.create_health_check(s, doctor, resident.id, elderly_check(height_cm=160, weight_kg=65.3, waist_cm=88), today=TODAY)
        return resident.id, check.id


def _posted(template: dict[str, Any], resident: uuid.UUID, check: uuid.UUID) -> dict[str, Any]:
    sent = copy.deepcopy(strip_server(template))
    sent["subject"] = sent["source"] = {"reference": f"Patient/{resident}"}
    sent["encounter"] = {"reference": f"Encounter/{check}"}
    return sent


def _count(database: Database) -> int:
    with database.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(TcmAssessment)) or 0)


def test_questionnaire_response_create_round_trip(client: TestClient, database: Database, region: Region) -> None:
    visit = _visit(database, region)
    resident, check = _second_resident(database, region)
    headers = bearer(client, "doctor_a")
    sent = _posted(_get(client, f"/fhir/{QR}/{visit.record}", headers), resident, check)
    created = client.post(f"/fhir/{QR}", json=sent, headers=headers)
    assert created.status_code == 201, created.text
    assert created.headers["location"].endswith("/_history/1")
    read = _get(client, f"/fhir/{QR}/{created.json()['id']}", headers)
    assert strip_server(read) == sent
    result = _get(client, f"/fhir/Observation/{read['id']}-tcm", headers)
    assert result["valueCodeableConcept"]["coding"][0]["code"] == "qixu" and result["encounter"] == {"reference": f"Encounter/{check}"}
    # Q9 and Q28 may be left out: they are scored from the check.
    minimal = copy.deepcopy(sent)
    minimal["item"] = [i for i in minimal["item"] if i["linkId"] not in ("9", "28")]
    minimal["extension"] = [
        {"url": "http://jiceng.org/fhir/StructureDefinition/amends", "valueReference": {"reference": f"{QR}/{read['id']}"}}
    ]
    correction = client.post(f"/fhir/{QR}", json=minimal, headers=headers)
    assert correction.status_code == 201, correction.text
    body = correction.json()
    assert next(i for i in body["item"] if i["linkId"] == "9")["answer"][0]["valueCoding"]["code"] == "3"
    assert {"url": "http://jiceng.org/fhir/StructureDefinition/amends", "valueReference": {"reference": f"{QR}/{read['id']}"}} in body[
        "extension"
    ]
    assert [r["id"] for r in _entries(_get(client, f"/fhir/{QR}?patient={resident}", headers))] == [body["id"]]
    assert _count(database) == 3


def _outcome(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    issue = response.json()["issue"][0]
    assert issue["details"]["text"] and issue["diagnostics"]
    return issue


def test_questionnaire_response_create_errors_name_the_path(client: TestClient, database: Database, region: Region) -> None:
    visit = _visit(database, region)
    resident, check = _second_resident(database, region)
    with database.unit_of_work() as s:
        outsider = add_resident(s, region.principal("doctor_c"), village_code=VILLAGE_C, id_number=id_number("19450101", "335")).id
    headers = bearer(client, "doctor_a")
    good = _posted(_get(client, f"/fhir/{QR}/{visit.record}", headers), resident, check)

    def post(change: Any) -> Any:
        sent = copy.deepcopy(good)
        change(sent)
        return client.post(f"/fhir/{QR}", json=sent, headers=headers)

    def answer(link: str, code: Any) -> Any:
        def change(sent: dict[str, Any]) -> None:
            item = next(i for i in sent["item"] if i["linkId"] == link)
            if code is None:
                sent["item"].remove(item)
            else:
                item["answer"][0]["valueCoding"]["code"] = code

        return change

    issue = _outcome(post(answer("3", "6")), 422)
    assert (
        issue["expression"] == [f"{QR}.item.where(linkId='3')"]
        and "第3题" in issue["details"]["text"]
        and "Question 3" in issue["diagnostics"]
    )
    assert _outcome(post(answer("7", None)), 422)["expression"] == [f"{QR}.item.where(linkId='7')"]
    assert _outcome(post(answer("9", "1")), 422)["expression"] == [f"{QR}.item.where(linkId='9')"]
    assert _outcome(post(lambda r: r.update(status="in-progress")), 422)["expression"] == [f"{QR}.status"]
    assert _outcome(post(lambda r: r.update(identifier={"value": "x"})), 422)["expression"] == [f"{QR}.identifier"]
    assert _outcome(post(lambda r: r.update(questionnaire="http://example.org/Q")), 422)["expression"] == [f"{QR}.questionnaire"]
    assert _outcome(post(lambda r: r.update(authored="someday")), 422)["expression"] == [f"{QR}.authored"]
    assert _outcome(post(lambda r: r["item"].append({"linkId": "34", "answer": []})), 422)["expression"][0].endswith(".linkId")
    assert _outcome(post(lambda r: r["item"].append(copy.deepcopy(r["item"][0]))), 422)["expression"][0].endswith(".linkId")
    foreign = {"url": "http://hospital.example/ext", "valueString": "x"}
    assert "hospital.example" in _outcome(post(lambda r: r["extension"].append(foreign)), 422)["expression"][0]
    assert _outcome(post(lambda r: r.update(item={"linkId": "1"})), 400)["expression"] == [f"{QR}.item"]
    assert _outcome(post(lambda r: r.update(encounter=None)), 422)["expression"] == [f"{QR}.encounter"]
    assert _outcome(post(lambda r: r.update(encounter={"reference": f"Encounter/{uuid.uuid4()}"})), 422)["expression"] == [
        f"{QR}.encounter"
    ]
    out_of_scope = _outcome(post(lambda r: r.update(subject={"reference": f"Patient/{outsider}"}, source=None)), 422)
    assert out_of_scope["expression"] == [f"{QR}.subject"]

    def wrong_bmi(sent: dict[str, Any]) -> None:
        next(i for i in sent["item"] if i["linkId"] == "9")["answer"][0]["item"][0]["answer"] = [{"valueDecimal": 30.1}]

    assert _outcome(post(wrong_bmi), 422)["expression"][0].endswith("valueDecimal")

    def no_guidance(sent: dict[str, Any]) -> None:
        sent["item"] = [i for i in sent["item"] if i["linkId"] != "guidance"]

    assert _outcome(post(no_guidance), 422)["expression"] == [f"{QR}.item.where(linkId='guidance').item.where(linkId='guidance.qixu')"]
    assert _count(database) == 1  # nothing was saved


def test_questionnaire_response_in_an_atomic_transaction(client: TestClient, database: Database, region: Region) -> None:
    visit = _visit(database, region)
    resident, check = _second_resident(database, region)
    headers = bearer(client, "doctor_a")
    good = _posted(_get(client, f"/fhir/{QR}/{visit.record}", headers), resident, check)
    bad = copy.deepcopy(good)
    bad["status"] = "amended"
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [{"resource": r, "request": {"method": "POST", "url": QR}} for r in (good, bad)],
    }
    response = client.post("/fhir", json=bundle, headers=headers)
    assert response.status_code == 422 and response.json()["issue"][0]["expression"][0].startswith("Bundle.entry[1]")
    assert _count(database) == 1
