"""The six chronic-disease indicators of spec §2, each defined once as data with the one
function that computes it (ARCHITECTURE §5).

All six rest on one per-person, per-period computation (``patient_year``): for each
patient under management in the period, the face-to-face visits, the quarters they
fall in, whether the annual health check was done, and whether the latest effective
visit was on target. It is computed by village in SQL over the source tables and rolled
up to township, county and city in Python, so a division's numbers are exactly the sum
of its villages' (node and region agree; the estimate's rounding happens per division).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from jiceng.chronic import access, repository
from jiceng.chronic.codes import HTN, T2DM
from jiceng.chronic.patient_year import VillageRow, adults_born_by, resident_flags, village_table
from jiceng.chronic.rules import RuleSet
from jiceng.chronic.settings import load_rules
from jiceng.core import audit
from jiceng.core.errors import FieldError, ValidationFailed
from jiceng.core.indicators import (
    LEVEL_PREFIX,
    DenominatorScale,
    IndicatorDefinition,
    IndicatorQuery,
    IndicatorValue,
    MembersGroup,
    group_members,
    register,
    register_members_group,
)
from jiceng.core.security import Principal

VERSION = "2026.1"
SOURCE = "《国家基本公共卫生服务规范（第三版）》高血压/2型糖尿病患者健康管理服务规范 工作指标；spec §2"
ALL_RESIDENTS = Principal.console_operator()


def roll_up(per_village: dict[str, Any], level: str, pick: Callable[[Any], int]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    cut = LEVEL_PREFIX[level]
    for village, value in per_village.items():
        totals[village[:cut].ljust(12, "0")] += pick(value)
    return totals


def estimate(adults: int, prevalence: float) -> int:
    """Estimated patients, rounded half up (not to even) so every division rounds alike."""
    return int(Decimal(adults * prevalence).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Spec:
    disease: str
    measure: str  # management, standardized, control


def values_for(spec: Spec, query: IndicatorQuery, table: dict[str, VillageRow], rules: RuleSet) -> list[IndicatorValue]:
    counts = {village: row.counts[spec.disease] for village, row in table.items()}
    managed = {g: n for g, n in roll_up(counts, query.level, lambda c: c.managed).items()}
    if spec.measure == "management":
        prevalence = rules.htn_prevalence if spec.disease == HTN else rules.dm_prevalence
        adult_totals = roll_up(table, query.level, lambda row: row.adults)
        groups = sorted(g for g in set(adult_totals) | set(managed) if adult_totals.get(g) or managed.get(g))
        return [IndicatorValue(g, managed.get(g, 0), estimate(adult_totals.get(g, 0), prevalence)) for g in groups]
    numerators = roll_up(counts, query.level, (lambda c: c.standardized) if spec.measure == "standardized" else (lambda c: c.controlled))
    return [IndicatorValue(g, numerators.get(g, 0), managed[g]) for g in sorted(managed) if managed[g]]


def compute_spec(session: Session, spec: Spec, query: IndicatorQuery, residents_sq: Any | None = None) -> list[IndicatorValue]:
    rules = load_rules(session)
    residents_sq = residents_sq if residents_sq is not None else repository.readable(ALL_RESIDENTS)
    return values_for(spec, query, village_table(session, query, residents_sq, rules), rules)


def compute_all(
    session: Session, query: IndicatorQuery, residents_sq: Any | None = None, levels: tuple[str, ...] | None = None
) -> dict[str, dict[str, list[IndicatorValue]]]:
    """Every chronic indicator at every requested level, from one query."""
    rules = load_rules(session)
    residents_sq = residents_sq if residents_sq is not None else repository.readable(ALL_RESIDENTS)
    table = village_table(session, query, residents_sq, rules)
    return {
        d.code: {level: values_for(SPECS[d.code], _at(query, level), table, rules) for level in (levels or (query.level,))}
        for d in DEFINITIONS
    }


def members_group(session: Session, query: IndicatorQuery, within: Sequence[uuid.UUID] | None = None) -> Any:
    """The per-person form of the six indicators (``core.indicators.MembersGroup``): the
    residents the village table counts, with their flags. For the management rates the
    denominator people are the adult residents (scaled by ``denominator_scale``); managed
    patients who are not (moved or died during the year) still count in the numerator."""
    rules = load_rules(session)
    rr = repository.readable(ALL_RESIDENTS)
    flags = resident_flags(query, rules, within)[0].subquery("chronic_flags")
    adult = and_(rr.c.status == "active", rr.c.birth_date <= adults_born_by(query, rules))
    columns = []
    for i, definition in enumerate(DEFINITIONS):
        spec = SPECS[definition.code]
        managed: Any = func.coalesce(flags.c[f"{spec.disease}_managed"], 0)
        numerator: Any
        denominator: Any
        if spec.measure == "management":
            numerator, denominator = managed, case((adult, 1), else_=0)
        else:
            measure = "standardized" if spec.measure == "standardized" else "controlled"
            numerator, denominator = func.coalesce(flags.c[f"{spec.disease}_{measure}"], 0), managed
        columns += [numerator.label(f"n{i}"), denominator.label(f"d{i}")]
    stmt = (
        select(rr.c.id.label("resident_id"), rr.c.village_code, *columns)
        .select_from(rr)
        .outerjoin(flags, flags.c.resident_id == rr.c.id)
        .where(or_(adult, flags.c.resident_id.is_not(None)))
    )
    return stmt.where(rr.c.id.in_(within)) if within is not None else stmt


def scale_for(spec: Spec) -> DenominatorScale:
    def scale(session: Session) -> Callable[[int], int]:
        rules = load_rules(session)
        prevalence = rules.htn_prevalence if spec.disease == HTN else rules.dm_prevalence
        return lambda adults: estimate(adults, prevalence)

    return scale


def _at(query: IndicatorQuery, level: str) -> IndicatorQuery:
    return IndicatorQuery(query.period_start, query.period_end, level, query.division_prefix)


def _define(
    code: str,
    spec: Spec,
    names: tuple[str, str],
    numerator: tuple[str, str],
    denominator: tuple[str, str],
    notes: tuple[str, str],
    target: float,
) -> IndicatorDefinition:
    def compute(session: Session, query: IndicatorQuery) -> list[IndicatorValue]:
        return compute_spec(session, spec, query)

    SPECS[code] = spec
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
            domain="chronic",
            compute=compute,
            notes_zh=notes[0],
            notes_en=notes[1],
            default_target=target,
            members=group_members("chronic", code),
            denominator_scale=scale_for(spec) if spec.measure == "management" else None,
        )
    )


SPECS: dict[str, Spec] = {}
MANAGED_ZH = {HTN: "年内已管理的高血压患者人数", T2DM: "年内已管理的2型糖尿病患者人数"}
MANAGED_EN = {HTN: "hypertension patients managed in the year", T2DM: "type 2 diabetes patients managed in the year"}
STANDARD_NOTE = (
    "按规范管理：年内面对面随访≥4次且每季度至少1次，并完成年度健康体检（区域可配置，年内新纳入者按剩余季度折算）",
    "Managed to the specification: ≥4 face-to-face visits in the year, at least one each quarter, plus the annual health check (configurable per region; pro-rated for patients enrolled during the year)",
)
DEFINITIONS = [
    _define(
        "chronic.htn.management_rate",
        Spec(HTN, "management"),
        ("高血压患者管理率", "Hypertension management rate"),
        (MANAGED_ZH[HTN], MANAGED_EN[HTN].capitalize()),
        (
            "年内辖区内高血压患者总人数（常住成年人口×成年人高血压患病率）",
            "Estimated hypertension patients (adult residents × adult prevalence)",
        ),
        ("患病率可由区域配置，默认27.5%", "Prevalence is configurable per region; default 27.5 %"),
        0.3,
    ),
    _define(
        "chronic.htn.standardized_rate",
        Spec(HTN, "standardized"),
        ("高血压患者规范管理率", "Hypertension standardized management rate"),
        ("按照规范要求进行高血压患者健康管理的人数", "Hypertension patients managed to the specification"),
        (MANAGED_ZH[HTN], MANAGED_EN[HTN].capitalize()),
        STANDARD_NOTE,
        0.8,
    ),
    _define(
        "chronic.htn.bp_control_rate",
        Spec(HTN, "control"),
        ("管理人群血压控制率", "Blood-pressure control rate among managed patients"),
        ("年内最近一次随访血压达标人数", "Patients on target at their latest follow-up in the year"),
        (MANAGED_ZH[HTN], MANAGED_EN[HTN].capitalize()),
        (
            "达标：收缩压<140且舒张压<90mmHg（65岁及以上<150且<90）；失访者按未达标计",
            "On target: SBP <140 and DBP <90 (aged 65+: <150 and <90); lost to follow-up counts as not on target",
        ),
        0.5,
    ),
    _define(
        "chronic.t2dm.management_rate",
        Spec(T2DM, "management"),
        ("2型糖尿病患者管理率", "Type 2 diabetes management rate"),
        (MANAGED_ZH[T2DM], MANAGED_EN[T2DM].capitalize()),
        ("年内辖区内2型糖尿病患者总人数（估算）", "Estimated type 2 diabetes patients (adult residents × adult prevalence)"),
        ("患病率可由区域配置，默认11.9%", "Prevalence is configurable per region; default 11.9 %"),
        0.3,
    ),
    _define(
        "chronic.t2dm.standardized_rate",
        Spec(T2DM, "standardized"),
        ("2型糖尿病患者规范管理率", "Type 2 diabetes standardized management rate"),
        ("按照规范要求进行2型糖尿病患者健康管理的人数", "Diabetes patients managed to the specification"),
        (MANAGED_ZH[T2DM], MANAGED_EN[T2DM].capitalize()),
        STANDARD_NOTE,
        0.8,
    ),
    _define(
        "chronic.t2dm.glucose_control_rate",
        Spec(T2DM, "control"),
        ("管理人群血糖控制率", "Glucose control rate among managed patients"),
        ("年内最近一次随访空腹血糖达标人数", "Patients with on-target fasting glucose at their latest follow-up"),
        (MANAGED_ZH[T2DM], MANAGED_EN[T2DM].capitalize()),
        ("达标：空腹血糖<7.0mmol/L；失访者按未达标计", "On target: fasting glucose <7.0 mmol/L; lost to follow-up counts as not on target"),
        0.5,
    ),
]
GROUP = register_members_group(MembersGroup("chronic", tuple(d.code for d in DEFINITIONS), members_group))


@dataclass(frozen=True)
class IndicatorReport:
    query: IndicatorQuery
    values: dict[str, list[IndicatorValue]]  # indicator code → values at the query's level

    @property
    def definitions(self) -> list[IndicatorDefinition]:
        return DEFINITIONS


def report(session: Session, principal: Principal, query: IndicatorQuery) -> IndicatorReport:
    """The six indicators over the principal's scope (a supervisor's division, a clinic's
    catchment), grouped at the query's level. Aggregates only; the view is audited."""
    principal.require(access.INDICATORS)
    if query.level not in LEVEL_PREFIX:
        raise ValidationFailed(
            [
                FieldError(
                    "level",
                    "unknown_level",
                    "汇总层级：应为 city/county/township/village",
                    "Level: must be city, county, township or village",
                )
            ]
        )
    values = compute_all(session, query, repository.readable(principal))
    audit.record(
        session,
        principal,
        "view",
        "chronic_indicators",
        detail={
            "from": query.period_start.isoformat(),
            "to": query.period_end.isoformat(),
            "level": query.level,
            "division": query.division_prefix,
        },
    )
    return IndicatorReport(query, {code: by_level[query.level] for code, by_level in values.items()})
