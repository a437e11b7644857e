"""/api/v1 administration: users, the audit trail, a resident's access log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict

from jiceng.accounts import service as accounts
from jiceng.api.deps import DbSession, requires
from jiceng.core import audit
from jiceng.core.permissions import Perm
from jiceng.core.security import Principal
from jiceng.residents import service as residents

router = APIRouter(tags=["admin 管理"])

UserAdmin = Annotated[Principal, Depends(requires(Perm.USERS_MANAGE))]
AuditReader = Annotated[Principal, Depends(requires(Perm.AUDIT_READ))]
AccessLogReader = Annotated[Principal, Depends(requires(Perm.ACCESS_LOG_READ))]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str
    role: str
    display_name: str = ""
    institution_id: uuid.UUID | None = None
    division_code: str | None = None
    password: str | None = None


def _event(e: audit.AuditEvent) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": e.at.isoformat(),
        "username": e.username,
        "role": e.role,
        "institution_id": str(e.institution_id) if e.institution_id else None,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "resident_id": str(e.resident_id) if e.resident_id else None,
        "interface": e.interface,
        "client_address": e.client_address,
        "hash": e.hash,
    }


@router.get("/users")
def list_users(session: DbSession, principal: UserAdmin) -> list[dict[str, Any]]:
    return [accounts.user_summary(u) for u in accounts.list_users(session, principal)]


@router.post("/users", status_code=201)
def create_user(body: UserCreate, session: DbSession, principal: UserAdmin) -> dict[str, Any]:
    """Create a user; without ``password`` one is generated, returned once, and must be changed."""
    password = body.password or accounts.generate_password()
    user = accounts.create_user(
        session,
        principal,
        username=body.username,
        password=password,
        role=body.role,
        display_name=body.display_name,
        institution_id=body.institution_id,
        division_code=body.division_code,
        must_change_password=body.password is None,
    )
    return {**accounts.user_summary(user), "initial_password": None if body.password else password}


@router.post("/users/{username}/disable")
def disable_user(username: str, session: DbSession, principal: UserAdmin) -> dict[str, Any]:
    return accounts.user_summary(accounts.set_active(session, principal, username, False))


@router.get("/audit/events")
def audit_events(
    session: DbSession,
    principal: AuditReader,
    username: str | None = None,
    action: str | None = None,
    resident_id: uuid.UUID | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_seq: int | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """The audit trail, newest first; page with ``before_seq`` (the last ``seq`` you received)."""
    filters = audit.AuditFilter(username=username, action=action, resident_id=resident_id, since=since, until=until)
    return [_event(e) for e in audit.search(session, principal, filters, before_seq, limit)]


@router.get("/residents/{resident_id}/access-log")
def access_log(resident_id: uuid.UUID, session: DbSession, principal: AccessLogReader) -> list[dict[str, Any]]:
    """Who viewed or changed this resident's record."""
    return [_event(e) for e in residents.access_log(session, principal, resident_id)]
