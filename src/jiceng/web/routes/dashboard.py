"""Supervision dashboard pages: the indicators of a division and its children (city →
county → township → village), one indicator's trend and ranking, the people behind a
number, the catalogue, the workforce, targets, and the Excel and PDF exports."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jiceng.api.deps import DbSession
from jiceng.core import audit
from jiceng.core.errors import ValidationFailed
from jiceng.core.permissions import Perm
from jiceng.indicators import exports, state, targets
from jiceng.indicators import people as people_service
from jiceng.indicators import service as dashboard
from jiceng.indicators import workforce as workforce_service
from jiceng.indicators.exports import DOMAINS
from jiceng.indicators.people import WHICH
from jiceng.indicators.workforce import STATISTICS
from jiceng.registry import codes as registry_codes
from jiceng.web.deps import WebContext, web_requires
from jiceng.web.extensions import NavItem, add_nav
from jiceng.web.i18n import register

router = APIRouter(include_in_schema=False)
Reader = Annotated[WebContext, Depends(web_requires(Perm.INDICATORS_READ))]
Manager = Annotated[WebContext, Depends(web_requires(Perm.REGISTRY_MANAGE))]

register(
    {
        "dash_nav": ("考核指标", "Indicators"),
        "dash_title": ("基本公共卫生服务考核指标", "Primary-care indicators"),
        "dash_period": ("统计期", "Period"),
        "dash_show": ("查看", "Show"),
        "dash_indicator": ("指标", "Indicator"),
        "dash_numerator": ("分子", "Numerator"),
        "dash_denominator": ("分母", "Denominator"),
        "dash_rate": ("率", "Rate"),
        "dash_target": ("目标", "Target"),
        "dash_children": ("下级单位", "Divisions below"),
        "dash_division": ("单位", "Division"),
        "dash_trend": ("趋势", "Trend"),
        "dash_ranking": ("下级排名", "Ranking"),
        "dash_definition": ("指标定义", "Definition"),
        "dash_source": ("依据", "Source"),
        "dash_version": ("版本", "Version"),
        "dash_people": ("名单", "People"),
        "dash_catalogue": ("指标目录", "Catalogue"),
        "dash_workforce": ("机构与人员", "Institutions and staff"),
        "dash_targets": ("目标值设置", "Targets"),
        "dash_excel": ("导出Excel", "Excel"),
        "dash_pdf": ("打印月报（PDF）", "Monthly report (PDF)"),
        "dash_not_built": (
            "指标数据尚未生成：请管理员在服务器上运行 jiceng indicators rebuild",
            "The indicator state is not built yet: an administrator runs jiceng indicators rebuild",
        ),
        "dash_deidentified": ("名单已去标识化（督导只见姓氏与出生年份）", "De-identified list (surname and birth year only)"),
        "dash_more": ("下一页", "Next page"),
        "dash_none": ("没有符合条件的居民", "Nobody"),
        "dash_status_met": ("达标", "Met"),
        "dash_status_near": ("接近", "Close"),
        "dash_status_below": ("未达标", "Below"),
        "dash_scaled": ("分母为推算值（分母人群 × 系数）", "Estimated denominator (people × factor)"),
        "dash_targets_hint": (
            "按比例填写（如 85 表示 85%）；留空则用国家默认值。按区划设置请用 API：PUT /api/v1/indicators/targets",
            "Percent (85 means 85 %); empty keeps the national default. Per-division targets: PUT /api/v1/indicators/targets",
        ),
        "dash_saved": ("已保存", "Saved"),
        "dash_residents": ("常住居民（在档）", "Residents (active records)"),
        "dash_staff_per_1000": ("每千常住人口基层卫生人员", "Staff per 1,000 residents"),
    }
)
add_nav(NavItem("dash_nav", "/dashboard", Perm.INDICATORS_READ, 55))


def _chart(detail: dashboard.Detail | None, lang: str) -> str:
    """The data the page's chart draws (read by dashboard.js from a data attribute)."""
    if detail is None:
        return ""
    code = detail.definition.code
    trend = [{"x": p.label(lang), "y": c.rate, "n": c.numerator, "d": c.denominator, "target": c.target} for p, c in detail.trend]
    ranking = [{"x": r.name, "y": r.cells[code].rate, "status": r.cells[code].status} for r in detail.ranking]
    return json.dumps(
        {"trend": trend, "ranking": ranking, "name": detail.definition.name_zh if lang == "zh" else detail.definition.name_en}
    )


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(ctx: Reader, session: DbSession, division: str = "", period: str = "", domain: str = "") -> HTMLResponse:
    board = dashboard.dashboard(session, ctx.principal, division or None, period or None)
    groups = exports.by_domain(board.definitions)
    domain = domain if domain in groups else next(iter(groups), "")
    return ctx.render("dashboard/index.html", board=board, groups=groups, domain=domain, domains=DOMAINS)


