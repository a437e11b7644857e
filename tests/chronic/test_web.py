"""Web pages: every chronic page renders, the form posts with CSRF, errors keep the
input (422), previews compute without saving, Excel export, print view, indicators."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from jiceng.chronic.models import Visit
from jiceng.core.clock import local_today
from jiceng.core.db import Database
from tests.chronic.conftest import csrf, login
from tests.chronic.helpers import enrol, patient
from tests.factories import Region


def _enrolled(database: Database, region: Region, disease: str = "htn", name: str = "赵大山") -> str:
    with database.unit_of_work() as s:
        resident = patient(s, region.principal("doctor_a"), name=name)
        enrol(s, region.principal("doctor_a"), resident.id, disease)
        return str(resident.id)


def test_follow_up_form_round_trip(client: TestClient, region: Region, database: Database) -> None:
    resident_id = _enrolled(database, region)
    login(client, "doctor_a")
    form_url = f"/chronic/residents/{resident_id}/visits/new?disease=htn"
    page = client.get(form_url)
    assert page.status_code == 200 and 'id="visit-form"' in page.text and 'data-preview-url="' in page.text
    token = csrf(client, form_url)
    today = local_today()
    fields = {
        "csrf_token": token,
        "visit_date": today.isoformat(),
        "mode": "1",
        "sbp": "152",
        "dbp": "96",
        "symptoms": "1",
        "adherence": "1",
        "med_name_0": "氨氯地平",
        "med_per_day_0": "1",
        "med_dose_0": "5mg",
    }
    preview = client.post(f"/chronic/residents/{resident_id}/visits/preview?disease=htn", data=fields)
    assert preview.status_code == 200
    computed = preview.json()["assessment"]
    assert computed["category_label"] == "控制不满意" and computed["next_visit_date"] == (today + timedelta(days=14)).isoformat()
    with database.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 0
    bad = client.post(form_url, data={**fields, "sbp": "1520"})
    assert bad.status_code == 422 and 'value="1520"' in bad.text and "超出合理范围" in bad.text and 'value="氨氯地平"' in bad.text
    signed = client.post(form_url, data=fields, follow_redirects=False)
    assert signed.status_code == 303 and "signed=" in signed.headers["location"]
    result = client.get(signed.headers["location"])
    assert 'id="signed-result"' in result.text and "控制不满意" in result.text and (today + timedelta(days=14)).isoformat() in result.text
    visit_id = re.search(r'href="/chronic/visits/([0-9a-f-]+)"', result.text)[1]  # type: ignore[index]
    view = client.get(f"/chronic/visits/{visit_id}")
    assert view.status_code == 200 and "氨氯地平" in view.text and 'id="amend-link"' in view.text
    amend = client.get(f"/chronic/visits/{visit_id}/amend")
    assert amend.status_code == 200 and 'name="amendment_reason"' in amend.text and 'value="152"' in amend.text
    missing_reason = client.post(
        f"/chronic/visits/{visit_id}/amend", data={**fields, "csrf_token": csrf(client, f"/chronic/visits/{visit_id}/amend")}
    )
    assert missing_reason.status_code == 422 and "更正原因" in missing_reason.text
    timeline = client.get(f"/chronic/residents/{resident_id}/timeline.json").json()
    assert timeline["sbp"] == [152]
    without_csrf = client.post(form_url, data={k: v for k, v in fields.items() if k != "csrf_token"})
    assert without_csrf.status_code == 403


def test_urgent_visit_shows_an_unmissable_alert(client: TestClient, region: Region, database: Database) -> None:
    resident_id = _enrolled(database, region, "t2dm")
    login(client, "doctor_a")
    url = f"/chronic/residents/{resident_id}/visits/new?disease=t2dm"
    fields = {
        "csrf_token": csrf(client, url),
        "visit_date": local_today().isoformat(),
        "mode": "2",
        "fpg": "2.8",
        "critical_signs": "sweating",
    }
    preview = client.post(f"/chronic/residents/{resident_id}/visits/preview?disease=t2dm", data=fields).json()["assessment"]
    assert preview["urgent"] is True and "紧急转诊" in preview["alert"]
    page = client.get(client.post(url, data=fields, follow_redirects=False).headers["location"])
    assert 'class="alert urgent" role="alert" id="signed-result"' in page.text and "血糖≤3.9mmol/L" in page.text
    home = client.get("/chronic/panel")
    assert 'id="home-urgent"' in home.text


def test_worklist_pages_export_and_panels(client: TestClient, region: Region, database: Database) -> None:
    resident_id = _enrolled(database, region, name="钱多多")
    login(client, "doctor_a")
    home = client.get("/")
    assert 'data-chronic-src="/chronic/panel"' in home.text
    page = client.get("/chronic")
    assert page.status_code == 200 and 'id="bucket-overdue"' in page.text and "钱多多" in page.text
    panel = client.get(f"/chronic/residents/{resident_id}/panel")
    assert panel.status_code == 200 and "高血压" in panel.text
    assert f'data-chronic-src="/chronic/residents/{resident_id}/panel"' in client.get(f"/residents/{resident_id}").text
    export = client.get("/chronic/worklist.xlsx")
    assert export.status_code == 200 and export.headers["content-disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(export.content))
    assert "本季度未随访" in book.sheetnames and book["本季度未随访"]["A2"].value == "钱多多"
    record = client.get(f"/chronic/residents/{resident_id}")
    assert record.status_code == 200 and 'id="new-visit-htn"' in record.text and 'id="enrol-t2dm"' in record.text
    for path in (
        f"/chronic/residents/{resident_id}/enrol?disease=t2dm",
        f"/chronic/residents/{resident_id}/screening",
        f"/chronic/residents/{resident_id}/prescriptions/new",
    ):
        assert client.get(path).status_code == 200, path
    token = csrf(client, f"/chronic/residents/{resident_id}/screening")
    screened = client.post(
        f"/chronic/residents/{resident_id}/screening", data={"csrf_token": token, "sbp": "150", "dbp": "80"}, follow_redirects=False
    )
    assert screened.status_code == 303
    bad_rx = client.post(
        f"/chronic/residents/{resident_id}/prescriptions/new", data={"csrf_token": token, "disease": "htn", "drug_name": "x"}
    )
    assert bad_rx.status_code == 422 and "每次剂量" in bad_rx.text


def test_other_roles(client: TestClient, region: Region, database: Database) -> None:
    resident_id = _enrolled(database, region)
    login(client, "doctor_b")
    assert client.get(f"/chronic/residents/{resident_id}").status_code == 404
    assert client.get(f"/chronic/residents/{resident_id}/visits/new").status_code == 404
    client.cookies.clear()
    login(client, "supervisor")
    assert client.get("/chronic").status_code == 403
    indicators = client.get("/chronic/indicators", params={"level": "township"})
    assert indicators.status_code == 200 and "高血压患者管理率" in indicators.text and "交口镇" in indicators.text
    client.cookies.clear()
    login(client, "nurse")
    assert client.get("/chronic").status_code == 200
    assert client.get("/chronic/worklist.xlsx").status_code == 403


def test_pages_in_english(client: TestClient, region: Region, database: Database) -> None:
    resident_id = _enrolled(database, region)
    login(client, "doctor_a")
    client.cookies.set("jiceng_lang", "en")
    worklist = client.get("/chronic")
    assert "Chronic-care worklist" in worklist.text and "Overdue" in worklist.text and "慢病随访工作清单" not in worklist.text
    form = client.get(f"/chronic/residents/{resident_id}/visits/new?disease=htn")
    assert "Systolic BP" in form.text and "Sign and save" in form.text
    url = f"/chronic/residents/{resident_id}/visits/preview?disease=htn"
    preview = client.post(
        url,
        data={
            "csrf_token": csrf(client, form.request.url.path + "?disease=htn"),
            "visit_date": local_today().isoformat(),
            "mode": "1",
            "sbp": "190",
            "dbp": "95",
        },
    )
    assert preview.json()["assessment"]["category_label"] == "Uncontrolled" and "refer urgently" in preview.json()["assessment"]["alert"]
