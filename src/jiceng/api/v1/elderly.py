"""/api/v1 elderly health management: TCM constitution service, whole visits, yearly
tracking and worklist, printable result, indicators."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Response

from jiceng.api.deps import DbSession, if_match_version, requires
from jiceng.core.clock import local_today
from jiceng.core.permissions import Perm
from jiceng.core.security import Principal
from jiceng.elderly import schemas
from jiceng.elderly import service as elderly
from jiceng.exams import service as exams
from jiceng.exams.schemas import HealthCheckView

router = APIRouter(tags=["elderly 老年人健康管理"])

Reader = Annotated[Principal, Depends(requires(elderly.ELDERLY_READ))]
Writer = Annotated[Principal, Depends(requires(elderly.ELDERLY_WRITE))]
IndicatorReader = Annotated[Principal, Depends(requires(Perm.INDICATORS_READ))]


def _view(session: DbSession, principal: Principal, record: Any, response: Response | None = None) -> schemas.TcmView:
    if response is not None:
        response.headers["ETag"] = f'W/"{record.version}"'
    corrected = elderly.correction_of(session, principal, record)
    return schemas.TcmView.of(record, corrected.id if corrected else None)


@router.post("/elderly/tcm/score", response_model=schemas.DeterminationView)
def score(body: schemas.ScoreRequest, principal: Reader) -> schemas.DeterminationView:
    """Score a questionnaire without saving (Q9 and Q28 from ``bmi`` and ``waist_cm``)."""
    return schemas.DeterminationView.of(elderly.score_preview(principal, body.model_dump()))


@router.post("/elderly/tcm-assessments", response_model=schemas.TcmView, status_code=201)
def create(body: schemas.TcmCreate, session: DbSession, principal: Writer, response: Response) -> schemas.TcmView:
    """Record the TCM service; signed unless ``"sign": false``. BMI and waist come from
    ``health_check_id`` or from ``height_cm``/``weight_kg``/``waist_cm``."""
    record = elderly.record_tcm_assessment(session, principal, body.resident_id, body.provided(), sign=body.sign)
    response.headers["Location"] = f"/api/v1/elderly/tcm-assessments/{record.id}"
    return _view(session, principal, record, response)


@router.get("/elderly/tcm-assessments/{record_id}", response_model=schemas.TcmView)
def read(record_id: uuid.UUID, session: DbSession, principal: Reader, response: Response) -> schemas.TcmView:
    return _view(session, principal, elderly.get_tcm_assessment(session, principal, record_id), response)


@router.patch("/elderly/tcm-assessments/{record_id}", response_model=schemas.TcmView)
def update(
    record_id: uuid.UUID,
    body: schemas.TcmWrite,
    session: DbSession,
    principal: Writer,
    response: Response,
    sign: bool = False,
    if_match: Annotated[str | None, Header()] = None,
) -> schemas.TcmView:
    """Change a draft (answers re-checked, the physician's choice); ``?sign=true`` signs it."""
    record = elderly.update_tcm_assessment(
        session, principal, record_id, body.provided(), expected_version=if_match_version(if_match), sign=sign
    )
    return _view(session, principal, record, response)


@router.get("/elderly/tcm-assessments/{record_id}/result.pdf", response_class=Response)
def result_pdf(record_id: uuid.UUID, session: DbSession, principal: Reader) -> Response:
    """The one-page printable result for the resident (constitution and guidance)."""
    content = elderly.result_pdf(session, principal, record_id)
    return Response(content, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="tcm-{record_id}.pdf"'})


@router.get("/residents/{resident_id}/tcm-assessments", response_model=list[schemas.TcmView])
def for_resident(resident_id: uuid.UUID, session: DbSession, principal: Reader) -> list[schemas.TcmView]:
    return [_view(session, principal, r) for r in elderly.list_tcm_assessments(session, principal, resident_id)]


@router.post("/elderly/visits", response_model=schemas.VisitView, status_code=201)
def visit(body: schemas.VisitCreate, session: DbSession, principal: Writer) -> schemas.VisitView:
    """The yearly visit in one request: the health check and the questionnaire (TCM
    errors are named ``tcm.<field>``); nothing is saved unless both are valid."""
    result = elderly.record_elderly_visit(
        session, principal, body.resident_id, body.health_check.provided(), body.tcm.provided(), sign=body.sign
    )
    corrected = exams.correction_of(session, principal, result.health_check)
    return schemas.VisitView(
        health_check=HealthCheckView.of(result.health_check, corrected.id if corrected else None), tcm=_view(session, principal, result.tcm)
    )


@router.get("/elderly/services", response_model=schemas.ServicePageView)
def services(
    session: DbSession,
    principal: Reader,
    year: int | None = None,
    village: str | None = None,
    missing: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> schemas.ServicePageView:
    """The year's residents aged 65+ in scope and their services; ``missing=any|check|tcm``
    is the worklist of who still needs one."""
    page = elderly.yearly_services(
        session, principal, year or local_today().year, village=village, missing=missing, offset=offset, limit=limit
    )
    return schemas.ServicePageView(
        year=page.year,
        total=page.total,
        offset=page.offset,
        limit=page.limit,
        items=[
            schemas.ServiceRowView(
                resident_id=r.resident_id,
                name=r.name,
                sex=r.sex,
                birth_date=r.birth_date,
                village_code=r.village_code,
                check_date=r.check_date,
                tcm_date=r.tcm_date,
                home_visit=r.home_visit,
                missing=r.missing,
            )
            for r in page.rows
        ],
    )


@router.get("/elderly/services/summary")
def services_summary(session: DbSession, principal: Reader, year: int | None = None) -> list[dict[str, Any]]:
    """Per village in scope: 65+ population, checked, TCM served, both, home-visit cases."""
    return [vars(v) for v in elderly.service_summary(session, principal, year or local_today().year)]


@router.get("/elderly/indicators/{code}", response_model=schemas.IndicatorView)
def indicator(
    code: str,
    session: DbSession,
    principal: IndicatorReader,
    year: int | None = None,
    level: str = "county",
    division: str | None = None,
) -> schemas.IndicatorView:
    """老年人健康管理率 (``elderly_health_management_rate``) or 老年人中医药健康管理率
    (``elderly_tcm_management_rate``) for a year, grouped by village/township/county/city."""
    from jiceng.core.indicators import get

    year = year or local_today().year
    values = elderly.indicator_values(session, principal, code, year, level, division)
    definition = get(code)
    return schemas.IndicatorView(
        code=definition.code,
        name_zh=definition.name_zh,
        name_en=definition.name_en,
        numerator_zh=definition.numerator_zh,
        denominator_zh=definition.denominator_zh,
        year=year,
        level=level,
        version=definition.version,
        values=[
            schemas.IndicatorRow(division_code=v.division_code, numerator=v.numerator, denominator=v.denominator, rate=v.rate)
            for v in values
        ],
    )
