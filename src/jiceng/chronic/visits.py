"""Follow-up visits: preview the computed fields, sign, amend, and keep the schedule.

A visit is signed when it is saved and never changes afterwards; a correction is a
new visit with ``amends_id`` (ARCHITECTURE §3). The enrolment's schedule
(``next_due_date`` and the latest readings) follows the latest effective visit.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from jiceng.chronic import access, codes, repository
from jiceng.chronic.models import Enrolment, Referral, Visit
from jiceng.chronic.rules import Assessment, RuleSet, VisitFacts, age_on, assess
from jiceng.chronic.settings import load_rules
from jiceng.chronic.validation import validate_visit
from jiceng.core import audit
from jiceng.core.clock import local_today
from jiceng.core.errors import Conflict, ErrorCollector, NotFound
from jiceng.core.security import Principal


@dataclass(frozen=True)
class SignedVisit:
    visit: Visit
    assessment: Assessment
    referral: Referral | None


def _managed_enrolment(session: Session, principal: Principal, resident_id: uuid.UUID, disease: str) -> tuple[Any, Enrolment]:
    resident = repository.resident(session, principal, resident_id)
    if resident is None:
        raise NotFound("居民档案", "resident record")
    enrolment = repository.enrolment(session, principal, resident_id, disease) if disease in codes.DISEASE else None
    if enrolment is None:
        raise NotFound("慢病管理档案", "chronic-disease enrolment")
    return resident, enrolment


def facts_of(values: Mapping[str, Any], disease: str, age: int) -> VisitFacts:
    return VisitFacts(
        disease=disease,
        age=age,
        sbp=values.get("sbp"),
        dbp=values.get("dbp"),
        fpg=values.get("fpg"),
        ppg=values.get("ppg"),
        hba1c=values.get("hba1c"),
        heart_rate=values.get("heart_rate"),
        temperature=values.get("temperature"),
        critical_signs=tuple(values.get("critical_signs") or ()),
        pregnant_or_breastfeeding=bool(values.get("pregnant_or_breastfeeding")),
        unmanageable_condition=bool(values.get("unmanageable_condition")),
        adverse_reaction=bool(values.get("adverse_reaction")),
        adr_hard_to_control=bool(values.get("adr_hard_to_control")),
        new_complication=bool(values.get("new_complication")),
    )


def _previous_streak(session: Session, enrolment: Enrolment, visit_date: date, excluding: uuid.UUID | None = None) -> int:
    for earlier in repository.effective_visits(session, enrolment.id):
        if earlier.visit_date <= visit_date and earlier.id != excluding:
            return int(earlier.uncontrolled_streak)
    return 0


def _assess(
    session: Session,
    enrolment: Enrolment,
    birth_date: date,
    values: dict[str, Any],
    errors: ErrorCollector,
    rules: RuleSet,
    excluding: uuid.UUID | None = None,
) -> Assessment | None:
    visit_date = values.get("visit_date")
    if visit_date is None:
        return None
    override = values.get("category")
    facts = facts_of(values, enrolment.disease, age_on(birth_date, visit_date))
    plain = assess(facts, visit_date, _previous_streak(session, enrolment, visit_date, excluding), rules)
    if override and override != plain.computed_category:
        if not values.get("category_override_reason"):
            errors.add(
                "category_override_reason",
                "required",
                f"调整分类的理由：将分类由“{codes.CATEGORY.label(plain.computed_category)}”改为“{codes.CATEGORY.label(override)}”时必填",
                f"Reason for changing the category: required to change “{codes.CATEGORY.label(plain.computed_category, 'en')}” to “{codes.CATEGORY.label(override, 'en')}”",
            )
        return assess(facts, visit_date, _previous_streak(session, enrolment, visit_date, excluding), rules, override)
    values["category"] = None
    return plain


def _check_next_date(values: dict[str, Any], assessment: Assessment, errors: ErrorCollector) -> date:
    chosen = values.get("next_visit_date")
    if chosen is None:
        return assessment.next_visit_date
    if chosen <= values["visit_date"] or chosen > assessment.next_visit_date:
        errors.add(
            "next_visit_date",
            "out_of_window",
            f"下次随访日期：应在随访日期之后、不晚于 {assessment.next_visit_date.isoformat()}（{codes.NEXT_VISIT_KIND.label(assessment.next_visit_kind)}）",
            f"Next visit date: must be after the visit and no later than {assessment.next_visit_date.isoformat()} ({codes.NEXT_VISIT_KIND.label(assessment.next_visit_kind, 'en')})",
        )
    return chosen


def preview(session: Session, principal: Principal, resident_id: uuid.UUID, disease: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """What the form shows live: the computed category, urgency and next visit (nothing saved)."""
    principal.require(access.WRITE)
    resident, enrolment = _managed_enrolment(session, principal, resident_id, disease)
    values, errors = validate_visit(data, disease, local_today())
    rules = load_rules(session)
    assessment = _assess(session, enrolment, resident.birth_date, values, ErrorCollector(), rules)
    return {"assessment": assessment, "bmi": values.get("bmi"), "errors": errors.errors}


def _create_referral(session: Session, principal: Principal, visit: Visit, assessment: Assessment, rules: RuleSet) -> Referral | None:
    """A referral request when the rules call for one. An urgent one is always raised; a
    suggested one only when no referral of this patient is still awaiting follow-up."""
    reasons = list(assessment.urgent_reasons) + list(assessment.referral_reasons)
    if not reasons and visit.referral_reason:
        reasons = ["doctor_decision"]
    if not reasons or (not assessment.urgent and repository.open_referrals(session, visit.enrolment_id)):
        return None
    referral = Referral(
        resident_id=visit.resident_id,
        enrolment_id=visit.enrolment_id,
        visit_id=visit.id,
        disease=visit.disease,
        kind="urgent" if assessment.urgent else "suggested",
        reasons=reasons,
        raised_on=visit.visit_date,
        followup_due=visit.visit_date + timedelta(days=rules.referral_followup_days),
        to_institution=visit.referral_to,
        status="open",
        raised_by=visit.doctor_name,
        institution_id=visit.institution_id,
    )
    session.add(referral)
    session.flush()
    audit.record(
        session, principal, "create", "chronic_referral", referral.id, resident_id=visit.resident_id, detail={"kind": referral.kind}
    )
    return referral


def _close_referrals(session: Session, principal: Principal, visit: Visit) -> None:
    """A visit that records the referral result (转诊结果) follows up the open referrals before it."""
    if not visit.referral_result:
        return
    for referral in repository.open_referrals(session, visit.enrolment_id):
        if referral.raised_on < visit.visit_date:
            referral.status, referral.followed_up_on, referral.result = "followed_up", visit.visit_date, visit.referral_result
            referral.outcome = referral.outcome or f"随访记录 {visit.visit_date.isoformat()}"
            session.flush()
            audit.record(session, principal, "follow_up", "chronic_referral", referral.id, resident_id=referral.resident_id)


def refresh_schedule(session: Session, enrolment: Enrolment) -> None:
    """Copy the latest effective visit's schedule and readings onto the enrolment."""
    latest = next(iter(repository.effective_visits(session, enrolment.id, limit=1)), None)
    if latest is None:
        values: dict[str, Any] = {
            "next_due_date": enrolment.enrolled_on,
            "next_visit_kind": "routine",
            "last_visit_id": None,
            "last_visit_date": None,
            "last_category": None,
            "last_sbp": None,
            "last_dbp": None,
            "last_fpg": None,
            "last_urgent": False,
            "uncontrolled_streak": 0,
        }
    else:
        values = {
            "next_due_date": latest.next_visit_date,
            "next_visit_kind": latest.next_visit_kind,
            "last_visit_id": latest.id,
            "last_visit_date": latest.visit_date,
            "last_category": latest.category,
            "last_sbp": latest.sbp,
            "last_dbp": latest.dbp,
            "last_fpg": latest.fpg,
            "last_urgent": latest.urgent,
            "uncontrolled_streak": latest.uncontrolled_streak,
        }
    for key, value in values.items():
        if getattr(enrolment, key) != value:
            setattr(enrolment, key, value)
    session.flush()


