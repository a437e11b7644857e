"""Yearly service tracking of the 65+ population (who has had this year's check, TCM
service and guidance; the worklist of who is missing; home-visit cases) and this
domain's indicators for a user's scope."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiceng.core import audit
from jiceng.core.clock import local_today
from jiceng.core.errors import ErrorCollector, FieldError, NotFound, ValidationFailed
from jiceng.core.indicators import IndicatorValue, group_code
from jiceng.core.indicators import get as get_indicator
from jiceng.core.permissions import Perm, ScopeKind
from jiceng.core.security import Principal
from jiceng.elderly import repository
from jiceng.elderly.access import ELDERLY_READ
from jiceng.residents.service import readable_residents

MISSING = repository.MISSING


@dataclass(frozen=True)
class ServiceRow:
    resident_id: uuid.UUID
    name: str
    sex: str
    birth_date: date
    village_code: str
    check_date: date | None  # latest check this year that completes the 65+ service
    any_check_date: date | None  # latest signed check this year (may be incomplete)
    tcm_date: date | None  # latest complete TCM service this year
    any_tcm_date: date | None
    home_visit: bool  # bedridden / unable to care for self, or seen at home: serve at home

    @property
    def missing(self) -> list[str]:
        return [kind for kind, done in (("check", self.check_date), ("tcm", self.tcm_date)) if done is None]


@dataclass(frozen=True)
class ServicePage:
    year: int
    rows: list[ServiceRow]
    total: int
    offset: int
    limit: int


def _check_year(year: int) -> None:
    if not 2009 <= year <= local_today().year + 1:
        raise ValidationFailed([FieldError("year", "out_of_range", "年度：超出范围", "Year: out of range")])


def yearly_services(
    session: Session,
    principal: Principal,
    year: int,
    *,
    village: str | None = None,
    missing: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> ServicePage:
    """The year's 65+ residents in scope with their check and TCM service; ``missing``
    = "check", "tcm" or "any" gives the worklist of who still needs a service."""
    principal.require(ELDERLY_READ)
    _check_year(year)
    if missing is not None and missing not in MISSING:
        raise ValidationFailed([FieldError("missing", "unknown_code", "缺少的服务：无效选项", "Missing service: not a valid option")])
    limit, offset = max(1, min(limit, 500)), max(0, offset)
    rows, total = repository.service_rows(session, principal, year, village or None, missing, offset, limit)
    audit.record(session, principal, "list", "elderly_service", detail={"year": year, "missing": missing, "results": len(rows)})
    items = [_row(r) for r in rows]
    return ServicePage(year, items, total, offset, limit)


def resident_year_status(session: Session, principal: Principal, resident_id: uuid.UUID, year: int) -> ServiceRow | None:
    """One resident's services this year (None if not in the year's 65+ population)."""
    principal.require(ELDERLY_READ)
    _check_year(year)
    rows, _total = repository.service_rows(session, principal, year, None, None, 0, 1, resident_id=resident_id)
    return _row(rows[0]) if rows else None


def _row(r: Any) -> ServiceRow:
    return ServiceRow(
        r.id, r.name, r.sex, r.birth_date, r.village_code, r.check_date, r.any_check_date, r.tcm_date, r.any_tcm_date, bool(r.home_visit)
    )


@dataclass(frozen=True)
class VillageSummary:
    village_code: str
    population: int
    checked: int
    tcm: int
    both: int
    home_visit: int


def service_summary(session: Session, principal: Principal, year: int) -> list[VillageSummary]:
    """Per village in scope: 65+ population and how many have had this year's services."""
    principal.require(ELDERLY_READ)
    _check_year(year)
    return [
        VillageSummary(r.village_code, int(r.population), int(r.checked), int(r.tcm), int(r.both or 0), int(r.home_visit or 0))
        for r in repository.service_counts(session, principal, year)
    ]


INDICATOR_LEVELS = ("city", "county", "township", "village")


def indicator_values(
    session: Session, principal: Principal, code: str, year: int, level: str = "county", division: str | None = None
) -> list[IndicatorValue]:
    """One of this domain's indicators for a year, limited to what the principal may see:
    a supervisor's division, or a clinic's catchment villages (summed up to ``level``)."""
    from jiceng.elderly.indicators import year_query

    principal.require(Perm.INDICATORS_READ)
    _check_year(year)
    errors = ErrorCollector()
    if level not in INDICATOR_LEVELS:
        errors.add("level", "unknown_code", "汇总层级：无效选项", "Level: not a valid option")
    if division is not None and not (division.isdigit() and 2 <= len(division) <= 12):
        errors.add("division", "invalid", "区划：应为区划代码", "Division: must be a division code")
    errors.raise_if_any()
    try:
        definition = get_indicator(code)
    except KeyError:
        raise NotFound("指标", "indicator") from None
    if definition.domain != "elderly":
        raise NotFound("指标", "indicator")
    if principal.scope is ScopeKind.ALL:
        values = definition.compute(session, year_query(year, level, division))
    elif principal.scope is ScopeKind.DIVISION:
        own = (principal.division_code or "").rstrip("0")
        if not own or (division and not division.startswith(own)):
            raise NotFound("区划", "division")
        values = definition.compute(session, year_query(year, level, division or own))
    else:
        villages = _readable_villages(session, principal)
        grouped: dict[str, list[int]] = {}
        for value in definition.compute(session, year_query(year, "village", division)):
            if value.division_code in villages:
                totals = grouped.setdefault(group_code(value.division_code, level), [0, 0])
                totals[0] += value.numerator
                totals[1] += value.denominator
        values = [IndicatorValue(c, n, d) for c, (n, d) in sorted(grouped.items())]
    audit.record(session, principal, "view", "indicator", code, detail={"year": year, "level": level, "division": division})
    return values


def _readable_villages(session: Session, principal: Principal) -> set[str]:
    readable = readable_residents(principal)
    return {code for (code,) in session.execute(select(readable.c.village_code).distinct())}
