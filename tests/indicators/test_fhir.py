"""FHIR: every indicator as a Measure; the dashboard's numbers as MeasureReports (the same
numbers as the JSON API), scoped like the dashboard; listed in the CapabilityStatement."""

from __future__ import annotations

from fastapi.testclient import TestClient

from jiceng.indicators.fhir import short
from tests.chronic.conftest import bearer
from tests.factories import VILLAGE_A
from tests.indicators.population import COUNTY, TOWNSHIP_1, Population

FHIR = {"Accept": "application/fhir+json"}


def test_measures(client: TestClient, built: Population) -> None:
    headers = {**bearer(client, "supervisor"), **FHIR}
    bundle = client.get("/fhir/Measure", headers=headers, params={"_count": "100"}).json()
    ids = {e["resource"]["id"] for e in bundle["entry"]}
    assert len(ids) == 24 and "elderly-health-management-rate" in ids and "contracts.coverage" in ids
    one = client.get("/fhir/Measure/contracts.coverage", headers=headers).json()
    assert one["title"] == "家庭医生签约率（签约服务覆盖率）" and one["scoring"]["coding"][0]["code"] == "proportion"
    codes = [p["code"]["coding"][0]["code"] for p in one["group"][0]["population"]]
    assert codes == ["numerator", "denominator"]
    assert client.get("/fhir/Measure/nope", headers=headers).status_code == 404


def test_measure_reports_match_the_api(client: TestClient, built: Population) -> None:
    headers = {**bearer(client, "supervisor"), **FHIR}
    found = client.get(
        "/fhir/MeasureReport", headers=headers, params={"measure": "contracts.coverage", "division": TOWNSHIP_1, "period": "2026"}
    ).json()
    (entry,) = found["entry"]
    report = entry["resource"]
    counts = {p["code"]["coding"][0]["code"]: p["count"] for p in report["group"][0]["population"]}
    api = client.get("/api/v1/indicators/values", headers=headers, params={"division": TOWNSHIP_1, "period": "2026"}).json()
    cell = next(v for v in api["division"]["values"] if v["code"] == "contracts.coverage")
    assert counts == {"numerator": cell["numerator"], "denominator": cell["denominator"]} == {"numerator": 3, "denominator": 6}
    assert report["group"][0]["measureScore"]["value"] == 0.5
    assert report["id"] == f"{short('contracts.coverage')}-2026-{TOWNSHIP_1}"
    again = client.get(f"/fhir/MeasureReport/{report['id']}", headers=headers).json()
    assert again["group"] == report["group"] and again["subject"]["reference"].startswith("Location/")
    by_subject = client.get("/fhir/MeasureReport", headers=headers, params={"subject": again["subject"]["reference"]}).json()
    assert len(by_subject["entry"]) == 24
    everything = client.get("/fhir/MeasureReport", headers=headers).json()  # default: the top of the scope, the open period
    assert {e["resource"]["subject"]["identifier"]["value"] for e in everything["entry"]} == {COUNTY}


def test_measure_reports_follow_the_scope(client: TestClient, built: Population) -> None:
    doctor = {**bearer(client, "doctor_a"), **FHIR}
    outside = f"{short('contracts.coverage')}-2026-{TOWNSHIP_1}"
    assert client.get(f"/fhir/MeasureReport/{outside}", headers=doctor).status_code == 404
    inside = client.get(f"/fhir/MeasureReport/{short('contracts.coverage')}-2026-{VILLAGE_A}", headers=doctor)
    assert inside.status_code == 200
    assert client.get("/fhir/MeasureReport", headers={**bearer(client, "sysadmin"), **FHIR}).status_code == 403
    capability = client.get("/fhir/metadata").json()
    types = {r["type"] for r in capability["rest"][0]["resource"]}
    assert {"Measure", "MeasureReport"} <= types
