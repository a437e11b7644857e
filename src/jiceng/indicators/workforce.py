"""Institutions and primary-care staff in the shape the commissions report them (seed 001:
"基层医疗卫生机构 1429 个，其中社区卫生服务中心 11 个… 在职基层卫生技术人员 4274 人，其中乡镇卫生院
（社区卫生服务中心）2225 人，村卫生室（社区卫生服务站）2049 人；本科以上学历 734 人，中级以上职称
657 人；村卫生室执业或执业助理医师 768 人"), plus staff per 1,000 residents.

Counted live from the registry (small tables) through ``registry.service.statistics``; the
residents are the denominator people of 健康档案建档率 (active records) in the period's state.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from jiceng.core.divisions import level_of
from jiceng.core.security import Principal
from jiceng.indicators import repository
from jiceng.indicators.indicators import CODES as RECORD_CODES
from jiceng.indicators.service import CHILD_LEVEL, Numbers, check_division, pick_period, scope_of
from jiceng.registry import service as registry

POPULATION_CODE = RECORD_CODES[0]  # its denominator people: the resident population

STATISTICS = (
    ("institutions", "基层医疗卫生机构数（按类别）", "Primary-care institutions by type", "registry_institution, live rows", "—"),
    (
        "staff",
        "在职基层卫生技术人员数（乡镇级、村级；按人员类别、学历、职称、执业资格）",
        "Primary-care staff (township and village level; by profession, education, title, qualification)",
        "registry_staff, employment_status = active",
        "—",
    ),
    (
        "staff_per_1000",
        "每千常住人口基层卫生人员数",
        "Primary-care staff per 1,000 residents",
        "基层在职人员数 ÷ 辖区内常住居民数 × 1000",
        "primary staff ÷ resident population (active records) × 1,000",
    ),
)


@dataclass
class DivisionWorkforce:
    division: str
    name: str
    statistics: registry.RegistryStatistics
    residents: int

    @property
    def staff_per_1000(self) -> float | None:
        return None if not self.residents else round(self.statistics.primary_staff * 1000 / self.residents, 2)


@dataclass
class Workforce:
    division: DivisionWorkforce | None
    children: list[DivisionWorkforce]
    period_key: str | None


def workforce(session: Session, principal: Principal, division: str | None = None, period: str | None = None) -> Workforce:
    scope = scope_of(session, principal)
    chosen, _ = pick_period(session, period)
    code = check_division(scope, division)
    if code is None:
        return Workforce(None, [], chosen.key if chosen else None)
    level = level_of(code) or ""
    kids: list[str] = []
    numbers = Numbers(session, scope, chosen.key if chosen else "")
    if level in ("city", "county"):
        kids, _ = numbers.children(code, CHILD_LEVEL[level])
    population = numbers.of([code, *kids]) if chosen else {}
    names = registry.division_names(session, [code, *kids])

    def one(c: str) -> DivisionWorkforce:
        return DivisionWorkforce(c, names[c], registry.statistics(session, principal, c), population.get((c, POPULATION_CODE), (0, 0))[1])

    return Workforce(one(code), [one(k) for k in kids], chosen.key if chosen else None)


def resident_population(session: Session, period_key: str, division: str) -> int:
    return repository.rollups(session, period_key, [division]).get((division, POPULATION_CODE), (0, 0))[1]
