"""Queries. Every read of patient data joins the residents domain's readable subquery, so
the principal's scope applies here and nowhere else; out of scope reads as absent."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, exists, select
from sqlalchemy.orm import Session, aliased

from jiceng.chronic.models import Enrolment, LongPrescription, Referral, Screening, Visit
from jiceng.core.security import Principal
from jiceng.residents import service as residents


def readable(principal: Principal) -> Any:
    return residents.readable_residents(principal)


def resident(session: Session, principal: Principal, resident_id: uuid.UUID) -> Row[Any] | None:
    """The in-scope resident's basic columns (id, name, sex, birth_date, village_code, status, …)."""
    r = readable(principal)
    return session.execute(select(r).where(r.c.id == resident_id)).first()


def _scoped(stmt: Select, principal: Principal, resident_column: Any) -> Select:
    r = readable(principal)
    return stmt.where(resident_column.in_(select(r.c.id)))


def enrolment(session: Session, principal: Principal, resident_id: uuid.UUID, disease: str) -> Enrolment | None:
    stmt = select(Enrolment).where(Enrolment.resident_id == resident_id, Enrolment.disease == disease, Enrolment.deleted_at.is_(None))
    return session.scalar(_scoped(stmt, principal, Enrolment.resident_id))


def enrolment_by_id(session: Session, principal: Principal, enrolment_id: uuid.UUID) -> Enrolment | None:
    stmt = select(Enrolment).where(Enrolment.id == enrolment_id, Enrolment.deleted_at.is_(None))
    return session.scalar(_scoped(stmt, principal, Enrolment.resident_id))


def enrolments_of(session: Session, principal: Principal, resident_id: uuid.UUID) -> Sequence[Enrolment]:
    stmt = select(Enrolment).where(Enrolment.resident_id == resident_id, Enrolment.deleted_at.is_(None)).order_by(Enrolment.disease)
    return session.scalars(_scoped(stmt, principal, Enrolment.resident_id)).all()


def visit(session: Session, principal: Principal, visit_id: uuid.UUID) -> Visit | None:
    stmt = select(Visit).where(Visit.id == visit_id, Visit.deleted_at.is_(None))
    return session.scalar(_scoped(stmt, principal, Visit.resident_id))


def amended_by(session: Session, visit_id: uuid.UUID) -> Visit | None:
    return session.scalar(select(Visit).where(Visit.amends_id == visit_id, Visit.deleted_at.is_(None)))


def not_amended() -> Any:
    """The effective version of each visit: no later row amends it."""
    later = aliased(Visit)
    # "IS NOT NULL" lets PostgreSQL read the small partial index of amendments only.
    return ~exists().where(later.amends_id.is_not(None), later.amends_id == Visit.id, later.deleted_at.is_(None))


def effective_visits(session: Session, enrolment_id: uuid.UUID, limit: int | None = None) -> Sequence[Visit]:
    """Effective, not voided visits, newest first (no scope: the caller checked the enrolment)."""
    stmt = (
        select(Visit)
        .where(Visit.enrolment_id == enrolment_id, Visit.deleted_at.is_(None), ~Visit.voided, not_amended())
        .order_by(Visit.visit_date.desc(), Visit.signed_at.desc(), Visit.id.desc())
    )
    if limit:
        stmt = stmt.limit(limit)
    return session.scalars(stmt).all()


def visits_of(session: Session, principal: Principal, resident_id: uuid.UUID, disease: str | None = None) -> Sequence[Visit]:
    """Every version of every visit (amended ones included, for the history), newest first."""
    stmt = select(Visit).where(Visit.resident_id == resident_id, Visit.deleted_at.is_(None))
    if disease:
        stmt = stmt.where(Visit.disease == disease)
    stmt = stmt.order_by(Visit.visit_date.desc(), Visit.signed_at.desc())
    return session.scalars(_scoped(stmt, principal, Visit.resident_id)).all()


def amended_ids(session: Session, visit_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    if not visit_ids:
        return set()
    stmt = select(Visit.amends_id).where(Visit.amends_id.in_(visit_ids), Visit.deleted_at.is_(None))
    return {row for row in session.scalars(stmt) if row is not None}


def screenings_of(session: Session, principal: Principal, resident_id: uuid.UUID) -> Sequence[Screening]:
    stmt = (
        select(Screening).where(Screening.resident_id == resident_id, Screening.deleted_at.is_(None)).order_by(Screening.screened_on.desc())
    )
    return session.scalars(_scoped(stmt, principal, Screening.resident_id)).all()


def referral(session: Session, principal: Principal, referral_id: uuid.UUID) -> Referral | None:
    stmt = select(Referral).where(Referral.id == referral_id, Referral.deleted_at.is_(None))
    return session.scalar(_scoped(stmt, principal, Referral.resident_id))


def referrals_of(session: Session, principal: Principal, resident_id: uuid.UUID) -> Sequence[Referral]:
    stmt = select(Referral).where(Referral.resident_id == resident_id, Referral.deleted_at.is_(None)).order_by(Referral.raised_on.desc())
    return session.scalars(_scoped(stmt, principal, Referral.resident_id)).all()


def open_referrals(session: Session, enrolment_id: uuid.UUID) -> Sequence[Referral]:
    stmt = select(Referral).where(Referral.enrolment_id == enrolment_id, Referral.status == "open", Referral.deleted_at.is_(None))
    return session.scalars(stmt).all()


def prescription(session: Session, principal: Principal, prescription_id: uuid.UUID) -> LongPrescription | None:
    stmt = select(LongPrescription).where(LongPrescription.id == prescription_id, LongPrescription.deleted_at.is_(None))
    return session.scalar(_scoped(stmt, principal, LongPrescription.resident_id))


def prescriptions_of(session: Session, principal: Principal, resident_id: uuid.UUID) -> Sequence[LongPrescription]:
    stmt = (
        select(LongPrescription)
        .where(LongPrescription.resident_id == resident_id, LongPrescription.deleted_at.is_(None))
        .order_by(LongPrescription.start_date.desc())
    )
    return session.scalars(_scoped(stmt, principal, LongPrescription.resident_id)).all()


def visit_chains(session: Session, principal: Principal, resident_id: uuid.UUID, disease: str | None = None) -> Sequence[Row[Any]]:
    """Every live visit of an in-scope resident as (id, amends_id, visit_date, voided), for evidence."""
    stmt = select(Visit.id, Visit.amends_id, Visit.visit_date, Visit.voided).where(
        Visit.resident_id == resident_id, Visit.deleted_at.is_(None)
    )
    if disease:
        stmt = stmt.where(Visit.disease == disease)
    return session.execute(_scoped(stmt, principal, Visit.resident_id)).all()
