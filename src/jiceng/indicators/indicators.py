"""Health-record indicators (spec §2), defined once as data (ARCHITECTURE §5).

* 健康档案建档率 = 建档人数 / 辖区内常住居民数;
* 电子健康档案建档率 = 建立电子健康档案人数 / 辖区内常住居民数;
* 健康档案使用率（动态使用率）= 有动态记录的档案份数 / 档案总份数.

Conventions (docs/dashboard.md):
* 常住居民 are the live records with status "active" (在档), born by the period's end —
  the same population the signing rate counts. The statistical census population is not
  in Jiceng, so a commission that divides by it will see lower rates;
* every Jiceng record is an electronic record (电子建档, dated by ``record_date``); 建档
  in the sense of the 规范's dossier — cover page and 个人基本信息表 on paper — is the
  record's ``paper_record`` flag;
* a record is *dynamic* when the resident has a service record dated in the 12 months up
  to the period's end. Service records are found generically: every table with a
  ``resident_id`` column is either a declared service source (table, date column) or
  declared not to be one; a test fails for a table that is neither, so a new domain
  decides. Clinical rows count when live, not voided and (where the table has one)
  signed / delivered.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from jiceng.core.clock import CHINA_TZ
from jiceng.core.db import Base
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

VERSION = "2026.1"
SOURCE = "《国家基本公共卫生服务规范（第三版）》居民健康档案管理服务规范 工作指标；spec §2"
DOMAIN = "records"
CODES = ("records.filing_rate", "records.e_record_rate", "records.use_rate")


@dataclass(frozen=True)
class ServiceSource:
    date_column: str
    # column → allowed values (e.g. status signed); plus generic rules in ``_live``
    allowed: dict[str, tuple[Any, ...]] = field(default_factory=dict)


SERVICE_SOURCES: dict[str, ServiceSource] = {
    "chronic_visit": ServiceSource("visit_date"),
    "chronic_screening": ServiceSource("screened_on"),
    "exams_health_check": ServiceSource("exam_date", {"status": ("signed",)}),
    "elderly_tcm_assessment": ServiceSource("assessed_on", {"status": ("signed",)}),
    "contracts_delivery": ServiceSource("delivered_on", {"status": ("delivered",)}),
    "results_observation": ServiceSource("effective_at", {"status": ("final", "amended", "corrected", "preliminary")}),
}
# Tables with a resident_id that hold no service of their own (why, for the reader).
NOT_SERVICES: dict[str, str] = {
    "chronic_enrolment": "a status; its follow-ups are the services",
    "chronic_referral": "raised by a visit or screening, which is the service",
    "chronic_long_prescription": "written at a visit",
    "contracts_contract": "an agreement; its deliveries are the services",
    "contracts_card_access": "access grant",
    "contracts_health_card": "card issue",
    "contracts_population_mark": "a list from another authority",
    "core_audit_event": "audit",
    "indicators_person": "this dashboard's own state",
    "sync_conflict": "sync bookkeeping",
    "sync_merge": "sync bookkeeping",
    "sync_scope_member": "sync bookkeeping",
}


def register_service_source(table_name: str, source: ServiceSource) -> None:
    """A later domain declares which of its records count as a service (动态记录)."""
    SERVICE_SOURCES[table_name] = source


def _tables() -> dict[str, Table]:
    import jiceng.models  # noqa: F401  (every domain's tables in the metadata)

    return dict(Base.metadata.tables)


def resident_table() -> Table:
    """The resident table, for the two record columns ``readable_residents`` does not
    expose (``record_date``, ``paper_record``); always unscoped, like every indicator."""
    return _tables()["resident"]


def _bound(column: Any, day: date, upper: bool) -> ColumnElement[bool]:
    if isinstance(column.type.python_type, type) and column.type.python_type is datetime:
        moment = datetime.combine(day + timedelta(days=1) if upper else day, time(), CHINA_TZ)
        return column < moment if upper else column >= moment
    return column <= day if upper else column >= day


def service_resident_ids(start: date, end: date, within: Sequence[uuid.UUID] | None = None) -> list[Select[Any]]:
    """One select of resident ids per service source, for services dated start..end."""
    tables = _tables()
    selects = []
    for name, source in sorted(SERVICE_SOURCES.items()):
        table = tables.get(name)
        if table is None:
            continue
        column = table.c[source.date_column]
        conditions = [_bound(column, start, False), _bound(column, end, True)]
        if "deleted_at" in table.c:
            conditions.append(table.c.deleted_at.is_(None))
        if "voided" in table.c:
            conditions.append(table.c.voided.is_(False))
        if "signed_at" in table.c:
            conditions.append(table.c.signed_at.is_not(None))
        conditions += [table.c[col].in_(values) for col, values in source.allowed.items()]
        if within is not None:
            conditions.append(table.c.resident_id.in_(within))
        selects.append(select(table.c.resident_id).where(*conditions))
    return selects


def dynamic_window(end: date) -> tuple[date, date]:
    """The 12 months up to ``end`` (a year earlier, exclusive)."""
    try:
        before = end.replace(year=end.year - 1)
    except ValueError:
        before = date(end.year - 1, 2, 28)
    return before + timedelta(days=1), end


@dataclass(frozen=True)
class Rule:
    population: Any  # denominator condition over the resident table
    numerator: Any


def rule(code: str, query: IndicatorQuery, within: Sequence[uuid.UUID] | None = None) -> Rule:
    r = resident_table()
    resident = and_(r.c.deleted_at.is_(None), r.c.status == "active", r.c.birth_date <= query.period_end)
    has_record = r.c.record_date <= query.period_end
    if code == CODES[0]:
        return Rule(resident, and_(has_record, r.c.paper_record.is_(True)))
    if code == CODES[1]:
        return Rule(resident, has_record)
    start, end = dynamic_window(query.period_end)
    served = [r.c.id.in_(s) for s in service_resident_ids(start, end, within)]
    return Rule(and_(resident, has_record), or_(*served) if served else false())


def members_group(session: Session, query: IndicatorQuery, within: Sequence[uuid.UUID] | None = None) -> Select[Any]:
    """The per-person form of the three indicators (``core.indicators.MembersGroup``)."""
    r = resident_table()
    rules = [rule(code, query, within) for code in CODES]
    columns = []
    for i, found in enumerate(rules):
        columns += [
            case((and_(found.population, found.numerator), 1), else_=0).label(f"n{i}"),
            case((found.population, 1), else_=0).label(f"d{i}"),
        ]
    stmt = select(r.c.id.label("resident_id"), r.c.village_code, *columns).where(rules[0].population)
    return stmt.where(r.c.id.in_(within)) if within is not None else stmt


def _compute(code: str) -> Any:
    def compute(session: Session, query: IndicatorQuery) -> list[IndicatorValue]:
        """Straight from the resident table (and the service tables), grouped at the query's level."""
        r = resident_table()
        found = rule(code, query)
        group = func.substr(r.c.village_code, 1, LEVEL_PREFIX[query.level])
        stmt = select(group, func.count(), func.sum(case((found.numerator, 1), else_=0))).where(found.population).group_by(group)
        if query.division_prefix:
            stmt = stmt.where(division_range(query.division_prefix, r.c.village_code))
        return [IndicatorValue(str(g).ljust(12, "0"), int(n or 0), int(d)) for g, d, n in session.execute(stmt.order_by(group))]

    return compute


