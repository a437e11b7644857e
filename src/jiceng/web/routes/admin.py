"""Administration pages: users, roles, audit trail, a resident's access log."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from jiceng.accounts import service as accounts
from jiceng.api.deps import DbSession
from jiceng.core import audit
from jiceng.core.clock import CHINA_TZ
from jiceng.core.errors import FieldError, ValidationFailed
from jiceng.core.ids import parse_id
from jiceng.core.permissions import HUMAN_ROLES, ROLES, Perm
from jiceng.core.validators import parse_date
from jiceng.registry import service as registry
from jiceng.residents import service as residents
from jiceng.web.deps import WebContext, web_requires
from jiceng.web.extensions import NavItem, add_nav

router = APIRouter(include_in_schema=False)

UserAdmin = Annotated[WebContext, Depends(web_requires(Perm.USERS_MANAGE))]
AuditReader = Annotated[WebContext, Depends(web_requires(Perm.AUDIT_READ))]
AccessLogReader = Annotated[WebContext, Depends(web_requires(Perm.ACCESS_LOG_READ))]

add_nav(NavItem("users_admin", "/admin/users", Perm.USERS_MANAGE, 90))
add_nav(NavItem("audit_trail", "/admin/audit", Perm.AUDIT_READ, 91))


def _users_page(ctx: WebContext, session: DbSession, status_code: int = 200, **values: object) -> HTMLResponse:
    users = accounts.list_users(session, ctx.principal)
    institutions = {u.institution_id: registry.get_institution(session, u.institution_id) for u in users if u.institution_id}
    roles = [ROLES[r] for r in HUMAN_ROLES]
    return ctx.render("admin/users.html", status_code=status_code, users=users, institutions=institutions, roles=roles, **values)


@router.get("/admin/users", response_class=HTMLResponse)
def users(ctx: UserAdmin, session: DbSession) -> HTMLResponse:
    return _users_page(ctx, session)


@router.post("/admin/users", response_class=HTMLResponse)
async def create_user(ctx: UserAdmin, session: DbSession) -> HTMLResponse:
    form = await ctx.form()
    values = {k: str(v).strip() for k, v in form.items() if k != "csrf_token"}
    try:
        with session.begin_nested():
            institution_id = _institution_by_code(session, values.get("institution_code", ""))
            password = accounts.generate_password()
            user = accounts.create_user(
                session,
                ctx.principal,
                username=values.get("username", ""),
                password=password,
                role=values.get("role", ""),
                display_name=values.get("display_name", ""),
                institution_id=institution_id,
                division_code=values.get("division_code") or None,
                must_change_password=True,
            )
    except ValidationFailed as failed:
        return _users_page(ctx, session, 422, errors=failed.errors, values=values)
    return _users_page(ctx, session, created=(user.username, password))


def _institution_by_code(session: DbSession, code: str) -> uuid.UUID | None:
    if not code:
        return None
    found = registry.find_institution_by_code(session, code)
    if found is None:
        raise ValidationFailed(
            [
                FieldError(
                    "institution_code", "unknown_institution", f"机构代码：“{code}”不存在", f"Institution code: “{code}” does not exist"
                )
            ]
        )
    return found.id


@router.post("/admin/users/{username}/active", response_class=HTMLResponse)
async def set_active(username: str, ctx: UserAdmin, session: DbSession) -> HTMLResponse:
    form = await ctx.form()
    accounts.set_active(session, ctx.principal, username, form.get("active") == "1")
    return _users_page(ctx, session)


@router.post("/admin/users/{username}/reset-password", response_class=HTMLResponse)
async def reset_password(username: str, ctx: UserAdmin, session: DbSession) -> HTMLResponse:
    await ctx.form()
    user, password = accounts.reset_password(session, ctx.principal, username)
    return _users_page(ctx, session, created=(user.username, password))


@router.get("/admin/roles", response_class=HTMLResponse)
def roles(ctx: UserAdmin) -> HTMLResponse:
    return ctx.render("admin/roles.html", roles=list(ROLES.values()))


def _filters(username: str, action: str, resident: str, since: str, until: str) -> audit.AuditFilter:
    start, end = parse_date(since), parse_date(until)
    return audit.AuditFilter(
        username=username.strip() or None,
        action=action.strip() or None,
        resident_id=parse_id(resident) if resident.strip() else None,
        since=datetime.combine(start, datetime.min.time(), CHINA_TZ) if start else None,
        until=datetime.combine(end, datetime.min.time(), CHINA_TZ) + timedelta(days=1) if end else None,
    )


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_trail(
    ctx: AuditReader,
    session: DbSession,
    username: str = "",
    action: str = "",
    resident: str = "",
    since: str = "",
    until: str = "",
    before: int = 0,
) -> HTMLResponse:
    events = audit.search(session, ctx.principal, _filters(username, action, resident, since, until), before or None, 100)
    query = {"username": username, "action": action, "resident": resident, "since": since, "until": until}
    return ctx.render("admin/audit.html", events=events, query=query, tz=CHINA_TZ)


@router.get("/admin/audit/export")
def audit_export(
    ctx: AuditReader, session: DbSession, username: str = "", action: str = "", resident: str = "", since: str = "", until: str = ""
) -> Response:
    events = audit.search(session, ctx.principal, _filters(username, action, resident, since, until), None, 1000)
    audit.record(session, ctx.principal, "export", "audit_event", detail={"rows": len(events)})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "seq",
            "time",
            "username",
            "role",
            "institution_id",
            "action",
            "object_type",
            "object_id",
            "resident_id",
            "interface",
            "address",
            "hash",
        ]
    )
    for e in events:
        writer.writerow(
            [
                e.seq,
                e.at.isoformat(),
                e.username,
                e.role,
                e.institution_id or "",
                e.action,
                e.object_type,
                e.object_id,
                e.resident_id or "",
                e.interface,
                e.client_address,
                e.hash,
            ]
        )
    return Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=audit.csv"},
    )


@router.get("/residents/{resident_id}/access-log", response_class=HTMLResponse)
def access_log(resident_id: uuid.UUID, ctx: AccessLogReader, session: DbSession) -> HTMLResponse:
    events = residents.access_log(session, ctx.principal, resident_id)
    return ctx.render("admin/access_log.html", events=events, resident_id=resident_id, tz=CHINA_TZ)
