"""Observation queries, always through the resident scope."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from jiceng.core.security import Principal
from jiceng.residents import service as residents
from jiceng.results.models import Observation


def readable(principal: Principal) -> Select:
    scope = residents.readable_residents(principal)
    return select(Observation).where(Observation.deleted_at.is_(None), Observation.resident_id.in_(select(scope.c.id)))


def get(session: Session, principal: Principal, observation_id: uuid.UUID) -> Observation | None:
    return session.scalar(readable(principal).where(Observation.id == observation_id))


def search(session: Session, principal: Principal, conditions: Sequence[Any], after: uuid.UUID | None, limit: int) -> list[Observation]:
    stmt = readable(principal).where(*conditions)
    if after:
        stmt = stmt.where(Observation.id > after)
    return list(session.scalars(stmt.order_by(Observation.id).limit(limit)))
