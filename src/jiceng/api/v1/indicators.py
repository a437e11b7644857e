"""/api/v1/indicators: the supervision dashboard's numbers, exactly as the web pages show
them (read from the materialized state), the people behind each number, targets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from jiceng.api.deps import DbSession, requires
from jiceng.core.permissions import Perm
from jiceng.core.security import Principal
from jiceng.indicators import people as people_service
from jiceng.indicators import schemas, state, targets
from jiceng.indicators import service as dashboard
from jiceng.indicators import workforce as workforce_service

router = APIRouter(tags=["indicators 考核指标"])

Reader = Annotated[Principal, Depends(requires(Perm.INDICATORS_READ))]
Manager = Annotated[Principal, Depends(requires(Perm.REGISTRY_MANAGE))]


@router.get("/indicators", response_model=list[schemas.DefinitionView])
def catalogue(principal: Reader) -> list[schemas.DefinitionView]:
    """Every indicator: definition, source rule, version, numerator and denominator."""
    return [schemas.DefinitionView.of(d) for d in state.definitions()]


@router.get("/indicators/status", response_model=schemas.StatusView)
def status(session: DbSession, principal: Reader) -> schemas.StatusView:
    """Whether the state is built, its periods, and how far it is behind the change log."""
    found = dashboard.state_status(session, principal)
    return schemas.StatusView(**vars(found))


@router.get("/indicators/values", response_model=schemas.DashboardView)
def values(session: DbSession, principal: Reader, division: str | None = None, period: str | None = None) -> schemas.DashboardView:
    """Every indicator for a division and its child divisions (default: the top of your scope
    and the open period), with targets and status."""
    return schemas.DashboardView.of(dashboard.dashboard(session, principal, division, period))


@router.get("/indicators/workforce", response_model=list[schemas.WorkforceRow])
def workforce(session: DbSession, principal: Reader, division: str | None = None, period: str | None = None) -> list[schemas.WorkforceRow]:
    """Institutions by type and primary-care staff (seed 001's shape) for a division and its children."""
    found = workforce_service.workforce(session, principal, division, period)
    rows = [found.division, *found.children] if found.division else []
    return [schemas.WorkforceRow.of(w) for w in rows]


@router.get("/indicators/targets", response_model=dict[str, dict[str, float]])
def get_targets(session: DbSession, principal: Reader) -> dict[str, dict[str, float]]:
    return targets.load(session)


@router.put("/indicators/targets", response_model=dict[str, dict[str, float]])
def put_targets(body: schemas.TargetsWrite, session: DbSession, principal: Manager) -> dict[str, dict[str, float]]:
    """Replace the region's targets (fractions; per division where given)."""
    return targets.save(session, principal, dict(body.targets), state.definitions())


@router.get("/indicators/{code}", response_model=schemas.TrendView)
def trend(code: str, session: DbSession, principal: Reader, division: str | None = None, period: str | None = None) -> schemas.TrendView:
    """One indicator: its value in every kept period (trend) and the child divisions ranked."""
    found = dashboard.detail(session, principal, code, division, period)
    return schemas.TrendView(
        code=code,
        division_code=found.dashboard.division.division,
        points=[schemas.TrendPoint(period=schemas.PeriodView.of(p), value=schemas.CellView.of(c)) for p, c in found.trend],
        ranking=[schemas.RowView.of(r) for r in found.ranking],
    )


@router.get("/indicators/{code}/people", response_model=schemas.PeopleView)
def people(
    code: str,
    session: DbSession,
    principal: Reader,
    division: str | None = None,
    period: str | None = None,
    which: str = "numerator",
    offset: int = 0,
    limit: int = 50,
) -> schemas.PeopleView:
    """The residents behind a number (``which``: numerator, denominator, gap); in your scope;
    de-identified for supervisors. Audited."""
    return schemas.PeopleView.of(people_service.people(session, principal, code, division, period, which, offset, limit))
