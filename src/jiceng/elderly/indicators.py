"""老年人健康管理率 and 老年人中医药健康管理率, defined once as data (ARCHITECTURE §5).

Both take as denominator **年内辖区内65岁及以上常住居民数** — every resident aged 65 and
over in the catchment — exactly as the 规范 says (spec §2). Dividing by the number of
elderly *under management* (as one public system does) is the common mistake the
spec warns about: it makes the TCM rate a share of the managed, not of the elderly.

Counting rules (documented in docs/elderly.md):
- 65 and over: born on or before 31 December of (period-end year − 65), the same
  cohort rule the forms use;
- 常住居民 in the division: live records with status "active", grouped by the
  village of residence;
- numerator ⊆ denominator: the people above with, dated in the period,
  a signed health check that completes the 65+ service (every 65+ section and
  guidance: 接受健康管理) — or, for TCM, a signed, complete TCM service record
  (constitution identified, guidance given, form complete).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import Session

from jiceng.core.indicators import (
    LEVEL_PREFIX,
    IndicatorDefinition,
    IndicatorQuery,
    IndicatorValue,
    MembersGroup,
    group_members,
    register,
    register_members_group,
)
from jiceng.core.scope import division_range
from jiceng.core.security import Principal
from jiceng.elderly import repository
from jiceng.exams import service as exams
from jiceng.residents.service import readable_residents

SOURCE = "国家基本公共卫生服务规范（第三版）老年人健康管理、老年人中医药健康管理服务 工作指标; spec §2, §3.1"
VERSION = "2026.1"


def _counts(session: Session, query: IndicatorQuery, served: Select) -> list[IndicatorValue]:
    # The whole region (a console principal's scope): indicators are computed for
    # divisions, and the caller restricts which divisions a user may see.
    residents = readable_residents(Principal.console_operator())
    prefix_length = LEVEL_PREFIX[query.level]
    group = func.substr(residents.c.village_code, 1, prefix_length)
    served_ids = _distinct_ids(served, "served")
    stmt = (
        select(
            group.label("division"),
            func.count().label("denominator"),
            func.count(served_ids.c.resident_id).label("numerator"),
        )
        .select_from(residents.outerjoin(served_ids, served_ids.c.resident_id == residents.c.id))
        .where(residents.c.status == "active", residents.c.birth_date <= repository.cohort_cutoff(query.period_end.year))
        .group_by(group)
        .order_by(group)
    )
    if query.division_prefix:
        stmt = stmt.where(division_range(query.division_prefix, residents.c.village_code))
    return [IndicatorValue(str(code).ljust(12, "0"), int(n), int(d)) for code, d, n in session.execute(stmt)]


def _distinct_ids(served: Select, name: str) -> Any:
    """Each served resident once, to outer-join: a hash join that scales, where ``id IN
    (subquery)`` inside a CASE becomes a per-row subplan on PostgreSQL once the ids no
    longer fit in work_mem (a city's checks: minutes instead of seconds)."""
    return served.with_only_columns(served.selected_columns[0].label("resident_id")).distinct().subquery(name)


def members_group(session: Session, query: IndicatorQuery, within: Sequence[uuid.UUID] | None = None) -> Select:
    """The per-person form of both indicators (``core.indicators.MembersGroup``): every active
    resident of the 65+ cohort (the denominator), flagged when served in the period."""
    residents = readable_residents(Principal.console_operator())
    columns = []
    joined: Any = residents
    for i, served in enumerate((_checked, _tcm_served)):
        ids = served(query)
        if within is not None:
            ids = ids.where(ids.selected_columns[0].in_(within))
        served_ids = _distinct_ids(ids, f"served_{i}")
        joined = joined.outerjoin(served_ids, served_ids.c.resident_id == residents.c.id)
        columns += [case((served_ids.c.resident_id.is_not(None), 1), else_=0).label(f"n{i}"), literal(1).label(f"d{i}")]
    stmt = (
        select(residents.c.id.label("resident_id"), residents.c.village_code, *columns)
        .select_from(joined)
        .where(residents.c.status == "active", residents.c.birth_date <= repository.cohort_cutoff(query.period_end.year))
    )
    return stmt.where(residents.c.id.in_(within)) if within is not None else stmt


def _checked(query: IndicatorQuery) -> Select:
    return exams.health_check_resident_ids(query.period_start, query.period_end, elderly_complete=True)


def _tcm_served(query: IndicatorQuery) -> Select:
    return repository.complete_resident_ids(query.period_start, query.period_end)


def compute_health_management(session: Session, query: IndicatorQuery) -> list[IndicatorValue]:
    served = exams.health_check_resident_ids(query.period_start, query.period_end, elderly_complete=True)
    return _counts(session, query, served)


def compute_tcm_management(session: Session, query: IndicatorQuery) -> list[IndicatorValue]:
    return _counts(session, query, repository.complete_resident_ids(query.period_start, query.period_end))


HEALTH_MANAGEMENT = register(
    IndicatorDefinition(
        code="elderly_health_management_rate",
        name_zh="老年人健康管理率",
        name_en="Elderly health management rate",
        numerator_zh="年内接受健康管理的65岁及以上常住居民数",
        numerator_en="Residents aged 65+ who received health management in the year",
        denominator_zh="年内辖区内65岁及以上常住居民数",
        denominator_en="Residents aged 65+ in the catchment in the year",
        period="year",
        source=SOURCE,
        version=VERSION,
        domain="elderly",
        compute=compute_health_management,
        members=group_members("elderly", "elderly_health_management_rate"),
        notes_zh="接受健康管理：建立健康档案，年内完成签名的健康体检（含65岁及以上自评、生活自理能力、认知与情感筛查）并给予健康指导。分母为辖区内全部65岁及以上常住居民，而非已管理人数。",
        notes_en="Received management: a health record, a signed check this year with every 65+ section, and guidance. "
        "The denominator is every resident aged 65+ in the catchment, not the number under management.",
    )
)

TCM_MANAGEMENT = register(
    IndicatorDefinition(
        code="elderly_tcm_management_rate",
        name_zh="老年人中医药健康管理率",
        name_en="Elderly TCM health management rate",
        numerator_zh="年内接受中医药健康管理服务的65岁及以上居民数",
        numerator_en="Residents aged 65+ who received the TCM health management service in the year",
        denominator_zh="年内辖区内65岁及以上常住居民数",
        denominator_en="Residents aged 65+ in the catchment in the year",
        period="year",
        source=SOURCE,
        version=VERSION,
        domain="elderly",
        compute=compute_tcm_management,
        members=group_members("elderly", "elderly_tcm_management_rate"),
        notes_zh="接受中医药健康管理是指建立了健康档案、接受了中医体质辨识、中医药保健指导、服务记录表填写完整。"
        "注意：分母是辖区内65岁及以上常住居民数，不是接受健康管理的65岁及以上居民数。",
        notes_en="Received: a health record, constitution identified, TCM guidance given, record complete. "
        "Note: the denominator is all residents aged 65+ in the catchment, not those under health management.",
    )
)

INDICATORS = (HEALTH_MANAGEMENT, TCM_MANAGEMENT)
GROUP = register_members_group(MembersGroup("elderly", tuple(d.code for d in INDICATORS), members_group))


def year_query(year: int, level: str = "county", division_prefix: str | None = None) -> IndicatorQuery:
    return IndicatorQuery(date(year, 1, 1), date(year, 12, 31), level, division_prefix)
