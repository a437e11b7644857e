"""/api/v1 health checks (健康体检表)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Response

from jiceng.api.deps import DbSession, if_match_version, requires
from jiceng.core.security import Principal
from jiceng.exams import schemas
from jiceng.exams import service as exams

router = APIRouter(tags=["exams 健康体检"])

Reader = Annotated[Principal, Depends(requires(exams.EXAMS_READ))]
Writer = Annotated[Principal, Depends(requires(exams.EXAMS_WRITE))]


def _view(session: DbSession, principal: Principal, check: Any, response: Response | None = None) -> schemas.HealthCheckView:
    if response is not None:
        response.headers["ETag"] = f'W/"{check.version}"'
    corrected = exams.correction_of(session, principal, check)
    return schemas.HealthCheckView.of(check, corrected.id if corrected else None)


@router.get("/exams/form")
def form(principal: Reader) -> dict[str, Any]:
    """The form's sections, fields, ranges and code lists (to build a client form)."""
    return schemas.form_description()


@router.post("/exams/health-checks", response_model=schemas.HealthCheckView, status_code=201)
def create(body: schemas.HealthCheckCreate, session: DbSession, principal: Writer, response: Response) -> schemas.HealthCheckView:
    """Record a check; signed unless ``"sign": false`` (a draft). With ``amends_id``: a
    correction of a signed check. Bad input answers 422 naming each field; nothing is saved."""
    check = exams.create_health_check(session, principal, body.resident_id, body.provided(), sign=body.sign)
    response.headers["Location"] = f"/api/v1/exams/health-checks/{check.id}"
    return _view(session, principal, check, response)


@router.get("/exams/health-checks/{check_id}", response_model=schemas.HealthCheckView)
def read(check_id: uuid.UUID, session: DbSession, principal: Reader, response: Response) -> schemas.HealthCheckView:
    return _view(session, principal, exams.get_health_check(session, principal, check_id), response)


@router.patch("/exams/health-checks/{check_id}", response_model=schemas.HealthCheckView)
def update(
    check_id: uuid.UUID,
    body: schemas.HealthCheckWrite,
    session: DbSession,
    principal: Writer,
    response: Response,
    sign: bool = False,
    if_match: Annotated[str | None, Header()] = None,
) -> schemas.HealthCheckView:
    """Change a draft (``?sign=true`` also signs it). A signed check answers 409."""
    check = exams.update_health_check(session, principal, check_id, body.provided(), expected_version=if_match_version(if_match), sign=sign)
    return _view(session, principal, check, response)


@router.post("/exams/health-checks/{check_id}/sign", response_model=schemas.HealthCheckView)
def sign(check_id: uuid.UUID, session: DbSession, principal: Writer, response: Response) -> schemas.HealthCheckView:
    return _view(session, principal, exams.sign_health_check(session, principal, check_id), response)


@router.post("/exams/health-checks/{check_id}/corrections", response_model=schemas.HealthCheckView, status_code=201)
def correct(
    check_id: uuid.UUID, body: schemas.HealthCheckWrite, session: DbSession, principal: Writer, response: Response
) -> schemas.HealthCheckView:
    """A signed correction of a signed check: the whole form again, as it should read."""
    check = exams.amend_health_check(session, principal, check_id, body.provided())
    response.headers["Location"] = f"/api/v1/exams/health-checks/{check.id}"
    return _view(session, principal, check, response)


@router.get("/residents/{resident_id}/health-checks", response_model=list[schemas.HealthCheckView])
def for_resident(resident_id: uuid.UUID, session: DbSession, principal: Reader) -> list[schemas.HealthCheckView]:
    return [_view(session, principal, c) for c in exams.list_health_checks(session, principal, resident_id)]
