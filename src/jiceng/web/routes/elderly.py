"""Elderly pages: the yearly visit (check and questionnaire on one screen), the TCM
questionnaire alone, the result with guidance and its PDF, the worklist, the overview
with indicators, and the resident-page panel."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from jiceng.api.deps import DbSession
from jiceng.core.clock import local_today
from jiceng.core.errors import FieldError, NotFound, ValidationFailed
from jiceng.core.permissions import Perm
from jiceng.elderly import guidance, tcm
from jiceng.elderly import service as elderly
from jiceng.elderly.indicators import INDICATORS
from jiceng.exams import codes as exam_codes
from jiceng.exams import service as exams
from jiceng.registry import service as registry
from jiceng.residents import service as residents
from jiceng.residents.schemas import age_on
from jiceng.web.deps import WebContext, web_requires
from jiceng.web.extensions import HomePanel, NavItem, add_home_panel, add_nav, add_resident_panel
from jiceng.web.i18n import register
from jiceng.web.routes.exams import check_data, form_context

router = APIRouter(include_in_schema=False)

Reader = Annotated[WebContext, Depends(web_requires(elderly.ELDERLY_READ))]
Writer = Annotated[WebContext, Depends(web_requires(elderly.ELDERLY_WRITE))]

register(
    {
        "elderly_nav": ("老年人健康管理", "Elderly care"),
        "elderly_visit": ("老年人年度服务（体检+中医体质辨识）", "Yearly elderly visit (check + TCM)"),
        "elderly_tcm_record": ("老年人中医药健康管理服务记录表", "Elderly TCM service record"),
        "elderly_tcm_new": ("中医体质辨识", "TCM constitution identification"),
        "elderly_recall": ("请根据近一年的体验和感觉，回答以下问题", "Answer for how you have felt over the past year"),
        "elderly_quick_entry": ("快速录入", "Quick entry"),
        "elderly_quick_hint": (
            "按题号顺序输入31个数字（1–5；第9、28题由测量值自动计算）",
            "Type 31 digits 1-5 in order (Q9 and Q28 are computed)",
        ),
        "elderly_measured": ("由测量值计算", "From the measurement"),
        "elderly_colds": ("每年感冒次数", "Colds a year"),
        "elderly_allergies": ("每年过敏次数", "Allergies a year"),
        "elderly_constitution": ("体质类型", "Constitution"),
        "elderly_score": ("得分", "Score"),
        "elderly_result": ("判定结果", "Result"),
        "elderly_converted": ("转化分（2009标准，参考）", "Converted score (2009, reference)"),
        "elderly_main_type": ("主要体质", "Main constitution"),
        "elderly_mixed": ("兼夹体质", "Mixed constitutions"),
        "elderly_tendency": ("倾向", "Tendencies"),
        "elderly_tie": ("得分相同，请由中医师判定主要体质", "Equal scores: a TCM physician chooses the main constitution"),
        "elderly_contradiction": (
            "结果自相矛盾（如既是阴虚又是阳虚），请核对回答",
            "Contradictory results (e.g. yin and yang deficiency): re-check the answers",
        ),
        "elderly_confirm": ("已核对回答，中医师确认", "Answers re-checked, confirmed by a TCM physician"),
        "elderly_undeterminable": (
            "无法判定体质类型：请核对回答，或2周后重新采集",
            "Cannot be determined: re-check, or collect again in 2 weeks",
        ),
        "elderly_guidance": ("中医药保健指导", "TCM health guidance"),
        "elderly_all": ("全选", "All"),
        "elderly_print": ("打印结果（PDF）", "Print result (PDF)"),
        "elderly_worklist": ("待服务名单", "Worklist"),
        "elderly_overview": ("年度服务进度", "Yearly progress"),
        "elderly_year": ("年度", "Year"),
        "elderly_missing": ("缺少的服务", "Missing"),
        "elderly_missing_any": ("体检或中医药服务未完成", "Check or TCM not done"),
        "elderly_missing_check": ("未完成健康体检", "No health check"),
        "elderly_missing_tcm": ("未完成中医药服务", "No TCM service"),
        "elderly_all_residents": ("全部65岁及以上居民", "All residents 65+"),
        "elderly_check_done": ("健康体检", "Health check"),
        "elderly_tcm_done": ("中医体质辨识与指导", "TCM identification and guidance"),
        "elderly_home_visit": ("需上门", "Home visit"),
        "elderly_record": ("录入", "Record"),
        "elderly_population": ("65岁及以上居民", "Residents 65+"),
        "elderly_both": ("两项均完成", "Both done"),
        "elderly_rate": ("率", "Rate"),
        "elderly_indicators": ("考核指标", "Indicators"),
        "elderly_this_year": ("本年度", "This year"),
        "elderly_not_elderly": ("该居民当年未满65岁", "Not 65 or over this year"),
        "elderly_history": ("中医体质辨识记录", "TCM records"),
        "elderly_sign_hint": ("签名后不可修改；如需更正请新建更正记录", "Signed records cannot be changed; record a correction instead"),
        "elderly_measurements": ("测量值（用于第9、28题）", "Measurements (for Q9 and Q28)"),
    }
)

add_nav(NavItem("elderly_nav", "/elderly", elderly.ELDERLY_READ, 40))
add_resident_panel(HomePanel("elderly/_resident_panel.html", elderly.ELDERLY_READ, 30))
add_home_panel(HomePanel("elderly/_home_panel.html", elderly.ELDERLY_READ, 40))


def tcm_data(posted: FormData) -> dict[str, Any]:
    """The posted questionnaire as the dict the service takes."""
    data: dict[str, Any] = {
        "answers": {str(q): str(posted.get(f"q{q}")) for q in tcm.ASKED if posted.get(f"q{q}")},
        "colds_per_year": str(posted.get("colds_per_year") or ""),
        "allergies_per_year": str(posted.get("allergies_per_year") or ""),
        "guidance": {c: [str(v) for v in posted.getlist(f"guidance_{c}")] for c in tcm.CONSTITUTIONS if posted.getlist(f"guidance_{c}")},
        "guidance_other": {c: str(posted.get(f"guidance_other_{c}")) for c in tcm.CONSTITUTIONS if posted.get(f"guidance_other_{c}")},
        "physician_confirmed": "physician_confirmed" in posted,
    }
    if posted.get("main_type"):
        data["main_type"] = str(posted.get("main_type"))
    for key in ("assessed_on", "height_cm", "weight_kg", "waist_cm", "doctor_name", "visit_mode"):
        if key in posted:
            data[key] = str(posted.get(key) or "")
    return data


def _tcm_context(values: dict[str, Any], errors: list[FieldError], prefix: str = "") -> dict[str, Any]:
    messages: dict[str, list[FieldError]] = {}
    for e in errors:
        name = e.field.removeprefix(prefix)
        messages.setdefault(name, []).append(e)
    return {"tcm": tcm, "guidance": guidance, "tcm_values": values, "tcm_errors": messages}


def _resident(session: DbSession, ctx: WebContext, resident_id: uuid.UUID) -> Any:
    return residents.get_resident(session, ctx.principal, resident_id, purpose="view_for_elderly_service")


def _visit_page(
    ctx: WebContext, resident: Any, values: dict[str, Any], tcm_values: dict[str, Any], errors: list[FieldError], status_code: int = 200
) -> HTMLResponse:
    return ctx.render(
        "elderly/visit.html",
        status_code=status_code,
        **form_context(resident, values, [e for e in errors if not e.field.startswith("tcm.")]),
        **_tcm_context(tcm_values, [e for e in errors if e.field.startswith("tcm.")], "tcm."),
        all_errors=errors,
    )


@router.get("/elderly/visits/new", response_class=HTMLResponse)
def new_visit(ctx: Writer, session: DbSession, resident_id: uuid.UUID) -> HTMLResponse:
    ctx.principal.require(exams.EXAMS_WRITE)
    resident = _resident(session, ctx, resident_id)
    values = {"exam_date": local_today().isoformat(), "visit_mode": "clinic", "doctor_name": ctx.principal.display_name}
    return _visit_page(ctx, resident, values, {}, [])


@router.post("/elderly/visits/new")
async def create_visit(ctx: Writer, session: DbSession, resident_id: uuid.UUID) -> Response:
    posted = await ctx.form()
    check_values, tcm_values = check_data(posted), tcm_data(posted)
    try:
        with session.begin_nested():
            visit = elderly.record_elderly_visit(session, ctx.principal, resident_id, check_values, tcm_values, sign=True)
    except ValidationFailed as failed:
        resident = _resident(session, ctx, resident_id)
        return _visit_page(ctx, resident, check_values, tcm_values, failed.errors, status_code=422)
    return RedirectResponse(f"/elderly/tcm/{visit.tcm.id}?saved=1", status_code=303)


def _tcm_page(
    ctx: WebContext, session: DbSession, resident: Any, values: dict[str, Any], errors: list[FieldError], status_code: int = 200
) -> HTMLResponse:
    return ctx.render(
        "elderly/tcm_form.html",
        status_code=status_code,
        resident=resident,
        age=age_on(resident.birth_date, local_today()),
        exam_codes=exam_codes,
        all_errors=errors,
        **_tcm_context(values, errors),
    )


@router.get("/elderly/tcm/new", response_class=HTMLResponse)
def new_tcm(ctx: Writer, session: DbSession, resident_id: uuid.UUID) -> HTMLResponse:
    resident = _resident(session, ctx, resident_id)
    values: dict[str, Any] = {"assessed_on": local_today().isoformat(), "visit_mode": "clinic", "doctor_name": ctx.principal.display_name}
    if ctx.principal.can(exams.EXAMS_READ):
        check = exams.latest_health_check(session, ctx.principal, resident_id)
        if check is not None and check.exam_date.year == local_today().year:
            values.update(height_cm=check.height_cm, weight_kg=check.weight_kg, waist_cm=check.waist_cm)
    return _tcm_page(ctx, session, resident, values, [])


@router.post("/elderly/tcm/new")
async def create_tcm(ctx: Writer, session: DbSession, resident_id: uuid.UUID) -> Response:
    posted = await ctx.form()
    data = tcm_data(posted)
    sign = posted.get("action") != "draft"
    try:
        with session.begin_nested():
            record = elderly.record_tcm_assessment(session, ctx.principal, resident_id, data, sign=sign)
    except ValidationFailed as failed:
        return _tcm_page(ctx, session, _resident(session, ctx, resident_id), data, failed.errors, 422)
    return RedirectResponse(f"/elderly/tcm/{record.id}?saved=1", status_code=303)


def _detail(
    ctx: WebContext, session: DbSession, record: Any, errors: list[FieldError], saved: int = 0, status_code: int = 200
) -> HTMLResponse:
    resident = _resident(session, ctx, record.resident_id)
    values = {"guidance": record.guidance, "guidance_other": record.guidance_other, "main_type": record.main_type}
    return ctx.render(
        "elderly/tcm_detail.html",
        status_code=status_code,
        record=record,
        correction=elderly.correction_of(session, ctx.principal, record),
        resident=resident,
        age=age_on(resident.birth_date, local_today()),
        saved=saved,
        exam_codes=exam_codes,
        all_errors=errors,
        **_tcm_context(values, errors),
    )


@router.get("/elderly/tcm/{record_id}", response_class=HTMLResponse)
def tcm_detail(record_id: uuid.UUID, ctx: Reader, session: DbSession, saved: int = 0) -> HTMLResponse:
    return _detail(ctx, session, elderly.get_tcm_assessment(session, ctx.principal, record_id), [], saved)


@router.post("/elderly/tcm/{record_id}/sign")
async def sign_tcm(record_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    """Finish a draft: the physician's main type or confirmation, guidance, then sign."""
    posted = await ctx.form()
    data = {k: val for k, val in tcm_data(posted).items() if k in ("guidance", "guidance_other", "main_type", "physician_confirmed")}
    try:
        with session.begin_nested():
            elderly.sign_tcm_assessment(session, ctx.principal, record_id, data)
    except ValidationFailed as failed:
        return _detail(ctx, session, elderly.get_tcm_assessment(session, ctx.principal, record_id), failed.errors, status_code=422)
    return RedirectResponse(f"/elderly/tcm/{record_id}?saved=1", status_code=303)


