"""Reading the materialized state: every dashboard number is a small indexed read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiceng.core.scope import division_range
from jiceng.indicators.models import BITS_PER_WORD, Period, PersonState, Rollup, Slot

Pair = tuple[int, int]  # numerator, base (denominator people)


def periods(session: Session) -> Sequence[Period]:
    return session.scalars(select(Period).order_by(Period.end, Period.start, Period.key)).all()


def rollups(session: Session, period_key: str, divisions: Sequence[str]) -> dict[tuple[str, str], Pair]:
    """(division, indicator) → (numerator, base) for these divisions."""
    if not divisions:
        return {}
    rows = session.execute(
        select(Rollup.division_code, Rollup.indicator_code, Rollup.numerator, Rollup.base).where(
            Rollup.period_key == period_key, Rollup.division_code.in_(sorted(set(divisions)))
        )
    )
    return {(d, c): (n, b) for d, c, n, b in rows}


def children(session: Session, period_key: str, parent: str) -> dict[tuple[str, str], Pair]:
    rows = session.execute(
        select(Rollup.division_code, Rollup.indicator_code, Rollup.numerator, Rollup.base).where(
            Rollup.period_key == period_key, Rollup.parent_code == parent
        )
    )
    return {(d, c): (n, b) for d, c, n, b in rows}


def top_divisions(session: Session, period_key: str) -> list[str]:
    """The city-level divisions that have numbers (a region may hold several cities)."""
    rows = session.scalars(select(Rollup.division_code).where(Rollup.period_key == period_key, Rollup.level == "city").distinct())
    return sorted(rows)


def trend(session: Session, codes: Sequence[str], divisions: Sequence[str]) -> dict[tuple[str, str, str], Pair]:
    """(period, division, indicator) → (numerator, base) over every stored period."""
    rows = session.execute(
        select(Rollup.period_key, Rollup.division_code, Rollup.indicator_code, Rollup.numerator, Rollup.base).where(
            Rollup.division_code.in_(sorted(set(divisions))), Rollup.indicator_code.in_(sorted(set(codes)))
        )
    )
    return {(p, d, c): (n, b) for p, d, c, n, b in rows}


def slot_of(session: Session, code: str) -> int | None:
    return session.scalar(select(Slot.slot).where(Slot.code == code))


def people(
    session: Session,
    period_key: str,
    slot: int,
    division: str,
    which: str,
    readable: Any,
    villages: Sequence[str] | None,
    limit: int,
    offset: int,
) -> tuple[list[Any], bool]:
    """The residents behind a number (``which``: numerator, denominator or gap = in the
    denominator but not the numerator), joined to the caller's readable residents."""
    word, bit = divmod(slot, BITS_PER_WORD)
    mask = 1 << bit
    den = PersonState.den_bits.op("&")(mask) != 0
    num = PersonState.num_bits.op("&")(mask) != 0
    condition = {"numerator": num, "denominator": den, "gap": den & ~num}[which]
    stmt = (
        select(readable.c.id, readable.c.name, readable.c.sex, readable.c.birth_date, readable.c.village_code, readable.c.status)
        .select_from(PersonState)
        .join(readable, readable.c.id == PersonState.resident_id)
        .where(
            PersonState.period_key == period_key, PersonState.word == word, division_range(division, PersonState.village_code), condition
        )
    )
    if villages is not None:
        stmt = stmt.where(PersonState.village_code.in_(sorted(villages)))
    # In the index's order (village), then by name within a village: a page is a short read
    # even at city level (PostgreSQL sorts each village's rows incrementally).
    rows = session.execute(stmt.order_by(PersonState.village_code, readable.c.name, readable.c.id).limit(limit + 1).offset(offset)).all()
    return list(rows[:limit]), len(rows) > limit


def resident_ids(session: Session, period_key: str) -> set[uuid.UUID]:
    return set(session.scalars(select(PersonState.resident_id).where(PersonState.period_key == period_key)))