RESIDENTS_ZH, RESIDENTS_EN = (
    "辖区内常住居民数（在档居民，统计期末已出生）",
    "Resident population (active records, born by the period's end)",
)


def _define(
    code: str,
    names: tuple[str, str],
    numerator: tuple[str, str],
    denominator: tuple[str, str],
    notes: tuple[str, str],
    target: float | None,
) -> IndicatorDefinition:
    return register(
        IndicatorDefinition(
            code=code,
            name_zh=names[0],
            name_en=names[1],
            numerator_zh=numerator[0],
            numerator_en=numerator[1],
            denominator_zh=denominator[0],
            denominator_en=denominator[1],
            period="year",
            source=SOURCE,
            version=VERSION,
            domain=DOMAIN,
            compute=_compute(code),
            notes_zh=notes[0],
            notes_en=notes[1],
            default_target=target,
            members=group_members(DOMAIN, code),
        )
    )


FILING = _define(
    "records.filing_rate",
    ("健康档案建档率", "Health-record filing rate"),
    (
        "建档人数（个人基本信息表及纸质档案封面已建立，统计期末前建档）",
        "Residents with the full dossier (personal form and paper cover) by the period's end",
    ),
    (RESIDENTS_ZH, RESIDENTS_EN),
    (
        "建档指完成健康档案封面和个人基本信息表（纸质档案）；常住人口以在档居民计，未使用统计部门常住人口数。",
        "Filed: the record's cover page and personal form kept on paper (paper_record). The population is the active records, not the census figure.",
    ),
    0.9,
)
E_RECORD = _define(
    "records.e_record_rate",
    ("电子健康档案建档率", "Electronic health-record rate"),
    ("建立电子健康档案人数（统计期末前建档）", "Residents with an electronic record dated by the period's end"),
    (RESIDENTS_ZH, RESIDENTS_EN),
    ("本系统中的每份档案均为电子档案，以建档日期计。", "Every Jiceng record is electronic; counted from its record date."),
    0.9,
)
USE = _define(
    "records.use_rate",
    ("健康档案使用率（动态使用率）", "Health-record use rate (dynamic records)"),
    ("档案中有动态记录的档案份数（统计期末前12个月内有服务记录）", "Records with a service record in the 12 months up to the period's end"),
    ("档案总份数（统计期末前建立的在档电子档案）", "Records (active electronic records dated by the period's end)"),
    (
        "动态记录：随访、筛查、健康体检、中医药健康管理、签约服务履约、检验检查结果等服务记录（已签名、未作废）。",
        "A service record: a follow-up, screening, health check, TCM service, contract delivery or result (signed, not voided).",
    ),
    0.6,
)
ALL = (FILING, E_RECORD, USE)
GROUP = register_members_group(MembersGroup(DOMAIN, CODES, members_group))
