"""The contracts home page and worklist, and family-doctor teams."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jiceng.api.deps import DbSession
from jiceng.contracts import fulfilment, teams, views
from jiceng.core.errors import FieldError, ValidationFailed
from jiceng.registry import service as registry
from jiceng.web.deps import WebContext, form_dict
from jiceng.web.routes.contracts.common import HELPER_ROWS, Reader, TeamManager, error_fields, render, router

# ---- home, worklist ---------------------------------------------------------------


@router.get("/contracts", response_class=HTMLResponse)
def home(ctx: Reader, session: DbSession) -> HTMLResponse:
    work = fulfilment.worklist(session, ctx.principal)
    my = teams.list_teams(session, ctx.principal)
    return render(ctx, "home.html", work=work, teams=my)


@router.get("/contracts/worklist/panel", response_class=HTMLResponse)
def worklist_panel(ctx: Reader, session: DbSession) -> HTMLResponse:
    return render(ctx, "_worklist.html", work=fulfilment.worklist(session, ctx.principal, limit=10), compact=True)


# ---- teams -------------------------------------------------------------------------


@router.get("/contracts/teams", response_class=HTMLResponse)
def team_list(ctx: Reader, session: DbSession) -> HTMLResponse:
    return render(ctx, "teams.html", teams=teams.list_teams(session, ctx.principal, status=None))


def _staff_choices(session: DbSession, ctx: WebContext) -> list[Any]:
    if ctx.principal.institution_id is None:
        return []
    found = []
    for institution_id in sorted(teams.related_institutions(session, ctx.principal.institution_id)):
        found += list(registry.list_staff(session, institution_id=institution_id, limit=500))
    return found


def _team_form(
    ctx: WebContext, session: DbSession, values: dict[str, Any], errors: list[FieldError] | None = None, status_code: int = 200
) -> HTMLResponse:
    institutions = [registry.get_institution(session, i) for i in teams.visible_institutions(session, ctx.principal) or []]
    return render(
        ctx,
        "team_form.html",
        status_code=status_code,
        values=values,
        errors=errors or [],
        error_fields=error_fields(errors or []),
        staff=_staff_choices(session, ctx),
        institutions=[i for i in institutions if i.kind in teams.PRIMARY_KINDS],
        helper_rows=HELPER_ROWS,
    )


@router.get("/contracts/teams/new", response_class=HTMLResponse)
def team_new(ctx: TeamManager, session: DbSession) -> HTMLResponse:
    return _team_form(ctx, session, {"institution_id": str(ctx.principal.institution_id or "")})


@router.post("/contracts/teams/new")
async def team_create(ctx: TeamManager, session: DbSession) -> Response:
    form = await ctx.form()
    data = form_dict(form)
    members = [{"staff_id": data.get(f"{role}_id"), "role": role} for role in ("nurse", "public_health") if data.get(f"{role}_id")]
    members += [
        {"staff_id": data.get(f"helper_id_{i}"), "role": data.get(f"helper_role_{i}") or "helper"}
        for i in range(HELPER_ROWS)
        if data.get(f"helper_id_{i}")
    ]
    try:
        with session.begin_nested():
            team = teams.create_team(session, ctx.principal, {**data, "members": members})
    except ValidationFailed as failed:
        return _team_form(ctx, session, data, failed.errors, 422)
    return RedirectResponse(f"/contracts/teams/{team.id}?saved=1", status_code=303)


@router.get("/contracts/teams/{team_id}", response_class=HTMLResponse)
def team_page(team_id: uuid.UUID, ctx: Reader, session: DbSession, saved: int = 0, offset: int = 0) -> HTMLResponse:
    return _team_page(ctx, session, team_id, saved=saved, offset=max(offset, 0))


def _team_page(
    ctx: WebContext,
    session: DbSession,
    team_id: uuid.UUID,
    errors: list[FieldError] | None = None,
    status_code: int = 200,
    saved: int = 0,
    offset: int = 0,
) -> HTMLResponse:
    team = teams.get_team(session, ctx.principal, team_id)
    panel = views.team_panel(session, ctx.principal, team_id, limit=200, offset=offset)
    manage = teams.may_manage(session, ctx.principal, team.institution_id)
    return render(
        ctx,
        "team.html",
        status_code,
        team=team,
        panel=panel,
        offset=offset,
        manage=manage,
        staff=_staff_choices(session, ctx) if manage else [],
        errors=errors or [],
        saved=saved,
    )


@router.post("/contracts/teams/{team_id}/members")
async def team_add_member(team_id: uuid.UUID, ctx: TeamManager, session: DbSession) -> Response:
    data = form_dict(await ctx.form())
    try:
        with session.begin_nested():
            staff_id = uuid.UUID(str(data.get("staff_id"))) if data.get("staff_id") else uuid.UUID(int=0)
            teams.add_member(session, ctx.principal, team_id, staff_id, str(data.get("role") or ""))
    except ValidationFailed as failed:
        return _team_page(ctx, session, team_id, failed.errors, 422)
    return RedirectResponse(f"/contracts/teams/{team_id}?saved=1", status_code=303)


@router.post("/contracts/teams/{team_id}/members/{staff_id}/remove")
async def team_remove_member(team_id: uuid.UUID, staff_id: uuid.UUID, ctx: TeamManager, session: DbSession) -> Response:
    await ctx.form()
    try:
        with session.begin_nested():
            teams.remove_member(session, ctx.principal, team_id, staff_id)
    except ValidationFailed as failed:
        return _team_page(ctx, session, team_id, failed.errors, 422)
    return RedirectResponse(f"/contracts/teams/{team_id}?saved=1", status_code=303)
