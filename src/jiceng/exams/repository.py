"""Health-check queries. Every read of resident data goes through the principal's
scope (``residents.service.readable_residents``); nothing here reads the resident table."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from jiceng.core.security import Principal
from jiceng.exams.models import HealthCheck
from jiceng.residents.service import readable_residents


def resident(session: Session, principal: Principal, resident_id: uuid.UUID) -> Any | None:
    """The in-scope resident's id, name, sex, birth date, status and village (or None)."""
    readable = readable_residents(principal)
    return session.execute(select(readable).where(readable.c.id == resident_id)).first()


def _live() -> Select:
    return select(HealthCheck).where(HealthCheck.deleted_at.is_(None))


def _in_scope(stmt: Select, principal: Principal) -> Select:
    readable = readable_residents(principal)
    return stmt.where(HealthCheck.resident_id.in_(select(readable.c.id)))


def get(session: Session, principal: Principal, check_id: uuid.UUID) -> HealthCheck | None:
    return session.scalar(_in_scope(_live().where(HealthCheck.id == check_id), principal))


def for_resident(session: Session, principal: Principal, resident_id: uuid.UUID, limit: int = 50) -> Sequence[HealthCheck]:
    stmt = _in_scope(_live().where(HealthCheck.resident_id == resident_id), principal)
    return session.scalars(stmt.order_by(HealthCheck.exam_date.desc(), HealthCheck.id.desc()).limit(limit)).all()


def not_amended() -> Any:
    """No live, signed correction points at this check."""
    newer = aliased(HealthCheck)
    return ~exists().where(newer.amends_id == HealthCheck.id, newer.status == "signed", newer.deleted_at.is_(None))


def latest_signed(session: Session, principal: Principal, resident_id: uuid.UUID, on_or_before: date | None = None) -> HealthCheck | None:
    stmt = _in_scope(_live().where(HealthCheck.resident_id == resident_id, HealthCheck.status == "signed", not_amended()), principal)
    if on_or_before is not None:
        stmt = stmt.where(HealthCheck.exam_date <= on_or_before)
    return session.scalar(stmt.order_by(HealthCheck.exam_date.desc(), HealthCheck.id.desc()).limit(1))


def amendment_of(session: Session, check_id: uuid.UUID) -> HealthCheck | None:
    """The live correction of a check, if any (the caller has already checked scope)."""
    stmt = _live().where(HealthCheck.amends_id == check_id).order_by(HealthCheck.id.desc()).limit(1)
    return session.scalar(stmt)


def signed_resident_ids(period_start: date, period_end: date, *, elderly_complete: bool = False) -> Select:
    """Residents with a signed check dated in the period (unscoped: used inside scoped queries)."""
    stmt = select(HealthCheck.resident_id).where(
        HealthCheck.status == "signed",
        HealthCheck.deleted_at.is_(None),
        HealthCheck.exam_date >= period_start,
        HealthCheck.exam_date <= period_end,
    )
    if elderly_complete:
        stmt = stmt.where(HealthCheck.elderly_complete.is_(True))
    return stmt


def elderly_check_summary(period_start: date, period_end: date, within: Select | None = None) -> Select:
    """Per resident with a signed check in the period: the latest check that completes the
    65+ service (``check_date``), the latest check of any kind (``any_check_date``) and
    whether a check found the person bedridden / unable to care for themselves or was a
    home visit (``home_visit`` 1/0). Unscoped: join it to a scoped resident query."""
    home = case((or_(HealthCheck.self_care_level == "4", HealthCheck.visit_mode == "home"), 1), else_=0)
    complete_date = case((HealthCheck.elderly_complete.is_(True), HealthCheck.exam_date), else_=None)
    return (
        select(
            HealthCheck.resident_id.label("resident_id"),
            func.max(complete_date).label("check_date"),
            func.max(HealthCheck.exam_date).label("any_check_date"),
            func.max(home).label("home_visit"),
        )
        .where(
            HealthCheck.status == "signed",
            HealthCheck.deleted_at.is_(None),
            HealthCheck.exam_date >= period_start,
            HealthCheck.exam_date <= period_end,
            *([HealthCheck.resident_id.in_(within)] if within is not None else []),
        )
        .group_by(HealthCheck.resident_id)
    )


def check_chains(session: Session, principal: Principal, resident_id: uuid.UUID) -> Sequence[Any]:
    """Every live check of an in-scope resident as (id, amends_id, exam_date, status), for evidence."""
    stmt = select(HealthCheck.id, HealthCheck.amends_id, HealthCheck.exam_date, HealthCheck.status)
    return session.execute(_in_scope(stmt.where(HealthCheck.resident_id == resident_id, HealthCheck.deleted_at.is_(None)), principal)).all()
