"""`elderly-indicators`: time 老年人健康管理率 and 老年人中医药健康管理率 for a year at every
level (village, township, county, city) on a generated region, reconcile them against
the source tables, and time a township's worklist and yearly summary.

    python bench/run.py elderly-indicators --scale county [--db sqlite] [--url URL]

``--url`` measures an already generated database instead of generating a new one.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from sqlalchemy import func, select, text

from bench.common import fresh_database, parser
from jiceng.core.db import Database
from jiceng.core.indicators import LEVELS, IndicatorQuery
from jiceng.core.security import Principal
from jiceng.elderly import service as elderly
from jiceng.elderly.indicators import HEALTH_MANAGEMENT, TCM_MANAGEMENT, year_query
from jiceng.elderly.models import TcmAssessment
from jiceng.exams.models import HealthCheck
from jiceng.registry.models import Institution
from jiceng.residents.models import Resident
from jiceng.synthetic.run import generate

TODAY = date(2026, 11, 22)


def _timed(fn: Any, repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def _source_counts(db: Database, year: int) -> dict[str, int]:
    """The same three numbers straight from the tables, for reconciliation."""
    cutoff = date(year - 65, 12, 31)
    start, end = date(year, 1, 1), date(year, 12, 31)
    elderly_ids = select(Resident.id).where(Resident.deleted_at.is_(None), Resident.status == "active", Resident.birth_date <= cutoff)
    with db.unit_of_work() as s:
        population = s.scalar(select(func.count()).select_from(elderly_ids.subquery()))
        managed = s.scalar(
            select(func.count(func.distinct(HealthCheck.resident_id))).where(
                HealthCheck.resident_id.in_(elderly_ids),
                HealthCheck.status == "signed",
                HealthCheck.elderly_complete.is_(True),
                HealthCheck.deleted_at.is_(None),
                HealthCheck.exam_date.between(start, end),
            )
        )
        tcm = s.scalar(
            select(func.count(func.distinct(TcmAssessment.resident_id))).where(
                TcmAssessment.resident_id.in_(elderly_ids),
                TcmAssessment.status == "signed",
                TcmAssessment.complete.is_(True),
                TcmAssessment.deleted_at.is_(None),
                TcmAssessment.assessed_on.between(start, end),
            )
        )
    return {"population": int(population or 0), "managed": int(managed or 0), "tcm": int(tcm or 0)}


def measure(db: Database, year: int, repeat: int) -> dict[str, Any]:
    seconds: dict[str, dict[str, float]] = {}
    totals: dict[str, tuple[int, int]] = {}
    for definition in (HEALTH_MANAGEMENT, TCM_MANAGEMENT):
        seconds[definition.code] = {}
        for level in reversed(LEVELS):  # village, township, county, city
            with db.unit_of_work() as s:
                took, values = _timed(lambda s=s, level=level, d=definition: d.compute(s, year_query(year, level)), repeat)
            seconds[definition.code][level] = round(took, 3)
            numerator, denominator = sum(v.numerator for v in values), sum(v.denominator for v in values)
            previous = totals.setdefault(definition.code, (numerator, denominator))
            if previous != (numerator, denominator):
                raise AssertionError(f"{definition.code}: level {level} sums to {(numerator, denominator)}, village level to {previous}")
    source = _source_counts(db, year)
    reconciled = totals[HEALTH_MANAGEMENT.code] == (source["managed"], source["population"]) and totals[TCM_MANAGEMENT.code] == (
        source["tcm"],
        source["population"],
    )
    with db.unit_of_work() as s:
        township_id = s.scalar(select(Institution.id).where(Institution.kind == "township_hospital").order_by(Institution.code).limit(1))
    doctor = Principal(username="bench", role="family_doctor", institution_id=township_id, interface="cli")
    with db.unit_of_work() as s:
        worklist_s, page = _timed(lambda: elderly.yearly_services(s, doctor, year, missing="any", limit=50), repeat)
        summary_s, summary = _timed(lambda: elderly.service_summary(s, doctor, year), repeat)
        scoped_s, _ = _timed(lambda: elderly.indicator_values(s, doctor, TCM_MANAGEMENT.code, year, "village"), repeat)
    with db.unit_of_work() as s:
        half_s, _ = _timed(lambda: HEALTH_MANAGEMENT.compute(s, IndicatorQuery(date(year, 1, 1), date(year, 6, 30), "county")), 1)
    managed, population = totals[HEALTH_MANAGEMENT.code]
    tcm, _ = totals[TCM_MANAGEMENT.code]
    return {
        "year": year,
        "population_65_plus": population,
        "managed": managed,
        "tcm_managed": tcm,
        "health_management_rate": round(managed / population, 4) if population else None,
        "tcm_management_rate": round(tcm / population, 4) if population else None,
        "reconciled_with_source_tables": reconciled,
        "indicator_seconds": seconds,
        "all_levels_both_indicators_seconds": round(sum(sum(v.values()) for v in seconds.values()), 3),
        "half_year_county_seconds": round(half_s, 3),
        "township_worklist_ms": round(worklist_s * 1000, 1),
        "township_worklist_total": page.total,
        "township_summary_ms": round(summary_s * 1000, 1),
        "township_villages": len(summary),
        "township_scoped_indicator_ms": round(scoped_s * 1000, 1),
    }


def main(argv: list[str]) -> dict[str, Any]:
    p = parser("Time the elderly indicators at every level")
    p.add_argument("--url", default=None, help="measure this already generated database")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    if args.url:
        db = Database(args.url)
        try:
            return {"scale": None, "url": args.url.split("@")[-1], "db": db.engine.dialect.name, **measure(db, TODAY.year, args.repeat)}
        finally:
            db.dispose()
    with fresh_database(args.db, args.postgres_url) as db:
        started = time.perf_counter()
        report = generate(db, args.scale, args.seed, today=TODAY)
        generated = time.perf_counter() - started
        if args.db == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        result = measure(db, TODAY.year, args.repeat)
        return {
            "scale": args.scale,
            "db": args.db,
            "generate_seconds": round(generated, 1),
            "elderly_rows": {k: v for k, v in report.rows.items() if k in ("exams_health_check", "elderly_tcm_assessment")},
            **result,
        }