@router.get("/elderly/tcm/{record_id}/result.pdf")
def tcm_pdf(record_id: uuid.UUID, ctx: Reader, session: DbSession) -> Response:
    content = elderly.result_pdf(session, ctx.principal, record_id)
    return Response(content, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="tcm-{record_id}.pdf"'})


def _village_names(session: DbSession, codes: list[str]) -> dict[str, str]:
    names = registry.division_names(session, codes)
    return {code: names.get(code, code) for code in codes}


@router.get("/elderly", response_class=HTMLResponse)
def overview(ctx: Reader, session: DbSession, year: int | None = None) -> HTMLResponse:
    year = year or local_today().year
    summary = elderly.service_summary(session, ctx.principal, year)
    names = _village_names(session, [s.village_code for s in summary])
    indicators = []
    if ctx.principal.can(Perm.INDICATORS_READ):
        for definition in INDICATORS:
            values = elderly.indicator_values(session, ctx.principal, definition.code, year, "township")
            indicators.append((definition, values))
    names.update(_village_names(session, [v.division_code for _d, values in indicators for v in values]))
    return ctx.render("elderly/overview.html", year=year, summary=summary, names=names, indicators=indicators)


@router.get("/elderly/worklist", response_class=HTMLResponse)
def worklist(
    ctx: Reader, session: DbSession, year: int | None = None, village: str = "", missing: str = "any", page: int = 1
) -> HTMLResponse:
    year = year or local_today().year
    limit = 50
    chosen = missing if missing in elderly.MISSING else None
    result = elderly.yearly_services(
        session, ctx.principal, year, village=village or None, missing=chosen, offset=(max(page, 1) - 1) * limit, limit=limit
    )
    villages = [s.village_code for s in elderly.service_summary(session, ctx.principal, year)]
    return ctx.render(
        "elderly/worklist.html",
        year=year,
        village=village,
        missing=missing,
        page=max(page, 1),
        result=result,
        names=_village_names(session, villages),
        villages=villages,
        today=local_today(),
        age_on=age_on,
        pages=(result.total + limit - 1) // limit,
    )


@router.get("/elderly/residents/{resident_id}/panel", response_class=HTMLResponse)
def panel(resident_id: uuid.UUID, ctx: Reader, session: DbSession) -> HTMLResponse:
    """The resident page's elderly section (loaded by exams.js); empty under 65."""
    try:
        records = elderly.list_tcm_assessments(session, ctx.principal, resident_id)
        resident = residents.get_resident(session, ctx.principal, resident_id, purpose="view_panel")
    except NotFound:
        return HTMLResponse("", status_code=404)
    today = local_today()
    if not exams.in_elderly_cohort(resident.birth_date, today) and not records:
        return HTMLResponse("")
    status = elderly.resident_year_status(session, ctx.principal, resident_id, today.year)
    return ctx.render("elderly/_panel_fragment.html", records=records[:10], resident=resident, status=status, year=today.year, tcm=tcm)
