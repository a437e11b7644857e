"""The per-person, per-period computation behind the chronic indicators (``patient_year``):
for each patient under management in the period, face-to-face visits, the quarters they fall
in, whether the annual health check was done, and whether the latest effective visit was on
target; computed by village in SQL over the source tables."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, literal, not_, or_, select, text
from sqlalchemy.orm import Session

from jiceng.chronic import annual_check, codes, repository
from jiceng.chronic.codes import HTN, T2DM
from jiceng.chronic.models import Enrolment, Visit
from jiceng.chronic.rules import RuleSet, Threshold, quarter_starts, standard_requirements
from jiceng.core.indicators import (
    IndicatorQuery,
)
from jiceng.core.scope import division_range


@dataclass(frozen=True)
class VillageCounts:
    managed: int = 0
    standardized: int = 0
    controlled: int = 0


def _sql(threshold: Threshold, column: Any) -> Any:
    ops = {">=": column >= threshold.value, ">": column > threshold.value, "<=": column <= threshold.value, "<": column < threshold.value}
    return ops[threshold.op]


def on_target_sql(disease: str, rules: RuleSet) -> Any:
    """达标 at a visit: SBP and DBP below the target for the age at the visit; FPG below target."""
    if disease == HTN:
        elderly = Visit.age_years >= rules.elderly_age
        sbp_hit = case((elderly, _sql(rules.elderly_sbp, Visit.sbp)), else_=_sql(rules.htn_sbp, Visit.sbp))
        dbp_hit = case((elderly, _sql(rules.elderly_dbp, Visit.dbp)), else_=_sql(rules.htn_dbp, Visit.dbp))
        return and_(Visit.sbp.is_not(None), Visit.dbp.is_not(None), not_(sbp_hit), not_(dbp_hit))
    return and_(Visit.fpg.is_not(None), not_(_sql(rules.fpg, Visit.fpg)))


def managed_in_period(query: IndicatorQuery) -> Any:
    """年内已管理: enrolled by the period's end and not moved or dead before its start.
    Patients lost to follow-up stay managed (and count as not on target)."""
    return and_(
        Enrolment.deleted_at.is_(None),
        Enrolment.enrolled_on <= query.period_end,
        or_(Enrolment.status.in_(("managed", "lost")), Enrolment.status_date >= query.period_start),
    )


def _residents(residents_sq: Any, query: IndicatorQuery) -> Any:
    if query.division_prefix:
        return division_range(query.division_prefix, residents_sq.c.village_code)
    return literal(True)


def adults_born_by(query: IndicatorQuery, rules: RuleSet) -> date:
    try:
        return query.period_end.replace(year=query.period_end.year - rules.adult_age)
    except ValueError:  # 29 February
        return date(query.period_end.year - rules.adult_age, 2, 28)


def _per_enrolment(query: IndicatorQuery, rules: RuleSet, within: Sequence[uuid.UUID] | None = None) -> Any:
    """One pass over the period's effective visits (both conditions): per enrolment, the
    face-to-face visits, the quarters they fall in, and whether the latest was on target."""
    starts = quarter_starts(query.period_start, query.period_end)
    face = Visit.mode.in_(codes.FACE_TO_FACE_MODES)
    on_target = case((Visit.disease == HTN, on_target_sql(HTN, rules)), else_=on_target_sql(T2DM, rules))
    effective_stmt = select(
        Visit.enrolment_id,
        Visit.visit_date,
        case((face, 1), else_=0).label("face"),
        case((on_target, 1), else_=0).label("on_target"),
        func.row_number()
        .over(partition_by=Visit.enrolment_id, order_by=(Visit.visit_date.desc(), Visit.signed_at.desc(), Visit.id.desc()))
        .label("rank"),
    ).where(
        Visit.deleted_at.is_(None),
        ~Visit.voided,
        Visit.visit_date >= query.period_start,
        Visit.visit_date <= query.period_end,
        repository.not_amended(),
    )
    if within is not None:
        effective_stmt = effective_stmt.where(Visit.resident_id.in_(within))
    effective = effective_stmt.subquery("effective")
    bounds = [*starts[1:], None]
    quarter_flags = [
        func.max(
            case(
                (and_(effective.c.face == 1, effective.c.visit_date >= start, *([effective.c.visit_date < end] if end else [])), 1), else_=0
            )
        )
        for start, end in zip(starts, bounds, strict=True)
    ]
    return (
        select(
            effective.c.enrolment_id,
            func.sum(effective.c.face).label("face_to_face"),
            sum(quarter_flags[1:], quarter_flags[0]).label("quarters"),
            func.max(case((effective.c.rank == 1, effective.c.on_target), else_=0)).label("on_target"),
        )
        .group_by(effective.c.enrolment_id)
        .subquery("per_enrolment")
    )


def _standardized(query: IndicatorQuery, rules: RuleSet, facts: Any) -> Any:
    """The 规范管理 rule (rules.is_standardized) as SQL over an enrolment's facts."""
    starts = quarter_starts(query.period_start, query.period_end)
    missed = sum((case((facts.c.enrolled_on >= start, 1), else_=0) for start in starts[1:]), literal(0))
    face_to_face = func.coalesce(facts.c.face_to_face, 0)
    quarters = func.coalesce(facts.c.quarters, 0)
    meets = or_(
        *(
            and_(missed == m, face_to_face >= need_visits, quarters >= need_quarters)
            for m in range(len(starts))
            for need_visits, need_quarters in [standard_requirements(m, rules)]
        )
    )
    if rules.standard_requires_health_check:
        meets = and_(meets, facts.c.checked == 1)
    return meets


