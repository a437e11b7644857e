"""Filling the materialized state: per-person bits from the domains' ``members`` selects,
and per-division rollups from the bits. Used by the rebuild and the incremental updates,
so both produce the state the same way."""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Integer,
    Select,
    SmallInteger,
    String,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session

from jiceng.core.indicators import LEVELS, IndicatorDefinition, catalogue, group_code, members_groups
from jiceng.indicators.models import BITS_PER_WORD, Period, PersonState, Rollup, Slot
from jiceng.indicators.periods import PeriodSpec

PARENT_LEVEL = {"village": "township", "township": "county", "county": "city"}


def definitions() -> list[IndicatorDefinition]:
    """Every indicator with a per-person form, in catalogue order."""
    return [d for d in catalogue() if d.members is not None]


def slots(session: Session) -> dict[str, int]:
    """The bit of each indicator; new indicators get the next free slots (kept forever)."""
    known = {code: slot for code, slot in session.execute(select(Slot.code, Slot.slot))}
    missing = [d.code for d in definitions() if d.code not in known]
    if missing:
        start = max(known.values(), default=-1) + 1
        rows: list[dict[str, Any]] = [{"code": code, "slot": start + i} for i, code in enumerate(missing)]
        session.execute(insert(Slot), rows)
        known.update({str(r["code"]): int(r["slot"]) for r in rows})
    active = {d.code for d in definitions()}
    return {code: slot for code, slot in known.items() if code in active}


