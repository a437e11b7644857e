"""Queries of the contracts domain. Contract rows are resident data: every read that
returns them joins the principal's readable residents."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from jiceng.contracts.codes import LIVE_STATUSES
from jiceng.contracts.key_populations import mark_in_force
from jiceng.contracts.models import (
    Consent,
    Contract,
    ContractPackage,
    Delivery,
    HealthCard,
    Package,
    PackageItem,
    PopulationMark,
    Team,
    TeamMember,
)
from jiceng.core.security import Principal
from jiceng.residents import service as residents

# ---- teams ----------------------------------------------------------------------


def team(session: Session, team_id: uuid.UUID) -> Team | None:
    return session.scalar(select(Team).where(Team.id == team_id, Team.deleted_at.is_(None)))


def teams(
    session: Session, institution_ids: Sequence[uuid.UUID] | None = None, staff_id: uuid.UUID | None = None, status: str | None = "active"
) -> Sequence[Team]:
    stmt = select(Team).where(Team.deleted_at.is_(None))
    if status:
        stmt = stmt.where(Team.status == status)
    clauses = []
    if institution_ids:
        clauses.append(Team.institution_id.in_(list(institution_ids)))
    if staff_id:
        clauses.append(Team.id.in_(member_team_ids(staff_id)))
    if clauses:
        stmt = stmt.where(or_(*clauses))
    return session.scalars(stmt.order_by(Team.institution_id, Team.code)).all()


def member_team_ids(staff_id: uuid.UUID) -> Select:
    return select(TeamMember.team_id).where(TeamMember.staff_id == staff_id, TeamMember.deleted_at.is_(None), TeamMember.left_on.is_(None))


def members(session: Session, team_ids: Sequence[uuid.UUID], current_only: bool = True) -> Sequence[TeamMember]:
    if not team_ids:
        return []
    stmt = select(TeamMember).where(TeamMember.team_id.in_(list(team_ids)), TeamMember.deleted_at.is_(None))
    if current_only:
        stmt = stmt.where(TeamMember.left_on.is_(None))
    return session.scalars(stmt.order_by(TeamMember.team_id, TeamMember.role, TeamMember.joined_on)).all()


def team_led_by(session: Session, staff_id: uuid.UUID) -> Team | None:
    stmt = select(Team).where(Team.doctor_staff_id == staff_id, Team.status == "active", Team.deleted_at.is_(None))
    return session.scalars(stmt).first()


def next_team_serial(session: Session, institution_id: uuid.UUID) -> int:
    return int(session.scalar(select(func.count()).select_from(Team).where(Team.institution_id == institution_id)) or 0) + 1


def in_force(on: date) -> Any:
    return (Contract.deleted_at.is_(None)) & (Contract.start_date <= on) & (Contract.ended_on >= on)


def panel_sizes(session: Session, team_ids: Sequence[uuid.UUID], on: date) -> dict[uuid.UUID, int]:
    """Residents under contract with each team: in force on ``on`` or starting later."""
    if not team_ids:
        return {}
    stmt = (
        select(Contract.team_id, func.count(func.distinct(Contract.resident_id)))
        .where(
            Contract.team_id.in_(list(team_ids)),
            Contract.deleted_at.is_(None),
            Contract.status.in_(LIVE_STATUSES),
            Contract.ended_on >= on,
        )
        .group_by(Contract.team_id)
    )
    return {team_id: int(n) for team_id, n in session.execute(stmt)}


# ---- packages -----------------------------------------------------------------------


def package(session: Session, package_id: uuid.UUID) -> Package | None:
    return session.scalar(select(Package).where(Package.id == package_id, Package.deleted_at.is_(None)))


def packages(
    session: Session, *, code: str | None = None, kind: str | None = None, county_prefix: str | None = None, status: str | None = None
) -> Sequence[Package]:
    stmt = select(Package).where(Package.deleted_at.is_(None))
    if code:
        stmt = stmt.where(Package.code == code)
    if kind:
        stmt = stmt.where(Package.kind == kind)
    if county_prefix:
        stmt = stmt.where(or_(Package.county_code.is_(None), Package.county_code.startswith(county_prefix)))
    if status:
        stmt = stmt.where(Package.status == status)
    return session.scalars(stmt.order_by(Package.kind, Package.code, Package.revision.desc())).all()


def items(session: Session, package_ids: Sequence[uuid.UUID]) -> Sequence[PackageItem]:
    if not package_ids:
        return []
    stmt = select(PackageItem).where(PackageItem.package_id.in_(list(package_ids)), PackageItem.deleted_at.is_(None))
    return session.scalars(stmt.order_by(PackageItem.package_id, PackageItem.seq)).all()


def in_effect(session: Session, kind: str, on: date, county_code: str | None = None) -> Sequence[Package]:
    """Published packages of a kind in effect on ``on`` (for a county, or region-wide)."""
    stmt = select(Package).where(
        Package.deleted_at.is_(None),
        Package.kind == kind,
        Package.status.in_(("published", "retired")),
        Package.effective_from <= on,
        or_(Package.effective_to.is_(None), Package.effective_to >= on),
    )
    if county_code is not None:
        stmt = stmt.where(or_(Package.county_code.is_(None), Package.county_code == county_code))
    return session.scalars(stmt.order_by(Package.code, Package.revision.desc())).all()


def latest_revision(session: Session, code: str) -> Package | None:
    stmt = select(Package).where(Package.code == code, Package.deleted_at.is_(None)).order_by(Package.revision.desc())
    return session.scalars(stmt).first()


# ---- contracts ----------------------------------------------------------------------


RESIDENT_COLUMNS = (
    "name",
    "village_code",
    "birth_date",
    "household_id",
    "has_hypertension",
    "has_diabetes",
    "has_tuberculosis",
    "has_severe_mental_disorder",
    "has_disability",
)


def readable_contracts(principal: Principal) -> Select:
    """Contracts of residents in the principal's scope; each row also carries the
    resident's name, village, birth date and condition flags."""
    rr = residents.readable_residents(principal)
    columns = [rr.c[name] for name in RESIDENT_COLUMNS]
    return select(Contract, *columns).join(rr, rr.c.id == Contract.resident_id).where(Contract.deleted_at.is_(None))


