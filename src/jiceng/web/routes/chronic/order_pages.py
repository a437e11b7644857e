"""Screening, referral follow-up, long prescriptions, and the indicators page."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jiceng.api.deps import DbSession
from jiceng.chronic import codes
from jiceng.chronic import indicators as chronic_indicators
from jiceng.chronic import service as chronic
from jiceng.core.clock import local_today
from jiceng.core.errors import ValidationFailed
from jiceng.core.indicators import IndicatorQuery
from jiceng.web.routes.chronic.common import IndicatorReader, Prescriber, Writer, division_names, form_data, router

# ---- screening, referrals, long prescriptions -------------------------------------------------


@router.get("/chronic/residents/{resident_id}/screening", response_class=HTMLResponse)
def screening_form(resident_id: uuid.UUID, ctx: Writer, session: DbSession) -> HTMLResponse:
    summary = chronic.patient(session, ctx.principal, resident_id, audit_view=False)
    return ctx.render("chronic/screening.html", p=summary, values={"screened_on": local_today().isoformat()}, errors=[], codes=codes)


@router.post("/chronic/residents/{resident_id}/screening")
async def screen(resident_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    data = form_data(await ctx.form())
    try:
        with session.begin_nested():
            chronic.record_screening(session, ctx.principal, resident_id, data)
    except ValidationFailed as failed:
        summary = chronic.patient(session, ctx.principal, resident_id, audit_view=False)
        return ctx.render("chronic/screening.html", status_code=422, p=summary, values=data, errors=failed.errors, codes=codes)
    return RedirectResponse(f"/chronic/residents/{resident_id}?saved=1", status_code=303)


@router.post("/chronic/referrals/{referral_id}/follow-up")
async def follow_up(referral_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    data = form_data(await ctx.form())
    data["cancel"] = data.get("cancel") or ""
    try:
        with session.begin_nested():
            referral = chronic.follow_up_referral(session, ctx.principal, referral_id, data)
    except ValidationFailed as failed:
        return ctx.render("error.html", status_code=422, error=failed)
    return RedirectResponse(f"/chronic/residents/{referral.resident_id}?saved=1", status_code=303)


@router.get("/chronic/residents/{resident_id}/prescriptions/new", response_class=HTMLResponse)
def prescription_form(resident_id: uuid.UUID, ctx: Prescriber, session: DbSession, disease: str = "htn") -> HTMLResponse:
    summary = chronic.patient(session, ctx.principal, resident_id, audit_view=False)
    values = {"disease": disease, "start_date": local_today().isoformat(), "days": 84, "frequency_per_day": 1, "quantity_unit": "片"}
    return ctx.render("chronic/prescription.html", p=summary, values=values, errors=[], codes=codes)


@router.post("/chronic/residents/{resident_id}/prescriptions/new")
async def prescribe(resident_id: uuid.UUID, ctx: Prescriber, session: DbSession) -> Response:
    data = form_data(await ctx.form())
    for key in ("condition_controlled", "condition_stable"):
        data[key] = data.get(key) or "0"
    try:
        with session.begin_nested():
            chronic.create_prescription(session, ctx.principal, resident_id, data)
    except ValidationFailed as failed:
        summary = chronic.patient(session, ctx.principal, resident_id, audit_view=False)
        return ctx.render("chronic/prescription.html", status_code=422, p=summary, values=data, errors=failed.errors, codes=codes)
    return RedirectResponse(f"/chronic/residents/{resident_id}?saved=1", status_code=303)


@router.post("/chronic/prescriptions/{prescription_id}/stop")
async def stop_prescription(prescription_id: uuid.UUID, ctx: Prescriber, session: DbSession) -> Response:
    posted = await ctx.form()
    try:
        with session.begin_nested():
            rx = chronic.stop_prescription(session, ctx.principal, prescription_id, str(posted.get("reason", "")))
    except ValidationFailed as failed:
        return ctx.render("error.html", status_code=422, error=failed)
    return RedirectResponse(f"/chronic/residents/{rx.resident_id}?saved=1", status_code=303)


# ---- indicators ------------------------------------------------------------------------------


@router.get("/chronic/indicators", response_class=HTMLResponse)
def indicators_page(ctx: IndicatorReader, session: DbSession, year: int = 0, level: str = "village", division: str = "") -> HTMLResponse:
    today = local_today()
    year = year if 2000 <= year <= today.year else today.year
    level = level if level in ("city", "county", "township", "village") else "village"
    end = min(date(year, 12, 31), today)
    query = IndicatorQuery(date(year, 1, 1), end, level, division.strip() or None)
    result = chronic_indicators.report(session, ctx.principal, query)
    codes_seen = sorted({v.division_code for values in result.values.values() for v in values})
    names = division_names(session, codes_seen)
    cells: dict[str, dict[str, Any]] = {code: {} for code in codes_seen}
    for indicator_code, values in result.values.items():
        for value in values:
            cells[value.division_code][indicator_code] = value
    return ctx.render(
        "chronic/indicators.html", report=result, names=names, cells=cells, year=year, level=level, division=division, divisions=codes_seen
    )
