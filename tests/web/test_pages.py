"""Web pages: sign-in, CSRF, escaping, security headers, form errors that keep input."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jiceng.core.audit import AuditEvent
from jiceng.core.db import Database
from jiceng.residents.models import Resident
from tests.factories import PASSWORD, VILLAGE_A, Region, add_resident

XSS_NAME = "<script>alert(1)</script>"


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    page = client.get("/login")
    prelogin = re.search(r'name="prelogin" value="([^"]+)"', page.text)[1]  # type: ignore[index]
    response = client.post(
        "/login", data={"prelogin": prelogin, "username": username, "password": password, "next": "/"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def csrf(client: TestClient, path: str = "/") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)[1]  # type: ignore[index]


def test_pages_need_sign_in(client: TestClient) -> None:
    response = client.get("/residents", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/residents"


def test_session_cookie_flags_and_security_headers(client: TestClient, region: Region) -> None:
    page = client.get("/login")
    prelogin = re.search(r'name="prelogin" value="([^"]+)"', page.text)[1]  # type: ignore[index]
    response = client.post("/login", data={"prelogin": prelogin, "username": "doctor_a", "password": PASSWORD}, follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    headers = client.get("/").headers
    assert (
        "script-src 'self'" in headers["content-security-policy"]
        and "unsafe-inline" not in headers["content-security-policy"].split("script-src")[1].split(";")[0]
    )
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_login_form_without_its_token_is_refused(client: TestClient, region: Region) -> None:
    response = client.post("/login", data={"username": "doctor_a", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403


def test_forms_without_csrf_token_are_refused_and_change_nothing(client: TestClient, region: Region, database: Database) -> None:
    login(client, "doctor_a")
    response = client.post(
        "/residents/new",
        data={"name": "张三丰", "sex": "1", "birth_date": "1980-01-01", "no_id_reason": "other", "village_code": VILLAGE_A},
    )
    assert response.status_code == 403
    forged = client.post("/residents/new", data={"csrf_token": "forged", "name": "张三丰", "village_code": VILLAGE_A})
    assert forged.status_code == 403
    with database.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Resident)) == 0


def test_form_errors_keep_what_was_typed(client: TestClient, region: Region) -> None:
    login(client, "doctor_a")
    response = client.post(
        "/residents/new",
        data={
            "csrf_token": csrf(client),
            "name": "张三丰",
            "id_number": "110105194912310021",
            "phone": "13812345678",
            "address": "东坡村8号",
            "village_code": VILLAGE_A,
        },
    )
    assert response.status_code == 422
    assert "校验位错误" in response.text
    assert 'value="东坡村8号"' in response.text and 'value="13812345678"' in response.text and 'value="110105194912310021"' in response.text


def test_user_text_is_escaped(client: TestClient, region: Region, database: Database) -> None:
    with database.unit_of_work() as s:
        resident = add_resident(s, region.principal("doctor_a"), address='"><img src=x onerror=alert(1)>', notes=XSS_NAME)
    login(client, "doctor_a")
    page = client.get(f"/residents/{resident.id}").text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_english_switch(client: TestClient, region: Region) -> None:
    login(client, "doctor_a")
    assert "居民档案" in client.get("/").text
    client.get("/lang/en?next=/")
    assert "Residents" in client.get("/").text and 'lang="en"' in client.get("/").text


def test_logout_ends_the_session(client: TestClient, region: Region) -> None:
    login(client, "doctor_a")
    token = csrf(client)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_reset_password_forces_change_before_anything_else(client: TestClient, region: Region, database: Database) -> None:
    from jiceng.accounts import service as accounts
    from jiceng.core.security import Principal

    with database.unit_of_work() as s:
        _user, password = accounts.reset_password(s, Principal.console_operator(), "doctor_a")
    login(client, "doctor_a", password)
    assert client.get("/residents", follow_redirects=False).headers["location"] == "/account/password"
    response = client.post(
        "/account/password",
        data={"csrf_token": csrf(client, "/account/password"), "current_password": password, "new_password": "Fresh-Secret-2026"},
    )
    assert response.status_code == 200
    assert client.get("/residents").status_code == 200


def test_each_identifiable_view_is_audited_once(client: TestClient, region: Region, database: Database) -> None:
    """Walk the main screens; every view of an identifiable record leaves one audit row."""
    with database.unit_of_work() as s:
        resident = add_resident(s, region.principal("doctor_a"))
    login(client, "admin_th")
    with database.unit_of_work() as s:
        seen = set(s.scalars(select(AuditEvent.id)))
    steps = [
        (f"/residents/{resident.id}", ("view", "resident")),
        (f"/residents/{resident.id}/edit", ("view_for_edit", "resident")),
        ("/residents?q=zsf", ("search", "resident")),
        (f"/residents/{resident.id}/access-log", ("view_access_log", "resident")),
        ("/registry/statistics", None),
    ]
    for path, expected in steps:
        assert client.get(path).status_code == 200
        with database.unit_of_work() as s:
            events = [e for e in s.scalars(select(AuditEvent)) if e.id not in seen]
            seen |= {e.id for e in events}
        assert [(e.action, e.object_type) for e in events] == ([expected] if expected else []), path
        assert all(e.username == "admin_th" and e.interface == "web" for e in events)


def test_access_log_lists_who_looked(client: TestClient, region: Region, database: Database) -> None:
    with database.unit_of_work() as s:
        resident = add_resident(s, region.principal("doctor_a"))
    login(client, "doctor_a")
    client.get(f"/residents/{resident.id}")
    client.cookies.clear()
    login(client, "admin_th")
    page = client.get(f"/residents/{resident.id}/access-log")
    assert page.status_code == 200 and "doctor_a" in page.text
