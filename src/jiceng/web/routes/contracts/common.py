"""What the contract pages share: the router they all add to, permissions, navigation, rendering."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData, UploadFile

from jiceng.api.deps import DbSession
from jiceng.contracts import codes, consent
from jiceng.contracts.permissions import CARD_SCAN, INDICATORS, MANAGE_PACKAGES, MANAGE_TEAMS, MARKS, READ, WRITE
from jiceng.core.clock import local_today
from jiceng.core.errors import FieldError
from jiceng.web.deps import WebContext, web_requires
from jiceng.web.extensions import HomePanel, NavItem, add_home_panel, add_nav, add_resident_panel
from jiceng.web.i18n import register

router = APIRouter(include_in_schema=False)

Reader = Annotated[WebContext, Depends(web_requires(READ))]
Writer = Annotated[WebContext, Depends(web_requires(WRITE))]
TeamManager = Annotated[WebContext, Depends(web_requires(MANAGE_TEAMS))]
PackageManager = Annotated[WebContext, Depends(web_requires(MANAGE_PACKAGES))]
MarkKeeper = Annotated[WebContext, Depends(web_requires(MARKS))]
Scanner = Annotated[WebContext, Depends(web_requires(CARD_SCAN))]
IndicatorReader = Annotated[WebContext, Depends(web_requires(INDICATORS))]

register(
    {
        "contracts_nav": ("家庭医生签约", "Family doctors"),
        "contracts_indicators_nav": ("签约指标", "Signing indicators"),
        "contracts_worklist": ("签约服务工作清单", "Contract worklist"),
        "contracts_panel": ("家庭医生签约", "Family-doctor contract"),
    }
)
add_nav(NavItem("contracts_nav", "/contracts", READ, order=30))
add_nav(NavItem("contracts_indicators_nav", "/contracts/indicators", INDICATORS, order=70))
add_home_panel(HomePanel("contracts/_home_panel.html", READ, order=30))
add_resident_panel(HomePanel("contracts/_resident_panel.html", READ, order=30))

PACKAGE_ROWS = 12
HELPER_ROWS = 3


def render(ctx: WebContext, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    return ctx.render(f"contracts/{template}", status_code=status_code, codes=codes, today=local_today(), **values)


def error_fields(errors: list[FieldError]) -> set[str]:
    return {e.field.split(".")[0] for e in errors}


async def consent_id(session: DbSession, ctx: WebContext, form: FormData) -> str | None:
    """Store the consent from the form (drawn signature or uploaded file); None when absent."""
    drawn = str(form.get("signature_data") or "")
    upload = form.get("consent_file")
    if drawn:
        return str(consent.signature_from_data_url(session, ctx.principal, drawn).id)
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(consent.MAX_BYTES * 2 + 1)
        kind = str(form.get("consent_kind") or "paper_scan")
        return str(consent.store_consent(session, ctx.principal, kind, data, upload.filename).id)
    return None