@dataclass(frozen=True)
class VillageRow:
    adults: int
    counts: dict[str, VillageCounts]  # by condition


def resident_flags(query: IndicatorQuery, rules: RuleSet, within: Sequence[uuid.UUID] | None = None) -> tuple[Any, list[Any]]:
    """Per resident with an enrolment managed in the period, and per condition: managed,
    standardized and controlled (0/1). ``within`` restricts it to some residents."""
    visits = _per_enrolment(query, rules, within)
    checked_ids = annual_check.resident_ids(query.period_start, query.period_end)
    if within is not None:
        checked_ids = checked_ids.where(checked_ids.selected_columns[0].in_(within))
    checked = checked_ids.distinct().subquery("checked")
    checked_id = next(iter(checked.c))
    facts_stmt = (
        select(
            Enrolment.resident_id,
            Enrolment.disease,
            Enrolment.enrolled_on,
            visits.c.face_to_face,
            visits.c.quarters,
            func.coalesce(visits.c.on_target, 0).label("on_target"),
            case((checked_id.is_not(None), 1), else_=0).label("checked"),
        )
        .outerjoin(visits, visits.c.enrolment_id == Enrolment.id)
        .outerjoin(checked, checked_id == Enrolment.resident_id)
        .where(managed_in_period(query))
    )
    if within is not None:
        facts_stmt = facts_stmt.where(Enrolment.resident_id.in_(within))
    facts = facts_stmt.subquery("facts")
    meets = case((_standardized(query, rules, facts), 1), else_=0)
    columns = []
    for disease in (HTN, T2DM):
        mine = facts.c.disease == disease
        columns += [
            func.max(case((mine, 1), else_=0)).label(f"{disease}_managed"),
            func.max(case((mine, meets), else_=0)).label(f"{disease}_standardized"),
            func.max(case((mine, facts.c.on_target), else_=0)).label(f"{disease}_controlled"),
        ]
    return select(facts.c.resident_id, *columns).group_by(facts.c.resident_id), columns


def village_table(session: Session, query: IndicatorQuery, residents_sq: Any, rules: RuleSet) -> dict[str, VillageRow]:
    """Per village: adult residents, and per condition the managed, standardized and
    controlled patients. One query: one pass over residents, enrolments and visits."""
    if session.get_bind().dialect.name == "postgresql":
        # An analytic query: JIT compilation costs more than it saves here, and the window
        # sort should stay in memory (both only for this transaction).
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '64MB'"))
    per_resident_stmt, columns = resident_flags(query, rules)
    per_resident = per_resident_stmt.subquery("per_resident")
    adult = and_(residents_sq.c.status == "active", residents_sq.c.birth_date <= adults_born_by(query, rules))
    stmt = (
        select(
            residents_sq.c.village_code,
            func.sum(case((adult, 1), else_=0)),
            *(func.sum(func.coalesce(per_resident.c[c.name], 0)) for c in columns),
        )
        .select_from(residents_sq)
        .outerjoin(per_resident, per_resident.c.resident_id == residents_sq.c.id)
        .where(_residents(residents_sq, query))
        .group_by(residents_sq.c.village_code)
    )
    table = {}
    for village, adults, *numbers in session.execute(stmt):
        n = [int(x or 0) for x in numbers]
        table[village] = VillageRow(int(adults or 0), {HTN: VillageCounts(*n[:3]), T2DM: VillageCounts(*n[3:])})
    return table
