"""End to end in headless Chromium: a village doctor opens a 76-year-old's record, records
the yearly visit (health check and the 33-question TCM questionnaire on one screen,
using the quick-entry box), sees the live BMI and scores, signs, and sees the right
constitution (the spec §3.6 worked example: 气虚质 main, 痰湿质 mixed, 阳虚/气郁 tendency)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from jiceng.core.db import Database
from tests.browser import live_server, sign_in
from tests.elderly.examples import SPEC_36_ANSWERS
from tests.factories import PASSWORD, add_resident, build_region, id_number

pytestmark = pytest.mark.browser


def _quick_digits() -> str:
    return "".join(str(SPEC_36_ANSWERS[q]) for q in range(1, 34) if q not in (9, 28))


def test_record_yearly_visit_and_see_constitution(sqlite_database: Database, browser_page: Any, tmp_path: Path) -> None:
    region = build_region(sqlite_database)
    with sqlite_database.unit_of_work() as s:
        resident = add_resident(s, region.principal("doctor_a"), name="王秀英", sex="2", id_number=id_number("19500310", "124"))
    page = browser_page
    with live_server(sqlite_database, tmp_path) as base:
        sign_in(page, base, "doctor_a", PASSWORD)
        page.goto(f"{base}/residents/{resident.id}")
        page.wait_for_selector("#new-visit-link")
        page.click("#new-visit-link")
        page.wait_for_selector("#check-form")
        page.check("input[name=symptoms][value='1']")
        page.fill("#f-temperature", "36.5")
        page.fill("#f-pulse_rate", "72")
        page.fill("#f-respiratory_rate", "18")
        page.fill("#f-sbp_left", "138")
        page.fill("#f-dbp_left", "82")
        # BMI 25.5 (Q9 → 3) and waist 88 cm (Q28 → 3), as in the worked example.
        page.fill("#f-height_cm", "160")
        page.fill("#f-weight_kg", "65.3")
        page.fill("#f-waist_cm", "88")
        assert page.locator("#bmi-out").inner_text() == "25.5"
        page.select_option("#f-self_rated_health", "2")
        for item, level in (("eating", "1"), ("grooming", "2"), ("dressing", "1"), ("toileting", "2"), ("activity", "1")):
            page.check(f"input[name=self_care_{item}][value='{level}']")
        assert page.locator("#self-care-total").inner_text() == "2"
        page.select_option("#f-cognition_screen", "1")
        page.select_option("#f-mood_screen", "2")
        assert page.locator("#f-gds_score").is_visible()
        page.fill("#f-gds_score", "8")
        page.select_option("#f-smoking_status", "1")
        assert not page.locator("#f-cigarettes_per_day").is_visible()
        page.select_option("#f-assessment", "2")
        page.fill("input[name=abnormalities-0]", "超重")
        page.check("input[name=risk_factors][value='4']")
        # The questionnaire: 31 digits in the quick-entry box, Q14 from 5-6 colds a year.
        page.fill("#tcm-quick", _quick_digits())
        page.fill("#f-colds_per_year", "5")
        assert page.locator("#tcm-q9").inner_text().startswith("3")
        assert page.locator("#tcm-q28").inner_text().startswith("3")
        assert page.locator("tr[data-constitution=qixu] .score").inner_text() == "14"
        assert page.locator("#tcm-main").inner_text() == "气虚质"
        page.check("input[name=guidance_qixu][value='1']")
        page.check("input[name=guidance_qixu][value='2']")
        page.click("#sign")
        page.wait_for_selector(".alert.ok")
        assert page.locator("#tcm-main").inner_text() == "气虚质"
        assert page.locator("#tcm-mixed").inner_text() == "痰湿质"
        assert page.locator("#tcm-tendency").inner_text() == "阳虚质、气郁质"
        assert page.locator("tr[data-constitution=pinghe] .tcm-result").inner_text() == "否"
        assert "饮食调养" in page.locator("#tcm-guidance-text").inner_text()
        if os.environ.get("JICENG_SCREENSHOTS"):
            page.screenshot(path=os.environ["JICENG_SCREENSHOTS"] + "/elderly-result.png", full_page=True)
        pdf = page.request.get(f"{base}{page.locator('#print-link').get_attribute('href')}")
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
        # The resident page now shows this year's services as done.
        page.goto(f"{base}/residents/{resident.id}")
        page.wait_for_selector("#elderly-status")
        assert page.locator("#elderly-status .badge.good").count() == 2
