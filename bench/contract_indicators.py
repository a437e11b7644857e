"""`contract-indicators`: time the signing indicators (签约率, 重点人群签约服务覆盖率 overall
and per group, 续约率) on a generated region, per level, on PostgreSQL (default) or SQLite.

    python bench/run.py contract-indicators --scale county
    python bench/run.py contract-indicators --existing postgresql://…   # an already generated region

The region is generated with the registry, residents and contracts steps only (the
indicators read nothing else). Each measurement opens a new session, so nothing is
cached between repetitions; the median of ``--repeat`` runs is reported.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from typing import Any

from sqlalchemy import func, select

from bench.common import fresh_database, parser
from jiceng.contracts import fulfilment
from jiceng.contracts import indicators as contract_indicators
from jiceng.contracts.models import Contract
from jiceng.core.db import Database
from jiceng.core.indicators import IndicatorQuery
from jiceng.core.security import Principal
from jiceng.synthetic.context import GenerationContext
from jiceng.synthetic.contracts import generate_contracts
from jiceng.synthetic.loader import BulkLoader
from jiceng.synthetic.registry import generate_registry
from jiceng.synthetic.residents import generate_residents
from jiceng.synthetic.scales import SCALES

TODAY = date(2026, 11, 22)


def _generate(db: Database, scale: str, seed: int) -> dict[str, Any]:
    timings: dict[str, float] = {}
    with db.unit_of_work() as session:
        loader = BulkLoader(session)
        ctx = GenerationContext(session, SCALES[scale], seed, TODAY, random.Random(seed), loader, lambda *_: None)
        for step in (generate_registry, generate_residents, generate_contracts):
            started = time.perf_counter()
            step(ctx)
            timings[step.__name__.removeprefix("generate_")] = round(time.perf_counter() - started, 2)
    rows = {k: v for k, v in loader.counts.items() if k.startswith("contracts_")}
    return {"step_seconds": timings, "contract_rows": rows, "residents": loader.counts.get("resident", 0)}


def _median_ms(db: Database, repeat: int, work: Callable[[Any], object]) -> float:
    samples = []
    for _ in range(repeat):
        with db.unit_of_work() as session:
            started = time.perf_counter()
            work(session)
            samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1)


def _all_at(query: IndicatorQuery) -> Callable[[Any], object]:
    return lambda session: [d.compute(session, query) for d in contract_indicators.ALL]


def _measure(db: Database, repeat: int) -> dict[str, Any]:
    query = IndicatorQuery(date(TODAY.year, 1, 1), TODAY, "county")
    result: dict[str, Any] = {}
    result["coverage_pass_ms"] = _median_ms(db, repeat, lambda s: contract_indicators.COVERAGE.compute(s, query))
    result["renewal_pass_ms"] = _median_ms(db, repeat, lambda s: contract_indicators.RENEWAL.compute(s, query))
    for level in ("city", "county", "township", "village"):
        levelled = IndicatorQuery(query.period_start, query.period_end, level)
        result[f"all_13_indicators_{level}_ms"] = _median_ms(db, repeat, _all_at(levelled))
    with db.unit_of_work() as session:
        values = {d.code: d.compute(session, query) for d in contract_indicators.ALL}
        live = session.scalar(
            select(func.count(func.distinct(Contract.resident_id))).where(Contract.start_date <= TODAY, Contract.ended_on >= TODAY)
        )
        institution = session.scalar(select(Contract.institution_id).limit(1))
    coverage = values["contracts.coverage"]
    result["figures"] = {
        code: {"numerator": sum(v.numerator for v in found), "denominator": sum(v.denominator for v in found)}
        for code, found in values.items()
        if code.count(".") == 1
    }
    # Reconciliation against the source table (the generator gives contracts to active residents only).
    result["reconciled"] = sum(v.numerator for v in coverage) == live
    admin = Principal(username="bench", role="institution_admin", institution_id=institution)
    result["worklist_one_institution_ms"] = _median_ms(db, repeat, lambda s: fulfilment.worklist(s, admin, today=TODAY))
    return result


def main(argv: list[str]) -> dict[str, Any]:
    p = parser("Time the family-doctor signing indicators")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--existing", default=None, help="URL of a database that already holds a generated region")
    p.add_argument("--keep", action="store_true", help="keep the generated PostgreSQL schema")
    args = p.parse_args(argv)
    context: AbstractContextManager[Database]
    context = nullcontext(Database(args.existing)) if args.existing else fresh_database(args.db, args.postgres_url, keep=args.keep)
    with context as db:
        result: dict[str, Any] = {"scale": None if args.existing else args.scale, "db": db.engine.dialect.name}
        if not args.existing:
            result["generation"] = _generate(db, args.scale, args.seed)
        result.update(_measure(db, args.repeat))
    return result
