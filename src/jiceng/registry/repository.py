"""Queries over divisions, institutions, alliances and staff (reference data, unscoped)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from jiceng.core.scope import division_range
from jiceng.registry.models import (
    Alliance,
    AllianceMember,
    Division,
    Institution,
    InstitutionCatchment,
    Staff,
    SupportPairing,
)


def live(stmt: Select, model: type) -> Select:
    return stmt.where(model.deleted_at.is_(None))  # type: ignore[attr-defined]


def division_by_code(session: Session, code: str) -> Division | None:
    return session.scalar(live(select(Division), Division).where(Division.code == code))


def divisions_by_codes(session: Session, codes: Sequence[str]) -> dict[str, Division]:
    if not codes:
        return {}
    rows = session.scalars(live(select(Division), Division).where(Division.code.in_(set(codes))))
    return {d.code: d for d in rows}


def division_children(session: Session, parent_code: str | None) -> Sequence[Division]:
    stmt = live(select(Division), Division)
    stmt = stmt.where(Division.parent_code.is_(None)) if parent_code is None else stmt.where(Division.parent_code == parent_code)
    return session.scalars(stmt.order_by(Division.code)).all()


def divisions_at_level(session: Session, level: str, under: str | None = None) -> Sequence[Division]:
    stmt = live(select(Division), Division).where(Division.level == level)
    if under:
        stmt = stmt.where(division_range(under, Division.code))
    return session.scalars(stmt.order_by(Division.code)).all()


def institution(session: Session, institution_id: uuid.UUID) -> Institution | None:
    return session.scalar(live(select(Institution), Institution).where(Institution.id == institution_id))


def institution_by_code(session: Session, code: str) -> Institution | None:
    return session.scalar(live(select(Institution), Institution).where(Institution.code == code))


def institutions(
    session: Session, under: str | None = None, kinds: Sequence[str] | None = None, limit: int | None = None
) -> Sequence[Institution]:
    stmt = live(select(Institution), Institution)
    if under:
        stmt = stmt.where(division_range(under, Institution.division_code))
    if kinds:
        stmt = stmt.where(Institution.kind.in_(kinds))
    stmt = stmt.order_by(Institution.division_code, Institution.kind, Institution.name)
    if limit:
        stmt = stmt.limit(limit)
    return session.scalars(stmt).all()


def catchment_villages(session: Session, institution_id: uuid.UUID) -> list[str]:
    stmt = live(select(InstitutionCatchment.village_code), InstitutionCatchment).where(
        InstitutionCatchment.institution_id == institution_id
    )
    return sorted(session.scalars(stmt))


def catchment_subquery(institution_id: uuid.UUID) -> Select:
    return live(select(InstitutionCatchment.village_code), InstitutionCatchment).where(
        InstitutionCatchment.institution_id == institution_id
    )


def catchment_rows(session: Session, institution_id: uuid.UUID) -> Sequence[InstitutionCatchment]:
    return session.scalars(select(InstitutionCatchment).where(InstitutionCatchment.institution_id == institution_id)).all()


def institution_counts(session: Session, under: str | None) -> dict[str, int]:
    stmt = live(select(Institution.kind, func.count()), Institution).group_by(Institution.kind)
    if under:
        stmt = stmt.where(division_range(under, Institution.division_code))
    return {kind: count for kind, count in session.execute(stmt)}


def staff_member(session: Session, staff_id: uuid.UUID) -> Staff | None:
    return session.scalar(live(select(Staff), Staff).where(Staff.id == staff_id))


def staff(
    session: Session, institution_id: uuid.UUID | None = None, under: str | None = None, query: str = "", limit: int = 200, offset: int = 0
) -> Sequence[Staff]:
    stmt = live(select(Staff), Staff).where(Staff.employment_status == "active")
    if institution_id:
        stmt = stmt.where(Staff.institution_id == institution_id)
    if under:
        stmt = stmt.join(Institution, Institution.id == Staff.institution_id).where(division_range(under, Institution.division_code))
    if query:
        stmt = stmt.where(Staff.name.contains(query, autoescape=True))
    return session.scalars(stmt.order_by(Staff.institution_id, Staff.name).limit(limit).offset(offset)).all()


def staff_breakdown(session: Session, under: str | None, kinds: Sequence[str], column_name: str) -> dict[str, int]:
    column = getattr(Staff, column_name)
    stmt = (
        select(column, func.count())
        .join(Institution, Institution.id == Staff.institution_id)
        .where(Staff.deleted_at.is_(None), Staff.employment_status == "active", Institution.kind.in_(kinds))
        .group_by(column)
    )
    if under:
        stmt = stmt.where(division_range(under, Institution.division_code))
    return {key: count for key, count in session.execute(stmt)}


def alliances(session: Session, under: str | None = None) -> Sequence[Alliance]:
    stmt = live(select(Alliance), Alliance)
    if under:
        stmt = stmt.where(division_range(under, Alliance.division_code))
    return session.scalars(stmt.order_by(Alliance.name)).all()


def alliance(session: Session, alliance_id: uuid.UUID) -> Alliance | None:
    return session.scalar(live(select(Alliance), Alliance).where(Alliance.id == alliance_id))


def alliance_members(session: Session, alliance_id: uuid.UUID) -> Sequence[Institution]:
    stmt = (
        select(Institution)
        .join(AllianceMember, AllianceMember.institution_id == Institution.id)
        .where(AllianceMember.alliance_id == alliance_id, AllianceMember.deleted_at.is_(None))
        .order_by(Institution.kind, Institution.name)
    )
    return session.scalars(stmt).all()


def alliances_of(session: Session, institution_id: uuid.UUID) -> Sequence[Alliance]:
    stmt = (
        select(Alliance)
        .join(AllianceMember, AllianceMember.alliance_id == Alliance.id)
        .where(AllianceMember.institution_id == institution_id, AllianceMember.deleted_at.is_(None))
    )
    return session.scalars(stmt).all()


def pairings_of(session: Session, institution_id: uuid.UUID) -> Sequence[SupportPairing]:
    stmt = live(select(SupportPairing), SupportPairing).where(
        (SupportPairing.supported_institution_id == institution_id) | (SupportPairing.supporting_institution_id == institution_id)
    )
    return session.scalars(stmt).all()
