"""End to end in headless Chromium: sign a household (signature drawn on the page),
print the contract (the PDF downloads and names the residents), then scan the
e-health card as a specialist of the same medical alliance to open the record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jiceng.contracts import card
from jiceng.core.db import Database
from jiceng.registry import service as registry
from tests.browser import live_server, sign_in
from tests.contracts.helpers import CONSOLE, build_world, household, pdf_contains, resident
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_sign_household_print_and_scan_card(sqlite_database: Database, browser_page: Any, tmp_path: Path) -> None:
    db = sqlite_database
    world = build_world(db)
    with db.unit_of_work() as s:
        registry.create_alliance(
            s,
            CONSOLE,
            {"name": "湖滨区医共体", "kind": "county_community", "lead_institution_id": world.region.county_hospital},
            [world.region.township_hospital],
        )
        head = resident(s, name="浏览器户主", birth="19500101")
        spouse = resident(s, name="浏览器配偶", birth="19520202", sex="2")
        child = resident(s, name="浏览器孙子", birth="20210303")
        household(s, head.id, [spouse.id, child.id])
        head_id = head.id
    page = browser_page
    with live_server(db, tmp_path) as base:
        sign_in(page, base, "teamdoc", PASSWORD)
        page.goto(f"{base}/residents/{head_id}")
        page.wait_for_selector("#contract-status")  # the panel is fetched by contracts.js
        assert "未签约" in page.locator("#current-contract").inner_text()
        page.click("#sign-household")
        assert page.locator("#members input[type=checkbox]:checked").count() == 3
        canvas = page.locator("[data-signature-pad] canvas").bounding_box()
        assert canvas is not None
        page.mouse.move(canvas["x"] + 20, canvas["y"] + 40)
        page.mouse.down()
        for step in range(1, 12):
            page.mouse.move(canvas["x"] + 20 + step * 25, canvas["y"] + 40 + (step % 3) * 20)
        page.mouse.up()
        assert page.locator("input[name=signature_data]").input_value().startswith("data:image/png;base64,")
        page.click("#sign")
        page.wait_for_selector(".alert.ok")
        assert page.locator("#group li").count() == 3
        assert "家庭签约" in page.locator("#contract-period").locator("xpath=../..").inner_text()

        with page.expect_download() as download_info:
            page.click("#print-contract")
        pdf = Path(download_info.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF-")
        for name in ("浏览器户主", "浏览器配偶", "浏览器孙子"):
            assert pdf_contains(pdf, name), name

        with db.unit_of_work() as s:
            token = card.card_token(card.issue_card(s, CONSOLE, head_id))  # the card the pages showed
        page.click("button:has-text('退出')")
        sign_in(page, base, "specialist", PASSWORD)
        assert page.goto(f"{base}/residents/{head_id}").status == 404
        page.goto(f"{base}/contracts/card/{token[:-4]}AAAA")
        assert page.locator("#card-refused").get_attribute("data-reason") == "tampered"
        page.goto(f"{base}/contracts/card/{token}")
        page.wait_for_url(f"{base}/residents/{head_id}")
        assert "浏览器户主" in page.locator("#resident-name").inner_text()
