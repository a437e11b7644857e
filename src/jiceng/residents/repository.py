"""Every query over residents takes the acting principal and applies its scope."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, bindparam, func, select, update
from sqlalchemy.orm import Session

from jiceng.core.db import PREFIX_END
from jiceng.core.scope import ResidentColumns, cached_per_principal, resident_scope
from jiceng.core.security import Principal
from jiceng.residents.models import Household, RecordNumberCounter, Resident
from jiceng.residents.pinyin import looks_like_pinyin

COLUMNS = ResidentColumns(id=Resident.id, village_code=Resident.village_code)


def scope_clause(principal: Principal) -> ColumnElement[bool]:
    return resident_scope(principal, COLUMNS)


def _live_in_scope(principal: Principal) -> ColumnElement[bool]:
    """The condition every readable statement shares: not deleted, and in scope."""
    return and_(Resident.deleted_at.is_(None), scope_clause(principal))


@cached_per_principal
def readable(principal: Principal) -> Select:
    """Live residents the principal may see (Polar's "readable statement")."""
    return select(Resident).where(_live_in_scope(principal))


@cached_per_principal
def _readable_by_id(principal: Principal) -> Select:
    return readable(principal).where(Resident.id == bindparam("resident_id"))


def readable_columns(principal: Principal) -> Select:
    return select(
        Resident.id,
        Resident.village_code,
        Resident.birth_date,
        Resident.sex,
        Resident.status,
        Resident.status_date,
        Resident.record_date,
        Resident.paper_record,
        Resident.name,
        Resident.household_id,
        Resident.has_hypertension,
        Resident.has_diabetes,
        Resident.has_tuberculosis,
        Resident.has_severe_mental_disorder,
        Resident.has_disability,
    ).where(_live_in_scope(principal))


@cached_per_principal
def _record_by_id(principal: Principal) -> Select:
    return select(Resident.__table__).where(_live_in_scope(principal), Resident.id == bindparam("resident_id"))


def get_record(session: Session, principal: Principal, resident_id: uuid.UUID) -> Row[Any] | None:
    """One in-scope record as a plain row: for answers that only show it, without the
    ORM's bookkeeping (about a third of the cost of loading the entity)."""
    return session.execute(_record_by_id(principal), {"resident_id": resident_id}).first()


def get(session: Session, principal: Principal, resident_id: uuid.UUID) -> Resident | None:
    return session.scalar(_readable_by_id(principal), {"resident_id": resident_id})


def get_many(session: Session, principal: Principal, resident_ids: Sequence[uuid.UUID]) -> Sequence[Resident]:
    if not resident_ids:
        return []
    return session.scalars(readable(principal).where(Resident.id.in_(resident_ids))).all()


def by_id_number_any_scope(session: Session, id_number: str) -> Resident | None:
    """Duplicate check only: the caller must not reveal the record if out of scope."""
    return session.scalar(select(Resident).where(Resident.id_number == id_number, Resident.deleted_at.is_(None)))


def in_scope(session: Session, principal: Principal, resident_id: uuid.UUID) -> bool:
    stmt = select(Resident.id).where(Resident.id == resident_id, Resident.deleted_at.is_(None), scope_clause(principal))
    return session.scalar(stmt) is not None


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    village_code: str | None = None
    status: str | None = "active"
    limit: int = 50


def _prefix(column: Any, value: str) -> ColumnElement[bool]:
    return (column >= value) & (column < value + PREFIX_END)


def _match_clause(text: str) -> tuple[ColumnElement[bool], Any] | None:
    """What the search box text means, and the column to order by."""
    compact = re.sub(r"\s+", "", text)
    if not compact:
        return None
    upper = compact.upper()
    if re.fullmatch(r"\d{17}[\dX]", upper):
        return Resident.id_number == upper, Resident.name
    if re.fullmatch(r"\d{17}", compact):
        return Resident.record_number == compact, Resident.name
    if re.fullmatch(r"\d{3,11}", compact):
        return _prefix(Resident.phone, compact), Resident.phone
    if looks_like_pinyin(compact):
        letters = compact.lower()
        if len(letters) <= 4:
            return _prefix(Resident.name_initials, letters), Resident.name_initials
        return _prefix(Resident.name_pinyin, letters), Resident.name_pinyin
    return _prefix(Resident.name, compact), Resident.name


def search(session: Session, principal: Principal, query: SearchQuery) -> Sequence[Resident]:
    stmt = readable(principal)
    match = _match_clause(query.text)
    order: list[Any] = []
    if match is not None:
        clause, order_column = match
        stmt = stmt.where(clause)
        order.append(order_column)
    if query.village_code:
        stmt = stmt.where(Resident.village_code == query.village_code)
    if query.status:
        stmt = stmt.where(Resident.status == query.status)
    order += [Resident.name, Resident.id]
    return session.scalars(stmt.order_by(*order).limit(query.limit)).all()


def household(session: Session, household_id: uuid.UUID) -> Household | None:
    return session.scalar(select(Household).where(Household.id == household_id, Household.deleted_at.is_(None)))


def household_members(session: Session, principal: Principal, household_id: uuid.UUID) -> Sequence[Resident]:
    stmt = readable(principal).where(Resident.household_id == household_id)
    return session.scalars(stmt.order_by(Resident.relation_to_head, Resident.birth_date)).all()


def next_record_serial(session: Session, village_code: str) -> int:
    """The next 5-digit serial in a village; the UPDATE locks the counter row."""
    serial = session.scalar(
        update(RecordNumberCounter)
        .where(RecordNumberCounter.village_code == village_code)
        .values(last_serial=RecordNumberCounter.last_serial + 1)
        .returning(RecordNumberCounter.last_serial)
    )
    if serial is not None:
        return int(serial)
    # First use in this village (or after an import): continue after the highest number.
    highest = session.scalar(select(func.max(Resident.record_number)).where(Resident.village_code == village_code))
    serial = int(highest[12:]) + 1 if highest else 1
    session.add(RecordNumberCounter(village_code=village_code, last_serial=serial))
    session.flush()
    return serial


def count_in_scope(session: Session, principal: Principal) -> int:
    stmt = select(func.count()).select_from(Resident).where(Resident.deleted_at.is_(None), scope_clause(principal))
    return int(session.scalar(stmt) or 0)


def count_by_village(session: Session, principal: Principal) -> dict[str, int]:
    stmt = (
        select(Resident.village_code, func.count())
        .where(Resident.deleted_at.is_(None), Resident.status == "active", scope_clause(principal))
        .group_by(Resident.village_code)
    )
    return {code: n for code, n in session.execute(stmt)}
