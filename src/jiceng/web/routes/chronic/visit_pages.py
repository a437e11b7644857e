"""Follow-up visits: the form with live computed fields, signing, viewing, amending."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from jiceng.api.deps import DbSession
from jiceng.chronic import codes, form
from jiceng.chronic import service as chronic
from jiceng.chronic.schemas import AssessmentOut
from jiceng.core.clock import local_today
from jiceng.core.errors import FieldError, ValidationFailed
from jiceng.web.deps import WebContext
from jiceng.web.routes.chronic.common import Reader, Writer, form_data, router

# ---- follow-up visits ------------------------------------------------------------------------


def _prefill(summary: chronic.PatientSummary, disease: str) -> dict[str, Any]:
    """Carry the last visit's stable values (height, targets, drugs) into the new form."""
    values: dict[str, Any] = {"visit_date": local_today().isoformat(), "mode": "1", "symptoms": ["1"]}
    last = next((v for v in summary.visits if v.disease == disease and v.id not in summary.superseded and not v.voided), None)
    if last is not None:
        for key in (
            "height_cm",
            "target_weight_kg",
            "smoking_target",
            "drinking_target",
            "exercise_target_per_week",
            "exercise_target_minutes",
            "salt_target",
            "staple_target_g",
            "adherence",
            "insulin_kind",
            "insulin_usage",
        ):
            values[key] = getattr(last, key)
        values["medications"] = list(last.medications)
    return values


def _visit_page(
    ctx: WebContext,
    session: DbSession,
    summary: chronic.PatientSummary,
    disease: str,
    values: dict[str, Any],
    errors: list[FieldError],
    *,
    amends: Any = None,
    status: int = 200,
) -> HTMLResponse:
    rules = chronic.load_rules(session)
    enrolment = next((e for e in summary.enrolments if e.disease == disease), None)
    action = f"/chronic/visits/{amends.id}/amend" if amends else f"/chronic/residents/{summary.resident.id}/visits/new?disease={disease}"
    return ctx.render(
        "chronic/visit_form.html",
        status_code=status,
        p=summary,
        enrolment=enrolment,
        disease=disease,
        values=values,
        errors=errors,
        error_fields={e.field for e in errors},
        amends=amends,
        action=action,
        preview_url=f"/chronic/residents/{summary.resident.id}/visits/preview?disease={disease}",
        fields={f.key: f for f in form.fields_for(disease)},
        symptom_codes=form.symptom_codes(disease),
        rows=form.MEDICATION_ROWS,
        signs=rules.htn_critical_signs if disease == codes.HTN else rules.dm_critical_signs,
        lifestyle_keys=[f.key for f in form.fields_for(disease, "lifestyle")],
        codes=codes,
    )


@router.get("/chronic/residents/{resident_id}/visits/new", response_class=HTMLResponse)
def visit_form(resident_id: uuid.UUID, ctx: Writer, session: DbSession, disease: str = "htn") -> HTMLResponse:
    summary = chronic.patient(session, ctx.principal, resident_id, audit_view=False)
    disease = disease if disease in codes.DISEASE else codes.HTN
    return _visit_page(ctx, session, summary, disease, _prefill(summary, disease), [])


@router.post("/chronic/residents/{resident_id}/visits/new")
async def sign_visit(resident_id: uuid.UUID, ctx: Writer, session: DbSession, disease: str = "htn") -> Response:
    data = form_data(await ctx.form())
    try:
        with session.begin_nested():
            result = chronic.sign_visit(session, ctx.principal, resident_id, disease, data)
    except ValidationFailed as failed:
        summary = chronic.patient(session, ctx.principal, resident_id, audit_view=False)
        return _visit_page(ctx, session, summary, disease, data, failed.errors, status=422)
    return RedirectResponse(f"/chronic/residents/{resident_id}?signed={result.visit.id}", status_code=303)


@router.post("/chronic/residents/{resident_id}/visits/preview")
async def preview(resident_id: uuid.UUID, ctx: Writer, session: DbSession, disease: str = "htn") -> JSONResponse:
    data = form_data(await ctx.form())
    result = chronic.preview(session, ctx.principal, resident_id, disease, data)
    assessment = result["assessment"]
    out: dict[str, Any] = {"bmi": result["bmi"], "assessment": None}
    if assessment is not None:
        shown = AssessmentOut.of(assessment)
        zh = ctx.lang == "zh"
        out["assessment"] = {
            "category": assessment.category,
            "computed_category": assessment.computed_category,
            "category_label": codes.CATEGORY.label(assessment.computed_category, ctx.lang),
            "next_visit_date": assessment.next_visit_date.isoformat(),
            "next_visit_kind": codes.NEXT_VISIT_KIND.label(assessment.next_visit_kind, ctx.lang),
            "urgent": assessment.urgent,
            "referral": assessment.referral_suggested,
            "alert": shown.alert_zh if zh else shown.alert_en,
            "reasons": [codes.REASON.label(r, ctx.lang) for r in assessment.uncontrolled_reasons],
        }
    return JSONResponse(out)


@router.get("/chronic/visits/{visit_id}", response_class=HTMLResponse)
def visit_view(visit_id: uuid.UUID, ctx: Reader, session: DbSession) -> HTMLResponse:
    visit, amendment = chronic.get_visit(session, ctx.principal, visit_id)
    summary = chronic.patient(session, ctx.principal, visit.resident_id, audit_view=False)
    fields = form.fields_for(visit.disease)
    return ctx.render(
        "chronic/visit.html",
        v=visit,
        amendment=amendment,
        p=summary,
        fields=fields,
        symptom_codes=form.symptom_codes(visit.disease),
        codes=codes,
    )


@router.get("/chronic/visits/{visit_id}/amend", response_class=HTMLResponse)
def amend_form(visit_id: uuid.UUID, ctx: Writer, session: DbSession) -> HTMLResponse:
    visit, _amendment = chronic.get_visit(session, ctx.principal, visit_id)
    summary = chronic.patient(session, ctx.principal, visit.resident_id, audit_view=False)
    values = {f.key: getattr(visit, f.key) for f in form.fields_for(visit.disease) if hasattr(visit, f.key)}
    values.update(medications=visit.medications, medication_adjustment=visit.medication_adjustment)
    values["category"] = visit.category if visit.category != visit.computed_category else None
    values["next_visit_date"] = visit.next_visit_date if visit.next_visit_date != visit.computed_next_date else None
    return _visit_page(ctx, session, summary, visit.disease, values, [], amends=visit)


@router.post("/chronic/visits/{visit_id}/amend")
async def amend(visit_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    posted = await ctx.form()
    data = form_data(posted)
    visit, _amendment = chronic.get_visit(session, ctx.principal, visit_id)
    try:
        with session.begin_nested():
            result = chronic.amend_visit(
                session, ctx.principal, visit_id, data, str(posted.get("amendment_reason", "")), voided=bool(posted.get("voided"))
            )
    except ValidationFailed as failed:
        summary = chronic.patient(session, ctx.principal, visit.resident_id, audit_view=False)
        return _visit_page(ctx, session, summary, visit.disease, data, failed.errors, amends=visit, status=422)
    return RedirectResponse(f"/chronic/residents/{visit.resident_id}?signed={result.visit.id}", status_code=303)
