"""The JSON API: signing with an uploaded consent, bilingual 422s naming the field with
nothing saved, 404 out of scope, the printable contract, card scans, indicators."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jiceng.contracts.models import Consent, Contract
from jiceng.core.db import Database
from tests.contracts.conftest import bearer
from tests.contracts.helpers import World, household, pdf_contains, png, resident
from tests.factories import VILLAGE_A, VILLAGE_C


def _upload(client: TestClient, headers: dict[str, str], content: bytes = b"", name: str = "sign.png", kind: str = "signature") -> object:
    return client.post(
        "/api/v1/contracts/consents", headers=headers, files={"file": (name, content or png(), "image/png")}, data={"kind": kind}
    )


def test_sign_read_and_print(client: TestClient, world: World, database: Database) -> None:
    with database.unit_of_work() as s:
        person = resident(s, name="王签约", village_code=VILLAGE_A)
    headers = bearer(client, "teamdoc")
    uploaded = _upload(client, headers)
    assert uploaded.status_code == 201, uploaded.text  # type: ignore[attr-defined]
    consent_id = uploaded.json()["id"]  # type: ignore[attr-defined]
    body = {"resident_id": str(person.id), "team_id": str(world.team_a), "consent_id": consent_id, "package_ids": [str(world.personalised)]}
    signed = client.post("/api/v1/contracts", json=body, headers=headers)
    assert signed.status_code == 201, signed.text
    contract = signed.json()
    assert contract["resident_name"] == "王签约" and contract["team_name"] == "李医生团队" and contract["status"] == "active"
    assert [p["code"] for p in contract["packages"]] == ["BASIC", "HB-CHRONIC"] and contract["fee_resident"] == 4000
    assert signed.headers["location"] == f"/api/v1/contracts/{contract['id']}"
    status = client.get(f"/api/v1/contracts/residents/{person.id}", headers=headers).json()
    assert status["current"]["id"] == contract["id"] and status["key_groups"] == []
    pdf = client.get(f"/api/v1/contracts/{contract['id']}/document.pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and pdf.content.rstrip().endswith(b"%%EOF")
    assert pdf_contains(pdf.content, "王签约") and pdf_contains(pdf.content, "家庭医生签约服务协议书")
    consent = client.get(f"/api/v1/contracts/{contract['id']}/consent", headers=headers)
    assert (
        consent.content == png()
        and consent.headers["content-type"] == "image/png"
        and "attachment" in consent.headers["content-disposition"]
    )


def test_bad_input_is_422_in_both_languages_and_saves_nothing(client: TestClient, world: World, database: Database) -> None:
    with database.unit_of_work() as s:
        person = resident(s, village_code=VILLAGE_A)
    headers = bearer(client, "teamdoc")
    response = client.post("/api/v1/contracts", json={"resident_id": str(person.id), "start_date": "明天"}, headers=headers)
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert {"team_id", "consent_id", "start_date"} <= set(errors)
    assert "签约团队" in errors["team_id"]["message_zh"] and "Team" in errors["team_id"]["message_en"]
    assert "知情同意" in errors["consent_id"]["message_zh"] and "Consent" in errors["consent_id"]["message_en"]
    malformed = client.post("/api/v1/contracts", json={"resident_id": "not-a-uuid"}, headers=headers)
    assert malformed.status_code == 422 and malformed.json()["errors"][0]["field"] == "resident_id"
    bad_file = _upload(client, headers, b"GIF89a not allowed", "x.gif")
    assert bad_file.status_code == 422  # type: ignore[attr-defined]
    error = bad_file.json()["errors"][0]  # type: ignore[attr-defined]
    assert error["field"] == "consent_file" and "PNG" in error["message_zh"] and "PNG" in error["message_en"]
    pdf_as_signature = _upload(client, headers, b"%PDF-1.4\n%%EOF\n", "x.pdf", "signature")
    assert pdf_as_signature.status_code == 422  # type: ignore[attr-defined]
    too_big = _upload(client, headers, b"\x89PNG\r\n\x1a\n" + b"0" * (3 * 1024 * 1024), "big.png")
    assert too_big.status_code == 422 and too_big.json()["errors"][0]["code"] == "too_large"  # type: ignore[attr-defined]
    with database.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Contract)) == 0
        assert s.scalar(select(func.count()).select_from(Consent)) == 0


def test_out_of_scope_is_404(client: TestClient, world: World, database: Database) -> None:
    with database.unit_of_work() as s:
        far = resident(s, village_code=VILLAGE_C)
        far_id = far.id
        household_id = household(s, far.id, [])
    headers = bearer(client, "doctor_a")
    assert client.get(f"/api/v1/contracts/residents/{far_id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/contracts/residents/{far_id}/card", headers=headers).status_code == 404
    body = {"team_id": str(world.team_a)}
    assert client.post(f"/api/v1/contracts/households/{household_id}", json=body, headers=headers).status_code == 404
    teamdoc = bearer(client, "teamdoc")
    consent_id = _upload(client, teamdoc).json()["id"]  # type: ignore[attr-defined]
    signed = client.post(
        "/api/v1/contracts",
        json={"resident_id": str(far_id), "team_id": str(world.team_a), "consent_id": consent_id},
        headers=bearer(client, "admin_th"),
    )
    assert signed.status_code == 404  # village C is outside the township hospital's catchment
    supervisor = bearer(client, "supervisor")
    assert client.get(f"/api/v1/contracts/residents/{far_id}", headers=supervisor).status_code == 403


def test_household_card_scan_and_indicators(client: TestClient, world: World, database: Database) -> None:
    with database.unit_of_work() as s:
        head = resident(s, name="户主甲", birth="19500101")
        member = resident(s, name="成员乙", birth="20220101")
        household_id = household(s, head.id, [member.id])
    headers = bearer(client, "teamdoc")
    consent_id = _upload(client, headers).json()["id"]  # type: ignore[attr-defined]
    signed = client.post(
        f"/api/v1/contracts/households/{household_id}", json={"team_id": str(world.team_a), "consent_id": consent_id}, headers=headers
    )
    assert signed.status_code == 201, signed.text
    assert sorted(c["resident_name"] for c in signed.json()) == sorted(["户主甲", "成员乙"])
    card = client.get(f"/api/v1/contracts/residents/{head.id}/card", headers=headers).json()
    assert card["url"].startswith("http://testserver/contracts/card/")
    refused = client.post("/api/v1/contracts/card/scan", json={"token": card["url"] + "x"}, headers=headers)
    assert refused.status_code == 403 and refused.json()["reason"] == "tampered" and refused.json()["message_en"]
    scanned = client.post("/api/v1/contracts/card/scan", json={"token": card["url"]}, headers=headers)
    assert scanned.status_code == 200 and scanned.json()["resident_id"] == str(head.id)
    figures = client.get("/api/v1/contracts/indicators", params={"level": "village"}, headers=bearer(client, "supervisor"))
    assert figures.status_code == 200
    by_code = {i["code"]: i["values"] for i in figures.json()["indicators"]}
    assert by_code["contracts.coverage"] == [{"division_code": VILLAGE_A, "numerator": 2, "denominator": 2, "rate": 1.0}]
    assert by_code["contracts.key_population_coverage.elderly"][0]["numerator"] == 1
    assert client.get("/api/v1/contracts/indicators", params={"level": "planet"}, headers=bearer(client, "supervisor")).status_code == 422