def words(slot_map: dict[str, int]) -> dict[int, dict[str, int]]:
    """word → {code: bit}."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for code, slot in slot_map.items():
        word, bit = divmod(slot, BITS_PER_WORD)
        found[word][code] = bit
    return dict(found)


def tune(session: Session | Connection) -> None:
    """PostgreSQL: analytic statements in this transaction (no JIT; the window sorts and
    the per-resident aggregate of a city-scale period stay in memory)."""
    bind = session.get_bind() if isinstance(session, Session) else session
    if bind.dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '256MB'"))
        session.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))  # the rebuild's index builds (sorted in memory)


def _arms(session: Session, period: PeriodSpec, bits: dict[str, int], within: Sequence[uuid.UUID] | None) -> list[Select[Any]]:
    """One select per members group (one pass per domain), one per indicator outside a group."""
    query = period.query()
    found: list[Select[Any]] = []
    covered: set[str] = set()
    for n, group in enumerate(members_groups()):
        mine = [(i, code) for i, code in enumerate(group.codes) if code in bits]
        if not mine:
            continue
        rows = group.select(session, query, within).subquery(f"g{n}")
        den = sum((rows.c[f"d{i}"] * _mask(bits[code]) for i, code in mine[1:]), rows.c[f"d{mine[0][0]}"] * _mask(bits[mine[0][1]]))
        num = sum((rows.c[f"n{i}"] * _mask(bits[code]) for i, code in mine[1:]), rows.c[f"n{mine[0][0]}"] * _mask(bits[mine[0][1]]))
        found.append(select(rows.c.resident_id, rows.c.village_code, den.label("den"), num.label("num")))
        covered |= {code for _, code in mine}
    by_code = {d.code: d for d in definitions()}
    for code in sorted(set(bits) - covered, key=lambda c: bits[c]):
        members = by_code[code].members
        assert members is not None
        m = members(session, query, within).subquery(f"m{bits[code]}")
        found.append(
            select(
                m.c.resident_id,
                m.c.village_code,
                (m.c.in_denominator * _mask(bits[code])).label("den"),
                (m.c.in_numerator * _mask(bits[code])).label("num"),
            )
        )
    return found


def _mask(bit: int) -> Any:
    return literal(1 << bit, BigInteger)


def person_select(session: Session, period: PeriodSpec, word: int, bits: dict[str, int], within: Sequence[uuid.UUID] | None) -> Select[Any]:
    """One row per resident: the OR of the bits of every indicator the resident belongs to
    (each bit comes from one arm, so a sum is an OR; PostgreSQL's ``bit_or`` stays a BIGINT
    where ``sum`` would accumulate in NUMERIC)."""
    united = union_all(*_arms(session, period, bits, within)).subquery("united")
    combine = func.bit_or if session.get_bind().dialect.name == "postgresql" else func.sum
    den, num = combine(united.c.den), combine(united.c.num)
    return (
        select(
            literal(period.key, String(16)).label("period_key"),
            literal(word, SmallInteger).label("word"),
            united.c.resident_id,
            united.c.village_code,  # the resident's, the same in every arm
            den.label("den_bits"),
            num.label("num_bits"),
        )
        .group_by(united.c.resident_id, united.c.village_code)
        .having(or_(den != 0, num != 0))
    )


COLUMNS = ["period_key", "word", "resident_id", "village_code", "den_bits", "num_bits"]


def insert_persons(
    session: Session, period: PeriodSpec, slot_map: dict[str, int], within: Sequence[uuid.UUID] | None = None, *, indexed: bool = True
) -> int:
    """Write the person rows of a period (of some residents, with ``within``).

    PostgreSQL plans an ``INSERT … SELECT`` without parallel workers, but ``CREATE TABLE
    AS`` with them; a whole period is therefore selected into a temporary table first."""
    postgres = session.get_bind().dialect.name == "postgresql"
    written = 0
    for word, bits in words(slot_map).items():
        rows = person_select(session, period, word, bits, within)
        if not postgres or within is not None:
            written += count_rows(session.execute(insert(PersonState).from_select(COLUMNS, rows)))
            continue
        sql = literal_sql(session, rows)
        session.execute(text("DROP TABLE IF EXISTS indicators_scratch"))
        session.execute(text(f"CREATE TEMPORARY TABLE indicators_scratch ON COMMIT DROP AS {sql}"))
        order = " ORDER BY 1, 2, 3" if indexed else ""  # in index order when the indexes are kept
        written += count_rows(
            session.execute(text(f"INSERT INTO indicators_person ({', '.join(COLUMNS)}) SELECT * FROM indicators_scratch{order}"))
        )
        session.execute(text("DROP TABLE indicators_scratch"))
    return written


def literal_sql(session: Session, rows: Select[Any]) -> str:
    """The statement with its values inlined, to run as ``CREATE TABLE … AS``."""
    return str(rows.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))


def finish_period(session: Session, period: PeriodSpec, slot_map: dict[str, int], report: Any, persons: int, started: float) -> None:
    """After a period's person rows are in: its rollups, its row, and the report's lines."""
    report.rollups += write_all_rollups(session, period.key, slot_map)
    session.add(Period(key=period.key, start=period.start, end=period.end, open=period.open, built_at=datetime.now(UTC)))
    session.flush()
    report.persons += persons
    report.periods.append(period.key)
    report.seconds[period.key] = round(time.perf_counter() - started, 2)


def count_rows(result: Any) -> int:
    return max(int(getattr(result, "rowcount", 0) or 0), 0)


@dataclass
class Counts:
    numerator: int = 0
    base: int = 0


def village_counts(
    session: Session, period_key: str, slot_map: dict[str, int], villages: Sequence[str] | None = None
) -> dict[tuple[str, str], Counts]:
    """(village, indicator) → numerator and denominator people, from the person rows."""
    found: dict[tuple[str, str], Counts] = {}
    for word, bits in words(slot_map).items():
        codes = sorted(bits, key=lambda c: bits[c])
        columns = []
        for code in codes:
            bit = literal(bits[code], Integer)
            columns += [func.sum(PersonState.num_bits.op(">>")(bit).op("&")(1)), func.sum(PersonState.den_bits.op(">>")(bit).op("&")(1))]
        stmt = (
            select(PersonState.village_code, *columns)
            .where(PersonState.period_key == period_key, PersonState.word == word)
            .group_by(PersonState.village_code)
        )
        if villages is not None:
            stmt = stmt.where(PersonState.village_code.in_(villages))
        for village, *sums in session.execute(stmt):
            for index, code in enumerate(codes):
                numerator, base = int(sums[2 * index] or 0), int(sums[2 * index + 1] or 0)
                if numerator or base:
                    found[(village, code)] = Counts(numerator, base)
    return found


def _rows(period_key: str, level: str, counts: dict[tuple[str, str], Counts]) -> list[dict[str, Any]]:
    parent = PARENT_LEVEL.get(level)
    return [
        {
            "period_key": period_key,
            "division_code": division,
            "indicator_code": code,
            "level": level,
            "parent_code": group_code(division, parent) if parent else None,
            "numerator": c.numerator,
            "base": c.base,
        }
        for (division, code), c in sorted(counts.items())
    ]


def roll_up(counts: dict[tuple[str, str], Counts], level: str) -> dict[tuple[str, str], Counts]:
    grouped: dict[tuple[str, str], Counts] = defaultdict(Counts)
    for (division, code), c in counts.items():
        target = grouped[(group_code(division, level), code)]
        target.numerator += c.numerator
        target.base += c.base
    return dict(grouped)


def write_all_rollups(session: Session, period_key: str, slot_map: dict[str, int]) -> int:
    """Replace every rollup of a period, from its person rows."""
    session.execute(delete(Rollup).where(Rollup.period_key == period_key))
    villages = village_counts(session, period_key, slot_map)
    rows: list[dict[str, Any]] = []
    for level in reversed(LEVELS):  # village first
        rows += _rows(period_key, level, villages if level == "village" else roll_up(villages, level))
    for start in range(0, len(rows), 5000):
        session.execute(insert(Rollup), rows[start : start + 5000])
    return len(rows)


def refresh_rollups(session: Session, period_key: str, slot_map: dict[str, int], villages: Iterable[str]) -> None:
    """Recompute the rollups of some villages from their person rows, then of every
    division above them from their children's rollups (never by adding deltas)."""
    changed = sorted(set(villages))
    if not changed:
        return
    counts = village_counts(session, period_key, slot_map, changed)
    session.execute(delete(Rollup).where(Rollup.period_key == period_key, Rollup.level == "village", Rollup.division_code.in_(changed)))
    if counts:
        session.execute(insert(Rollup), _rows(period_key, "village", counts))
    level, divisions = "village", changed
    while level in PARENT_LEVEL:
        parent = PARENT_LEVEL[level]
        parents = sorted({group_code(d, parent) for d in divisions})
        sums = session.execute(
            select(Rollup.parent_code, Rollup.indicator_code, func.sum(Rollup.numerator), func.sum(Rollup.base))
            .where(Rollup.period_key == period_key, Rollup.level == level, Rollup.parent_code.in_(parents))
            .group_by(Rollup.parent_code, Rollup.indicator_code)
        ).all()
        session.execute(delete(Rollup).where(Rollup.period_key == period_key, Rollup.level == parent, Rollup.division_code.in_(parents)))
        counts = {(str(p), str(code)): Counts(int(n), int(b)) for p, code, n, b in sums if n or b}
        if counts:
            session.execute(insert(Rollup), _rows(period_key, parent, counts))
        level, divisions = parent, parents
