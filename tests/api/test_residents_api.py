"""The JSON API: bilingual 422s naming the field, 404 out of scope, 412 on stale versions."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jiceng.core.db import Database
from jiceng.residents.models import Resident
from tests.api.conftest import bearer
from tests.factories import VILLAGE_A, VILLAGE_C, Region, id_number

SQL_INJECTIONS = ["' OR '1'='1", "'; DROP TABLE resident; --", "zsf%' --", '" OR ""="', "1) UNION SELECT name FROM accounts_user --"]


def _create(client: TestClient, headers: dict[str, str], **fields: object) -> dict[str, object]:
    body = {"name": "张三丰", "id_number": id_number(), "village_code": VILLAGE_A, "phone": "13812345678", **fields}
    response = client.post("/api/v1/residents", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_create_read_update(client: TestClient, region: Region) -> None:
    headers = bearer(client, "doctor_a")
    created = _create(client, headers)
    assert created["record_number"] == VILLAGE_A + "00001" and created["birth_date"] == "1980-01-01"
    read = client.get(f"/api/v1/residents/{created['id']}", headers=headers)
    assert read.status_code == 200 and read.headers["etag"] == 'W/"1"' and read.json()["id_number"] == id_number()
    patched = client.patch(f"/api/v1/residents/{created['id']}", json={"phone": "13900001111"}, headers={**headers, "If-Match": 'W/"1"'})
    assert patched.status_code == 200 and patched.json()["version"] == 2
    stale = client.patch(f"/api/v1/residents/{created['id']}", json={"phone": "13900002222"}, headers={**headers, "If-Match": 'W/"1"'})
    assert stale.status_code == 412 and "version 1" in stale.json()["message_en"] and "版本 1" in stale.json()["message_zh"]


def test_bad_input_is_422_naming_each_field_in_both_languages(client: TestClient, region: Region, database: Database) -> None:
    headers = bearer(client, "doctor_a")
    response = client.post(
        "/api/v1/residents",
        json={"name": "张三丰", "id_number": "110105194912310021", "village_code": VILLAGE_A, "phone": "12"},
        headers=headers,
    )
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert set(errors) == {"id_number", "phone"}
    assert "身份证号" in errors["id_number"]["message_zh"] and "ID number" in errors["id_number"]["message_en"]
    with database.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Resident)) == 0


def test_malformed_requests_never_500(client: TestClient, region: Region) -> None:
    headers = bearer(client, "doctor_a")
    cases = [
        client.post("/api/v1/residents", content=b"{not json", headers={**headers, "Content-Type": "application/json"}),
        client.post("/api/v1/residents", json=[1, 2], headers=headers),
        client.post("/api/v1/residents", json={"name": 5, "past_diseases": "x", "unknown": 1}, headers=headers),
        client.get("/api/v1/residents/not-a-uuid", headers=headers),
        client.patch(f"/api/v1/residents/{'0' * 32}", json={}, headers={**headers, "If-Match": "garbage"}),
        client.get("/api/v1/residents", params={"limit": "many"}, headers=headers),
        client.post(
            "/api/v1/residents",
            json={
                "name": "张三",
                "birth_date": "2020-13-45",
                "sex": "1",
                "no_id_reason": "infant",
                "village_code": VILLAGE_A,
                "past_diseases": [{"code": "99"}],
            },
            headers=headers,
        ),
    ]
    for response in cases:
        assert response.status_code in (404, 412, 422), response.text
        body = response.json()
        assert body["message_zh"] and body["message_en"]


def test_out_of_scope_is_404_not_403(client: TestClient, region: Region) -> None:
    created = _create(client, bearer(client, "doctor_a"))
    other = bearer(client, "doctor_c")
    assert client.get(f"/api/v1/residents/{created['id']}", headers=other).status_code == 404
    assert client.patch(f"/api/v1/residents/{created['id']}", json={"phone": "13900000000"}, headers=other).status_code == 404
    missing = client.get("/api/v1/residents/01935f6a-0000-7000-8000-000000000000", headers=other)
    assert missing.status_code == 404 and missing.json() == client.get(f"/api/v1/residents/{created['id']}", headers=other).json()


def test_sql_injection_strings_are_just_text(client: TestClient, region: Region) -> None:
    headers = bearer(client, "doctor_a")
    _create(client, headers)
    for text in SQL_INJECTIONS:
        response = client.get("/api/v1/residents", params={"q": text, "village": text}, headers=headers)
        assert response.status_code == 200 and response.json()["items"] == []
    assert len(client.get("/api/v1/residents", params={"q": "zsf"}, headers=headers).json()["items"]) == 1


def test_tokens_required_and_revocable(client: TestClient, region: Region) -> None:
    assert client.get("/api/v1/residents").status_code == 401
    assert client.get("/api/v1/residents", headers={"Authorization": "Bearer jct_forged"}).status_code == 401
    headers = bearer(client, "doctor_a")
    assert client.post("/api/v1/auth/revoke", headers=headers).json() == {"revoked": True}
    response = client.get("/api/v1/residents", headers=headers)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


def test_wrong_password_and_lockout_via_api(client: TestClient, region: Region) -> None:
    for _ in range(5):
        assert client.post("/api/v1/auth/token", json={"username": "doctor_a", "password": "nope"}).status_code == 401
    locked = client.post("/api/v1/auth/token", json={"username": "doctor_a", "password": "Test-Password-2026"})
    assert locked.status_code == 401 and "锁定" in locked.json()["message_zh"]


def test_registry_endpoints(client: TestClient, region: Region) -> None:
    headers = bearer(client, "doctor_a")
    assert [d["name"] for d in client.get(f"/api/v1/divisions/{VILLAGE_C}", headers=headers).json()][-1] == "南岭村"
    institution = client.get(f"/api/v1/institutions/{region.township_hospital}", headers=headers).json()
    assert institution["catchment_villages"] == [VILLAGE_A, "411202100202"]
    stats = client.get("/api/v1/registry/statistics", headers=headers).json()
    assert stats["institutions_by_kind"]["village_clinic"] == 3 and stats["primary_institutions"] == 4


def test_health_check(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
