"""/api/v1/chronic: enrolment, visits with the urgent alert, bad input (422, bilingual,
nothing saved), scope (404 for another village's doctor), supervisors see aggregates."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jiceng.chronic.models import Enrolment, Referral, Visit
from jiceng.core.clock import local_today
from jiceng.core.db import Database
from tests.chronic.conftest import bearer
from tests.chronic.helpers import patient
from tests.factories import Region


def _patient(database: Database, region: Region) -> str:
    with database.unit_of_work() as s:
        return str(patient(s, region.principal("doctor_a")).id)


def _count(database: Database, model: type) -> int:
    with database.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_enrol_sign_and_read_back(client: TestClient, region: Region, database: Database) -> None:
    resident_id = _patient(database, region)
    doctor = bearer(client, "doctor_a")
    created = client.post(
        f"/api/v1/chronic/residents/{resident_id}/enrolments",
        json={"disease": "htn", "diagnosis_date": "2019-04-01", "source": "screening"},
        headers=doctor,
    )
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "managed" and created.json()["next_due_date"] == local_today().isoformat()
    today = local_today().isoformat()
    body = {
        "disease": "htn",
        "visit_date": today,
        "mode": "1",
        "sbp": 186,
        "dbp": 100,
        "heart_rate": 88,
        "medications": [{"name": "硝苯地平缓释片", "per_day": 2, "dose": "20mg"}],
    }
    preview = client.post(f"/api/v1/chronic/residents/{resident_id}/visits/preview", json=body, headers=doctor)
    assert preview.status_code == 200 and preview.json()["assessment"]["urgent"] is True
    assert _count(database, Visit) == 0
    signed = client.post(f"/api/v1/chronic/residents/{resident_id}/visits", json=body, headers=doctor)
    assert signed.status_code == 201, signed.text
    result = signed.json()
    assert result["urgent_alert"] is True and result["assessment"]["urgent_reasons"] == ["sbp_critical"]
    assert "紧急转诊" in result["assessment"]["alert_zh"] and "refer urgently" in result["assessment"]["alert_en"]
    assert result["referral"]["kind"] == "urgent" and result["referral"]["status"] == "open"
    assert result["visit"]["medications"] == [{"name": "硝苯地平缓释片", "per_day": 2, "dose": "20mg"}]
    visit_id = result["visit"]["id"]
    worklist = client.get("/api/v1/chronic/worklist", headers=doctor).json()
    assert worklist["counts"]["urgent"] == 1 and worklist["buckets"]["referrals"][0]["referral_kind"] == "urgent"
    amended = client.post(
        f"/api/v1/chronic/visits/{visit_id}/amendments", json={**body, "sbp": 168, "amendment_reason": "读数录错"}, headers=doctor
    )
    assert amended.status_code == 201 and amended.json()["visit"]["amends_id"] == visit_id
    record = client.get(f"/api/v1/chronic/residents/{resident_id}", headers=doctor).json()
    assert [v["superseded"] for v in record["visits"]] == [False, True]
    referral_id = record["referrals"][0]["id"]
    followed = client.post(
        f"/api/v1/chronic/referrals/{referral_id}/follow-up", json={"result": "1", "outcome": "县医院调整用药"}, headers=doctor
    )
    assert followed.status_code == 200 and followed.json()["status"] == "followed_up"


def test_bad_input_is_422_in_both_languages_and_saves_nothing(client: TestClient, region: Region, database: Database) -> None:
    resident_id = _patient(database, region)
    doctor = bearer(client, "doctor_a")
    client.post(
        f"/api/v1/chronic/residents/{resident_id}/enrolments",
        json={"disease": "htn", "diagnosis_date": "2019-04-01", "source": "clinic"},
        headers=doctor,
    )
    response = client.post(
        f"/api/v1/chronic/residents/{resident_id}/visits",
        json={"disease": "htn", "visit_date": "2026-02-30", "mode": "1", "sbp": "高", "dbp": 80},
        headers=doctor,
    )
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert set(errors) == {"visit_date", "sbp"}
    assert "随访日期" in errors["visit_date"]["message_zh"] and "Visit date" in errors["visit_date"]["message_en"]
    assert "收缩压" in errors["sbp"]["message_zh"] and "Systolic BP" in errors["sbp"]["message_en"]
    shape = client.post(f"/api/v1/chronic/residents/{resident_id}/visits", json={"disease": "htn", "colour": "red"}, headers=doctor)
    assert shape.status_code == 422 and shape.json()["errors"][0]["field"] == "colour"
    enrol = client.post(f"/api/v1/chronic/residents/{resident_id}/enrolments", json={"disease": "flu"}, headers=doctor)
    assert enrol.status_code == 422 and {e["field"] for e in enrol.json()["errors"]} >= {"disease", "diagnosis_date", "source"}
    assert _count(database, Visit) == 0 and _count(database, Enrolment) == 1 and _count(database, Referral) == 0


def test_scope_other_village_404_and_roles(client: TestClient, region: Region, database: Database) -> None:
    resident_id = _patient(database, region)
    doctor_a, doctor_b = bearer(client, "doctor_a"), bearer(client, "doctor_b")
    client.post(
        f"/api/v1/chronic/residents/{resident_id}/enrolments",
        json={"disease": "t2dm", "diagnosis_date": "2019-04-01", "source": "clinic"},
        headers=doctor_a,
    )
    signed = client.post(
        f"/api/v1/chronic/residents/{resident_id}/visits",
        json={"disease": "t2dm", "visit_date": local_today().isoformat(), "mode": "3", "fpg": 6.1},
        headers=doctor_a,
    )
    visit_id = signed.json()["visit"]["id"]
    for method, path, body in (
        ("GET", f"/api/v1/chronic/residents/{resident_id}", None),
        ("GET", f"/api/v1/chronic/residents/{resident_id}/visits", None),
        ("POST", f"/api/v1/chronic/residents/{resident_id}/visits", {"disease": "t2dm", "visit_date": "2026-01-01", "mode": "1", "fpg": 6}),
        ("POST", f"/api/v1/chronic/residents/{resident_id}/enrolments", {"disease": "htn"}),
        ("GET", f"/api/v1/chronic/visits/{visit_id}", None),
    ):
        response = client.request(method, path, json=body, headers=doctor_b)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["message_en"].endswith("not found")
    assert client.get(f"/api/v1/chronic/residents/{resident_id}", headers=bearer(client, "gpdoc")).status_code == 200
    supervisor = bearer(client, "supervisor")
    assert client.get(f"/api/v1/chronic/residents/{resident_id}", headers=supervisor).status_code == 403
    assert client.get("/api/v1/chronic/worklist", headers=supervisor).status_code == 403
    indicators = client.get("/api/v1/chronic/indicators", params={"level": "county"}, headers=supervisor)
    assert indicators.status_code == 200
    rates = {i["code"]: i["values"] for i in indicators.json()["indicators"]}
    assert rates["chronic.t2dm.glucose_control_rate"] == [{"division_code": "411202000000", "numerator": 1, "denominator": 1, "rate": 1.0}]
    assert (
        client.post(
            f"/api/v1/chronic/residents/{resident_id}/prescriptions", json={"disease": "t2dm"}, headers=bearer(client, "nurse")
        ).status_code
        == 403
    )
    assert client.put("/api/v1/chronic/rules", json={"fpg": 6.5}, headers=doctor_a).status_code == 403
    rules = client.put("/api/v1/chronic/rules", json={"fpg": {"op": ">", "value": 6.9}}, headers=bearer(client, "sysadmin"))
    assert rules.status_code == 200 and rules.json()["rules"]["fpg"] == {"op": ">", "value": 6.9}
    assert client.get("/api/v1/chronic/rules", headers=doctor_a).json()["rules"]["fpg"]["op"] == ">"