def contract_row(session: Session, principal: Principal, contract_id: uuid.UUID) -> Any:
    """(Contract, resident columns...) or None when absent or out of scope."""
    return session.execute(readable_contracts(principal).where(Contract.id == contract_id)).first()


def contract_any_scope(session: Session, contract_id: uuid.UUID) -> Contract | None:
    """Only for the service's own follow-up after a scoped read."""
    return session.scalar(select(Contract).where(Contract.id == contract_id, Contract.deleted_at.is_(None)))


def resident_contracts(session: Session, resident_id: uuid.UUID) -> Sequence[Contract]:
    """Every contract of one resident, newest first (the caller has checked scope)."""
    stmt = select(Contract).where(Contract.resident_id == resident_id, Contract.deleted_at.is_(None))
    return session.scalars(stmt.order_by(Contract.start_date.desc(), Contract.signed_on.desc())).all()


def active_contracts(session: Session, resident_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Contract]:
    """The contract with status "active" per resident (at most one, by the unique index)."""
    if not resident_ids:
        return {}
    stmt = select(Contract).where(Contract.resident_id.in_(list(resident_ids)), Contract.status == "active", Contract.deleted_at.is_(None))
    return {c.resident_id: c for c in session.scalars(stmt)}


def live_contracts(session: Session, resident_ids: Sequence[uuid.UUID], on: date) -> dict[uuid.UUID, Contract]:
    """Per resident, the latest contract that is in force on ``on`` or starts later."""
    if not resident_ids:
        return {}
    stmt = select(Contract).where(
        Contract.resident_id.in_(list(resident_ids)),
        Contract.status.in_(LIVE_STATUSES),
        Contract.ended_on >= on,
        Contract.ended_on >= Contract.start_date,
        Contract.deleted_at.is_(None),
    )
    return {c.resident_id: c for c in session.scalars(stmt.order_by(Contract.start_date))}


def successor(session: Session, contract_id: uuid.UUID) -> Contract | None:
    stmt = select(Contract).where(Contract.previous_contract_id == contract_id, Contract.deleted_at.is_(None))
    return session.scalars(stmt.order_by(Contract.start_date)).first()


def group_contracts(session: Session, principal: Principal, sign_group_id: uuid.UUID) -> Sequence[Any]:
    stmt = readable_contracts(principal).where(Contract.sign_group_id == sign_group_id)
    return session.execute(stmt.order_by(Contract.signed_on)).all()


def team_contracts(
    session: Session, principal: Principal, team_ids: Sequence[uuid.UUID], on: date, limit: int | None = None, offset: int = 0
) -> Sequence[Any]:
    """Live contracts of the teams (in force on ``on`` or starting later), in scope."""
    if not team_ids:
        return []
    stmt = readable_contracts(principal).where(
        Contract.team_id.in_(list(team_ids)), Contract.status.in_(LIVE_STATUSES), Contract.ended_on >= on
    )
    stmt = stmt.order_by(Contract.end_date, Contract.id).offset(offset)
    if limit:
        stmt = stmt.limit(limit)
    return session.execute(stmt).all()


def team_contract_rows(session: Session, principal: Principal, team_ids: Sequence[uuid.UUID], on: date) -> Sequence[Any]:
    """Plain rows (no ORM objects, for worklists over thousands of contracts): the teams'
    live contracts of residents in scope, with the resident's name, birth date and flags."""
    if not team_ids:
        return []
    rr = residents.readable_residents(principal)
    columns = [Contract.id, Contract.resident_id, Contract.team_id, Contract.status, Contract.start_date, Contract.end_date]
    stmt = (
        select(*columns, Contract.basic_package_id, *(rr.c[name] for name in RESIDENT_COLUMNS))
        .join(rr, rr.c.id == Contract.resident_id)
        .where(
            Contract.deleted_at.is_(None),
            Contract.team_id.in_(list(team_ids)),
            Contract.status.in_(LIVE_STATUSES),
            Contract.ended_on >= on,
        )
    )
    return session.execute(stmt).all()