@router.get("/dashboard/indicator/{code}", response_class=HTMLResponse)
def indicator_page(ctx: Reader, session: DbSession, code: str, division: str = "", period: str = "") -> HTMLResponse:
    detail = dashboard.detail(session, ctx.principal, code, division or None, period or None)
    return ctx.render("dashboard/indicator.html", detail=detail, board=detail.dashboard, chart=_chart(detail, ctx.lang))


@router.get("/dashboard/people", response_class=HTMLResponse)
def people_page(
    ctx: Reader, session: DbSession, code: str = "", division: str = "", period: str = "", which: str = "numerator", offset: int = 0
) -> HTMLResponse:
    found = people_service.people(session, ctx.principal, code, division or None, period or None, which, offset)
    return ctx.render("dashboard/people.html", found=found, which_labels=WHICH)


@router.get("/dashboard/catalogue", response_class=HTMLResponse)
def catalogue_page(ctx: Reader) -> HTMLResponse:
    groups = exports.by_domain(state.definitions())
    return ctx.render("dashboard/catalogue.html", groups=groups, domains=DOMAINS, statistics=STATISTICS)


@router.get("/dashboard/workforce", response_class=HTMLResponse)
def workforce_page(ctx: Reader, session: DbSession, division: str = "", period: str = "") -> HTMLResponse:
    found = workforce_service.workforce(session, ctx.principal, division or None, period or None)
    rows = [*found.children, *([found.division] if found.division else [])]
    return ctx.render("dashboard/workforce.html", found=found, rows=rows, kinds=registry_codes.PRIMARY_KINDS, codes=registry_codes)


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _exports(ctx: WebContext, session: DbSession, division: str, period: str, kind: str) -> tuple[Any, Any]:
    board = dashboard.dashboard(session, ctx.principal, division or None, period or None)
    staff = workforce_service.workforce(session, ctx.principal, division or None, period or None)
    audit.record(
        session, ctx.principal, "export", "indicators", detail={"kind": kind, "division": board.division.division, "period": period}
    )
    return board, staff


@router.get("/dashboard/export.xlsx")
def excel(ctx: Reader, session: DbSession, division: str = "", period: str = "") -> Response:
    board, staff = _exports(ctx, session, division, period, "xlsx")
    key = board.period.key if board.period else "none"
    return _download(
        exports.workbook(board, staff),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"indicators-{board.division.division}-{key}.xlsx",
    )


@router.get("/dashboard/report.pdf")
def report(ctx: Reader, session: DbSession, division: str = "", period: str = "") -> Response:
    board, staff = _exports(ctx, session, division, period, "pdf")
    key = board.period.key if board.period else "none"
    return _download(exports.report_pdf(board, staff), "application/pdf", f"indicators-{board.division.division}-{key}.pdf")


@router.get("/dashboard/targets", response_class=HTMLResponse)
def targets_page(ctx: Manager, session: DbSession, saved: int = 0) -> HTMLResponse:
    return ctx.render(
        "dashboard/targets.html", definitions=state.definitions(), configured=targets.load(session), saved=saved, error=None, values={}
    )


@router.post("/dashboard/targets", response_model=None)
async def save_targets(ctx: Manager, session: DbSession) -> HTMLResponse | RedirectResponse:
    posted = await ctx.form()
    definitions = state.definitions()
    configured = targets.load(session)
    values: dict[str, Any] = {}
    for d in definitions:
        raw = str(posted.get(f"target_{d.code}", "")).strip()
        if not raw:
            continue
        try:
            number: Any = float(raw) / 100
        except ValueError:
            number = raw
        values[d.code] = {**configured.get(d.code, {}), "": number}
    try:
        targets.save(session, ctx.principal, values, definitions)
    except ValidationFailed as failed:
        return ctx.render(
            "dashboard/targets.html", status_code=422, definitions=definitions, configured=configured, saved=0, error=failed, values=posted
        )
    return RedirectResponse("/dashboard/targets?saved=1", status_code=303)
