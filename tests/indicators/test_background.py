"""The server's background updater brings a new follow-up onto the dashboard by itself.

How fast (the 1 s target) is measured by `bench/run.py dashboard`, not asserted here:
timed unit tests fail on a loaded machine without saying anything about the code.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jiceng.api.app import create_app
from jiceng.chronic import service as chronic
from jiceng.core.config import Settings
from jiceng.core.db import Database
from jiceng.core.security import Principal
from jiceng.indicators import background, service
from tests.chronic.conftest import bearer
from tests.factories import VILLAGE_A
from tests.indicators.population import CONSOLE, TODAY, Population

CONTROL = "chronic.htn.bp_control_rate"


def _controlled(database: Database) -> int:
    with database.unit_of_work() as s:
        return service.dashboard(s, Principal.console_operator(), VILLAGE_A, "2026").division.cells[CONTROL].numerator


def test_a_new_follow_up_reaches_the_dashboard_without_a_rebuild(
    database: Database, built: Population, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JICENG_INDICATORS_INTERVAL_SECONDS", "0.2")
    app = create_app(Settings(data_dir=tmp_path, database_url=database.url), database)
    with TestClient(app) as client:
        (updater,) = [s for s in app.state.background if isinstance(s, background.Updater)]
        # As in a running server, started long before: warmed up, and the open period already
        # brought to today's date (the fixture built it for 2026-11-22; the clock may be later).
        assert updater.ready.wait(60)
        headers = bearer(client, "supervisor")
        assert _controlled(database) == 1
        with database.unit_of_work() as s:  # a2, uncontrolled until now
            chronic.sign_visit(
                s,
                CONSOLE,
                built.ids["a2"],
                "htn",
                {"visit_date": "2026-11-21", "mode": "1", "adherence": "1", "sbp": 126, "dbp": 76},
                today=TODAY,
            )
        deadline = time.monotonic() + 60  # generous: a deadline for a hung updater, not a speed target
        numerator = None
        while time.monotonic() < deadline and numerator != 2:
            values = client.get("/api/v1/indicators/values", headers=headers, params={"division": VILLAGE_A}).json()
            numerator = next(v for v in values["division"]["values"] if v["code"] == CONTROL)["numerator"]
        assert numerator == 2


def test_the_updater_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JICENG_INDICATORS_INTERVAL_SECONDS", "0")
    assert background.factory(None, None) is None  # type: ignore[arg-type]
    monkeypatch.setenv("JICENG_INDICATORS_INTERVAL_SECONDS", "fast")
    assert background.interval() == 0.5