def contract_packages(session: Session, contract_ids: Sequence[uuid.UUID] | Select) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Personalised packages per contract, for a list of ids or a select of ids."""
    if not isinstance(contract_ids, Select) and not contract_ids:
        return {}
    selector = contract_ids if isinstance(contract_ids, Select) else list(contract_ids)
    stmt = select(ContractPackage.contract_id, ContractPackage.package_id).where(
        ContractPackage.contract_id.in_(selector), ContractPackage.deleted_at.is_(None)
    )
    found: dict[uuid.UUID, list[uuid.UUID]] = {}
    for contract_id, package_id in session.execute(stmt):
        found.setdefault(contract_id, []).append(package_id)
    return found


def contract_number_taken(session: Session, number: str) -> bool:
    return session.scalar(select(Contract.id).where(Contract.contract_number == number)) is not None


# ---- deliveries -----------------------------------------------------------------------


def deliveries(session: Session, contract_ids: Sequence[uuid.UUID]) -> Sequence[Delivery]:
    if not contract_ids:
        return []
    stmt = select(Delivery).where(Delivery.contract_id.in_(list(contract_ids)), Delivery.deleted_at.is_(None))
    return session.scalars(stmt.order_by(Delivery.delivered_on, Delivery.id)).all()


def delivery(session: Session, delivery_id: uuid.UUID) -> Delivery | None:
    return session.scalar(select(Delivery).where(Delivery.id == delivery_id, Delivery.deleted_at.is_(None)))


def delivery_counts(session: Session, contracts: Select) -> dict[tuple[uuid.UUID, uuid.UUID], int]:
    """Deliveries that stand (not voided) per (contract, item), for the contract ids ``contracts`` selects."""
    void = aliased(Delivery)
    voided = exists(select(void.id).where(void.amends_id == Delivery.id, void.status == "void", void.deleted_at.is_(None)))
    stmt = (
        select(Delivery.contract_id, Delivery.item_id, func.count())
        .where(Delivery.contract_id.in_(contracts), Delivery.status == "delivered", Delivery.deleted_at.is_(None), ~voided)
        .group_by(Delivery.contract_id, Delivery.item_id)
    )
    return {(c, i): int(n) for c, i, n in session.execute(stmt)}


def delivered_sources(session: Session, contract_id: uuid.UUID) -> set[tuple[str, uuid.UUID]]:
    stmt = select(Delivery.source_kind, Delivery.source_record_id).where(
        Delivery.contract_id == contract_id, Delivery.source_record_id.is_not(None), Delivery.deleted_at.is_(None)
    )
    return {(kind, record_id) for kind, record_id in session.execute(stmt) if record_id is not None}


# ---- marks, consents, cards ---------------------------------------------------------------


def marks(session: Session, resident_ids: Sequence[uuid.UUID] | Select, on: date | None = None) -> Sequence[PopulationMark]:
    """Population marks of residents (a list of ids or a select of ids), optionally those in force on ``on``."""
    if not isinstance(resident_ids, Select) and not resident_ids:
        return []
    selector = resident_ids if isinstance(resident_ids, Select) else list(resident_ids)
    stmt = select(PopulationMark).where(PopulationMark.resident_id.in_(selector), PopulationMark.deleted_at.is_(None))
    if on is not None:
        stmt = stmt.where(mark_in_force(on))
    return session.scalars(stmt.order_by(PopulationMark.resident_id, PopulationMark.valid_from)).all()


def mark(session: Session, mark_id: uuid.UUID) -> PopulationMark | None:
    return session.scalar(select(PopulationMark).where(PopulationMark.id == mark_id, PopulationMark.deleted_at.is_(None)))


def consent(session: Session, consent_id: uuid.UUID) -> Consent | None:
    return session.scalar(select(Consent).where(Consent.id == consent_id, Consent.deleted_at.is_(None)))


def consent_resident_ids(session: Session, consent_id: uuid.UUID) -> set[uuid.UUID]:
    stmt = select(Contract.resident_id).where(Contract.consent_id == consent_id, Contract.deleted_at.is_(None))
    return set(session.scalars(stmt))


def card_by_token_id(session: Session, token_id: str) -> HealthCard | None:
    return session.scalar(select(HealthCard).where(HealthCard.token_id == token_id, HealthCard.deleted_at.is_(None)))


def valid_card(session: Session, resident_id: uuid.UUID, valid_after: datetime) -> HealthCard | None:
    stmt = select(HealthCard).where(
        HealthCard.resident_id == resident_id,
        HealthCard.deleted_at.is_(None),
        HealthCard.revoked_at.is_(None),
        HealthCard.expires_at > valid_after,
    )
    return session.scalars(stmt.order_by(HealthCard.expires_at.desc())).first()
