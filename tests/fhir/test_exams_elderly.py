"""FHIR mapping of the health check (Encounter + Observations) and of the TCM service
(Questionnaire, QuestionnaireResponse, constitution Observation): read-back, search, paging,
$everything, scope, read-only interactions, and a contract check of everything emitted
against the R4B models."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from jiceng.core.db import Database
from jiceng.exams import service as exams
from tests.elderly.examples import SPEC_36_ANSWERS
from tests.exams.helpers import elderly_check, full_check
from tests.factories import VILLAGE_C, Region, add_resident, id_number
from tests.fhir.conftest import bearer, observation, strip_server
from tests.fhir.exams_elderly_world import CANONICAL, ITEM, LOINC, QR, TODAY, _codes, _entries, _get, _visit
from tests.fhir.test_contract import _validate


def test_health_check_reads_back_as_encounter_and_observations(client: TestClient, database: Database, region: Region) -> None:
    visit = _visit(database, region)
    headers = bearer(client, "doctor_a")
    encounter = _get(client, f"/fhir/Encounter/{visit.check}", headers)
    assert encounter["status"] == "finished" and encounter["class"]["code"] == "AMB"
    assert encounter["period"] == {"start": "2026-05-10", "end": "2026-05-10"}
    assert encounter["subject"] == {"reference": f"Patient/{visit.resident}"}
    assert encounter["serviceProvider"] == {"reference": f"Organization/{region.clinic_a}"}
    assert encounter["participant"][0]["individual"]["display"] == "李医生"

    def obs(item: str) -> dict[str, Any]:
        found = _get(client, f"/fhir/Observation/{visit.check}-{item}", headers)
        assert found["id"] == f"{visit.check}-{item}" and found["encounter"] == {"reference": f"Encounter/{visit.check}"}
        assert found["subject"] == {"reference": f"Patient/{visit.resident}"} and found["effectiveDateTime"] == "2026-05-10"
        assert (ITEM, item) in _codes(found)
        return found

    height = obs("height")
    assert (LOINC, "8302-2") in _codes(height) and height["valueQuantity"]["value"] == 160
    assert height["valueQuantity"]["code"] == "cm" and height["category"][0]["coding"][0]["code"] == "vital-signs"
    bmi = obs("bmi")
    assert (LOINC, "39156-5") in _codes(bmi) and bmi["valueQuantity"] == {
        "value": 25.5,
        "unit": "kg/m²",
        "system": "http://unitsofmeasure.org",
        "code": "kg/m2",
    }
    assert (LOINC, "8280-0") in _codes(obs("waist"))
    bp = obs("bp-left")
    assert (LOINC, "85354-9") in _codes(bp) and bp["bodySite"]["coding"][0]["code"] == "368208006"
    assert [(c["code"]["coding"][0]["code"], c["valueQuantity"]["value"]) for c in bp["component"]] == [("8480-6", 132), ("8462-4", 84)]
    assert obs("bp-right")["component"][0]["valueQuantity"]["value"] == 136
    assert (LOINC, "8867-4") in _codes(obs("pulse-rate")) and (LOINC, "8310-5") in _codes(obs("temperature"))
    glucose = obs("fasting-glucose")
    assert (LOINC, "1558-6") in _codes(glucose) and glucose["valueQuantity"]["value"] == 6.12
    assert glucose["category"][0]["coding"][0]["code"] == "laboratory"
    assert (LOINC, "4548-4") in _codes(obs("hba1c")) and (LOINC, "14647-2") in _codes(obs("total-cholesterol"))
    self_care = obs("self-care")
    assert self_care["valueInteger"] == 2  # grooming 2 (1 point) + activity 2 (1 point)
    components = {c["code"]["coding"][0]["code"]: c["valueCodeableConcept"]["coding"][0]["code"] for c in self_care["component"]}
    assert components["self-care-grooming"] == "2" and components["self-care-level"] == "1"
    cognition = obs("cognition-screen")
    assert cognition["valueCodeableConcept"]["coding"][0] == {
        "system": "http://jiceng.org/fhir/CodeSystem/health-check-cognition-screen",
        "code": "2",
        "display": "粗筛阳性",
    }
    assert (LOINC, "72106-8") in _codes(obs("mmse")) and obs("gds")["valueInteger"] == 9
    assert obs("urine-protein")["valueCodeableConcept"]["coding"][0]["code"] == "-"
    # An item the check has no value for, an unknown item, a check that does not exist.
    _get(client, f"/fhir/Observation/{visit.check}-cervical-smear", headers, 404)
    _get(client, f"/fhir/Observation/{visit.check}-nonsense", headers, 404)
    _get(client, f"/fhir/Observation/{uuid.uuid4()}-height", headers, 404)
    _get(client, f"/fhir/Encounter/{uuid.uuid4()}", headers, 404)


def test_tcm_service_reads_back_as_questionnaire_response_and_observation(client: TestClient, database: Database, region: Region) -> None:
    visit = _visit(database, region)
    headers = bearer(client, "doctor_a")
    response = _get(client, f"/fhir/{QR}/{visit.record}", headers)
    assert response["questionnaire"] == CANONICAL and response["status"] == "completed" and response["authored"] == "2026-05-10"
    assert response["subject"] == {"reference": f"Patient/{visit.resident}"} and response["encounter"] == {
        "reference": f"Encounter/{visit.check}"
    }
    items = {i["linkId"]: i for i in response["item"]}
    assert [items[str(q)]["answer"][0]["valueCoding"]["code"] for q in range(1, 34)] == [str(SPEC_36_ANSWERS[q]) for q in range(1, 34)]
    assert items["9"]["answer"][0]["item"][0] == {
        "linkId": "bmi",
        "text": items["9"]["answer"][0]["item"][0]["text"],
        "answer": [{"valueDecimal": 25.5}],
    }
    assert items["14"]["answer"][0]["item"][0]["answer"] == [{"valueInteger": 5}]
    assert items["14"]["answer"][0]["valueCoding"]["display"] == "有时（一年感冒5-6次）"
    assert items["28"]["answer"][0]["item"][0]["answer"] == [{"valueDecimal": 88}]
    guidance = items["guidance"]["item"][0]
    assert guidance["linkId"] == "guidance.qixu"
    assert [a["valueCoding"]["code"] for a in guidance["item"][0]["answer"]] == ["1", "2", "6"]
    assert guidance["item"][1]["answer"] == [{"valueString": "八段锦"}]

    result = _get(client, f"/fhir/Observation/{visit.record}-tcm", headers)
    assert result["valueCodeableConcept"]["coding"][0]["code"] == "qixu"
    assert result["derivedFrom"] == [{"reference": f"{QR}/{visit.record}"}] and result["encounter"] == {
        "reference": f"Encounter/{visit.check}"
    }
    by_type = {c["code"]["coding"][0]["code"]: c for c in result["component"]}
    assert len(by_type) == 9 and by_type["qixu"]["valueCodeableConcept"]["coding"][0]["code"] == "yes"
    assert by_type["yangxu"]["valueCodeableConcept"]["coding"][0]["code"] == "tendency"
    assert [e["valueInteger"] for e in by_type["qixu"]["extension"] if e["url"].endswith("tcm-raw-score")] == [14]
    assert [e["valueDecimal"] for e in by_type["qixu"]["extension"] if e["url"].endswith("tcm-converted-score")] == [62.5]
    assert result["note"][0]["text"].startswith("气虚质·情志调摄：") and any("八段锦" in n["text"] for n in result["note"])
    _get(client, f"/fhir/Observation/{visit.record}-tcx", headers, 404)


def test_questionnaire_is_published(client: TestClient) -> None:
    headers = bearer(client, "doctor_a")
    form = _get(client, "/fhir/Questionnaire/tcm-constitution", headers)
    assert f"{form['url']}|{form['version']}" == CANONICAL and form["status"] == "active"
    items = {i["linkId"]: i for i in form["item"]}
    assert len([k for k in items if k.isdigit()]) == 33 and {"guidance", "main-type", "physician-confirmed"} <= set(items)
    assert next(o["valueCoding"]["display"] for o in items["1"]["answerOption"]) == "没有（根本不/从来没有）"
    assert items["9"]["readOnly"] and items["28"]["readOnly"] and "readOnly" not in items["1"]
    assert items["9"]["item"][0]["linkId"] == "bmi" and items["28"]["item"][0]["linkId"] == "waist-cm"
    assert "BMI" in items["9"]["extension"][0]["valueString"]
    assert next(o["valueCoding"]["display"] for o in items["14"]["answerOption"]) == "没有（一年＜2次）"
    assert [o["valueCoding"]["display"] for o in items["17"]["answerOption"]][4] == "总是（每次遇到上述原因都过敏）"
    assert items["14"]["item"][0]["linkId"] == "colds-per-year"
    assert _entries(_get(client, f"/fhir/Questionnaire?url={CANONICAL}", headers))[0]["id"] == "tcm-constitution"
    assert _entries(_get(client, "/fhir/Questionnaire?name=other", headers)) == []
    _get(client, "/fhir/Questionnaire/other", headers, 404)


def test_search_merges_paged_observations_and_finds_encounters_and_responses(
    client: TestClient, database: Database, region: Region
) -> None:
    visit = _visit(database, region)
    headers = bearer(client, "doctor_a")
    lab = client.post("/fhir/Observation", json=observation(f"Patient/{visit.resident}"), headers=headers).json()

    def ids(query: str) -> list[str]:
        return [r["id"] for r in _entries(_get(client, f"/fhir/{query}", headers))]

    everything = ids(f"Observation?patient=Patient/{visit.resident}&_count=500")
    assert lab["id"] in everything and f"{visit.check}-height" in everything and f"{visit.record}-tcm" in everything
    assert everything == sorted(everything) and len(everything) == len(set(everything)) > 40
    # Keyset paging across the lab's results and the contributed Observations.
    seen: list[str] = []
    url = f"/fhir/Observation?patient={visit.resident}&_count=7"
    while url:
        bundle = _get(client, url, headers)
        seen += [r["id"] for r in _entries(bundle)]
        url = next((link["url"].replace("http://testserver", "") for link in bundle["link"] if link["relation"] == "next"), "")
    assert seen == everything
    assert ids(f"Observation?patient={visit.resident}&code={LOINC}|8302-2") == [f"{visit.check}-height"]
    assert ids(f"Observation?subject=Patient/{visit.resident}&code=1558-6") == sorted([lab["id"], f"{visit.check}-fasting-glucose"])
    assert ids(f"Observation?patient={visit.resident}&code={ITEM}|bmi") == [f"{visit.check}-bmi"]
    assert ids("Observation?code=718-7,gds") == sorted([f"{visit.check}-hemoglobin", f"{visit.check}-gds"])  # kept in JSON
    assert ids(f"Observation?patient={visit.resident}&code=8480-6") == []  # a component, not an Observation
    revincluded = _get(client, f"/fhir/Patient?_id={visit.resident}&_revinclude=Observation:subject", headers)["entry"]
    assert len(revincluded) == 1 + len(everything)
    assert ids(f"Observation?patient={visit.resident}&code=tcm-constitution") == [f"{visit.record}-tcm"]
    vitals = ids(f"Observation?patient={visit.resident}&category=vital-signs")
    assert f"{visit.check}-bp-left" in vitals and lab["id"] not in vitals and f"{visit.record}-tcm" not in vitals
    assert ids(f"Observation?patient={visit.resident}&date=lt2026-01-01") == []
    assert ids(f"Observation?_id={visit.check}-waist,{lab['id']}") == sorted([lab["id"], f"{visit.check}-waist"])
    assert ids(f"Encounter?patient=Patient/{visit.resident}&date=2026") == [str(visit.check)]
    assert ids(f"Encounter?subject={visit.resident}&class=HH") == []
    assert ids(f"Encounter?_id={visit.check}&_lastUpdated=ge2020-01-01") == [str(visit.check)]
    assert ids(f"{QR}?patient={visit.resident}&authored=2026-05-10") == [str(visit.record)]
    assert ids(f"{QR}?patient={visit.resident}&authored=2025") == []
    assert ids(f"{QR}?questionnaire={CANONICAL}") == [str(visit.record)]
    included = _get(client, f"/fhir/{QR}?patient={visit.resident}&_include={QR}:questionnaire&_include={QR}:encounter", headers)
    assert sorted(e["resource"]["resourceType"] for e in included["entry"]) == ["Encounter", "Questionnaire", QR]


def test_everything_includes_the_check_and_the_tcm_service(client: TestClient, database: Database, region: Region) -> None:
    visit = _visit(database, region)
    headers = bearer(client, "doctor_a")
    bundle = _get(client, f"/fhir/Patient/{visit.resident}/$everything", headers)
    found = {(e["resource"]["resourceType"], e["resource"]["id"]) for e in bundle["entry"]}
    assert {
        ("Patient", str(visit.resident)),
        ("Encounter", str(visit.check)),
        ("Observation", f"{visit.check}-bmi"),
        ("Observation", f"{visit.check}-bp-left"),
        ("Observation", f"{visit.record}-tcm"),
        (QR, str(visit.record)),
    } <= found


def test_corrections_replace_the_original_in_search(client: TestClient, database: Database, region: Region) -> None:
    visit = _visit(database, region)
    with database.unit_of_work() as s:
        doctor = region.principal("doctor_a")
        fixed = exams.amend_health_check(
            s, doctor, visit.check, full_check(exam_date="2026-05-10", height_cm=160, weight_kg=62), today=TODAY
        )
        fixed_id = fixed.id
    headers = bearer(client, "doctor_a")
    assert [r["id"] for r in _entries(_get(client, f"/fhir/Encounter?patient={visit.resident}", headers))] == [str(fixed_id)]
    original = _get(client, f"/fhir/Encounter/{visit.check}", headers)
    assert {
        "url": "http://jiceng.org/fhir/StructureDefinition/corrected-by",
        "valueReference": {"reference": f"Encounter/{fixed_id}"},
    } in original["extension"]
    assert _get(client, f"/fhir/Encounter/{fixed_id}", headers)["extension"][0]["valueReference"] == {
        "reference": f"Encounter/{visit.check}"
    }
    weights = [r["id"] for r in _entries(_get(client, f"/fhir/Observation?patient={visit.resident}&code=29463-7", headers))]
    assert weights == [f"{fixed_id}-weight"]
    everything = {e["resource"]["id"] for e in _get(client, f"/fhir/Patient/{visit.resident}/$everything", headers)["entry"]}
    assert f"{fixed_id}-weight" in everything and f"{visit.check}-weight" not in everything


def test_scope_hides_other_villages_records(client: TestClient, database: Database, region: Region) -> None:
    visit = _visit(database, region, doctor="doctor_c", village_code=VILLAGE_C)
    headers = bearer(client, "doctor_a")
    for path in (
        f"Encounter/{visit.check}",
        f"Observation/{visit.check}-bmi",
        f"Observation/{visit.record}-tcm",
        f"{QR}/{visit.record}",
        f"Patient/{visit.resident}/$everything",
    ):
        outcome = _get(client, f"/fhir/{path}", headers, 404)
        assert outcome["resourceType"] == "OperationOutcome"
    for query in (
        f"Encounter?patient={visit.resident}",
        f"Observation?patient={visit.resident}",
        f"{QR}?patient={visit.resident}",
        "Encounter",
        QR,
    ):
        assert _entries(_get(client, f"/fhir/{query}", headers)) == []
    # The village doctor of that village sees them.
    assert _entries(_get(client, f"/fhir/{QR}?patient={visit.resident}", bearer(client, "doctor_c")))


def test_read_only_resources_refuse_writes(client: TestClient, database: Database, region: Region) -> None:
    visit = _visit(database, region)
    headers = bearer(client, "doctor_a")
    encounter = _get(client, f"/fhir/Encounter/{visit.check}", headers)
    assert client.post("/fhir/Encounter", json=strip_server(encounter), headers=headers).status_code == 405
    assert (
        client.put(f"/fhir/{QR}/{visit.record}", json=_get(client, f"/fhir/{QR}/{visit.record}", headers), headers=headers).status_code
        == 405
    )
    assert client.delete(f"/fhir/{QR}/{visit.record}", headers=headers).status_code == 405
    by_type = {r["type"]: r for r in client.get("/fhir/metadata").json()["rest"][0]["resource"]}
    assert {i["code"] for i in by_type["Encounter"]["interaction"]} == {"read", "search-type"}
    assert {i["code"] for i in by_type[QR]["interaction"]} == {"read", "search-type", "create"}
    assert {i["code"] for i in by_type["Questionnaire"]["interaction"]} == {"read", "search-type"}
    assert "refused" in by_type[QR]["documentation"]


def test_everything_we_emit_for_these_domains_is_valid_fhir(client: TestClient, database: Database, region: Region) -> None:
    visit = _visit(database, region)
    with database.unit_of_work() as s:
        doctor = region.principal("doctor_a")
        home = add_resident(s, doctor, name="孙大爷", id_number=id_number("19320101", "135")).id
        exams.create_health_check(s, doctor, home, elderly_check(visit_mode="home", self_care_activity="4"), today=TODAY)
    headers = bearer(client, "gpdoc")
    emitted: list[dict[str, Any]] = [_get(client, "/fhir/Questionnaire/tcm-constitution", headers)]
    for path in (
        f"/fhir/Patient/{visit.resident}/$everything",
        f"/fhir/Patient/{home}/$everything",
        f"/fhir/Observation?patient={visit.resident}&_count=3",
        "/fhir/Encounter?_include=Encounter:service-provider",
        f"/fhir/{QR}?_include={QR}:questionnaire",
        "/fhir/Questionnaire",
    ):
        bundle = _get(client, path, headers)
        emitted.append(bundle)
        emitted += [e["resource"] for e in bundle.get("entry", [])]
    kinds = {r["resourceType"] for r in emitted}
    assert {"Encounter", "Observation", QR, "Questionnaire", "Bundle"} <= kinds
    assert "HH" in {r["class"]["code"] for r in emitted if r["resourceType"] == "Encounter"}
    assert len([r for r in emitted if r["resourceType"] == "Observation"]) > 50
    for resource in emitted:
        _validate(resource)
