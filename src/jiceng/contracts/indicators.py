"""Signing indicators (spec §2), defined once as data (ARCHITECTURE §5).

* 家庭医生签约率 / 签约服务覆盖率 = 常住人口签约数 / 辖区内常住居民数;
* 重点人群签约服务覆盖率 = 重点人群签约数 / 辖区内重点人群总数, overall and per group;
* 续约率 = 明年继续签约的人数 / 今年签约的居民总数.

Conventions (also in docs/contracts.md): the resident population is the residents
whose record is active (在档); "contracted" means a contract in force on the
period's last day; key populations are derived on that day. For the renewal rate
of a period, "this year's signers" are residents who signed (a new contract or a
renewal, not a change of team) in the same dates one year earlier, and those who
"continue" signed again within the period. Every count is grouped by the
resident's current village and rolled up to township, county and city.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from jiceng.contracts.codes import KEY_GROUP, MARKED_GROUPS
from jiceng.contracts.key_populations import GROUPS, group_clause, mark_in_force
from jiceng.contracts.models import Contract, PopulationMark
from jiceng.contracts.service import add_years
from jiceng.core.indicators import (
    IndicatorDefinition,
    IndicatorQuery,
    IndicatorValue,
    MembersGroup,
    group_code,
    group_members,
    register,
    register_members_group,
)
from jiceng.core.outbox import ChangeLog
from jiceng.core.scope import division_range
from jiceng.core.security import Principal
from jiceng.residents import service as residents

VERSION = "2026.1"
SOURCE = "spec §2 (S7, S1, S6); 2022《关于推进家庭医生签约服务高质量发展的指导意见》"


def _system() -> Principal:
    """Indicators count every resident of the queried divisions (aggregates only)."""
    return Principal(username="indicators", role="console_operator", display_name="指标计算 / indicators", interface="job")


@dataclass
class VillageCounts:
    residents: int = 0
    contracted: int = 0
    key_total: int = 0
    key_contracted: int = 0
    groups: dict[str, list[int]] = field(default_factory=lambda: {g: [0, 0] for g in GROUPS})  # group -> [denominator, numerator]
    signed_before: int = 0
    renewed: int = 0

    def add(self, other: VillageCounts) -> None:
        self.residents += other.residents
        self.contracted += other.contracted
        self.key_total += other.key_total
        self.key_contracted += other.key_contracted
        for g in GROUPS:
            self.groups[g][0] += other.groups[g][0]
            self.groups[g][1] += other.groups[g][1]
        self.signed_before += other.signed_before
        self.renewed += other.renewed


def _count(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


@dataclass(frozen=True)
class CoverageFlags:
    """Per resident on ``on``: contracted, and in each key population (SQL over ``rr``)."""

    rr: Any
    in_force: Any
    marks: Any
    contracted: Any
    clauses: dict[str, Any]
    any_group: Any


def coverage_flags(on: date, within: Sequence[uuid.UUID] | None = None) -> CoverageFlags:
    rr = residents.readable_residents(_system())
    in_force_stmt = select(Contract.resident_id).where(Contract.deleted_at.is_(None), Contract.start_date <= on, Contract.ended_on >= on)
    flags = [func.max(case((PopulationMark.group_code == g, 1), else_=0)).label(g) for g in MARKED_GROUPS]
    marks_stmt = select(PopulationMark.resident_id, *flags).where(mark_in_force(on)).group_by(PopulationMark.resident_id)
    if within is not None:
        in_force_stmt = in_force_stmt.where(Contract.resident_id.in_(within))
        marks_stmt = marks_stmt.where(PopulationMark.resident_id.in_(within))
    in_force_stmt = in_force_stmt.distinct()
    in_force = in_force_stmt.subquery("in_force")
    marks = marks_stmt.subquery("marks")
    clauses = {g: (marks.c[g] == 1) if g in MARKED_GROUPS else group_clause(g, rr.c, on) for g in GROUPS}
    return CoverageFlags(rr, in_force, marks, in_force.c.resident_id.is_not(None), clauses, or_(*clauses.values()))


def coverage_by_village(session: Session, on: date, prefix: str | None = None) -> dict[str, VillageCounts]:
    """One pass over the resident population: coverage overall and per key population on ``on``."""
    f = coverage_flags(on)
    rr, contracted, clauses, any_group = f.rr, f.contracted, f.clauses, f.any_group
    columns = [rr.c.village_code, func.count(), _count(contracted), _count(any_group), _count(and_(any_group, contracted))]
    for g in GROUPS:
        columns += [_count(clauses[g]), _count(and_(clauses[g], contracted))]
    stmt = (
        select(*columns)
        .select_from(rr)
        .outerjoin(f.in_force, f.in_force.c.resident_id == rr.c.id)
        .outerjoin(f.marks, f.marks.c.resident_id == rr.c.id)
        .where(rr.c.status == "active")
        .group_by(rr.c.village_code)
    )
    if prefix:
        stmt = stmt.where(division_range(prefix, rr.c.village_code))
    result: dict[str, VillageCounts] = {}
    for row in session.execute(stmt):
        counts = VillageCounts(int(row[1]), int(row[2]), int(row[3]), int(row[4]))
        for index, g in enumerate(GROUPS):
            counts.groups[g] = [int(row[5 + 2 * index]), int(row[6 + 2 * index])]
        result[row[0]] = counts
    return result


def renewal_sets(start: date, end: date, within: Sequence[uuid.UUID] | None = None) -> tuple[Any, Any]:
    """Residents who signed in the same dates a year earlier, and those who signed in start..end."""
    signing = and_(Contract.deleted_at.is_(None), Contract.continuity.in_(("new", "renewal")))
    if within is not None:
        signing = and_(signing, Contract.resident_id.in_(within))
    before = (
        select(Contract.resident_id)
        .where(
            signing,
            Contract.start_date >= add_years(start, -1),
            Contract.start_date <= add_years(end + timedelta(days=1), -1) - timedelta(days=1),
        )
        .distinct()
        .subquery("signed_before")
    )
    again = (
        select(Contract.resident_id)
        .where(signing, Contract.start_date >= start, Contract.start_date <= end)
        .distinct()
        .subquery("signed_again")
    )
    return before, again


def renewal_by_village(session: Session, start: date, end: date, prefix: str | None = None) -> dict[str, VillageCounts]:
    """Residents who signed in the same dates a year earlier, and how many of them signed again in start..end."""
    rr = residents.readable_residents(_system())
    before, again = renewal_sets(start, end)
    stmt = (
        select(rr.c.village_code, func.count(), _count(again.c.resident_id.is_not(None)))
        .select_from(rr)
        .join(before, before.c.resident_id == rr.c.id)
        .outerjoin(again, again.c.resident_id == rr.c.id)
        .where(rr.c.status == "active")
        .group_by(rr.c.village_code)
    )
    if prefix:
        stmt = stmt.where(division_range(prefix, rr.c.village_code))
    return {row[0]: VillageCounts(signed_before=int(row[1]), renewed=int(row[2])) for row in session.execute(stmt)}


# ---- the per-person form (core.indicators.Members) ----------------------------------------


def coverage_members(session: Session, query: IndicatorQuery, within: Sequence[uuid.UUID] | None = None) -> Any:
    """The per-person form of coverage, key-population coverage and every group's coverage
    (``core.indicators.MembersGroup``): active residents on the period's last day, flagged
    when under contract and per population, in one pass."""
    f = coverage_flags(query.period_end, within)
    populations = {COVERAGE_CODE: literal(True), KEY_CODE: f.any_group} | {f"{KEY_CODE}.{g}": f.clauses[g] for g in GROUPS}
    columns = []
    for i, code in enumerate(COVERAGE_GROUP_CODES):
        population = populations[code]
        columns += [
            case((and_(population, f.contracted), 1), else_=0).label(f"n{i}"),
            case((population, 1), else_=0).label(f"d{i}"),
        ]
    stmt = (
        select(f.rr.c.id.label("resident_id"), f.rr.c.village_code, *columns)
        .select_from(f.rr)
        .outerjoin(f.in_force, f.in_force.c.resident_id == f.rr.c.id)
        .outerjoin(f.marks, f.marks.c.resident_id == f.rr.c.id)
        .where(f.rr.c.status == "active")
    )
    return stmt.where(f.rr.c.id.in_(within)) if within is not None else stmt


COVERAGE_CODE, KEY_CODE = "contracts.coverage", "contracts.key_population_coverage"
COVERAGE_GROUP_CODES = (COVERAGE_CODE, KEY_CODE, *(f"{KEY_CODE}.{g}" for g in GROUPS))


def renewal_members(session: Session, query: IndicatorQuery, within: Sequence[uuid.UUID] | None = None) -> Any:
    rr = residents.readable_residents(_system())
    before, again = renewal_sets(query.period_start, query.period_end, within)
    stmt = (
        select(
            rr.c.id.label("resident_id"),
            rr.c.village_code,
            case((again.c.resident_id.is_not(None), 1), else_=0).label("in_numerator"),
            literal(1).label("in_denominator"),
        )
        .select_from(rr)
        .join(before, before.c.resident_id == rr.c.id)
        .outerjoin(again, again.c.resident_id == rr.c.id)
        .where(rr.c.status == "active")
    )
    return stmt.where(rr.c.id.in_(within)) if within is not None else stmt


def _cached(session: Session, key: tuple[Any, ...], compute: Callable[[], dict[str, VillageCounts]]) -> dict[str, VillageCounts]:
    """Several indicators share one pass; the cache is keyed on the change log's head,
    so any write (even uncommitted, in this session) recomputes."""
    head = session.scalar(select(func.coalesce(func.max(ChangeLog.seq), literal(0))))
    cache = session.info.setdefault("contracts.indicator_cache", {})
    full = (*key, head)
    if full not in cache:
        cache.clear()
        cache[full] = compute()
    return cache[full]


def roll_up(by_village: dict[str, VillageCounts], level: str) -> dict[str, VillageCounts]:
    grouped: dict[str, VillageCounts] = {}
    for village, counts in by_village.items():
        grouped.setdefault(group_code(village, level), VillageCounts()).add(counts)
    return dict(sorted(grouped.items()))


def _coverage(query: IndicatorQuery) -> Callable[[Session], dict[str, VillageCounts]]:
    def load(session: Session) -> dict[str, VillageCounts]:
        key = ("coverage", query.period_end, query.division_prefix)
        return roll_up(_cached(session, key, lambda: coverage_by_village(session, query.period_end, query.division_prefix)), query.level)

    return load


def _values(grouped: dict[str, VillageCounts], pick: Callable[[VillageCounts], tuple[int, int]]) -> list[IndicatorValue]:
    return [IndicatorValue(code, *pick(counts)) for code, counts in grouped.items()]


def compute_coverage(session: Session, query: IndicatorQuery) -> list[IndicatorValue]:
    return _values(_coverage(query)(session), lambda c: (c.contracted, c.residents))


def compute_key_coverage(session: Session, query: IndicatorQuery) -> list[IndicatorValue]:
    return _values(_coverage(query)(session), lambda c: (c.key_contracted, c.key_total))


def group_compute(group: str) -> Callable[[Session, IndicatorQuery], list[IndicatorValue]]:
    def compute(session: Session, query: IndicatorQuery) -> list[IndicatorValue]:
        return _values(_coverage(query)(session), lambda c: (c.groups[group][1], c.groups[group][0]))

    return compute


def compute_renewal(session: Session, query: IndicatorQuery) -> list[IndicatorValue]:
    key = ("renewal", query.period_start, query.period_end, query.division_prefix)
    by_village = _cached(session, key, lambda: renewal_by_village(session, query.period_start, query.period_end, query.division_prefix))
    return _values(roll_up(by_village, query.level), lambda c: (c.renewed, c.signed_before))


COVERAGE = register(
    IndicatorDefinition(
        code="contracts.coverage",
        name_zh="家庭医生签约率（签约服务覆盖率）",
        name_en="Family-doctor contract coverage",
        numerator_zh="常住人口签约数（统计期末有效签约的在档居民）",
        numerator_en="Residents under a contract in force on the last day of the period",
        denominator_zh="辖区内常住居民数（在档居民）",
        denominator_en="Resident population (active records)",
        period="year",
        source=SOURCE,
        version=VERSION,
        domain="contracts",
        compute=compute_coverage,
        members=group_members("contracts.coverage", "contracts.coverage"),
        notes_zh="2035年目标≥75%；自2022年起每年提高1-3个百分点。",
        notes_en="2035 target ≥75%; +1–3 percentage points a year from 2022.",
        default_target=0.75,
    )
)

KEY_COVERAGE = register(
    IndicatorDefinition(
        code="contracts.key_population_coverage",
        name_zh="重点人群签约服务覆盖率",
        name_en="Key-population contract coverage",
        numerator_zh="重点人群签约数",
        numerator_en="Key-population residents under contract",
        denominator_zh="辖区内重点人群总数（任一重点人群，按统计期末判定）",
        denominator_en="Residents in any key population (on the period's last day)",
        period="year",
        source=SOURCE,
        version=VERSION,
        domain="contracts",
        compute=compute_key_coverage,
        members=group_members("contracts.coverage", "contracts.key_population_coverage"),
        notes_zh="重点人群：65岁及以上老年人、孕产妇、0～6岁儿童、残疾人、脱贫人口、计生特殊家庭成员、高血压、糖尿病、结核病、严重精神障碍患者。2035年目标≥85%。",
        notes_en="Key populations: 65+, pregnant women, children 0–6, disabled, lifted out of poverty, family-planning special families, hypertension, diabetes, TB, severe mental disorder. 2035 target ≥85%.",
        default_target=0.85,
    )
)

GROUP_COVERAGE = {
    group: register(
        IndicatorDefinition(
            code=f"contracts.key_population_coverage.{group}",
            name_zh=f"重点人群签约服务覆盖率：{zh}",
            name_en=f"Key-population contract coverage: {en}",
            numerator_zh=f"{zh}签约数",
            numerator_en=f"{en} under contract",
            denominator_zh=f"辖区内{zh}总数",
            denominator_en=f"{en} in the area",
            period="year",
            source=SOURCE,
            version=VERSION,
            domain="contracts",
            compute=group_compute(group),
            members=group_members("contracts.coverage", f"contracts.key_population_coverage.{group}"),
            default_target=0.85,
        )
    )
    for group, (zh, en) in KEY_GROUP.entries.items()
}

RENEWAL = register(
    IndicatorDefinition(
        code="contracts.renewal_rate",
        name_zh="续约率",
        name_en="Contract renewal rate",
        numerator_zh="明年继续签约的人数（上一年签约者中本期再次签约的人数）",
        numerator_en="Of last year's signers, those who signed again in this period",
        denominator_zh="今年签约的居民总数（上一年同期签约的在档居民）",
        denominator_en="Residents who signed in the same dates a year earlier (active records)",
        period="year",
        source="spec §2 (S1, local KPI)",
        version=VERSION,
        domain="contracts",
        compute=compute_renewal,
        members=renewal_members,
        notes_zh="变更团队不计为签约。",
        notes_en="A change of team is not counted as a signing.",
    )
)

ALL = [COVERAGE, KEY_COVERAGE, *GROUP_COVERAGE.values(), RENEWAL]
COVERAGE_GROUP = register_members_group(MembersGroup("contracts.coverage", COVERAGE_GROUP_CODES, coverage_members))
