"""TCM records and yearly service tracking. Resident data is read only through the
principal's scope (``residents.service.readable_residents``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from jiceng.core.security import Principal
from jiceng.elderly.models import TcmAssessment
from jiceng.exams import service as exams
from jiceng.residents.service import readable_residents


def resident(session: Session, principal: Principal, resident_id: uuid.UUID) -> Any | None:
    readable = readable_residents(principal)
    return session.execute(select(readable).where(readable.c.id == resident_id)).first()


def _live() -> Select:
    return select(TcmAssessment).where(TcmAssessment.deleted_at.is_(None))


def _in_scope(stmt: Select, principal: Principal) -> Select:
    readable = readable_residents(principal)
    return stmt.where(TcmAssessment.resident_id.in_(select(readable.c.id)))


def get(session: Session, principal: Principal, record_id: uuid.UUID) -> TcmAssessment | None:
    return session.scalar(_in_scope(_live().where(TcmAssessment.id == record_id), principal))


def for_resident(session: Session, principal: Principal, resident_id: uuid.UUID, limit: int = 50) -> Sequence[TcmAssessment]:
    stmt = _in_scope(_live().where(TcmAssessment.resident_id == resident_id), principal)
    return session.scalars(stmt.order_by(TcmAssessment.assessed_on.desc(), TcmAssessment.id.desc()).limit(limit)).all()


def latest_signed(session: Session, principal: Principal, resident_id: uuid.UUID) -> TcmAssessment | None:
    newer = aliased(TcmAssessment)
    corrected = exists().where(newer.amends_id == TcmAssessment.id, newer.status == "signed", newer.deleted_at.is_(None))
    stmt = _in_scope(_live().where(TcmAssessment.resident_id == resident_id, TcmAssessment.status == "signed", ~corrected), principal)
    return session.scalar(stmt.order_by(TcmAssessment.assessed_on.desc(), TcmAssessment.id.desc()).limit(1))


def amendment_of(session: Session, record_id: uuid.UUID) -> TcmAssessment | None:
    return session.scalar(_live().where(TcmAssessment.amends_id == record_id).order_by(TcmAssessment.id.desc()).limit(1))


def complete_resident_ids(period_start: date, period_end: date) -> Select:
    """Residents with a signed, complete TCM service in the period (unscoped)."""
    return select(TcmAssessment.resident_id).where(
        TcmAssessment.status == "signed",
        TcmAssessment.deleted_at.is_(None),
        TcmAssessment.complete.is_(True),
        TcmAssessment.assessed_on >= period_start,
        TcmAssessment.assessed_on <= period_end,
    )


def tcm_summary(period_start: date, period_end: date, within: Select | None = None) -> Select:
    """Per resident: latest complete TCM service (``tcm_date``) and latest signed one."""
    complete_date = case((TcmAssessment.complete.is_(True), TcmAssessment.assessed_on), else_=None)
    return (
        select(
            TcmAssessment.resident_id.label("resident_id"),
            func.max(complete_date).label("tcm_date"),
            func.max(TcmAssessment.assessed_on).label("any_tcm_date"),
        )
        .where(
            TcmAssessment.status == "signed",
            TcmAssessment.deleted_at.is_(None),
            TcmAssessment.assessed_on >= period_start,
            TcmAssessment.assessed_on <= period_end,
            *([TcmAssessment.resident_id.in_(within)] if within is not None else []),
        )
        .group_by(TcmAssessment.resident_id)
    )


def cohort_cutoff(year: int) -> date:
    """Born on or before this day: 65 or over by 31 December of ``year``."""
    return date(year - exams.ELDERLY_AGE, 12, 31)


def tracking(
    principal: Principal, year: int, village: str | None = None, resident_id: uuid.UUID | None = None
) -> tuple[Any, Any, Any, Any, Select]:
    """The readable 65+ active residents of ``year`` outer-joined to their checks and TCM services.

    The people are one CTE, read once (PostgreSQL materializes a CTE used more than once),
    and the services are aggregated only for them."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    readable = readable_residents(principal)
    people_stmt = select(readable.c.id, readable.c.name, readable.c.sex, readable.c.birth_date, readable.c.village_code).where(
        readable.c.status == "active", readable.c.birth_date <= cohort_cutoff(year)
    )
    if village:
        people_stmt = people_stmt.where(readable.c.village_code == village)
    if resident_id is not None:
        people_stmt = people_stmt.where(readable.c.id == resident_id)
    people = people_stmt.cte("elderly_people")
    ids = select(people.c.id)
    checks = exams.elderly_check_summary(start, end, ids).subquery("checks")
    # Bedridden / home-visit status found at any check this year or last.
    home = exams.elderly_check_summary(date(year - 1, 1, 1), end, ids).subquery("home")
    tcm = tcm_summary(start, end, ids).subquery("tcm")
    stmt = (
        select(people)
        .outerjoin(checks, checks.c.resident_id == people.c.id)
        .outerjoin(tcm, tcm.c.resident_id == people.c.id)
        .outerjoin(home, home.c.resident_id == people.c.id)
    )
    return people, checks, tcm, home, stmt


