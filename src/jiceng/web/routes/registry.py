"""Registry pages: institution tree, institution, staff list, statistics."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from jiceng.api.deps import DbSession
from jiceng.core.permissions import Perm
from jiceng.registry import codes
from jiceng.registry import service as registry
from jiceng.web.deps import WebContext, web_requires

router = APIRouter(include_in_schema=False)

Reader = Annotated[WebContext, Depends(web_requires(Perm.REGISTRY_READ))]


@router.get("/registry/institutions", response_class=HTMLResponse)
def institution_tree(ctx: Reader, session: DbSession, under: str = "") -> HTMLResponse:
    """Divisions down to one level below ``under``, with the institutions at each."""
    path = registry.division_path(session, under) if under else []
    children = registry.division_children(session, under or None)
    if not under and len(children) == 1:
        # A region with one top division: start inside it.
        return institution_tree(ctx, session, children[0].code)
    prefix = registry.prefix_of(under) if under else None
    institutions = registry.list_institutions(session, prefix) if prefix and len(prefix) >= 6 else []
    by_division = defaultdict(list)
    for institution in institutions:
        by_division[institution.division_code].append(institution)
    here = by_division.pop(under, []) if under else []
    return ctx.render(
        "registry/institutions.html",
        path=path,
        children=children,
        here=here,
        by_division=by_division,
        codes=codes,
        under=under,
    )


@router.get("/registry/institutions/{institution_id}", response_class=HTMLResponse)
def institution_detail(institution_id: uuid.UUID, ctx: Reader, session: DbSession) -> HTMLResponse:
    institution = registry.get_institution(session, institution_id)
    villages = registry.catchment_villages(session, institution_id)
    names = registry.divisions_by_codes(session, villages)
    alliances = [(a, registry.alliance_members(session, a.id)) for a in registry.alliances_of(session, institution_id)]
    pairings = registry.pairings_of(session, institution_id)
    partner_ids = {p.supporting_institution_id for p in pairings} | {p.supported_institution_id for p in pairings}
    partners = {i: registry.get_institution(session, i) for i in partner_ids}
    staff = registry.list_staff(session, institution_id=institution_id)
    parent = registry.get_institution(session, institution.parent_id) if institution.parent_id else None
    return ctx.render(
        "registry/institution.html",
        i=institution,
        villages=[(c, names[c].name if c in names else c) for c in villages],
        alliances=alliances,
        pairings=pairings,
        partners=partners,
        staff=staff,
        parent=parent,
        codes=codes,
        path=registry.division_path(session, institution.division_code),
    )


@router.get("/registry/staff", response_class=HTMLResponse)
def staff_list(ctx: Reader, session: DbSession, q: str = "", under: str = "", page: int = 0) -> HTMLResponse:
    prefix = registry.prefix_of(under) if under else None
    page = max(page, 0)
    members = registry.list_staff(session, under=prefix, query=q.strip()[:30], limit=100, offset=page * 100)
    institutions = {i: registry.get_institution(session, i) for i in {m.institution_id for m in members}}
    return ctx.render("registry/staff.html", staff=members, institutions=institutions, q=q, under=under, page=page, codes=codes)


@router.get("/registry/statistics", response_class=HTMLResponse)
def statistics(ctx: Reader, session: DbSession, division: str = "") -> HTMLResponse:
    stats = registry.statistics(session, ctx.principal, division or None)
    path = registry.division_path(session, division) if division else []
    children = registry.division_children(session, division or None)
    return ctx.render("registry/statistics.html", stats=stats, codes=codes, path=path, children=children, division=division)
