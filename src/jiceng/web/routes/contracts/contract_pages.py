"""Indicators, card scan, and one contract: renew, change team, terminate, deliveries, printing."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jiceng.api.deps import DbSession
from jiceng.contracts import card, documents, fulfilment, teams, views
from jiceng.contracts import indicators as contract_indicators
from jiceng.contracts import service as contracts
from jiceng.contracts.permissions import WRITE
from jiceng.core import validators as v
from jiceng.core.clock import local_today
from jiceng.core.errors import FieldError, ValidationFailed
from jiceng.core.indicators import LEVELS, IndicatorQuery
from jiceng.registry import service as registry
from jiceng.web.deps import WebContext, form_dict
from jiceng.web.routes.contracts.common import IndicatorReader, Reader, Scanner, Writer, consent_id, render, router

# ---- indicators, card scan ----------------------------------------------------------------


@router.get("/contracts/indicators", response_class=HTMLResponse)
def indicator_page(
    ctx: IndicatorReader, session: DbSession, period_start: str = "", period_end: str = "", level: str = "county", division: str = ""
) -> HTMLResponse:
    today = local_today()
    start = v.parse_date(period_start) or date(today.year, 1, 1)
    end = v.parse_date(period_end) or today
    level = level if level in LEVELS else "county"
    query = IndicatorQuery(start, max(end, start), level, division.strip() or ctx.principal.division_code)
    results = {d.code: {x.division_code: x for x in d.compute(session, query)} for d in contract_indicators.ALL}
    divisions = sorted({code for values in results.values() for code in values})
    names = registry.division_names(session, divisions)
    return render(
        ctx, "indicators.html", query=query, results=results, divisions=divisions, names=names, defs=contract_indicators, levels=LEVELS
    )


@router.get("/contracts/card/{token}", response_class=HTMLResponse)
def scan(token: str, ctx: Scanner, session: DbSession) -> Response:
    """A scanned e-health card: verify it, grant access for a few hours, open the record."""
    outcome = card.scan_card(session, ctx.principal, token)
    if outcome.ok:
        return RedirectResponse(f"/residents/{outcome.resident_id}", status_code=303)
    return render(ctx, "card_refused.html", 403, outcome=outcome)


# ---- one contract (declared last: "/contracts/{contract_id}" would shadow the paths above) --


@router.get("/contracts/{contract_id}", response_class=HTMLResponse)
def contract_page(contract_id: uuid.UUID, ctx: Reader, session: DbSession, saved: int = 0) -> HTMLResponse:
    return _contract_page(ctx, session, contract_id, saved=saved)


def _contract_page(
    ctx: WebContext,
    session: DbSession,
    contract_id: uuid.UUID,
    errors: list[FieldError] | None = None,
    status_code: int = 200,
    saved: int = 0,
) -> HTMLResponse:
    view = views.get_contract(session, ctx.principal, contract_id)
    group = views.sign_group(session, ctx.principal, view.sign_group_id) if view.sign_group_id else []
    other_teams = [t for t in teams.my_teams(session, ctx.principal) if t.id != view.team_id] if ctx.principal.can(WRITE) else []
    return render(ctx, "contract.html", status_code, c=view, group=group, other_teams=other_teams, errors=errors or [], saved=saved)


async def _contract_action(ctx: WebContext, session: DbSession, contract_id: uuid.UUID, action: str) -> Response:
    form = await ctx.form()
    data = form_dict(form, multi=("package_ids",))
    try:
        with session.begin_nested():
            if action in ("renew", "change"):
                data["consent_id"] = await consent_id(session, ctx, form)
            if action == "renew":
                target = contracts.renew_contract(
                    session, ctx.principal, contract_id, {k: val for k, val in data.items() if k != "package_ids"}
                ).id
            elif action == "change":
                target = contracts.change_team(session, ctx.principal, contract_id, data).id
            elif action == "terminate":
                target = contracts.terminate_contract(session, ctx.principal, contract_id, data).id
            else:
                fulfilment.record_delivery(session, ctx.principal, contract_id, data)
                target = contract_id
    except ValidationFailed as failed:
        return _contract_page(ctx, session, contract_id, failed.errors, 422)
    return RedirectResponse(f"/contracts/{target}?saved=1", status_code=303)


@router.post("/contracts/{contract_id}/renew")
async def renew(contract_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    return await _contract_action(ctx, session, contract_id, "renew")


@router.post("/contracts/{contract_id}/change-team")
async def change_team(contract_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    return await _contract_action(ctx, session, contract_id, "change")


@router.post("/contracts/{contract_id}/terminate")
async def terminate(contract_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    return await _contract_action(ctx, session, contract_id, "terminate")


@router.post("/contracts/{contract_id}/deliveries")
async def deliver(contract_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    return await _contract_action(ctx, session, contract_id, "deliver")


@router.post("/contracts/{contract_id}/deliveries/{delivery_id}/void")
async def void_delivery(contract_id: uuid.UUID, delivery_id: uuid.UUID, ctx: Writer, session: DbSession) -> Response:
    form = await ctx.form()
    fulfilment.void_delivery(session, ctx.principal, delivery_id, str(form.get("note") or ""))
    return RedirectResponse(f"/contracts/{contract_id}?saved=1", status_code=303)


@router.get("/contracts/{contract_id}/contract.pdf")
def contract_pdf(contract_id: uuid.UUID, ctx: Reader, session: DbSession) -> Response:
    name, pdf = documents.contract_document(session, ctx.principal, contract_id, str(ctx.request.base_url))
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/contracts/{contract_id}/consent")
def consent_download(contract_id: uuid.UUID, ctx: Reader, session: DbSession) -> Response:
    stored = views.consent_file(session, ctx.principal, contract_id)
    return Response(
        stored.data, media_type=stored.content_type, headers={"Content-Disposition": f'attachment; filename="{stored.filename}"'}
    )
