"""`chronic-indicators`: seconds to compute all six chronic indicators for every division
(village, township, county, city) of a generated region, and ``ratio_to_sql``: that time
divided by the time of one hand-written SQL aggregate of the BP control rate over the
same tables in the same run (whose numbers must equal ours: ``reconciled``). Also the
latency of one village doctor's worklist (target: ≤100 ms p95 at city scale).

    python bench/run.py chronic-indicators --scale county [--schema bench_county]
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date
from typing import Any

from sqlalchemy import func, select, text

from bench.common import parser as base_parser
from bench.common import percentiles, prepared_region
from jiceng.chronic import indicators
from jiceng.chronic import service as chronic
from jiceng.chronic.models import Enrolment, Visit
from jiceng.core import indicators as catalogue
from jiceng.core.db import Database
from jiceng.core.indicators import LEVELS, IndicatorQuery
from jiceng.core.security import Principal
from jiceng.registry.models import Institution, Staff

PERIOD = (date(2026, 1, 1), date(2026, 11, 22))  # the generator's "today" is 2026-11-22

# The BP control rate per village, written by hand: latest effective visit of the year
# per managed patient, on target below 140/90 (150/90 at 65+); no visit = not on target.
CONTROL_SQL = """
WITH latest AS (
    SELECT enrolment_id, sbp, dbp, age_years,
           row_number() OVER (PARTITION BY enrolment_id ORDER BY visit_date DESC, signed_at DESC, id DESC) AS rank
    FROM chronic_visit v
    WHERE v.disease = 'htn' AND v.deleted_at IS NULL AND NOT v.voided
      AND v.visit_date BETWEEN :start AND :end
      AND NOT EXISTS (SELECT 1 FROM chronic_visit a WHERE a.amends_id = v.id AND a.deleted_at IS NULL)
)
SELECT r.village_code,
       count(*) AS managed,
       sum(CASE WHEN l.sbp < (CASE WHEN l.age_years >= 65 THEN 150 ELSE 140 END) AND l.dbp < 90 THEN 1 ELSE 0 END) AS controlled
FROM chronic_enrolment e
JOIN resident r ON r.id = e.resident_id AND r.deleted_at IS NULL
LEFT JOIN latest l ON l.enrolment_id = e.id AND l.rank = 1
WHERE e.disease = 'htn' AND e.deleted_at IS NULL AND e.enrolled_on <= :end
  AND (e.status IN ('managed', 'lost') OR e.status_date >= :start)
GROUP BY r.village_code
"""


def _median_seconds(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _village_doctors(db: Database, count: int) -> list[Principal]:
    """Village doctors of random village clinics (as the principal a signed-in doctor has)."""
    with db.unit_of_work() as s:
        rows = s.execute(
            select(Institution.id, Staff.id)
            .join(Staff, Staff.institution_id == Institution.id)
            .where(Institution.kind == "village_clinic")
            .order_by(Institution.id, Staff.staff_code)
        ).all()
    first: dict[Any, Any] = {}
    for institution, staff in rows:
        first.setdefault(institution, staff)
    clinics = sorted(first)
    random.Random(1).shuffle(clinics)
    return [
        Principal(username=f"bench_vd{i}", role="village_doctor", institution_id=inst, staff_id=first[inst], interface="api")
        for i, inst in enumerate(clinics[:count])
    ]


def _vacuum(db: Database) -> None:
    """VACUUM ANALYZE after the bulk load, as PostgreSQL advises and as autovacuum does on a
    running region: statistics, and the visibility map index-only scans rely on."""
    with db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE" if not db.is_sqlite else "ANALYZE"))


def _worklists(db: Database, doctors: list[Principal]) -> tuple[list[float], dict[str, int]]:
    latencies, counts = [], {}
    for principal in doctors:
        with db.unit_of_work() as s:
            started = time.perf_counter()
            work = chronic.worklist(s, principal, today=PERIOD[1])
            latencies.append((time.perf_counter() - started) * 1000)
            counts = work.counts
    return latencies, counts


def main(argv: list[str]) -> dict[str, Any]:
    p = base_parser(__doc__ or "")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--worklists", type=int, default=60)
    args = p.parse_args(argv)
    query = IndicatorQuery(*PERIOD, level="village")
    with prepared_region(args) as db:
        with db.unit_of_work() as s:
            enrolments = s.scalar(select(func.count()).select_from(Enrolment))
            visits = s.scalar(select(func.count()).select_from(Visit))
        _vacuum(db)
        with db.unit_of_work() as s:
            indicators.compute_all(s, query, levels=LEVELS)  # warm the caches once
            ours, values = _median_seconds(lambda: indicators.compute_all(s, query, levels=LEVELS), args.repeat)
            sql, rows = _median_seconds(lambda: s.execute(text(CONTROL_SQL), {"start": PERIOD[0], "end": PERIOD[1]}).all(), args.repeat)
            by_definition = {}
            for d in catalogue.catalogue():
                if d.domain == "chronic":
                    by_definition[d.code], _ = _median_seconds(lambda d=d: d.compute(s, query), 1)
        ours_control = {v.division_code: (v.numerator, v.denominator) for v in values["chronic.htn.bp_control_rate"]["village"]}
        hand = {village: (int(controlled or 0), int(managed)) for village, managed, controlled in rows}
        divisions = {level: len(values["chronic.htn.management_rate"][level]) for level in LEVELS}
        doctors = _village_doctors(db, args.worklists)
        latencies, counts = _worklists(db, doctors)
        city = values["chronic.htn.bp_control_rate"]["city"]
    return {
        "scale": args.scale,
        "db": args.db,
        "enrolments": enrolments,
        "visits": visits,
        "divisions": divisions,
        "seconds_all_indicators_all_divisions": round(ours, 3),
        "sql_control_rate_seconds": round(sql, 3),
        "ratio_to_sql": round(ours / sql, 2) if sql else None,
        "reconciled": ours_control == hand,
        "seconds_per_definition_village_level": {code: round(sec, 3) for code, sec in by_definition.items()},
        "bp_control_rate_city": round(city[0].rate or 0, 4) if city else None,
        "worklist_ms": percentiles(latencies) if latencies else None,
        "worklist_last_counts": counts,
    }
