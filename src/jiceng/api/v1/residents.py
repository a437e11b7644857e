"""/api/v1 resident and household endpoints."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Response

from jiceng.api.deps import DbSession, if_match_version, requires
from jiceng.core.permissions import Perm
from jiceng.core.security import Principal
from jiceng.residents import schemas
from jiceng.residents import service as residents

router = APIRouter(tags=["residents 居民健康档案"])

Reader = Annotated[Principal, Depends(requires(Perm.RESIDENT_READ))]
Searcher = Annotated[Principal, Depends(requires(Perm.RESIDENT_SEARCH))]
Writer = Annotated[Principal, Depends(requires(Perm.RESIDENT_WRITE))]
Deleter = Annotated[Principal, Depends(requires(Perm.RESIDENT_DELETE))]


def _detail(resident: Any, response: Response) -> schemas.ResidentDetail:
    response.headers["ETag"] = f'W/"{resident.version}"'
    return schemas.ResidentDetail.model_validate(resident)


@router.get("/residents", response_model=dict[str, Any])
def search(
    session: DbSession,
    principal: Searcher,
    q: str = "",
    village: str | None = None,
    status: str | None = "active",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Search by ID number, record number, name, pinyin initials or phone. Identifiers are masked."""
    result = residents.search_residents(session, principal, q, village, status, limit)
    return {"items": [item.model_dump(mode="json") for item in result.items], "deidentified": result.deidentified}


@router.post("/residents", response_model=schemas.ResidentDetail, status_code=201)
def create(body: schemas.ResidentWrite, session: DbSession, principal: Writer, response: Response) -> schemas.ResidentDetail:
    resident = residents.create_resident(session, principal, body.provided())
    response.headers["Location"] = f"/api/v1/residents/{resident.id}"
    return _detail(resident, response)


@router.get("/residents/{resident_id}", response_model=schemas.ResidentDetail)
def read(resident_id: uuid.UUID, session: DbSession, principal: Reader, response: Response) -> schemas.ResidentDetail:
    """The whole record, unmasked, audited. Out of scope answers 404."""
    detail = residents.read_record(session, principal, resident_id)
    response.headers["ETag"] = f'W/"{detail.version}"'
    return detail


@router.patch("/residents/{resident_id}", response_model=schemas.ResidentDetail)
def update(
    resident_id: uuid.UUID,
    body: schemas.ResidentWrite,
    session: DbSession,
    principal: Writer,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> schemas.ResidentDetail:
    """Change the fields sent. With ``If-Match: W/"<version>"`` a stale version answers 412."""
    resident = residents.update_resident(session, principal, resident_id, body.provided(), expected_version=if_match_version(if_match))
    return _detail(resident, response)


@router.post("/residents/{resident_id}/status", response_model=schemas.ResidentDetail)
def change_status(
    resident_id: uuid.UUID, body: schemas.StatusChange, session: DbSession, principal: Writer, response: Response
) -> schemas.ResidentDetail:
    """Move out (迁出), return, or record a death (死亡)."""
    return _detail(residents.change_status(session, principal, resident_id, body.status, body.status_date), response)


@router.delete("/residents/{resident_id}", status_code=204)
def delete(resident_id: uuid.UUID, session: DbSession, principal: Deleter, reason: str = "") -> Response:
    residents.delete_resident(session, principal, resident_id, reason)
    return Response(status_code=204)


@router.post("/households", response_model=schemas.HouseholdView, status_code=201)
def create_household(body: schemas.HouseholdWrite, session: DbSession, principal: Writer) -> schemas.HouseholdView:
    household = residents.create_household(session, principal, body.head_resident_id, body.address)
    return residents.get_household(session, principal, household.id)


@router.get("/households/{household_id}", response_model=schemas.HouseholdView)
def read_household(household_id: uuid.UUID, session: DbSession, principal: Reader) -> schemas.HouseholdView:
    return residents.get_household(session, principal, household_id)


@router.post("/households/{household_id}/members", response_model=schemas.HouseholdView)
def add_member(household_id: uuid.UUID, body: schemas.HouseholdMemberAdd, session: DbSession, principal: Writer) -> schemas.HouseholdView:
    residents.add_household_member(session, principal, household_id, body.resident_id, body.relation_to_head)
    return residents.get_household(session, principal, household_id)
