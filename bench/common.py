"""Helpers shared by benchmarks: databases, timing, latency percentiles, load."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from jiceng.core import migrate
from jiceng.core.db import Database

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--scale", default="township", choices=["village", "township", "county", "city"])
    p.add_argument("--db", default="postgresql", choices=["postgresql", "sqlite"], help="storage to measure on")
    p.add_argument("--postgres-url", default=os.environ.get("JICENG_BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--schema", default=None, help="PostgreSQL: keep the generated region in this schema and reuse it next time")
    return p


@contextmanager
def prepared_region(args: argparse.Namespace) -> Iterator[Database]:
    """A database holding a generated region at ``args.scale``.

    With ``--schema`` (PostgreSQL) the region is generated once and reused by later
    runs, so city-scale benchmarks do not regenerate two million residents each time.
    """
    from datetime import date

    from jiceng.synthetic.run import generate

    if args.db == "postgresql" and args.schema:
        admin = Database(args.postgres_url)
        with admin.engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {args.schema}"))
        admin.dispose()
        separator = "&" if "?" in args.postgres_url else "?"
        url = f"{args.postgres_url}{separator}options=-csearch_path%3D{args.schema}"
        migrate.upgrade(url)
        db = Database(url, pool_size=20, max_overflow=20)
        with db.engine.connect() as conn:
            empty = not conn.execute(text("SELECT EXISTS (SELECT 1 FROM resident)")).scalar()
        if empty:
            generate(db, args.scale, args.seed, today=date(2026, 11, 22))
        try:
            yield db
        finally:
            db.dispose()
        return
    with fresh_database(args.db, args.postgres_url) as db:
        generate(db, args.scale, args.seed, today=date(2026, 11, 22))
        yield db


@contextmanager
def fresh_database(kind: str, postgres_url: str, keep: bool = False) -> Iterator[Database]:
    """A new, migrated database: a temporary SQLite file or a new PostgreSQL schema."""
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="jiceng-bench-"))
        url = f"sqlite:///{folder / 'bench.sqlite'}"
        migrate.upgrade(url)
        db = Database(url)
        try:
            yield db
        finally:
            db.dispose()
        return
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = Database(postgres_url)
    with admin.engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in postgres_url else "?"
    url = f"{postgres_url}{separator}options=-csearch_path%3D{schema}"
    migrate.upgrade(url)
    db = Database(url, pool_size=20, max_overflow=20)
    try:
        yield db
    finally:
        db.dispose()
        if not keep:
            with admin.engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {"p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99), "mean_ms": round(statistics.fmean(ordered), 2)}


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started
