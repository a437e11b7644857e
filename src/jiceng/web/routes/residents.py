"""Resident pages: home, search, record view, create, edit, status, household."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jiceng.api.deps import DbSession
from jiceng.core.clock import local_today
from jiceng.core.errors import FieldError, ValidationFailed, VersionMismatch
from jiceng.core.permissions import Perm
from jiceng.registry import service as registry
from jiceng.residents import codes
from jiceng.residents import service as residents
from jiceng.residents.schemas import ResidentDetail, age_on
from jiceng.web import forms
from jiceng.web.deps import SignedInPage, WebContext, web_requires

router = APIRouter(include_in_schema=False)

Reader = Annotated[WebContext, Depends(web_requires(Perm.RESIDENT_READ))]
Writer = Annotated[WebContext, Depends(web_requires(Perm.RESIDENT_WRITE))]
Searcher = Annotated[WebContext, Depends(web_requires(Perm.RESIDENT_SEARCH))]


def _villages(session: DbSession, ctx: WebContext) -> list[tuple[str, str]]:
    """Villages the user can register residents in (names for the form's select)."""
    counts = residents.residents_overview(session, ctx.principal)
    names = registry.divisions_by_codes(session, list(counts))
    if ctx.principal.institution_id:
        for code in registry.catchment_villages(session, ctx.principal.institution_id):
            counts.setdefault(code, 0)
        names.update(registry.divisions_by_codes(session, [c for c in counts if c not in names]))
    return sorted((code, names[code].name if code in names else code) for code in counts)


@router.get("/", response_class=HTMLResponse)
def home(ctx: SignedInPage, session: DbSession) -> HTMLResponse:
    counts = residents.residents_overview(session, ctx.principal)
    names = registry.divisions_by_codes(session, list(counts)[:500])
    rows = sorted(((names[c].name if c in names else c, c, n) for c, n in counts.items()), key=lambda r: r[1])
    return ctx.render("home.html", total=sum(counts.values()), villages=rows[:200], village_count=len(rows))


@router.get("/residents", response_class=HTMLResponse)
def search(ctx: Searcher, session: DbSession, q: str = "", village: str = "", status: str = "active") -> HTMLResponse:
    result = residents.search_residents(session, ctx.principal, q, village or None, status or None)
    return ctx.render("residents/search.html", q=q, village=village, status=status, result=result, codes=codes)


def _form_page(
    ctx: WebContext,
    session: DbSession,
    values: dict,
    errors: list | None = None,
    resident_id: uuid.UUID | None = None,
    version: int | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return ctx.render(
        "residents/form.html",
        status_code=status_code,
        values=values,
        errors=errors or [],
        error_fields={e.field for e in errors or []},
        resident_id=resident_id,
        version=version,
        codes=codes,
        villages=_villages(session, ctx),
        padded=forms.padded,
        disease_rows=forms.DISEASE_ROWS,
        event_rows=forms.EVENT_ROWS,
    )


@router.get("/residents/new", response_class=HTMLResponse)
def new_form(ctx: Writer, session: DbSession) -> HTMLResponse:
    return _form_page(ctx, session, {"record_date": local_today().isoformat()})


@router.post("/residents/new")
async def create(ctx: Writer, session: DbSession) -> Response:
    data = forms.resident_data(await ctx.form())
    try:
        with session.begin_nested():
            resident = residents.create_resident(session, ctx.principal, data)
    except ValidationFailed as failed:
        return _form_page(ctx, session, data, failed.errors, status_code=422)
    return RedirectResponse(f"/residents/{resident.id}?saved=1", status_code=303)


@router.get("/residents/{resident_id}", response_class=HTMLResponse)
def detail(resident_id: uuid.UUID, ctx: Reader, session: DbSession, saved: int = 0) -> HTMLResponse:
    resident = residents.get_resident(session, ctx.principal, resident_id)
    path = registry.division_path(session, resident.village_code)
    return ctx.render(
        "residents/detail.html",
        r=resident,
        codes=codes,
        saved=saved,
        division_path=path,
        age=age_on(resident.birth_date, local_today()),
    )


@router.get("/residents/{resident_id}/edit", response_class=HTMLResponse)
def edit_form(resident_id: uuid.UUID, ctx: Writer, session: DbSession) -> HTMLResponse:
    resident = residents.get_resident(session, ctx.principal, resident_id, purpose="view_for_edit")
    values = ResidentDetail.model_validate(resident).model_dump(mode="json")
    return _form_page(ctx, session, values, resident_id=resident.id, version=resident.version)


@router.post("/residents/{resident_id}/edit")
async def update(resident_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    form = await ctx.form()
    data = forms.resident_data(form)
    version = int(str(form.get("version") or 0)) or None
    try:
        with session.begin_nested():
            residents.update_resident(session, ctx.principal, resident_id, data, expected_version=version)
    except ValidationFailed as failed:
        return _form_page(ctx, session, data, failed.errors, resident_id, version, status_code=422)
    except VersionMismatch as stale:
        # Keep what the user typed; they can compare and save again on the new version.
        error = FieldError("version", stale.code, stale.message_zh, stale.message_en)
        return _form_page(ctx, session, data, [error], resident_id, stale.actual, status_code=409)
    return RedirectResponse(f"/residents/{resident_id}?saved=1", status_code=303)


@router.post("/residents/{resident_id}/status")
async def change_status(resident_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    form = await ctx.form()
    try:
        with session.begin_nested():
            residents.change_status(session, ctx.principal, resident_id, str(form.get("status", "")), form.get("status_date") or None)
    except ValidationFailed as failed:
        resident = residents.get_resident(session, ctx.principal, resident_id)
        path = registry.division_path(session, resident.village_code)
        return ctx.render(
            "residents/detail.html",
            status_code=422,
            r=resident,
            codes=codes,
            errors=failed.errors,
            division_path=path,
            age=age_on(resident.birth_date, local_today()),
        )
    return RedirectResponse(f"/residents/{resident_id}?saved=1", status_code=303)


@router.get("/households/{household_id}", response_class=HTMLResponse)
def household(household_id: uuid.UUID, ctx: Reader, session: DbSession) -> HTMLResponse:
    view = residents.get_household(session, ctx.principal, household_id)
    return ctx.render("residents/household.html", h=view, codes=codes)
