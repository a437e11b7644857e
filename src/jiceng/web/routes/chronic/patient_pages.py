"""The worklist, the patient's page with its chart, enrolment and management status."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from jiceng.api.deps import DbSession
from jiceng.chronic import annual_check, codes
from jiceng.chronic import service as chronic
from jiceng.core.clock import local_today
from jiceng.core.errors import FieldError, ValidationFailed
from jiceng.web.deps import WebContext
from jiceng.web.routes.chronic.common import Exporter, Reader, Writer, division_names, form_data, router

# ---- worklist --------------------------------------------------------------------------


@router.get("/chronic", response_class=HTMLResponse)
def worklist_page(ctx: Reader, session: DbSession, mine: int = 0, disease: str = "") -> HTMLResponse:
    work = chronic.worklist(session, ctx.principal, mine=bool(mine), disease=disease or None)
    villages = division_names(session, sorted({i.village_code for _, i in work.items()}))
    return ctx.render("chronic/worklist.html", work=work, villages=villages, codes=codes, mine=mine, disease=disease)


@router.get("/chronic/worklist.xlsx")
def worklist_excel(ctx: Exporter, session: DbSession, mine: int = 0, disease: str = "") -> Response:
    work = chronic.worklist(session, ctx.principal, mine=bool(mine), disease=disease or None, audit_view=False)
    villages = division_names(session, sorted({i.village_code for _, i in work.items()}))
    body = chronic.worklist_workbook(session, ctx.principal, work, villages, ctx.lang)
    filename = f"chronic-worklist-{work.today.isoformat()}.xlsx"
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/chronic/panel", response_class=HTMLResponse)
def home_panel(ctx: Reader, session: DbSession) -> HTMLResponse:
    """Counts only (no names), so opening the home page is not an audited view of patients."""
    work = chronic.worklist(session, ctx.principal, audit_view=False)
    return ctx.render("chronic/_home_fragment.html", work=work, codes=codes)


# ---- the patient -----------------------------------------------------------------------


@router.get("/chronic/residents/{resident_id}", response_class=HTMLResponse)
def patient_page(resident_id: uuid.UUID, ctx: Reader, session: DbSession, signed: str = "", saved: int = 0) -> HTMLResponse:
    summary = chronic.patient(session, ctx.principal, resident_id)
    just_signed = next((v for v in summary.visits if str(v.id) == signed), None)
    check = annual_check.latest(session, ctx.principal, resident_id)
    return ctx.render(
        "chronic/patient.html",
        p=summary,
        codes=codes,
        just_signed=just_signed,
        saved=saved,
        health_check=check,
        health_check_url=annual_check.form_url(resident_id),
        today=local_today(),
    )


@router.get("/chronic/residents/{resident_id}/panel", response_class=HTMLResponse)
def resident_panel(resident_id: uuid.UUID, ctx: Reader, session: DbSession) -> HTMLResponse:
    summary = chronic.patient(session, ctx.principal, resident_id, audit_view=False)
    return ctx.render("chronic/_resident_fragment.html", p=summary, codes=codes, today=local_today())


@router.get("/chronic/residents/{resident_id}/timeline.json")
def timeline(resident_id: uuid.UUID, ctx: Reader, session: DbSession) -> JSONResponse:
    return JSONResponse(chronic.timeline(session, ctx.principal, resident_id))


# ---- enrolment -----------------------------------------------------------------------------


def _enrol_page(
    ctx: WebContext, session: DbSession, resident_id: uuid.UUID, values: dict[str, Any], errors: list[FieldError], status: int = 200
) -> HTMLResponse:
    summary = chronic.patient(session, ctx.principal, resident_id, audit_view=False)
    return ctx.render("chronic/enrol.html", status_code=status, p=summary, values=values, errors=errors, codes=codes)


@router.get("/chronic/residents/{resident_id}/enrol", response_class=HTMLResponse)
def enrol_form(resident_id: uuid.UUID, ctx: Writer, session: DbSession, disease: str = "htn") -> HTMLResponse:
    today = local_today().isoformat()
    return _enrol_page(
        ctx, session, resident_id, {"disease": disease, "enrolled_on": today, "diagnosis_basis": "1", "source": "clinic"}, []
    )


@router.post("/chronic/residents/{resident_id}/enrol")
async def enrol(resident_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    data = form_data(await ctx.form())
    try:
        with session.begin_nested():
            chronic.enrol(session, ctx.principal, resident_id, data)
    except ValidationFailed as failed:
        return _enrol_page(ctx, session, resident_id, data, failed.errors, 422)
    return RedirectResponse(f"/chronic/residents/{resident_id}?saved=1", status_code=303)


@router.post("/chronic/residents/{resident_id}/status")
async def change_status(resident_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    data = form_data(await ctx.form())
    summary = chronic.patient(session, ctx.principal, resident_id, audit_view=False)
    enrolment = next((e for e in summary.enrolments if e.disease == data.get("disease")), None)
    try:
        if enrolment is None:
            raise ValidationFailed([FieldError("disease", "not_managed", "管理病种：未纳入管理", "Condition: not enrolled")])
        with session.begin_nested():
            chronic.update_enrolment(
                session, ctx.principal, enrolment.id, {k: data.get(k) for k in ("status", "status_date", "status_reason")}
            )
    except ValidationFailed as failed:
        return ctx.render("chronic/patient.html", status_code=422, p=summary, codes=codes, errors=failed.errors, today=local_today())
    return RedirectResponse(f"/chronic/residents/{resident_id}?saved=1", status_code=303)
