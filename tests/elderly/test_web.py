"""Web pages without a browser: the visit form keeps input and names errors, drafts are
finished by a physician, the health-check form works for people under 65, pages escape."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jiceng.core.db import Database
from jiceng.elderly.models import TcmAssessment
from jiceng.exams.models import HealthCheck
from tests.elderly.probes import tcm_form
from tests.exams.probes import check_form
from tests.factories import PASSWORD, Region, add_resident, id_number


def login(client: TestClient, username: str) -> None:
    page = client.get("/login")
    prelogin = re.search(r'name="prelogin" value="([^"]+)"', page.text)[1]  # type: ignore[index]
    response = client.post(
        "/login", data={"prelogin": prelogin, "username": username, "password": PASSWORD, "next": "/"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def csrf(client: TestClient, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)[1]  # type: ignore[index]


def _resident(database: Database, region: Region, **overrides: object) -> str:
    with database.unit_of_work() as s:
        data = {"name": "王秀英", "sex": "2", "id_number": id_number("19500310", "124"), **overrides}
        return str(add_resident(s, region.principal("doctor_a"), **data).id)


def _counts(database: Database) -> tuple[int, int]:
    with database.unit_of_work() as s:
        return (
            int(s.scalar(select(func.count()).select_from(HealthCheck)) or 0),
            int(s.scalar(select(func.count()).select_from(TcmAssessment)) or 0),
        )


MEASURED = {"height_cm": "160", "weight_kg": "65.3", "waist_cm": "88"}


def test_visit_form_errors_keep_input_and_save_nothing(client: TestClient, database: Database, region: Region) -> None:
    rid = _resident(database, region)
    login(client, "doctor_a")
    path = f"/elderly/visits/new?resident_id={rid}"
    form = {**check_form(), **MEASURED, **tcm_form(), "csrf_token": csrf(client, path), "action": "sign"}
    form["pulse_rate"] = "快"
    del form["q12"]
    response = client.post(path, data=form, follow_redirects=False)
    assert response.status_code == 422
    assert "脉率：“快”不是数字" in response.text and "第12题：不能空项" in response.text
    assert 'value="快"' in response.text and 'name="q13" value="3" checked' in response.text
    assert _counts(database) == (0, 0)
    form["pulse_rate"], form["q12"] = "72", "2"
    saved = client.post(path, data=form, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].startswith("/elderly/tcm/")
    page = client.get(saved.headers["location"])
    assert '<strong id="tcm-main">气虚质</strong>' in page.text and "兼夹体质" in page.text
    assert _counts(database) == (1, 1)


def test_english_pages(client: TestClient, database: Database, region: Region) -> None:
    rid = _resident(database, region)
    login(client, "doctor_a")
    client.get("/lang/en?next=/")
    page = client.get(f"/elderly/visits/new?resident_id={rid}")
    assert "Yearly elderly visit" in page.text and "Are you full of energy?" in page.text and "Self-care ability assessment" in page.text
    assert "Worklist" in client.get("/elderly/worklist").text


def test_draft_tcm_is_finished_by_a_physician(client: TestClient, database: Database, region: Region) -> None:
    rid = _resident(database, region)
    login(client, "gpdoc")
    path = f"/elderly/tcm/new?resident_id={rid}"
    answers = {f"q{q}": "1" for q in range(1, 34) if q not in (9, 28)}
    answers.update({q: "3" for q in ("q19", "q22", "q24", "q33", "q23", "q25", "q27", "q30")})  # 血瘀 = 湿热 = 12
    form = {
        **answers,
        "assessed_on": "2026-05-10",
        "height_cm": "170",
        "weight_kg": "60",
        "waist_cm": "75",
        "csrf_token": csrf(client, path),
    }
    tie = client.post(path, data={**form, "action": "sign"}, follow_redirects=False)
    assert tie.status_code == 422 and "得分相同" in tie.text
    draft = client.post(path, data={**form, "action": "draft"}, follow_redirects=False)
    assert draft.status_code == 303
    detail = client.get(draft.headers["location"])
    assert 'id="tcm-sign-form"' in detail.text
    record = draft.headers["location"].split("?")[0]
    token = csrf(client, record)
    signed = client.post(
        f"{record}/sign", data={"csrf_token": token, "main_type": "xueyu", "guidance_xueyu": ["2", "4"]}, follow_redirects=False
    )
    assert signed.status_code == 303
    assert "已签名" in client.get(record).text and "血瘀质" in client.get(record).text


def test_health_check_form_for_a_hypertension_patient_under_65(client: TestClient, database: Database, region: Region) -> None:
    rid = _resident(database, region, name="赵敏", id_number=id_number("19750601", "146"))
    login(client, "nurse")
    path = f"/exams/health-checks/new?resident_id={rid}"
    page = client.get(path)
    assert page.status_code == 200 and "section-optional" in page.text  # the 65+ section is folded away
    form = {
        "csrf_token": csrf(client, path),
        "exam_date": "2026-05-10",
        "symptoms": ["2", "3"],
        "sbp_left": "152",
        "dbp_left": "96",
        "height_cm": "165",
        "weight_kg": "62",
        "waist_cm": "82",
        "assessment": "2",
        "abnormalities-0": "血压高",
        "guidance": ["1"],
        "medications-0-name": "苯磺酸氨氯地平片",
        "medications-0-adherence": "1",
        "action": "sign",
    }
    saved = client.post(path, data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    detail = client.get(saved.headers["location"])
    assert '<td id="v-bmi">22.8</td>' in detail.text and "苯磺酸氨氯地平片" in detail.text
    panel = client.get(f"/exams/residents/{rid}/panel").text
    assert "已签名" in panel and "2026-05-10" in panel


def test_names_are_escaped(client: TestClient, database: Database, region: Region) -> None:
    rid = _resident(database, region)
    login(client, "doctor_a")
    path = f"/exams/health-checks/new?resident_id={rid}"
    form = {
        "csrf_token": csrf(client, path),
        "exam_date": "2026-05-10",
        "symptoms": ["25"],
        "symptom_other": "<script>x</script>",
        "action": "draft",
    }
    saved = client.post(path, data=form, follow_redirects=False)
    page = client.get(saved.headers["location"])
    assert "<script>x</script>" not in page.text and "&lt;script&gt;x&lt;/script&gt;" in page.text


def test_draft_edit_sign_and_correct_in_the_browser_forms(client: TestClient, database: Database, region: Region) -> None:
    rid = _resident(database, region)
    login(client, "doctor_a")
    path = f"/exams/health-checks/new?resident_id={rid}"
    draft = client.post(
        path,
        data={"csrf_token": csrf(client, path), "exam_date": "2026-05-10", "height_cm": "158", "action": "draft"},
        follow_redirects=False,
    )
    check = draft.headers["location"].split("?")[0]
    assert "草稿" in client.get(check).text
    edit = client.get(f"{check}/edit")
    assert 'value="158.0"' in edit.text or 'value="158"' in edit.text
    form = {**check_form(), "csrf_token": csrf(client, f"{check}/edit"), "exam_date": "2026-05-10", "action": "sign"}
    signed = client.post(f"{check}/edit", data=form, follow_redirects=False)
    assert signed.status_code == 303
    page = client.get(check)
    assert 'id="correct-link"' in page.text and 'id="edit-link"' not in page.text
    assert client.get(f"{check}/edit", follow_redirects=False).status_code == 303  # a signed check opens as a correction
    correction_form = client.get(f"{check}/edit?correct=1")
    assert f'action="{check}/correct"' in correction_form.text
    corrected = client.post(
        f"{check}/correct", data={**form, "weight_kg": "70", "csrf_token": csrf(client, f"{check}/edit?correct=1")}, follow_redirects=False
    )
    assert corrected.status_code == 303 and corrected.headers["location"].split("?")[0] != check
    assert "已被更正" in client.get(check).text
    assert _counts(database) == (2, 0)
