"""A resident's contract status and panel, the e-health card, signing (one resident or a household), key-population marks."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from jiceng.api.deps import DbSession
from jiceng.contracts import card, marks, packages, teams, views
from jiceng.contracts import service as contracts
from jiceng.contracts.permissions import READ
from jiceng.core.clock import local_today
from jiceng.core.errors import FieldError, ValidationFailed
from jiceng.residents import codes as resident_codes
from jiceng.residents import service as residents
from jiceng.web.deps import WebContext, form_dict
from jiceng.web.routes.contracts.common import MarkKeeper, Reader, Writer, consent_id, error_fields, render, router

# ---- residents: status, panel, card, signing, marks --------------------------------------


@router.get("/contracts/residents/{resident_id}", response_class=HTMLResponse)
def resident_page(resident_id: uuid.UUID, ctx: Reader, session: DbSession, saved: int = 0) -> HTMLResponse:
    status = views.resident_status(session, ctx.principal, resident_id)
    return render(ctx, "resident.html", status=status, resident_id=resident_id, saved=saved, errors=[])


@router.get("/contracts/residents/{resident_id}/panel", response_class=HTMLResponse)
def resident_panel(resident_id: uuid.UUID, ctx: Reader, session: DbSession) -> HTMLResponse:
    return render(ctx, "_resident_status.html", status=views.resident_status(session, ctx.principal, resident_id), resident_id=resident_id)


@router.get("/contracts/residents/{resident_id}/card.svg")
def card_svg(resident_id: uuid.UUID, ctx: Reader, session: DbSession) -> Response:
    """The e-health card's QR code (SVG); it encodes a URL with a signed, expiring token."""
    _card, url = card.card_for_view(session, ctx.principal, resident_id, str(ctx.request.base_url))
    return Response(card.qr_svg(url), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


def _sign_choices(session: DbSession, ctx: WebContext, village_code: str) -> dict[str, Any]:
    offered = packages.personalised_in_effect(session, contracts.county_of(village_code), local_today())
    signable = [t for t in teams.my_teams(session, ctx.principal)]
    return {"teams": signable, "personalised": packages.views(session, offered)}


def _sign_page(
    ctx: WebContext,
    session: DbSession,
    template: str,
    values: dict[str, Any],
    errors: list[FieldError],
    status_code: int = 200,
    **extra: Any,
) -> HTMLResponse:
    village = extra.get("village_code", "")
    return render(
        ctx,
        template,
        status_code=status_code,
        values=values,
        errors=errors,
        error_fields=error_fields(errors),
        **_sign_choices(session, ctx, village),
        **extra,
    )


@router.get("/contracts/residents/{resident_id}/sign", response_class=HTMLResponse)
def sign_form(resident_id: uuid.UUID, ctx: Writer, session: DbSession) -> HTMLResponse:
    status = views.resident_status(session, ctx.principal, resident_id)
    row = contracts.resident_row(session, ctx.principal, resident_id)
    values = {"signed_on": local_today().isoformat()}
    return _sign_page(ctx, session, "sign.html", values, [], status=status, resident=row, village_code=row.village_code)


@router.post("/contracts/residents/{resident_id}/sign")
async def sign(resident_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    form = await ctx.form()
    data = form_dict(form, multi=("package_ids",))
    try:
        with session.begin_nested():
            data["consent_id"] = await consent_id(session, ctx, form)
            contract = contracts.sign_contract(session, ctx.principal, resident_id, data)
    except ValidationFailed as failed:
        row = contracts.resident_row(session, ctx.principal, resident_id)
        status = views.resident_status(session, ctx.principal, resident_id)
        return _sign_page(ctx, session, "sign.html", data, failed.errors, 422, status=status, resident=row, village_code=row.village_code)
    return RedirectResponse(f"/contracts/{contract.id}?saved=1", status_code=303)


def _household_page(
    ctx: WebContext, session: DbSession, household_id: uuid.UUID, values: dict[str, Any], errors: list[FieldError], status_code: int = 200
) -> HTMLResponse:
    household = residents.get_household(session, ctx.principal, household_id)
    current = {m.id: views.resident_status(session, ctx.principal, m.id).current for m in household.members}
    return _sign_page(
        ctx,
        session,
        "sign_household.html",
        values,
        errors,
        status_code,
        household=household,
        current=current,
        village_code=household.village_code,
        rcodes=resident_codes,
    )


@router.get("/contracts/households/{household_id}/sign", response_class=HTMLResponse)
def household_form(household_id: uuid.UUID, ctx: Writer, session: DbSession) -> HTMLResponse:
    return _household_page(ctx, session, household_id, {"signed_on": local_today().isoformat()}, [])


@router.post("/contracts/households/{household_id}/sign")
async def household_sign(household_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    form = await ctx.form()
    data = form_dict(form, multi=("package_ids", "member_ids"))
    try:
        with session.begin_nested():
            data["consent_id"] = await consent_id(session, ctx, form)
            signed = contracts.sign_household(session, ctx.principal, household_id, data)
    except ValidationFailed as failed:
        return _household_page(ctx, session, household_id, data, failed.errors, 422)
    return RedirectResponse(f"/contracts/{signed[0].id}?saved=1", status_code=303)


@router.post("/contracts/residents/{resident_id}/marks")
async def add_mark(resident_id: uuid.UUID, ctx: MarkKeeper, session: DbSession) -> Response:
    data = {**form_dict(await ctx.form()), "resident_id": resident_id}
    try:
        with session.begin_nested():
            marks.add_mark(session, ctx.principal, data)
    except ValidationFailed as failed:
        status = views.resident_status(session, ctx.principal, resident_id) if ctx.principal.can(READ) else None
        return render(ctx, "resident.html", 422, status=status, resident_id=resident_id, saved=0, errors=failed.errors, values=data)
    return RedirectResponse(f"/contracts/residents/{resident_id}?saved=1", status_code=303)


@router.get("/contracts/marks/import", response_class=HTMLResponse)
def marks_import_form(ctx: MarkKeeper) -> HTMLResponse:
    return render(ctx, "marks_import.html", report=None, errors=[])


@router.post("/contracts/marks/import", response_class=HTMLResponse)
async def marks_import(ctx: MarkKeeper, session: DbSession) -> HTMLResponse:
    form = await ctx.form()
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ValidationFailed(
                [FieldError("file", "required", "文件：请选择 .xlsx 或 .csv 文件", "File: choose an .xlsx or .csv file")]
            )
        defaults = {"source": form.get("source") or "", "list_name": form.get("list_name") or ""}
        report = marks.import_marks(session, ctx.principal, upload.filename, await upload.read(), defaults)
    except ValidationFailed as failed:
        return render(ctx, "marks_import.html", 422, report=None, errors=failed.errors)
    return render(ctx, "marks_import.html", report=report, errors=[])


@router.post("/contracts/marks/{mark_id}/end")
async def end_mark(mark_id: uuid.UUID, ctx: MarkKeeper, session: DbSession) -> Response:
    data = form_dict(await ctx.form())
    mark = marks.end_mark(session, ctx.principal, mark_id, data.get("valid_to"))
    return RedirectResponse(f"/contracts/residents/{mark.resident_id}?saved=1", status_code=303)
