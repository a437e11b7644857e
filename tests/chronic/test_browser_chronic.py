"""End to end in headless Chromium: a village doctor opens today's worklist, records a
follow-up with an uncontrolled reading, sees the category and a next visit in 2 weeks
(computed live, before saving), signs, and the patient moves on the worklist."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from jiceng.chronic import service as chronic
from jiceng.core.clock import local_today
from jiceng.core.db import Database
from tests.browser import live_server, sign_in
from tests.chronic.helpers import patient
from tests.factories import PASSWORD, build_region

pytestmark = pytest.mark.browser


def test_worklist_visit_and_the_patient_moves(sqlite_database: Database, browser_page: Any, tmp_path: Path) -> None:
    region = build_region(sqlite_database)
    doctor = region.principal("doctor_a")
    today = local_today()
    with sqlite_database.unit_of_work() as s:
        resident = patient(s, doctor, name="孙立平", birth="19580610")
        chronic.enrol(
            s, doctor, resident.id, {"disease": "htn", "diagnosis_date": "2018-03-01", "source": "clinic", "enrolled_on": "2024-01-10"}
        )
        last = today - timedelta(days=120)  # controlled then: the routine visit is now a month overdue
        chronic.sign_visit(s, doctor, resident.id, "htn", {"visit_date": last, "mode": "1", "sbp": 132, "dbp": 82})
    resident_id = str(resident.id)
    page = browser_page
    with live_server(sqlite_database, tmp_path) as base:
        sign_in(page, base, "doctor_a", PASSWORD)
        page.wait_for_selector("#chronic-home-panel[data-ready] #open-worklist")
        assert page.locator("#chronic-home-panel").inner_text().count("逾期未随访") == 1
        page.click("#chronic-home-panel #open-worklist")
        page.wait_for_url(f"{base}/chronic")
        overdue = page.locator(f"#bucket-overdue tr[data-resident='{resident_id}']")
        assert overdue.count() == 1 and "孙立平" in overdue.inner_text()
        overdue.locator("a.visit-link").click()
        page.wait_for_selector("#visit-form")
        assert page.locator("#f-sbp").evaluate("el => el === document.activeElement")
        page.fill("#f-sbp", "152")
        page.fill("#f-dbp", "96")
        page.fill("#f-heart_rate", "78")
        page.fill("#f-weight_kg", "70")
        page.fill("#f-height_cm", "168")
        due = (today + timedelta(days=14)).isoformat()
        page.wait_for_selector(f"#visit-form[data-computed='2|{due}']")  # computed live by the server's rules
        assert page.locator("#computed-next-date").inner_text() == due
        assert page.locator("#computed-category").inner_text() == "控制不满意"
        assert page.locator("#computed-bmi").inner_text() == "24.8"
        assert page.locator("#urgent-alert").is_hidden()
        page.click("#sign")
        page.wait_for_selector("#signed-result")
        assert page.locator("#signed-category").inner_text() == "控制不满意"
        assert page.locator("#signed-next-date").inner_text() == due
        page.wait_for_selector("#chronic-timeline[data-ready] .main-svg")
        page.goto(f"{base}/chronic")
        assert page.locator(f"#bucket-overdue tr[data-resident='{resident_id}']").count() == 0
        moved = page.locator(f"#bucket-upcoming tr[data-resident='{resident_id}']")
        assert moved.count() == 1 and due in moved.inner_text() and "控制不满意" in moved.inner_text()


def test_urgent_reading_alerts_before_saving(sqlite_database: Database, browser_page: Any, tmp_path: Path) -> None:
    region = build_region(sqlite_database)
    doctor = region.principal("doctor_a")
    with sqlite_database.unit_of_work() as s:
        resident = patient(s, doctor, name="周敏", sex="2")
        chronic.enrol(s, doctor, resident.id, {"disease": "t2dm", "diagnosis_date": "2018-03-01", "source": "clinic"})
    page = browser_page
    with live_server(sqlite_database, tmp_path) as base:
        sign_in(page, base, "doctor_a", PASSWORD)
        page.goto(f"{base}/chronic/residents/{resident.id}/visits/new?disease=t2dm")
        page.fill("#f-fpg", "17.2")
        page.wait_for_selector("#urgent-alert:not([hidden])")
        assert "紧急转诊" in page.locator("#urgent-alert").inner_text()
        page.click("#sign")
        page.wait_for_selector("#signed-result.urgent")
        assert "血糖≥16.7mmol/L" in page.locator("#signed-result").inner_text()
