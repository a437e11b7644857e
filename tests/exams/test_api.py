"""/api/v1 health checks on SQLite and PostgreSQL: create, read, draft, sign, correct, errors."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jiceng.core.db import Database
from jiceng.exams.models import HealthCheck
from tests.exams.conftest import bearer
from tests.exams.helpers import elderly_check, full_check
from tests.factories import VILLAGE_C, Region, add_resident, id_number


def _resident(database: Database, region: Region, doctor: str = "doctor_a", **overrides: object) -> str:
    with database.unit_of_work() as s:
        data = {"name": "王秀英", "sex": "2", "id_number": id_number("19500310", "124"), **overrides}
        return str(add_resident(s, region.principal(doctor), **data).id)


def _count(database: Database) -> int:
    with database.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(HealthCheck)) or 0)


def test_create_read_and_list(client: TestClient, database: Database, region: Region) -> None:
    rid = _resident(database, region)
    auth = bearer(client, "doctor_a")
    created = client.post("/api/v1/exams/health-checks", json={"resident_id": rid, **full_check()}, headers=auth)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "signed" and body["bmi"] == 22.8 and body["self_care_score"] == 2 and body["elderly_complete"]
    assert body["values"]["medications"][0]["name"] == "硝苯地平缓释片"
    assert body["follow_up_screens"] == []  # both screens positive, MMSE and GDS scores recorded
    assert created.headers["Location"] == f"/api/v1/exams/health-checks/{body['id']}"
    read = client.get(f"/api/v1/exams/health-checks/{body['id']}", headers=auth)
    assert read.status_code == 200 and read.headers["ETag"] == 'W/"1"'
    listed = client.get(f"/api/v1/residents/{rid}/health-checks", headers=auth)
    assert [c["id"] for c in listed.json()] == [body["id"]]
    form = client.get("/api/v1/exams/form", headers=auth).json()
    assert [s["key"] for s in form["sections"]][:3] == ["header", "symptoms", "general"]


def test_bad_input_is_422_in_both_languages_and_nothing_is_saved(client: TestClient, database: Database, region: Region) -> None:
    rid = _resident(database, region)
    body = {"resident_id": rid, **elderly_check(weight_kg=500, pulse_rate="fast", self_care_activity="7")}
    response = client.post("/api/v1/exams/health-checks", json=body, headers=bearer(client, "doctor_a"))
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert set(errors) == {"weight_kg", "pulse_rate", "self_care_activity"}
    assert errors["weight_kg"]["message_zh"].startswith("体重") and errors["weight_kg"]["message_en"].startswith("Weight")
    assert "脉率" in errors["pulse_rate"]["message_zh"] and "Pulse" in errors["pulse_rate"]["message_en"]
    unknown = client.post("/api/v1/exams/health-checks", json={**body, "blood_type": "A"}, headers=bearer(client, "doctor_a"))
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "blood_type"
    assert _count(database) == 0


def test_out_of_scope_is_404_and_nothing_is_saved(client: TestClient, database: Database, region: Region) -> None:
    rid = _resident(database, region, "doctor_c", village_code=VILLAGE_C)
    auth = bearer(client, "doctor_a")
    assert client.post("/api/v1/exams/health-checks", json={"resident_id": rid, **elderly_check()}, headers=auth).status_code == 404
    assert client.get(f"/api/v1/residents/{rid}/health-checks", headers=auth).status_code == 404
    created = client.post("/api/v1/exams/health-checks", json={"resident_id": rid, **elderly_check()}, headers=bearer(client, "doctor_c"))
    assert created.status_code == 201
    assert client.get(f"/api/v1/exams/health-checks/{created.json()['id']}", headers=auth).status_code == 404
    assert client.get(f"/api/v1/exams/health-checks/{uuid.uuid4()}", headers=auth).status_code == 404
    assert _count(database) == 1


def test_draft_sign_and_correction(client: TestClient, database: Database, region: Region) -> None:
    rid = _resident(database, region)
    auth = bearer(client, "nurse")
    draft = client.post(
        "/api/v1/exams/health-checks",
        json={"resident_id": rid, "sign": False, "exam_date": "2026-05-01", "cognition_screen": "2"},
        headers=auth,
    )
    assert draft.json()["follow_up_screens"] == ["mmse"]
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    check_id = draft.json()["id"]
    stale = client.patch(f"/api/v1/exams/health-checks/{check_id}", json={"weight_kg": 60}, headers={**auth, "If-Match": 'W/"9"'})
    assert stale.status_code == 412
    incomplete = client.post(f"/api/v1/exams/health-checks/{check_id}/sign", headers=auth)
    assert incomplete.status_code == 422 and {e["field"] for e in incomplete.json()["errors"]} >= {"symptoms", "height_cm"}
    signed = client.patch(f"/api/v1/exams/health-checks/{check_id}?sign=true", json=elderly_check(exam_date="2026-05-01"), headers=auth)
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    assert client.patch(f"/api/v1/exams/health-checks/{check_id}", json={"weight_kg": 61}, headers=auth).status_code == 409
    corrected = client.post(f"/api/v1/exams/health-checks/{check_id}/corrections", json=elderly_check(weight_kg=61), headers=auth)
    assert corrected.status_code == 201 and corrected.json()["amends_id"] == check_id
    original = client.get(f"/api/v1/exams/health-checks/{check_id}", headers=auth).json()
    assert original["corrected_by"] == corrected.json()["id"] and original["values"]["weight_kg"] == 62


def test_permissions(client: TestClient, database: Database, region: Region) -> None:
    rid = _resident(database, region)
    response = client.post(
        "/api/v1/exams/health-checks", json={"resident_id": rid, **elderly_check()}, headers=bearer(client, "supervisor")
    )
    assert response.status_code == 403
    assert client.get("/api/v1/exams/form").status_code == 401