def _new_visit(
    principal: Principal, enrolment: Enrolment, values: dict[str, Any], assessment: Assessment, next_date: date, age: int
) -> Visit:
    columns = {k: val for k, val in values.items() if k in Visit.__table__.columns and k not in ("category", "next_visit_date")}
    return Visit(
        **columns,
        enrolment_id=enrolment.id,
        resident_id=enrolment.resident_id,
        disease=enrolment.disease,
        age_years=age,
        on_target=assessment.on_target,
        computed_category=assessment.computed_category,
        category=assessment.category,
        uncontrolled_streak=assessment.uncontrolled_streak,
        urgent=assessment.urgent,
        reasons=list(assessment.urgent_reasons + assessment.referral_reasons + assessment.uncontrolled_reasons),
        computed_next_date=assessment.next_visit_date,
        next_visit_kind=assessment.next_visit_kind,
        next_visit_date=next_date,
        doctor_id=principal.staff_id,
        doctor_name=principal.display_name or principal.username,
        institution_id=principal.institution_id,
        signed_at=datetime.now(UTC),
    )


def sign_visit(
    session: Session, principal: Principal, resident_id: uuid.UUID, disease: str, data: Mapping[str, Any], *, today: date | None = None
) -> SignedVisit:
    """Validate, compute, sign (append-only), raise a referral if the rules call for one."""
    principal.require(access.WRITE)
    resident, enrolment = _managed_enrolment(session, principal, resident_id, disease)
    values, errors = validate_visit(data, disease, today or local_today(), not_before=enrolment.diagnosis_date)
    if enrolment.status != "managed":
        errors.add(
            "status",
            "not_managed",
            f"管理状态：{codes.ENROLMENT_STATUS.label(enrolment.status)}，不能登记随访",
            f"Management status: {codes.ENROLMENT_STATUS.label(enrolment.status, 'en')}; no visits can be recorded",
        )
    rules = load_rules(session)
    assessment = _assess(session, enrolment, resident.birth_date, values, errors, rules)
    next_date = _check_next_date(values, assessment, errors) if assessment else None
    errors.raise_if_any()
    assert assessment is not None and next_date is not None
    visit = _new_visit(principal, enrolment, values, assessment, next_date, age_on(resident.birth_date, values["visit_date"]))
    session.add(visit)
    session.flush()
    audit.record(session, principal, "sign", "chronic_visit", visit.id, resident_id=resident_id, detail={"category": visit.category})
    _close_referrals(session, principal, visit)
    referral = _create_referral(session, principal, visit, assessment, rules)
    refresh_schedule(session, enrolment)
    return SignedVisit(visit, assessment, referral)


