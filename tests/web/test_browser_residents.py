"""End to end in headless Chromium: sign in, find a resident by pinyin initials,
open the record, change the phone number, see the change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jiceng.core.db import Database
from tests.browser import live_server, sign_in
from tests.factories import PASSWORD, add_resident, build_region

pytestmark = pytest.mark.browser


def test_find_by_pinyin_and_edit_phone(sqlite_database: Database, browser_page: Any, tmp_path: Path) -> None:
    region = build_region(sqlite_database)
    with sqlite_database.unit_of_work() as s:
        add_resident(s, region.principal("doctor_a"), name="张三丰", phone="13812345678")
        add_resident(
            s, region.principal("doctor_a"), name="王小明", id_number=None, no_id_reason="infant", sex="1", birth_date="2026-05-01"
        )
    page = browser_page
    with live_server(sqlite_database, tmp_path) as base:
        sign_in(page, base, "doctor_a", PASSWORD)
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        page.goto(f"{base}/residents")
        page.fill("#q", "zsf")
        page.press("#q", "Enter")
        results = page.locator("#results tbody tr")
        assert results.count() == 1
        assert "138****5678" in results.first.inner_text()
        page.click("#results a:has-text('张三丰')")
        assert page.locator("#resident-phone").inner_text() == "13812345678"
        page.click("#edit-link")
        page.fill("#f-phone", "13900001111")
        page.click("#save")
        page.wait_for_selector(".alert.ok")
        assert page.locator("#resident-phone").inner_text() == "13900001111"


def test_script_in_user_text_stays_inert(sqlite_database: Database, browser_page: Any, tmp_path: Path) -> None:
    region = build_region(sqlite_database)
    payload = "<script>window.__xss = 1</script>"
    attribute = '" autofocus onfocus="window.__xss=2'
    with sqlite_database.unit_of_work() as s:
        resident = add_resident(
            s, region.principal("doctor_a"), address=payload + '<img src=x onerror="window.__xss=3">', employer=attribute
        )
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with live_server(sqlite_database, tmp_path) as base:
        sign_in(page, base, "doctor_a", PASSWORD)
        page.goto(f"{base}/residents/{resident.id}")
        assert payload in page.locator("body").inner_text()
        page.goto(f"{base}/residents/{resident.id}/edit")
        assert page.input_value("#f-employer") == attribute
        assert page.evaluate("window.__xss === undefined")
    assert dialogs == []
