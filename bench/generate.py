"""`generate`: seconds and rows/s to generate a scale; on PostgreSQL also the ratio to a
raw COPY of the same rows into an empty schema, measured in the same run."""

from __future__ import annotations

import io
import time
from datetime import date
from typing import Any

from sqlalchemy import inspect, text

from bench.common import fresh_database, parser
from jiceng.core.db import Database
from jiceng.models import Base
from jiceng.synthetic.run import generate


def _raw_copy_seconds(source: Database, postgres_url: str) -> float:
    """COPY every generated table out of the source, then time COPY into a fresh schema."""
    dumps: list[tuple[str, bytes]] = []
    with source.engine.connect() as conn:
        existing = set(inspect(conn).get_table_names())
        cursor = conn.connection.cursor()
        for table in (t for t in Base.metadata.sorted_tables if t.name in existing):
            buffer = io.BytesIO()
            with cursor.copy(f'COPY "{table.name}" TO STDOUT (FORMAT binary)') as copy:
                for chunk in copy:
                    buffer.write(chunk)
            dumps.append((table.name, buffer.getvalue()))
    with fresh_database("postgresql", postgres_url) as target:
        with target.engine.begin() as conn:
            conn.execute(text("DELETE FROM core_audit_head"))
        started = time.perf_counter()
        with target.engine.begin() as conn:
            cursor = conn.connection.cursor()
            for name, data in dumps:
                with cursor.copy(f'COPY "{name}" FROM STDIN (FORMAT binary)') as copy:
                    copy.write(data)
        return time.perf_counter() - started


def main(argv: list[str]) -> dict[str, Any]:
    args = parser("Generate a synthetic region and time it").parse_args(argv)
    with fresh_database(args.db, args.postgres_url) as db:
        report = generate(db, args.scale, args.seed, today=date(2026, 11, 22))
        result: dict[str, Any] = {
            "scale": args.scale,
            "db": args.db,
            "seconds": round(report.seconds, 2),
            "rows": report.total_rows,
            "rows_per_s": round(report.total_rows / report.seconds),
            "residents": report.rows.get("resident", 0),
            "tables": report.rows,
            "step_seconds": report.step_seconds,
        }
        if args.db == "postgresql":
            copy_seconds = _raw_copy_seconds(db, args.postgres_url)
            result["copy_seconds"] = round(copy_seconds, 2)
            result["ratio_to_copy"] = round(report.seconds / copy_seconds, 2)
    return result
