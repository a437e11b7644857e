"""Web pages: every contracts page renders (Chinese and English), forms keep what was
typed on errors, signing with an uploaded consent, the card QR code and scan."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jiceng.contracts import card
from jiceng.contracts.models import Contract
from jiceng.core.db import Database
from tests.contracts.helpers import CONSOLE, World, household, png, resident, sign
from tests.factories import PASSWORD, VILLAGE_A


def login(client: TestClient, username: str) -> None:
    page = client.get("/login")
    prelogin = re.search(r'name="prelogin" value="([^"]+)"', page.text)[1]  # type: ignore[index]
    response = client.post(
        "/login", data={"prelogin": prelogin, "username": username, "password": PASSWORD, "next": "/"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def csrf(client: TestClient, path: str = "/") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)[1]  # type: ignore[index]


def test_pages_render_in_both_languages(client: TestClient, world: World, database: Database) -> None:
    with database.unit_of_work() as s:
        head = resident(s, name="页面户主", birth="19500101")
        member = resident(s, name="页面成员", birth="20200101")
        household_id = household(s, head.id, [member.id])
        contract = sign(s, world, head.id)
    login(client, "admin_th")
    paths = [
        "/contracts",
        "/contracts/worklist/panel",
        "/contracts/teams",
        "/contracts/teams/new",
        f"/contracts/teams/{world.team_a}",
        "/contracts/packages",
        f"/contracts/packages/{world.basic}",
        f"/contracts/residents/{head.id}",
        f"/contracts/residents/{head.id}/panel",
        f"/contracts/residents/{member.id}/sign",
        f"/contracts/households/{household_id}/sign",
        f"/contracts/{contract.id}",
        "/contracts/marks/import",
        "/contracts/indicators",
        f"/residents/{head.id}",
        "/",
    ]
    for lang in ("zh", "en"):
        client.get(f"/lang/{lang}?next=/")
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (path, response.text[:500])
    page = client.get(f"/contracts/{contract.id}").text
    assert "页面户主" in page and "李医生团队" in page and f"/contracts/{contract.id}/contract.pdf" in page
    resident_page = client.get(f"/residents/{head.id}").text
    assert f'data-contracts-fragment="/contracts/residents/{head.id}/panel"' in resident_page and "/static/contracts.js" in resident_page
    svg = client.get(f"/contracts/residents/{head.id}/card.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content
    assert "script" not in svg.text.lower()


def test_sign_form_keeps_input_on_error_then_signs(client: TestClient, world: World, database: Database) -> None:
    with database.unit_of_work() as s:
        person = resident(s, name="表单居民", village_code=VILLAGE_A)
    login(client, "teamdoc")
    token = csrf(client, f"/contracts/residents/{person.id}/sign")
    failed = client.post(
        f"/contracts/residents/{person.id}/sign",
        data={"csrf_token": token, "team_id": str(world.team_a), "signatory_name": "代签人甲", "signed_on": "2026-11-22"},
    )
    assert failed.status_code == 422
    assert "知情同意" in failed.text and 'value="代签人甲"' in failed.text
    with database.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Contract)) == 0
    bad_file = client.post(
        f"/contracts/residents/{person.id}/sign",
        data={"csrf_token": token, "team_id": str(world.team_a), "consent_kind": "signature"},
        files={"consent_file": ("evil.svg", b"<svg onload=alert(1)>", "image/svg+xml")},
    )
    assert bad_file.status_code == 422 and "只接受" in bad_file.text
    signed = client.post(
        f"/contracts/residents/{person.id}/sign",
        data={"csrf_token": token, "team_id": str(world.team_a), "package_ids": str(world.personalised), "consent_kind": "signature"},
        files={"consent_file": ("sign.png", png(), "image/png")},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text
    page = client.get(signed.headers["location"])
    assert page.status_code == 200 and "表单居民" in page.text and "慢病个性化服务包" in page.text
    forged = client.post(f"/contracts/residents/{person.id}/sign", data={"csrf_token": "forged"})
    assert forged.status_code == 403


def test_contract_actions_from_the_page(client: TestClient, world: World, database: Database) -> None:
    with database.unit_of_work() as s:
        person = resident(s, birth="19600101", past_diseases=[{"code": "2", "diagnosed_on": "2018-01"}])
        contract = sign(s, world, person.id)
    login(client, "teamdoc")
    token = csrf(client, f"/contracts/{contract.id}")
    page = client.get(f"/contracts/{contract.id}").text
    item_id = re.search(r'name="item_id" value="([^"]+)"', page)[1]  # type: ignore[index]
    done = client.post(f"/contracts/{contract.id}/deliveries", data={"csrf_token": token, "item_id": item_id}, follow_redirects=False)
    assert done.status_code == 303
    missing_reason = client.post(f"/contracts/{contract.id}/terminate", data={"csrf_token": token})
    assert missing_reason.status_code == 422 and "解约原因" in missing_reason.text
    ended = client.post(f"/contracts/{contract.id}/terminate", data={"csrf_token": token, "reason": "moved_out"}, follow_redirects=False)
    assert ended.status_code == 303
    with database.unit_of_work() as s:
        stored = s.get(Contract, contract.id)
        assert stored is not None and stored.status == "terminated"


def test_scanning_a_card_opens_the_record_or_explains(client: TestClient, world: World, database: Database) -> None:
    with database.unit_of_work() as s:
        person = resident(s, name="扫码居民")
        sign(s, world, person.id)
        token = card.card_token(card.issue_card(s, CONSOLE, person.id))
    login(client, "teamdoc")
    opened = client.get(f"/contracts/card/{token}", follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == f"/residents/{person.id}"
    refused = client.get(f"/contracts/card/{token[:-3]}abc")
    assert refused.status_code == 403 and 'data-reason="tampered"' in refused.text


def test_admin_pages_create_team_and_package(client: TestClient, world: World, database: Database) -> None:
    login(client, "admin_th")
    token = csrf(client, "/contracts/teams/new")
    failed = client.post("/contracts/teams/new", data={"csrf_token": token, "name": "新团队"})
    assert failed.status_code == 422 and 'value="新团队"' in failed.text and "家庭医生" in failed.text
    created = client.post(
        "/contracts/teams/new",
        data={
            "csrf_token": token,
            "name": "新团队",
            "doctor_staff_id": str(world.staff["vdoc"]),
            "doctor_kind": "village_doctor",
            "nurse_id": str(world.staff["nurse1"]),
            "public_health_id": str(world.staff["ph1"]),
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    assert "新团队" in client.get(created.headers["location"]).text
    client.cookies.clear()
    login(client, "sysadmin")
    token = csrf(client, "/contracts/packages/new")
    package = client.post(
        "/contracts/packages/new",
        data={
            "csrf_token": token,
            "code": "TCM-1",
            "kind": "personalised",
            "county_code": "411202000000",
            "name": "中医药服务包",
            "fee_resident": "15.5",
            "item_name_0": "中医体质辨识",
            "item_category_0": "personalised",
            "item_times_per_year_0": "1",
            "item_link_kind_0": "elderly_tcm",
        },
        follow_redirects=False,
    )
    assert package.status_code == 303, package.text
    detail = client.get(package.headers["location"]).text
    assert "中医体质辨识" in detail and "15.50" in detail
    publish = client.post(
        package.headers["location"].split("?")[0] + "/publish",
        data={"csrf_token": token, "effective_from": "2026-12-01"},
        follow_redirects=False,
    )
    assert publish.status_code == 303