def amend_visit(
    session: Session,
    principal: Principal,
    visit_id: uuid.UUID,
    data: Mapping[str, Any],
    reason: str,
    *,
    voided: bool = False,
    today: date | None = None,
) -> SignedVisit:
    """Correct a signed visit with a new, signed one (or void it: entered in error)."""
    principal.require(access.WRITE)
    original = repository.visit(session, principal, visit_id)
    if original is None:
        raise NotFound("随访记录", "follow-up visit")
    if repository.amended_by(session, original.id) is not None:
        raise Conflict("该随访记录已被更正，请更正最新版本", "This visit was already corrected; amend the latest version")
    resident, enrolment = _managed_enrolment(session, principal, original.resident_id, original.disease)
    source = {c.key: getattr(original, c.key) for c in Visit.__table__.columns} if voided else dict(data)
    if voided:
        source["category"] = original.category if original.category != original.computed_category else None
    values, errors = validate_visit(source, original.disease, today or local_today(), not_before=enrolment.diagnosis_date)
    reason = (reason or "").strip()
    if not reason:
        errors.add("amendment_reason", "required", "更正原因：必填", "Reason for the correction: required")
    rules = load_rules(session)
    assessment = _assess(session, enrolment, resident.birth_date, values, errors, rules, excluding=original.id)
    next_date = _check_next_date(values, assessment, errors) if assessment else None
    errors.raise_if_any()
    assert assessment is not None and next_date is not None
    visit = _new_visit(principal, enrolment, values, assessment, next_date, age_on(resident.birth_date, values["visit_date"]))
    visit.amends_id, visit.amendment_reason, visit.voided = original.id, reason[:300], voided
    session.add(visit)
    session.flush()
    audit.record(
        session,
        principal,
        "amend",
        "chronic_visit",
        visit.id,
        resident_id=visit.resident_id,
        detail={"amends": str(original.id), "voided": voided},
    )
    referral = None if voided else _create_referral(session, principal, visit, assessment, rules)
    refresh_schedule(session, enrolment)
    return SignedVisit(visit, assessment, referral)


def get_visit(session: Session, principal: Principal, visit_id: uuid.UUID) -> tuple[Visit, Visit | None]:
    """A visit and the row that amends it (if any); audited."""
    principal.require(access.READ)
    visit = repository.visit(session, principal, visit_id)
    if visit is None:
        raise NotFound("随访记录", "follow-up visit")
    audit.record(session, principal, "view", "chronic_visit", visit.id, resident_id=visit.resident_id)
    return visit, repository.amended_by(session, visit.id)


def timeline(session: Session, principal: Principal, resident_id: uuid.UUID) -> dict[str, Any]:
    """BP and glucose over time (effective visits) for the patient's chart."""
    principal.require(access.READ)
    if repository.resident(session, principal, resident_id) is None:
        raise NotFound("居民档案", "resident record")
    visits = repository.visits_of(session, principal, resident_id)
    superseded = repository.amended_ids(session, [v.id for v in visits])
    points = sorted((v for v in visits if v.id not in superseded and not v.voided), key=lambda v: (v.visit_date, v.signed_at))
    audit.record(session, principal, "view", "chronic_timeline", resident_id, resident_id=resident_id)
    return {
        "dates": [v.visit_date.isoformat() for v in points],
        "disease": [v.disease for v in points],
        "sbp": [v.sbp for v in points],
        "dbp": [v.dbp for v in points],
        "fpg": [v.fpg for v in points],
        "category": [v.category for v in points],
    }
