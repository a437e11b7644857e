"""`dashboard`: the supervision dashboard's materialized state.

Prints seconds for a full rebuild (every kept period), ms p95 for a dashboard page at city
and at village level (the whole HTTP page, rendered, as a city supervisor), ms for the
incremental update after one new follow-up (one step of the background updater), ms until
that follow-up is visible on the dashboard with the updater running, and
``ratio_to_rebuild`` (incremental / full). ``--verify`` also reconciles the state with the
source tables (zero differences expected).

    python bench/run.py dashboard --scale county --schema dash_county [--verify]
"""

from __future__ import annotations

import os
import random
import re
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from bench.common import parser as base_parser
from bench.common import percentiles, prepared_region
from jiceng.accounts import service as accounts
from jiceng.api.app import create_app
from jiceng.chronic import service as chronic
from jiceng.chronic.models import Enrolment
from jiceng.core.config import Settings
from jiceng.core.db import Database
from jiceng.core.errors import NotFound
from jiceng.core.security import Principal
from jiceng.indicators import background, incremental, rebuild, verify
from jiceng.indicators.models import Rollup

TODAY = date(2026, 11, 22)  # the generator's "today" (the follow-ups are dated on it)
PASSWORD = "Bench-Password-2026"
CODE = "chronic.htn.standardized_rate"


def _login(client: TestClient, username: str) -> None:
    page = client.get("/login")
    prelogin = re.search(r'name="prelogin" value="([^"]+)"', page.text)[1]  # type: ignore[index]
    response = client.post(
        "/login", data={"prelogin": prelogin, "username": username, "password": PASSWORD, "next": "/"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def _pages(db: Database, samples: int) -> dict[str, Any]:
    with db.unit_of_work() as s:
        city = s.scalar(select(Rollup.division_code).where(Rollup.level == "city").limit(1))
        villages = list(s.scalars(select(Rollup.division_code).where(Rollup.level == "village").distinct()))
        try:
            accounts.get_user(s, "bench_city")
        except NotFound:
            accounts.create_user(
                s, Principal.console_operator(), username="bench_city", password=PASSWORD, role="supervisor_city", division_code=city
            )
    os.environ["JICENG_INDICATORS_INTERVAL_SECONDS"] = "0"
    app = create_app(Settings(data_dir=Path(tempfile.mkdtemp()), database_url=db.url), db)
    rng = random.Random(1)
    result: dict[str, Any] = {}
    with TestClient(app) as client:
        _login(client, "bench_city")
        for label, paths in (
            ("city", [f"/dashboard?division={city}"] * samples),
            ("village", [f"/dashboard?division={rng.choice(villages)}" for _ in range(samples)]),
            ("indicator_city", [f"/dashboard/indicator/{CODE}?division={city}"] * samples),
        ):
            client.get(paths[0])  # warm
            latencies = []
            for path in paths:
                started = time.perf_counter()
                response = client.get(path)
                latencies.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text[:500]
            result[label] = percentiles(latencies)
    return result


def _new_follow_up(db: Database) -> Any:
    """A managed hypertension patient's next follow-up, signed now; returns the patient's village."""
    with db.unit_of_work() as s:
        enrolment = s.execute(
            select(Enrolment.resident_id, Enrolment.last_visit_date)
            .where(Enrolment.disease == "htn", Enrolment.status == "managed")
            .limit(1)
        ).one()
        day = TODAY
        chronic.sign_visit(
            s,
            Principal.console_operator(),
            enrolment.resident_id,
            "htn",
            {"visit_date": day.isoformat(), "mode": "1", "adherence": "1", "sbp": 128, "dbp": 78},
            today=TODAY,
        )
        return enrolment.resident_id


def _visible_ms(db: Database) -> float:
    """With the background updater running: sign a follow-up and poll until the state has it."""
    updater = background.Updater(db, background.interval() or 0.5)
    updater.start()
    updater.ready.wait(120)  # as in a running server: started (and warmed up) long before
    try:
        with db.unit_of_work() as s:
            before = rebuild.load_position(s)
        started = time.perf_counter()
        _new_follow_up(db)
        deadline = started + 30
        while time.perf_counter() < deadline:
            with db.unit_of_work() as s:
                now = rebuild.load_position(s)
            if now is not None and before is not None and now.seq > before.seq:
                return (time.perf_counter() - started) * 1000
            time.sleep(0.01)
        return float("inf")
    finally:
        updater.stop()


def main(argv: list[str]) -> dict[str, Any]:
    p = base_parser(__doc__ or "")
    p.add_argument("--samples", type=int, default=40)
    p.add_argument("--verify", action="store_true", help="reconcile with the source tables after the rebuild")
    p.add_argument("--workers", type=int, default=2, help="PostgreSQL: periods computed at once in the full rebuild")
    p.add_argument("--no-rebuild", action="store_true", help="reuse the state already built in --schema")
    args = p.parse_args(argv)
    out: dict[str, Any] = {"scale": args.scale, "db": args.db}
    with prepared_region(args) as db:
        with db.unit_of_work() as s:
            out["residents"] = s.scalar(text("SELECT count(*) FROM resident"))
        if not args.no_rebuild or args.db == "sqlite":
            started = time.perf_counter()
            with db.unit_of_work() as s:
                report = rebuild.rebuild(s, workers=args.workers)  # today, as the running server's updater counts it
            out["seconds_full_rebuild"] = round(time.perf_counter() - started, 2)
            out["periods"] = report.periods
            out["seconds_per_period"] = report.seconds
            out["person_rows"] = report.persons
        if args.verify:
            with db.unit_of_work() as s:
                checked = verify.verify(s)
            out["verify"] = {"compared": checked.compared, "differences": len(checked.differences), "seconds": checked.seconds}
        pages = _pages(db, args.samples)
        out["ms_p95_dashboard_city"] = pages["city"]["p95_ms"]
        out["ms_p95_dashboard_village"] = pages["village"]["p95_ms"]
        out["ms_p95_indicator_page_city"] = pages["indicator_city"]["p95_ms"]
        out["pages"] = pages
        _new_follow_up(db)
        with db.unit_of_work() as s:
            started = time.perf_counter()
            step = incremental.step(s)
            out["ms_incremental_one_followup"] = round((time.perf_counter() - started) * 1000, 1)
            out["incremental_step"] = {"changes": step.changes, "residents": step.residents, "rebuilt": step.rebuilt}
        out["ms_visible_after_commit"] = round(_visible_ms(db), 1)
        if "seconds_full_rebuild" in out:
            out["ratio_to_rebuild"] = round(out["ms_incremental_one_followup"] / 1000 / out["seconds_full_rebuild"], 6)
    return out
