"""/api/v1/chronic: hypertension and type 2 diabetes management (规范 第三版).

Patient endpoints are addressed by resident; a resident outside the caller's scope
answers 404, exactly like one that does not exist. A signed visit whose readings meet
an urgent-referral criterion answers with ``urgent_alert: true`` and the referral.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Response

from jiceng.api.deps import DbSession, if_match_version, requires
from jiceng.chronic import access, schemas
from jiceng.chronic import indicators as chronic_indicators
from jiceng.chronic import service as chronic
from jiceng.chronic.rules import NATIONAL
from jiceng.core.clock import local_today
from jiceng.core.indicators import IndicatorQuery
from jiceng.core.permissions import Perm
from jiceng.core.security import Principal

router = APIRouter(prefix="/chronic", tags=["chronic 慢病管理（高血压、2型糖尿病）"])

Reader = Annotated[Principal, Depends(requires(access.READ))]
Writer = Annotated[Principal, Depends(requires(access.WRITE))]
Prescriber = Annotated[Principal, Depends(requires(access.PRESCRIBE))]
IndicatorReader = Annotated[Principal, Depends(requires(access.INDICATORS))]
RulesManager = Annotated[Principal, Depends(requires(Perm.REGISTRY_MANAGE))]


def _visit_out(visit: Any, superseded: bool = False) -> schemas.VisitOut:
    return schemas.VisitOut.model_validate(visit).model_copy(update={"superseded": superseded})


def _signed(result: chronic.SignedVisit) -> schemas.SignedVisitOut:
    return schemas.SignedVisitOut(
        visit=_visit_out(result.visit),
        assessment=schemas.AssessmentOut.of(result.assessment),
        urgent_alert=result.assessment.urgent,
        referral=schemas.ReferralOut.model_validate(result.referral) if result.referral else None,
    )


@router.get("/rules", response_model=dict[str, Any])
def rules(session: DbSession, principal: Reader) -> dict[str, Any]:
    """The follow-up rules in force here: national defaults plus the region's overrides."""
    return {"rules": chronic.load_rules(session).as_dict(), "national": NATIONAL.as_dict()}