MISSING = ("any", "check", "tcm")


def service_rows(
    session: Session,
    principal: Principal,
    year: int,
    village: str | None,
    missing: str | None,
    offset: int,
    limit: int,
    resident_id: uuid.UUID | None = None,
) -> tuple[list[Any], int]:
    readable, checks, tcm, home, stmt = tracking(principal, year, village, resident_id)
    if missing == "check":
        stmt = stmt.where(checks.c.check_date.is_(None))
    elif missing == "tcm":
        stmt = stmt.where(tcm.c.tcm_date.is_(None))
    elif missing == "any":
        stmt = stmt.where(or_(checks.c.check_date.is_(None), tcm.c.tcm_date.is_(None)))
    total = int(session.scalar(select(func.count()).select_from(stmt.with_only_columns(readable.c.id).subquery())) or 0)
    rows = session.execute(
        stmt.with_only_columns(
            readable.c.id,
            readable.c.name,
            readable.c.sex,
            readable.c.birth_date,
            readable.c.village_code,
            checks.c.check_date,
            checks.c.any_check_date,
            tcm.c.tcm_date,
            tcm.c.any_tcm_date,
            func.coalesce(home.c.home_visit, 0).label("home_visit"),
        )
        .order_by(readable.c.village_code, readable.c.name, readable.c.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), total


def service_counts(session: Session, principal: Principal, year: int) -> list[Any]:
    """Per village: the 65+ population, checked, TCM served, both, and home-visit cases."""
    readable, checks, tcm, home, stmt = tracking(principal, year)
    both = case((and_(checks.c.check_date.isnot(None), tcm.c.tcm_date.isnot(None)), 1), else_=0)
    grouped = stmt.with_only_columns(
        readable.c.village_code,
        func.count().label("population"),
        func.count(checks.c.check_date).label("checked"),
        func.count(tcm.c.tcm_date).label("tcm"),
        func.sum(both).label("both"),
        func.sum(func.coalesce(home.c.home_visit, 0)).label("home_visit"),
    ).group_by(readable.c.village_code)
    return list(session.execute(grouped.order_by(readable.c.village_code)).all())


def assessment_chains(session: Session, principal: Principal, resident_id: uuid.UUID) -> Sequence[Any]:
    """Every live TCM service of an in-scope resident as (id, amends_id, assessed_on, status), for evidence."""
    stmt = select(TcmAssessment.id, TcmAssessment.amends_id, TcmAssessment.assessed_on, TcmAssessment.status)
    return session.execute(
        _in_scope(stmt.where(TcmAssessment.resident_id == resident_id, TcmAssessment.deleted_at.is_(None)), principal)
    ).all()
