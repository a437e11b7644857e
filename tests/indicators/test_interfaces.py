"""The API gives the same numbers as the pages; the pages drill down and link to the people
behind each number; Excel in the commission layout; the monthly report PDF; targets form."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from jiceng.core.db import Database
from jiceng.indicators import targets
from tests.chronic.conftest import bearer, csrf, login
from tests.contracts.helpers import pdf_contains
from tests.factories import VILLAGE_A
from tests.indicators.population import COUNTY, TOWNSHIP_1, Population


def test_api_values_trend_people(client: TestClient, built: Population) -> None:
    headers = bearer(client, "supervisor")
    catalogue = client.get("/api/v1/indicators", headers=headers).json()
    assert len(catalogue) == 24 and {"code", "numerator_zh", "denominator_zh", "source", "version"} <= set(catalogue[0])
    values = client.get("/api/v1/indicators/values", headers=headers, params={"period": "2026"}).json()
    assert values["built"] and values["division"]["division_code"] == COUNTY
    cells = {v["code"]: v for v in values["division"]["values"]}
    assert (cells["contracts.coverage"]["numerator"], cells["contracts.coverage"]["denominator"]) == (3, 8)
    assert cells["chronic.htn.management_rate"]["denominator"] == 2  # the estimate, not the 7 adults
    assert [c["division_code"] for c in values["children"]] == [TOWNSHIP_1, "411202101000"]
    trend = client.get("/api/v1/indicators/records.e_record_rate", headers=headers).json()
    points = [(p["period"]["key"], p["value"]["numerator"], p["value"]["denominator"]) for p in trend["points"]]
    assert points[0] == ("2025", 7, 8) and points[-1] == ("2026", 8, 8)
    people = client.get(
        "/api/v1/indicators/contracts.coverage/people", headers=headers, params={"division": VILLAGE_A, "which": "numerator"}
    ).json()
    assert people["deidentified"] and [p["id"] for p in people["items"]] == [None, None]
    assert client.get("/api/v1/indicators/values", headers=headers, params={"division": "411203"}).status_code == 404
    bad = client.get("/api/v1/indicators/values", headers=headers, params={"period": "2026-13"})
    assert bad.status_code == 422 and "period" in bad.text
    status = client.get("/api/v1/indicators/status", headers=headers).json()
    assert status["built"] and status["behind"] == 0 and len(status["periods"]) == 6


def test_api_targets(client: TestClient, database: Database, built: Population) -> None:
    admin = bearer(client, "sysadmin")
    refused = client.put("/api/v1/indicators/targets", headers=admin, json={"targets": {"contracts.coverage": 2}})
    assert refused.status_code == 422 and "targets.contracts.coverage" in refused.text
    saved = client.put("/api/v1/indicators/targets", headers=admin, json={"targets": {"contracts.coverage": {"": 0.7, COUNTY: 0.3}}})
    assert saved.status_code == 200
    headers = bearer(client, "supervisor")
    cells = {v["code"]: v for v in client.get("/api/v1/indicators/values", headers=headers).json()["division"]["values"]}
    assert (cells["contracts.coverage"]["target"], cells["contracts.coverage"]["status"]) == (0.3, "met")
    assert client.put("/api/v1/indicators/targets", headers=headers, json={"targets": {}}).status_code == 403


def test_pages_drill_down_and_link_people(client: TestClient, built: Population) -> None:
    login(client, "supervisor")
    page = client.get("/dashboard?domain=contracts")
    assert page.status_code == 200
    assert f'href="/dashboard?division={TOWNSHIP_1}&period=2026&domain=contracts"' in page.text
    assert "/dashboard/people?code=contracts.coverage&division=411202000000&period=2026&which=numerator" in page.text
    township = client.get(f"/dashboard?division={TOWNSHIP_1}&domain=contracts")
    assert "东坡村" in township.text and "西河村" in township.text
    detail = client.get(f"/dashboard/indicator/contracts.coverage?division={TOWNSHIP_1}")
    assert 'id="trend-chart"' in detail.text and "data-chart=" in detail.text and "/assets/plotly.min.js" in detail.text
    assert "<script>" not in detail.text  # no inline script (CSP)
    people = client.get(f"/dashboard/people?code=contracts.coverage&division={VILLAGE_A}&which=numerator")
    assert 'id="deidentified"' in people.text and "居**" in people.text and "居民甲" not in people.text
    catalogue = client.get("/dashboard/catalogue")
    assert "健康档案使用率" in catalogue.text and "每千常住人口基层卫生人员数" in catalogue.text
    workforce = client.get("/dashboard/workforce")
    assert workforce.status_code == 200 and "交口镇" in workforce.text
    client.cookies.clear()
    login(client, "doctor_a")
    own = client.get(f"/dashboard/people?code=contracts.coverage&division={VILLAGE_A}&which=numerator")
    assert "居民甲" in own.text and f'href="/residents/{built.ids["a1"]}"' in own.text
    assert client.get(f"/dashboard?division={TOWNSHIP_1}").status_code == 404


def test_excel_in_the_commission_layout(client: TestClient, built: Population) -> None:
    login(client, "supervisor")
    response = client.get("/dashboard/export.xlsx?period=2026")
    assert response.status_code == 200 and response.headers["content-disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["慢病管理", "家庭医生签约", "老年人健康管理", "健康档案", "机构与人员", "指标说明"]
    sheet = book["家庭医生签约"]
    assert sheet["A1"].value == "湖滨区 基本公共卫生服务考核指标汇总表"
    assert sheet["A3"].value == "序号" and sheet["C3"].value == "家庭医生签约率（签约服务覆盖率）" and sheet["C4"].value == "分子"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5, max_row=7)]
    assert rows[0][:5] == [1, "交口镇", 3, 6, "50.0"] and rows[2][:5] == ["合计", "湖滨区", 3, 8, "37.5"]
    staff = book["机构与人员"]
    assert staff["A3"].value == "序号" and staff.max_row >= 4


def test_monthly_report_pdf(client: TestClient, built: Population) -> None:
    login(client, "supervisor")
    response = client.get("/dashboard/report.pdf?period=2026-10")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert pdf_contains(response.content, "基本公共卫生服务考核指标月报")
    assert pdf_contains(response.content, "家庭医生签约率")


def test_targets_form(client: TestClient, database: Database, built: Population) -> None:
    login(client, "sysadmin")
    token = csrf(client, "/dashboard/targets")
    bad = client.post("/dashboard/targets", data={"csrf_token": token, "target_contracts.coverage": "150"})
    assert bad.status_code == 422 and "contracts.coverage" in bad.text
    ok = client.post("/dashboard/targets", data={"csrf_token": token, "target_contracts.coverage": "85"}, follow_redirects=False)
    assert ok.status_code == 303
    with database.unit_of_work() as s:
        assert targets.load(s)["contracts.coverage"] == {"": 0.85}
    assert re.search(r'name="target_contracts.coverage"[^>]*value="85"', client.get("/dashboard/targets").text)
