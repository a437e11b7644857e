"""Health-check pages: new check, draft edit, sign, correction, view, resident panel."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from jiceng.api.deps import DbSession
from jiceng.core.clock import local_today
from jiceng.core.errors import FieldError, NotFound, ValidationFailed
from jiceng.exams import codes, form
from jiceng.exams import service as exams
from jiceng.residents import service as residents
from jiceng.residents.schemas import age_on
from jiceng.web.deps import WebContext, web_requires
from jiceng.web.extensions import HomePanel, add_resident_panel
from jiceng.web.i18n import register

router = APIRouter(include_in_schema=False)

Reader = Annotated[WebContext, Depends(web_requires(exams.EXAMS_READ))]
Writer = Annotated[WebContext, Depends(web_requires(exams.EXAMS_WRITE))]

register(
    {
        "exams_health_check": ("健康体检表", "Health check"),
        "exams_new": ("新建健康体检", "New health check"),
        "exams_checks": ("健康体检记录", "Health checks"),
        "exams_save_draft": ("保存草稿", "Save draft"),
        "exams_sign": ("签名保存", "Sign and save"),
        "exams_signed": ("已签名", "Signed"),
        "exams_draft": ("草稿", "Draft"),
        "exams_correct": ("更正", "Correct"),
        "exams_corrected_by": ("已被更正，见更正记录", "Corrected; see the correction"),
        "exams_corrects": ("更正自", "Corrects"),
        "exams_none": ("暂无体检记录", "No health checks yet"),
        "exams_bmi": ("体质指数（BMI）", "BMI"),
        "exams_self_care_total": ("生活自理能力评分", "Self-care score"),
        "exams_liquor": ("折合白酒量（两/日）", "Liquor equivalent (liang/day)"),
        "exams_computed": ("自动计算", "computed"),
        "exams_elderly_hint": (
            "65岁及以上老年人的年度体检请使用“老年人年度服务”页面，同时完成中医体质辨识",
            "For people aged 65+, use the yearly elderly visit page to record the check and the TCM questionnaire together",
        ),
        "exams_mmse_hint": ("粗筛阳性：请进一步行简易智力状态检查（MMSE）", "Positive: follow with the MMSE"),
        "exams_gds_hint": ("粗筛阳性：请进一步行老年抑郁量表检查", "Positive: follow with the Geriatric Depression Scale"),
        "exams_date": ("体检日期", "Check date"),
        "exams_resident": ("居民", "Resident"),
        "exams_row": ("行", "Row"),
    }
)

add_resident_panel(HomePanel("exams/_resident_panel.html", exams.EXAMS_READ, 40))


def check_data(posted: FormData) -> dict[str, Any]:
    """The posted health-check fields as the flat dict the service takes."""
    data: dict[str, Any] = {}
    for f in form.FIELDS:
        if f.kind == "codes":
            data[f.key] = [str(v) for v in posted.getlist(f.key) if str(v)]
        elif f.kind == "texts":
            data[f.key] = [str(posted.get(f"{f.key}-{i}") or "") for i in range(f.max_items)]
        elif f.kind == "rows":
            data[f.key] = [{c.key: str(posted.get(f"{f.key}-{i}-{c.key}") or "") for c in f.columns} for i in range(f.max_items)]
        else:
            data[f.key] = str(posted.get(f.key) or "")
    return data


def form_context(resident: Any, values: dict[str, Any], errors: list[FieldError]) -> dict[str, Any]:
    """What the health-check sections template needs (shared with the elderly visit page)."""
    today = local_today()
    return {
        "resident": resident,
        "age": age_on(resident.birth_date, today),
        "elderly": exams.in_elderly_cohort(resident.birth_date, today),
        "values": values,
        "errors": errors,
        "error_fields": {e.field.split("[")[0] for e in errors},
        "form": form,
        "codes": codes,
    }


def _page(
    ctx: WebContext, resident: Any, values: dict[str, Any], errors: list[FieldError], action: str, status_code: int = 200
) -> HTMLResponse:
    return ctx.render("exams/form.html", status_code=status_code, action=action, **form_context(resident, values, errors))


def _resident(session: DbSession, ctx: WebContext, resident_id: uuid.UUID) -> Any:
    return residents.get_resident(session, ctx.principal, resident_id, purpose="view_for_exam")


@router.get("/exams/health-checks/new", response_class=HTMLResponse)
def new_form(ctx: Writer, session: DbSession, resident_id: uuid.UUID) -> HTMLResponse:
    resident = _resident(session, ctx, resident_id)
    values = {"exam_date": local_today().isoformat(), "visit_mode": "clinic", "doctor_name": ctx.principal.display_name}
    return _page(ctx, resident, values, [], f"/exams/health-checks/new?resident_id={resident_id}")


@router.post("/exams/health-checks/new")
async def create(ctx: Writer, session: DbSession, resident_id: uuid.UUID) -> Response:
    posted = await ctx.form()
    data = check_data(posted)
    sign = posted.get("action") == "sign"
    try:
        with session.begin_nested():
            check = exams.create_health_check(session, ctx.principal, resident_id, data, sign=sign)
    except ValidationFailed as failed:
        resident = _resident(session, ctx, resident_id)
        return _page(ctx, resident, data, failed.errors, f"/exams/health-checks/new?resident_id={resident_id}", 422)
    return RedirectResponse(f"/exams/health-checks/{check.id}?saved=1", status_code=303)


@router.get("/exams/health-checks/{check_id}", response_class=HTMLResponse)
def detail(check_id: uuid.UUID, ctx: Reader, session: DbSession, saved: int = 0) -> HTMLResponse:
    check = exams.get_health_check(session, ctx.principal, check_id)
    resident = _resident(session, ctx, check.resident_id)
    return ctx.render(
        "exams/detail.html",
        check=check,
        correction=exams.correction_of(session, ctx.principal, check),
        saved=saved,
        **form_context(resident, exams.form_values(check), []),
    )


@router.get("/exams/health-checks/{check_id}/edit", response_class=HTMLResponse)
def edit_form(check_id: uuid.UUID, ctx: Writer, session: DbSession, correct: int = 0) -> Response:
    """A draft's form, or (``correct=1``) a signed check's values as a new correction."""
    check = exams.get_health_check(session, ctx.principal, check_id)
    resident = _resident(session, ctx, check.resident_id)
    values = exams.form_values(check)
    if check.is_signed and not correct:
        return RedirectResponse(f"/exams/health-checks/{check_id}/edit?correct=1", status_code=303)
    action = f"/exams/health-checks/{check_id}/{'correct' if check.is_signed else 'edit'}"
    return _page(ctx, resident, values, [], action)


@router.post("/exams/health-checks/{check_id}/edit")
async def update(check_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    posted = await ctx.form()
    data = check_data(posted)
    try:
        with session.begin_nested():
            check = exams.update_health_check(session, ctx.principal, check_id, data, sign=posted.get("action") == "sign")
    except ValidationFailed as failed:
        check = exams.get_health_check(session, ctx.principal, check_id)
        resident = _resident(session, ctx, check.resident_id)
        return _page(ctx, resident, data, failed.errors, f"/exams/health-checks/{check_id}/edit", 422)
    return RedirectResponse(f"/exams/health-checks/{check.id}?saved=1", status_code=303)


@router.post("/exams/health-checks/{check_id}/correct")
async def correct(check_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    posted = await ctx.form()
    data = check_data(posted)
    try:
        with session.begin_nested():
            check = exams.amend_health_check(session, ctx.principal, check_id, data)
    except ValidationFailed as failed:
        original = exams.get_health_check(session, ctx.principal, check_id)
        resident = _resident(session, ctx, original.resident_id)
        return _page(ctx, resident, data, failed.errors, f"/exams/health-checks/{check_id}/correct", 422)
    return RedirectResponse(f"/exams/health-checks/{check.id}?saved=1", status_code=303)


@router.post("/exams/health-checks/{check_id}/sign")
async def sign(check_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    await ctx.form()
    try:
        with session.begin_nested():
            exams.sign_health_check(session, ctx.principal, check_id)
    except ValidationFailed as failed:
        check = exams.get_health_check(session, ctx.principal, check_id)
        resident = _resident(session, ctx, check.resident_id)
        return _page(ctx, resident, exams.form_values(check), failed.errors, f"/exams/health-checks/{check_id}/edit", 422)
    return RedirectResponse(f"/exams/health-checks/{check_id}?saved=1", status_code=303)


@router.get("/exams/residents/{resident_id}/panel", response_class=HTMLResponse)
def panel(resident_id: uuid.UUID, ctx: Reader, session: DbSession) -> HTMLResponse:
    """The resident page's health-check section (loaded into the page by exams.js)."""
    try:
        checks = exams.list_health_checks(session, ctx.principal, resident_id, limit=10)
    except NotFound:
        return HTMLResponse("", status_code=404)
    return ctx.render("exams/_panel_fragment.html", checks=checks, resident_id=resident_id, codes=codes)
