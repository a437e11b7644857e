"""``jiceng indicators verify``: every indicator, every kept period, every division at
every level, recomputed from the source tables with the domains' own compute functions
and compared with the materialized state; and the state's village rollups compared with
its person rows. Zero differences are expected; any is reported, never corrected here."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiceng.core.indicators import LEVELS, IndicatorDefinition, IndicatorValue
from jiceng.indicators import rebuild, state
from jiceng.indicators.models import Rollup
from jiceng.indicators.periods import PeriodSpec

Pair = tuple[int, int]


@dataclass(frozen=True)
class Difference:
    period: str
    indicator: str
    level: str
    division: str
    expected: Pair  # numerator, denominator from the source tables (or the person rows)
    actual: Pair  # from the rollups
    against: str = "source"  # "source" or "persons"


@dataclass
class VerifyReport:
    periods: list[str] = field(default_factory=list)
    compared: int = 0
    differences: list[Difference] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.differences


def _by_division(values: Sequence[IndicatorValue]) -> dict[str, Pair]:
    return {v.division_code: (v.numerator, v.denominator) for v in values if v.numerator or v.denominator}


def expected(session: Session, period: PeriodSpec, levels: Sequence[str]) -> dict[tuple[str, str], dict[str, Pair]]:
    """(code, level) → division → (numerator, denominator), from the domains' compute
    functions; a domain module offering ``compute_all`` (one pass for all its indicators
    and levels) is asked once."""
    found: dict[tuple[str, str], dict[str, Pair]] = {}
    done_modules: set[str] = set()
    for definition in state.definitions():
        module = sys.modules.get(definition.compute.__module__)
        compute_all = getattr(module, "compute_all", None)
        if compute_all is not None:
            if definition.compute.__module__ not in done_modules:
                done_modules.add(definition.compute.__module__)
                for code, by_level in compute_all(session, period.query(levels[0]), levels=tuple(levels)).items():
                    for level, values in by_level.items():
                        found[(code, level)] = _by_division(values)
            continue
        for level in levels:
            found[(definition.code, level)] = _by_division(definition.compute(session, period.query(level)))
    return found


def scales(session: Session, definitions: Sequence[IndicatorDefinition]) -> dict[str, Callable[[int], int]]:
    return {d.code: d.denominator_scale(session) if d.denominator_scale else (lambda base: base) for d in definitions}


def actual(session: Session, period_key: str, levels: Sequence[str]) -> dict[tuple[str, str], dict[str, Pair]]:
    scale = scales(session, state.definitions())
    found: dict[tuple[str, str], dict[str, Pair]] = {}
    rows = session.execute(
        select(Rollup.indicator_code, Rollup.level, Rollup.division_code, Rollup.numerator, Rollup.base).where(
            Rollup.period_key == period_key, Rollup.level.in_(levels)
        )
    )
    for code, level, division, numerator, base in rows:
        denominator = scale[code](base) if code in scale else base
        if numerator or denominator:
            found.setdefault((code, level), {})[division] = (numerator, denominator)
    return found


def _compare(period: str, want: dict[Any, dict[str, Pair]], have: dict[Any, dict[str, Pair]], against: str, report: VerifyReport) -> None:
    for key in sorted(set(want) | set(have)):
        code, level = key
        expected_values, actual_values = want.get(key, {}), have.get(key, {})
        for division in sorted(set(expected_values) | set(actual_values)):
            report.compared += 1
            e, a = expected_values.get(division, (0, 0)), actual_values.get(division, (0, 0))
            if e != a:
                report.differences.append(Difference(period, code, level, division, e, a, against))


def internal(session: Session, period_key: str) -> tuple[dict[Any, dict[str, Pair]], dict[Any, dict[str, Pair]]]:
    """The village rollups as the person rows give them, and as stored."""
    counts = state.village_counts(session, period_key, state.slots(session))
    from_persons: dict[Any, dict[str, Pair]] = {}
    for (village, code), c in counts.items():
        from_persons.setdefault((code, "village"), {})[village] = (c.numerator, c.base)
    stored: dict[Any, dict[str, Pair]] = {}
    rows = session.execute(
        select(Rollup.indicator_code, Rollup.division_code, Rollup.numerator, Rollup.base).where(
            Rollup.period_key == period_key, Rollup.level == "village"
        )
    )
    for code, village, numerator, base in rows:
        stored.setdefault((code, "village"), {})[village] = (numerator, base)
    return from_persons, stored


def verify(session: Session, keys: Sequence[str] | None = None, levels: Sequence[str] = LEVELS) -> VerifyReport:
    started = time.perf_counter()
    state.tune(session)
    report = VerifyReport()
    for period in rebuild.stored_periods(session):
        if keys is not None and period.key not in keys:
            continue
        report.periods.append(period.key)
        _compare(period.key, expected(session, period, levels), actual(session, period.key, levels), "source", report)
        _compare(period.key, *internal(session, period.key), "persons", report)
    report.seconds = round(time.perf_counter() - started, 2)
    return report
