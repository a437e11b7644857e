"""End to end in headless Chromium: a city supervisor drills from the city to one village,
opens the people behind a number (de-identified), and sees the trend chart drawn by
Plotly (served locally) with no Content-Security-Policy violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jiceng.accounts import service as accounts
from jiceng.core.db import Database
from jiceng.indicators import rebuild
from tests.browser import live_server, sign_in
from tests.factories import PASSWORD, VILLAGE_A
from tests.indicators.population import CITY, CONSOLE, COUNTY, TODAY, TOWNSHIP_1, build

pytestmark = pytest.mark.browser


def test_drill_from_city_to_a_village_and_open_the_people(sqlite_database: Database, browser_page: Any, tmp_path: Path) -> None:
    build(sqlite_database)
    with sqlite_database.unit_of_work() as s:
        rebuild.rebuild(s, TODAY)
        accounts.create_user(s, CONSOLE, username="citysup", password=PASSWORD, role="supervisor_city", division_code=CITY)
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    with live_server(sqlite_database, tmp_path) as base:
        sign_in(page, base, "citysup", PASSWORD)
        page.goto(f"{base}/dashboard?domain=contracts")
        assert "三门峡市" in page.locator("h1").inner_text()
        for code in (COUNTY, TOWNSHIP_1, VILLAGE_A):
            page.click(f"#children-table tr[data-division='{code}'] a.drill")
            page.wait_for_url(f"**division={code}**")
        assert "东坡村" in page.locator("h1").inner_text()
        assert page.locator(".crumbs a").all_inner_texts() == ["三门峡市", "湖滨区", "交口镇", "东坡村"]
        row = page.locator("#own-table tr[data-code='contracts.coverage']")
        assert "50.0%" in row.inner_text()
        row.locator("a[data-which='numerator']").click()
        page.wait_for_selector("#people-table")
        assert page.locator("#deidentified").is_visible()
        names = page.locator("#people-table tbody tr td:nth-child(2)").all_inner_texts()
        assert names == ["居**", "居**"]
        page.goto(f"{base}/dashboard/indicator/contracts.coverage?division={TOWNSHIP_1}")
        page.wait_for_selector("#trend-chart[data-drawn] .main-svg")
        page.wait_for_selector("#ranking-chart[data-drawn] .main-svg")
        page.select_option("select[name=period]", "2026-10")
        page.wait_for_url("**period=2026-10**")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