@router.put("/rules", response_model=dict[str, Any])
def set_rules(session: DbSession, principal: RulesManager, overrides: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """Set the region's overrides, e.g. ``{"fpg": {"op": ">", "value": 6.9}}`` (stricter local rule)."""
    return {"rules": chronic.save_rules(session, principal, overrides).as_dict()}


@router.get("/residents/{resident_id}", response_model=schemas.PatientOut)
def patient(resident_id: uuid.UUID, session: DbSession, principal: Reader) -> schemas.PatientOut:
    """Enrolments, visits (every version), screenings, referrals and long prescriptions."""
    summary = chronic.patient(session, principal, resident_id)
    return schemas.PatientOut(
        resident_id=summary.resident.id,
        name=summary.resident.name,
        age=summary.age,
        enrolments=[schemas.EnrolmentOut.model_validate(e) for e in summary.enrolments],
        visits=[_visit_out(v, v.id in summary.superseded) for v in summary.visits],
        screenings=[schemas.ScreeningOut.model_validate(s) for s in summary.screenings],
        referrals=[schemas.ReferralOut.model_validate(r) for r in summary.referrals],
        prescriptions=[schemas.PrescriptionOut.model_validate(p) for p in summary.prescriptions],
    )


@router.post("/residents/{resident_id}/enrolments", response_model=schemas.EnrolmentOut, status_code=201)
def enrol(resident_id: uuid.UUID, body: schemas.EnrolmentWrite, session: DbSession, principal: Writer) -> schemas.EnrolmentOut:
    """纳入管理: enrol a resident aged 35 or over for hypertension or type 2 diabetes."""
    return schemas.EnrolmentOut.model_validate(chronic.enrol(session, principal, resident_id, body.model_dump(exclude_none=True)))


@router.patch("/enrolments/{enrolment_id}", response_model=schemas.EnrolmentOut)
def update_enrolment(
    enrolment_id: uuid.UUID,
    body: schemas.EnrolmentUpdate,
    session: DbSession,
    principal: Writer,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> schemas.EnrolmentOut:
    """Status (managed, moved, deceased, lost), responsible doctor or team. ``If-Match`` guards against stale edits."""
    enrolment = chronic.update_enrolment(session, principal, enrolment_id, body.provided(), expected_version=if_match_version(if_match))
    response.headers["ETag"] = f'W/"{enrolment.version}"'
    return schemas.EnrolmentOut.model_validate(enrolment)


@router.get("/residents/{resident_id}/visits", response_model=list[schemas.VisitOut])
def visits(resident_id: uuid.UUID, session: DbSession, principal: Reader, disease: str | None = None) -> list[schemas.VisitOut]:
    """Every version of every visit, newest first; ``superseded`` marks amended versions."""
    summary = chronic.patient(session, principal, resident_id)
    return [_visit_out(v, v.id in summary.superseded) for v in summary.visits if disease in (None, v.disease)]


@router.post("/residents/{resident_id}/visits", response_model=schemas.SignedVisitOut, status_code=201)
def sign_visit(
    resident_id: uuid.UUID, body: schemas.VisitWrite, session: DbSession, principal: Writer, response: Response
) -> schemas.SignedVisitOut:
    """Sign a follow-up visit. The category and next visit are computed; an urgent reading
    sets ``urgent_alert`` and raises a referral. A signed visit is never changed."""
    result = chronic.sign_visit(session, principal, resident_id, body.disease, body.data())
    response.headers["Location"] = f"/api/v1/chronic/visits/{result.visit.id}"
    return _signed(result)


@router.post("/residents/{resident_id}/visits/preview", response_model=dict[str, Any])
def preview_visit(resident_id: uuid.UUID, body: schemas.VisitWrite, session: DbSession, principal: Writer) -> dict[str, Any]:
    """The computed fields for a visit being entered (nothing is saved)."""
    result = chronic.preview(session, principal, resident_id, body.disease, body.data())
    assessment = result["assessment"]
    return {
        "assessment": schemas.AssessmentOut.of(assessment).model_dump(mode="json") if assessment else None,
        "bmi": result["bmi"],
        "errors": [e.as_dict() for e in result["errors"]],
    }


@router.get("/visits/{visit_id}", response_model=schemas.VisitOut)
def visit(visit_id: uuid.UUID, session: DbSession, principal: Reader) -> schemas.VisitOut:
    found, amendment = chronic.get_visit(session, principal, visit_id)
    return _visit_out(found, amendment is not None)


@router.post("/visits/{visit_id}/amendments", response_model=schemas.SignedVisitOut, status_code=201)
def amend_visit(visit_id: uuid.UUID, body: schemas.AmendmentWrite, session: DbSession, principal: Writer) -> schemas.SignedVisitOut:
    """Correct a signed visit: a new signed visit that amends it (or voids it, ``voided: true``)."""
    return _signed(chronic.amend_visit(session, principal, visit_id, body.data(), body.amendment_reason, voided=body.voided))


@router.post("/residents/{resident_id}/screenings", response_model=schemas.ScreeningOut, status_code=201)
def screen(resident_id: uuid.UUID, body: schemas.ScreeningWrite, session: DbSession, principal: Writer) -> schemas.ScreeningOut:
    """Annual BP measurement (≥35) or a re-check; the outcome follows the screening path."""
    return schemas.ScreeningOut.model_validate(
        chronic.record_screening(session, principal, resident_id, body.model_dump(exclude_none=True))
    )


@router.post("/referrals/{referral_id}/follow-up", response_model=schemas.ReferralOut)
def follow_up(referral_id: uuid.UUID, body: schemas.ReferralFollowUp, session: DbSession, principal: Writer) -> schemas.ReferralOut:
    """Record the active follow-up of a referral (within 2 weeks), or cancel it."""
    return schemas.ReferralOut.model_validate(
        chronic.follow_up_referral(session, principal, referral_id, body.model_dump(exclude_none=True))
    )


@router.post("/residents/{resident_id}/prescriptions", response_model=schemas.PrescriptionOut, status_code=201)
def prescribe(
    resident_id: uuid.UUID, body: schemas.PrescriptionWrite, session: DbSession, principal: Prescriber
) -> schemas.PrescriptionOut:
    """长处方 (up to 12 weeks) for a stable patient whose latest visit was controlled."""
    return schemas.PrescriptionOut.model_validate(
        chronic.create_prescription(session, principal, resident_id, body.model_dump(exclude_none=True))
    )


@router.post("/prescriptions/{prescription_id}/stop", response_model=schemas.PrescriptionOut)
def stop_prescription(
    prescription_id: uuid.UUID, session: DbSession, principal: Prescriber, reason: Annotated[str, Body(embed=True)] = ""
) -> schemas.PrescriptionOut:
    return schemas.PrescriptionOut.model_validate(chronic.stop_prescription(session, principal, prescription_id, reason))


@router.get("/worklist", response_model=schemas.WorklistOut)
def worklist(session: DbSession, principal: Reader, mine: bool = False, disease: str | None = None) -> schemas.WorklistOut:
    """Urgent, referral follow-ups, overdue, due this week, coming up, not seen this quarter."""
    work = chronic.worklist(session, principal, mine=mine, disease=disease)
    return schemas.WorklistOut(
        today=work.today,
        mine=work.mine,
        counts=work.counts,
        buckets={name: [schemas.WorkItemOut.model_validate(i) for i in items] for name, items in work.buckets.items()},
    )


@router.get("/indicators", response_model=schemas.IndicatorsOut)
def indicators(
    session: DbSession,
    principal: IndicatorReader,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    level: str = "village",
    division: str | None = None,
) -> schemas.IndicatorsOut:
    """The six indicators of spec §2 for a year (default: this year to date), grouped by
    ``level`` (village, township, county, city), within the caller's scope."""
    today = local_today()
    year = year or today.year
    period_end = min(date(year, 12, 31), today) if year == today.year else date(year, 12, 31)
    query = IndicatorQuery(date(year, 1, 1), period_end, level, division or None)
    result = chronic_indicators.report(session, principal, query)
    return schemas.IndicatorsOut(
        period_start=query.period_start,
        period_end=query.period_end,
        level=level,
        division=division,
        indicators=[
            schemas.IndicatorOut(
                code=d.code,
                name_zh=d.name_zh,
                name_en=d.name_en,
                numerator_zh=d.numerator_zh,
                numerator_en=d.numerator_en,
                denominator_zh=d.denominator_zh,
                denominator_en=d.denominator_en,
                version=d.version,
                values=[
                    schemas.IndicatorValueOut(division_code=x.division_code, numerator=x.numerator, denominator=x.denominator, rate=x.rate)
                    for x in result.values[d.code]
                ],
            )
            for d in result.definitions
        ],
    )
