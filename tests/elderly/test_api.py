"""/api/v1 elderly endpoints on SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jiceng.core.db import Database
from jiceng.elderly.models import TcmAssessment
from jiceng.exams.models import HealthCheck
from tests.elderly.conftest import bearer
from tests.elderly.examples import SPEC_36_ANSWERS, SPEC_36_SUMS, asked
from tests.exams.helpers import elderly_check
from tests.factories import VILLAGE_C, Region, add_resident, id_number

MEASURED = {"height_cm": 160, "weight_kg": 65.3, "waist_cm": 88}
TCM = {"answers": asked(SPEC_36_ANSWERS), "guidance": {"qixu": ["1", "2"]}}


def _resident(database: Database, region: Region, doctor: str = "doctor_a", **overrides: object) -> str:
    with database.unit_of_work() as s:
        data = {"name": "王秀英", "sex": "2", "id_number": id_number("19500310", "124"), **overrides}
        return str(add_resident(s, region.principal(doctor), **data).id)


def _counts(database: Database) -> tuple[int, int]:
    with database.unit_of_work() as s:
        return (
            int(s.scalar(select(func.count()).select_from(HealthCheck)) or 0),
            int(s.scalar(select(func.count()).select_from(TcmAssessment)) or 0),
        )


def test_visit_then_result_pdf_and_tracking(client: TestClient, database: Database, region: Region) -> None:
    rid = _resident(database, region)
    auth = bearer(client, "doctor_a")
    body = {"resident_id": rid, "health_check": elderly_check(exam_date="2026-05-10", **MEASURED), "tcm": TCM}
    response = client.post("/api/v1/elderly/visits", json=body, headers=auth)
    assert response.status_code == 201, response.text
    tcm = response.json()["tcm"]
    assert {c["code"]: c["score"] for c in tcm["constitutions"]} == SPEC_36_SUMS
    assert tcm["main_type"] == "qixu" and tcm["positive_types"] == ["qixu", "tanshi"] and tcm["complete"]
    qixu = next(c for c in tcm["constitutions"] if c["code"] == "qixu")
    assert qixu["result_zh"] == "是" and qixu["converted_2009"] == 62.5
    pdf = client.get(f"/api/v1/elderly/tcm-assessments/{tcm['id']}/result.pdf", headers=auth)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    services = client.get("/api/v1/elderly/services", params={"year": 2026}, headers=auth).json()
    assert services["total"] == 1 and services["items"][0]["missing"] == []
    assert client.get("/api/v1/elderly/services", params={"year": 2026, "missing": "any"}, headers=auth).json()["total"] == 0
    summary = client.get("/api/v1/elderly/services/summary", params={"year": 2026}, headers=auth).json()
    assert summary[0]["population"] == 1 and summary[0]["both"] == 1
    rate = client.get("/api/v1/elderly/indicators/elderly_tcm_management_rate", params={"year": 2026, "level": "village"}, headers=auth)
    assert rate.status_code == 200 and rate.json()["values"][0]["rate"] == 1.0
    assert rate.json()["denominator_zh"] == "年内辖区内65岁及以上常住居民数"


def test_visit_errors_name_both_forms_and_save_nothing(client: TestClient, database: Database, region: Region) -> None:
    rid = _resident(database, region)
    answers = {**TCM["answers"], "12": 9}
    body = {"resident_id": rid, "health_check": elderly_check(sbp_left=300, dbp_left=None, **MEASURED), "tcm": {**TCM, "answers": answers}}
    response = client.post("/api/v1/elderly/visits", json=body, headers=bearer(client, "doctor_a"))
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert set(errors) == {"dbp_left", "tcm.answers.12"}
    assert "第12题" in errors["tcm.answers.12"]["message_zh"] and "Question 12" in errors["tcm.answers.12"]["message_en"]
    assert _counts(database) == (0, 0)


def test_questionnaire_alone_preview_and_scope(client: TestClient, database: Database, region: Region) -> None:
    rid = _resident(database, region)
    other = _resident(database, region, "doctor_c", village_code=VILLAGE_C, id_number=id_number("19480101", "136"))
    auth = bearer(client, "doctor_a")
    preview = client.post("/api/v1/elderly/tcm/score", json={"answers": TCM["answers"], "bmi": 25.5, "waist_cm": 88}, headers=auth)
    assert preview.status_code == 200 and preview.json()["main_type"] == "qixu" and preview.json()["tendencies"] == ["yangxu", "qiyu"]
    incomplete = client.post("/api/v1/elderly/tcm/score", json={"answers": {"1": 3}, "bmi": 25.5, "waist_cm": 88}, headers=auth)
    assert incomplete.status_code == 422 and len(incomplete.json()["errors"]) == 30
    created = client.post(
        "/api/v1/elderly/tcm-assessments", json={"resident_id": rid, "assessed_on": "2026-05-10", **MEASURED, **TCM}, headers=auth
    )
    assert created.status_code == 201 and created.json()["bmi"] == 25.5
    assert client.get(f"/api/v1/residents/{rid}/tcm-assessments", headers=auth).json()[0]["id"] == created.json()["id"]
    denied = client.post(
        "/api/v1/elderly/tcm-assessments", json={"resident_id": other, "assessed_on": "2026-05-10", **MEASURED, **TCM}, headers=auth
    )
    assert denied.status_code == 404
    assert client.get(f"/api/v1/elderly/tcm-assessments/{created.json()['id']}", headers=bearer(client, "doctor_c")).status_code == 404
    assert client.post("/api/v1/elderly/visits", json={}, headers=bearer(client, "supervisor")).status_code == 403
    assert _counts(database) == (0, 1)


def test_draft_physician_decision_then_sign(client: TestClient, database: Database, region: Region) -> None:
    rid = _resident(database, region)
    auth = bearer(client, "gpdoc")
    tied = {**dict.fromkeys(TCM["answers"], 1), **{q: 3 for q in ("19", "22", "24", "33", "23", "25", "27", "30")}}
    body = {
        "resident_id": rid,
        "assessed_on": "2026-05-10",
        "height_cm": 170,
        "weight_kg": 60,
        "waist_cm": 75,
        "answers": tied,
        "sign": False,
    }
    draft = client.post("/api/v1/elderly/tcm-assessments", json=body, headers=auth)
    assert draft.status_code == 201 and draft.json()["tied_types"] == ["shire", "xueyu"] and draft.json()["main_type"] is None
    record_id = draft.json()["id"]
    sign = client.patch(f"/api/v1/elderly/tcm-assessments/{record_id}?sign=true", json={"guidance": {"shire": ["2"]}}, headers=auth)
    assert sign.status_code == 422 and sign.json()["errors"][0]["field"] == "main_type"
    signed = client.patch(
        f"/api/v1/elderly/tcm-assessments/{record_id}?sign=true", json={"main_type": "shire", "guidance": {"shire": ["2"]}}, headers=auth
    )
    assert signed.status_code == 200 and signed.json()["main_type"] == "shire" and signed.json()["physician_confirmed"]
    assert client.patch(f"/api/v1/elderly/tcm-assessments/{record_id}", json={}, headers=auth).status_code == 409
