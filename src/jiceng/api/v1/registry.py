"""/api/v1 registry endpoints: divisions, institutions, alliances, staff, statistics."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from jiceng.api.deps import DbSession, requires
from jiceng.core.permissions import Perm
from jiceng.core.security import Principal
from jiceng.registry import schemas
from jiceng.registry import service as registry
from jiceng.registry.service import WorkforceGroup

router = APIRouter(tags=["registry 机构与人员"])

Reader = Annotated[Principal, Depends(requires(Perm.REGISTRY_READ))]
Manager = Annotated[Principal, Depends(requires(Perm.REGISTRY_MANAGE))]


@router.get("/divisions", response_model=list[schemas.DivisionOut])
def list_divisions(session: DbSession, _p: Reader, parent: str | None = None) -> list[schemas.DivisionOut]:
    """Top-level divisions, or the children of ``parent`` (a 12-digit code)."""
    return [schemas.DivisionOut.model_validate(d) for d in registry.division_children(session, parent)]


@router.get("/divisions/{code}", response_model=list[schemas.DivisionOut])
def division_path(code: str, session: DbSession, _p: Reader) -> list[schemas.DivisionOut]:
    """The division with its ancestors, top first."""
    registry.get_division(session, code)
    return [schemas.DivisionOut.model_validate(d) for d in registry.division_path(session, code)]


@router.post("/divisions", response_model=schemas.DivisionOut, status_code=201)
def create_division(body: schemas.DivisionWrite, session: DbSession, principal: Manager) -> schemas.DivisionOut:
    return schemas.DivisionOut.model_validate(registry.create_division(session, principal, body.model_dump()))


@router.get("/institutions", response_model=list[schemas.InstitutionOut])
def list_institutions(
    session: DbSession, _p: Reader, under: str | None = None, kind: Annotated[list[str] | None, Query()] = None
) -> list[schemas.InstitutionOut]:
    prefix = registry.prefix_of(under) if under else None
    return [schemas.InstitutionOut.model_validate(i) for i in registry.list_institutions(session, prefix, kind)]


@router.get("/institutions/{institution_id}", response_model=schemas.InstitutionDetail)
def get_institution(institution_id: uuid.UUID, session: DbSession, _p: Reader) -> schemas.InstitutionDetail:
    institution = registry.get_institution(session, institution_id)
    base = schemas.InstitutionOut.model_validate(institution).model_dump()
    alliances = [{"id": str(a.id), "name": a.name, "kind": a.kind} for a in registry.alliances_of(session, institution_id)]
    return schemas.InstitutionDetail(**base, catchment_villages=registry.catchment_villages(session, institution_id), alliances=alliances)


@router.post("/institutions", response_model=schemas.InstitutionOut, status_code=201)
def create_institution(body: schemas.InstitutionWrite, session: DbSession, principal: Manager) -> schemas.InstitutionOut:
    return schemas.InstitutionOut.model_validate(registry.create_institution(session, principal, body.model_dump()))


@router.put("/institutions/{institution_id}/catchment", response_model=list[str])
def set_catchment(institution_id: uuid.UUID, body: schemas.CatchmentWrite, session: DbSession, principal: Manager) -> list[str]:
    return registry.set_catchment(session, principal, institution_id, body.village_codes)


@router.get("/alliances", response_model=list[schemas.AllianceOut])
def list_alliances(session: DbSession, _p: Reader, under: str | None = None) -> list[schemas.AllianceOut]:
    prefix = registry.prefix_of(under) if under else None
    return [schemas.AllianceOut.model_validate(a) for a in registry.list_alliances(session, prefix)]


@router.get("/alliances/{alliance_id}/members", response_model=list[schemas.InstitutionOut])
def alliance_members(alliance_id: uuid.UUID, session: DbSession, _p: Reader) -> list[schemas.InstitutionOut]:
    return [schemas.InstitutionOut.model_validate(i) for i in registry.alliance_members(session, alliance_id)]


@router.get("/staff", response_model=list[schemas.StaffOut])
def list_staff(
    session: DbSession,
    _p: Reader,
    institution_id: uuid.UUID | None = None,
    under: str | None = None,
    q: str = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[schemas.StaffOut]:
    prefix = registry.prefix_of(under) if under else None
    return [schemas.StaffOut.model_validate(s) for s in registry.list_staff(session, institution_id, prefix, q, limit, offset)]


@router.post("/staff", response_model=schemas.StaffOut, status_code=201)
def create_staff(body: schemas.StaffWrite, session: DbSession, principal: Manager) -> schemas.StaffOut:
    return schemas.StaffOut.model_validate(registry.create_staff(session, principal, body.model_dump()))


def _workforce(group: WorkforceGroup) -> schemas.WorkforceOut:
    return schemas.WorkforceOut(
        label_zh=group.label_zh,
        label_en=group.label_en,
        total=group.total,
        bachelor_or_above=group.bachelor_or_above,
        intermediate_title_or_above=group.intermediate_title_or_above,
        licensed_or_assistant_physicians=group.licensed_or_assistant,
        by_profession=group.by_profession,
        by_education=group.by_education,
        by_title=group.by_title,
    )


@router.get("/registry/statistics", response_model=schemas.StatisticsOut)
def statistics(session: DbSession, principal: Reader, division: str | None = None) -> schemas.StatisticsOut:
    """Institutions by type and primary-care staff by profession, education and title (as in seed 001)."""
    stats = registry.statistics(session, principal, division)
    return schemas.StatisticsOut(
        division_code=stats.division_code,
        institutions_by_kind=stats.institutions_by_kind,
        primary_institutions=stats.primary_institutions,
        primary_staff=stats.primary_staff,
        township_level=_workforce(stats.township_level),
        village_level=_workforce(stats.village_level),
    )
