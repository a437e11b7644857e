"""What the chronic-disease pages share: the router they all add to, permissions, navigation, posted forms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.datastructures import FormData

from jiceng.api.deps import DbSession
from jiceng.chronic import access, form
from jiceng.chronic.texts import TEXTS
from jiceng.registry import service as registry
from jiceng.web.deps import WebContext, web_requires
from jiceng.web.extensions import HomePanel, NavItem, add_home_panel, add_nav, add_resident_panel
from jiceng.web.i18n import register

router = APIRouter(include_in_schema=False)

Reader = Annotated[WebContext, Depends(web_requires(access.READ))]
Writer = Annotated[WebContext, Depends(web_requires(access.WRITE))]
Prescriber = Annotated[WebContext, Depends(web_requires(access.PRESCRIBE))]
Exporter = Annotated[WebContext, Depends(web_requires(access.EXPORT))]
IndicatorReader = Annotated[WebContext, Depends(web_requires(access.INDICATORS))]

register(TEXTS)
add_nav(NavItem("chronic_nav", "/chronic", access.READ, 20))
add_nav(NavItem("chronic_indicators_nav", "/chronic/indicators", access.INDICATORS, 60))
add_home_panel(HomePanel("chronic/_home_panel.html", access.READ, 10))
add_resident_panel(HomePanel("chronic/_resident_panel.html", access.READ, 20))

MULTI = ("symptoms", "critical_signs", "declared_risks")


def division_names(session: DbSession, codes_: list[str]) -> dict[str, str]:
    return registry.division_names(session, codes_)


def form_data(posted: FormData) -> dict[str, Any]:
    """A posted visit, screening or prescription form as the dict the services take."""
    data: dict[str, Any] = {
        k: v for k, v in posted.items() if k != "csrf_token" and isinstance(v, str) and not k.startswith(("med_", "adj_"))
    }
    for key in MULTI:
        data[key] = [str(v) for v in posted.getlist(key) if str(v)]
    for prefix, key in (("med", "medications"), ("adj", "medication_adjustment")):
        data[key] = [
            {
                "name": posted.get(f"{prefix}_name_{i}", ""),
                "per_day": posted.get(f"{prefix}_per_day_{i}", ""),
                "dose": posted.get(f"{prefix}_dose_{i}", ""),
            }
            for i in range(form.MEDICATION_ROWS)
            if str(posted.get(f"{prefix}_name_{i}", "")).strip()
        ]
    for f in form.FIELDS:
        if f.kind == "bool":
            data[f.key] = "1" if posted.get(f.key) else "0"
    return data
