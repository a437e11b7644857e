"""Referrals as ServiceRequest and long prescriptions as MedicationRequest (this domain owns both types)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jiceng.chronic import access, codes, repository
from jiceng.chronic.fhir.codings import RX_CATEGORY, SNOMED, concept, condition_id, encounter_id, ref
from jiceng.chronic.fhir.records import everything_patient, in_scope, own_encounter
from jiceng.chronic.models import LongPrescription, Referral
from jiceng.core import audit
from jiceng.core.clock import local_today
from jiceng.core.fhir import systems
from jiceng.core.fhir.outcome import not_found
from jiceng.core.fhir.query import (
    audit_shown,
    coding,
    last_updated,
    page_start,
    record_page,
    reference_uuids,
    subject_includes,
    unsupported,
    uuids,
)
from jiceng.core.fhir.resources import Include, ResourceHandler, SearchPage, SearchParam, meta
from jiceng.core.fhir.search import SearchRequest, date_condition, reference_id, token
from jiceng.core.ids import parse_id
from jiceng.core.security import Principal

REFERRAL_STATUS = {"open": "active", "followed_up": "completed", "cancelled": "revoked"}
RX_STATUSES = ("active", "completed", "stopped")


def service_request(referral: Referral) -> dict[str, Any]:
    followup = [{"url": "due", "valueDate": referral.followup_due.isoformat()}]
    if referral.followed_up_on:
        followup.append({"url": "date", "valueDate": referral.followed_up_on.isoformat()})
    if referral.result:
        followup.append({"url": "result", "valueCoding": concept(codes.REFERRAL_RESULT, referral.result)["coding"][0]})
    if referral.outcome:
        followup.append({"url": "outcome", "valueString": referral.outcome})
    reasons = [r for r in referral.reasons or [] if r in codes.REASON]
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": str(referral.id),
        "meta": meta(referral.version, referral.updated_at),
        "extension": [{"url": systems.extension("chronic-referral-followup"), "extension": followup}],
        "status": REFERRAL_STATUS.get(referral.status, "unknown"),
        "intent": "order",
        "category": [{"coding": [coding(SNOMED, "3457005", "Patient referral")], "text": "转诊"}],
        "priority": "urgent" if referral.kind == "urgent" else "routine",
        "code": concept(codes.REFERRAL_KIND, referral.kind),
        "subject": {"reference": f"Patient/{referral.resident_id}"},
        "authoredOn": referral.raised_on.isoformat(),
        "reasonCode": [concept(codes.REASON, r) for r in reasons],
    }
    if referral.visit_id:
        resource["encounter"] = {"reference": f"Encounter/{encounter_id(referral.visit_id)}"}
    if referral.institution_id:
        resource["requester"] = {"reference": f"Organization/{referral.institution_id}"}
    if referral.to_institution:
        resource["performer"] = [{"display": referral.to_institution}]
    if referral.enrolment_id:
        resource["reasonReference"] = [{"reference": f"Condition/{condition_id(referral.enrolment_id)}"}]
    if referral.raised_by:
        resource["note"] = [
            {
                "authorString": referral.raised_by,
                "text": f"{codes.REFERRAL_KIND.label(referral.kind)}（{codes.DISEASE.label(referral.disease)}）",
            }
        ]
    return resource


def _rx_status(rx: LongPrescription, today: date) -> str:
    if rx.status == "stopped":
        return "stopped"
    return "completed" if rx.end_date < today else "active"


def medication_request(rx: LongPrescription, today: date) -> dict[str, Any]:
    drug = f"{rx.drug_name} {rx.specification}".strip()
    attestation = [
        {"url": "controlled", "valueBoolean": bool(rx.condition_controlled)},
        {"url": "stable", "valueBoolean": bool(rx.condition_stable)},
    ]
    resource: dict[str, Any] = {
        "resourceType": "MedicationRequest",
        "id": str(rx.id),
        "meta": meta(rx.version, rx.updated_at),
        "extension": [{"url": systems.extension("long-prescription-attestation"), "extension": attestation}],
        "status": _rx_status(rx, today),
        "intent": "order",
        "category": [
            {"coding": [coding(RX_CATEGORY, "community", "Community")]},
            {"coding": [coding(systems.code_system("prescription-kind"), "long", "长处方")], "text": "长处方"},
        ],
        "medicationCodeableConcept": {"text": drug},
        "subject": {"reference": f"Patient/{rx.resident_id}"},
        "authoredOn": rx.start_date.isoformat(),
        "reasonReference": [{"reference": f"Condition/{condition_id(rx.enrolment_id)}"}],
        "dosageInstruction": [
            {
                "text": f"每次{rx.dose}，每日{rx.frequency_per_day}次",
                "timing": {"repeat": {"frequency": rx.frequency_per_day, "period": 1, "periodUnit": "d"}},
            }
        ],
        "dispenseRequest": {
            "validityPeriod": {"start": rx.start_date.isoformat(), "end": rx.end_date.isoformat()},
            "quantity": {"value": rx.quantity, "unit": rx.quantity_unit},
            "expectedSupplyDuration": {"value": rx.days, "unit": "天", "system": systems.UCUM, "code": "d"},
        },
    }
    requester = ref("Practitioner", rx.prescriber_id, rx.prescriber_name)
    if requester:
        resource["requester"] = requester
    if rx.institution_id:
        resource["dispenseRequest"]["performer"] = {"reference": f"Organization/{rx.institution_id}"}
    if rx.basis_visit_id:
        resource["supportingInformation"] = [{"reference": f"Encounter/{encounter_id(rx.basis_visit_id)}"}]
    if rx.notes:
        resource["note"] = [{"text": rx.notes}]
    return resource


def _owned_search(
    session: Session,
    principal: Principal,
    request: SearchRequest,
    model: Any,
    condition_of: Callable[[str, str], Any],
    convert: Callable[[Any], dict[str, Any]],
    object_type: str,
    resource: str,
) -> SearchPage:
    _position, after = page_start(request)
    if not principal.can(access.READ):
        return SearchPage([])
    stmt = select(model).where(model.deleted_at.is_(None), in_scope(principal, model.resident_id))
    for name, values in request.params.items():
        for value in values:
            stmt = stmt.where(condition_of(name.split(":")[0], value))
    page, more = record_page(session, stmt, model, after, request.count)
    audit_shown(session, principal, (r.resident_id for r in page), object_type, resource)
    return SearchPage([convert(r) for r in page], more)


def _common_condition(model: Any, base: str, value: str) -> Any | None:
    if base in ("patient", "subject"):
        return model.resident_id.in_(reference_uuids(value, "Patient", base))
    if base == "_id":
        return model.id.in_(uuids(value))
    if base == "_lastUpdated":
        return last_updated(model.updated_at, value)
    return None


class ReferralHandler(ResourceHandler):
    """Referrals (转诊) raised by follow-ups and screenings, as ServiceRequest (read-only)."""

    resource_type: ClassVar[str] = "ServiceRequest"
    interactions: ClassVar[frozenset[str]] = frozenset({"read", "search-type"})
    documentation: ClassVar[str] = (
        "Referrals of the chronic-disease programme (紧急转诊 / 建议转诊), read-only: category SNOMED 3457005 patient referral; "
        "priority urgent|routine; status active (awaiting the 2-week follow-up), completed (followed up) or revoked (cancelled); "
        "reasonCode CodeSystem/chronic-reason; encounter the follow-up that raised it; extension chronic-referral-followup "
        "(due date, date, result 到位/不到位, outcome)."
    )
    search_params: ClassVar[dict[str, SearchParam]] = {
        "_id": SearchParam("token", "Resource id"),
        "patient": SearchParam("reference", "The patient", "Patient"),
        "subject": SearchParam("reference", "The patient", "Patient"),
        "status": SearchParam("token", "active | completed | revoked"),
        "priority": SearchParam("token", "urgent | routine"),
        "authored": SearchParam("date", "The date the referral was raised"),
        "encounter": SearchParam("reference", "The follow-up that raised it (Encounter/<visit id>-fu)", "Encounter"),
        "_lastUpdated": SearchParam("date", "Last change time"),
    }

    def __init__(self) -> None:
        super().__init__(
            includes={
                **subject_includes(),
                "encounter": Include("Encounter", lambda r: [r["encounter"]["reference"]] if r.get("encounter") else []),
                "requester": Include("Organization", lambda r: [r["requester"]["reference"]] if r.get("requester") else []),
            }
        )

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        principal.require(access.READ)
        key = parse_id(resource_id)
        found = repository.referral(session, principal, key) if key else None
        if found is None:
            raise not_found("ServiceRequest", resource_id)
        audit.record(session, principal, "view", "chronic_referral", found.id, resident_id=found.resident_id, detail={"interface": "fhir"})
        return service_request(found)

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        return _owned_search(session, principal, request, Referral, self._condition, service_request, "chronic_referral", "ServiceRequest")

    @staticmethod
    def _condition(base: str, value: str) -> Any:
        common = _common_condition(Referral, base, value)
        if common is not None:
            return common
        if base == "status":
            wanted = {token(v)[1] for v in value.split(",")}
            return Referral.status.in_([k for k, v in REFERRAL_STATUS.items() if v in wanted])
        if base == "priority":
            wanted = {token(v)[1] for v in value.split(",")}
            return Referral.kind.in_([k for k in codes.REFERRAL_KIND if ("urgent" if k == "urgent" else "routine") in wanted])
        if base == "authored":
            return date_condition(Referral.raised_on, value, "authored", as_date=True)
        if base == "encounter":
            ids = [own_encounter(reference_id(v, "Encounter", base)) for v in value.split(",")]
            return Referral.visit_id.in_([i for i in ids if i])
        raise unsupported(base)

    def everything(self, session: Session, principal: Principal, resource_id: str) -> list[dict[str, Any]]:
        resident_id = everything_patient(resource_id, principal)
        if resident_id is None:
            return []
        found = sorted(repository.referrals_of(session, principal, resident_id), key=lambda r: (r.raised_on, r.id))
        audit_shown(session, principal, (r.resident_id for r in found), "chronic_referral", "ServiceRequest")
        return [service_request(r) for r in found]


class LongPrescriptionHandler(ResourceHandler):
    """Long prescriptions (长处方, up to 12 weeks for stable, controlled patients) as MedicationRequest."""

    resource_type: ClassVar[str] = "MedicationRequest"
    interactions: ClassVar[frozenset[str]] = frozenset({"read", "search-type"})
    documentation: ClassVar[str] = (
        "Long prescriptions (长处方) of the chronic-disease programme, read-only: medicationCodeableConcept.text the drug and strength; "
        "dosageInstruction text and timing; dispenseRequest validity period, quantity and days; status active, completed (past its end) "
        "or stopped; reasonReference the managed Condition; supportingInformation the controlled follow-up it relied on."
    )
    search_params: ClassVar[dict[str, SearchParam]] = {
        "_id": SearchParam("token", "Resource id"),
        "patient": SearchParam("reference", "The patient", "Patient"),
        "subject": SearchParam("reference", "The patient", "Patient"),
        "status": SearchParam("token", "active | completed | stopped"),
        "authoredon": SearchParam("date", "The start date"),
        "_lastUpdated": SearchParam("date", "Last change time"),
    }

    def __init__(self) -> None:
        super().__init__(
            includes={
                **subject_includes(),
                "requester": Include(
                    "Practitioner", lambda r: [r["requester"]["reference"]] if "reference" in r.get("requester", {}) else []
                ),
            }
        )

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        principal.require(access.READ)
        key = parse_id(resource_id)
        found = repository.prescription(session, principal, key) if key else None
        if found is None:
            raise not_found("MedicationRequest", resource_id)
        audit.record(
            session, principal, "view", "chronic_long_prescription", found.id, resident_id=found.resident_id, detail={"interface": "fhir"}
        )
        return medication_request(found, local_today())

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        today = local_today()
        return _owned_search(
            session,
            principal,
            request,
            LongPrescription,
            lambda base, value: self._condition(base, value, today),
            lambda rx: medication_request(rx, today),
            "chronic_long_prescription",
            "MedicationRequest",
        )

    @staticmethod
    def _condition(base: str, value: str, today: date) -> Any:
        common = _common_condition(LongPrescription, base, value)
        if common is not None:
            return common
        if base == "status":
            wanted = {token(v)[1] for v in value.split(",")}
            running = LongPrescription.status != "stopped"
            parts: list[Any] = []
            if "active" in wanted:
                parts.append(running & (LongPrescription.end_date >= today))
            if "completed" in wanted:
                parts.append(running & (LongPrescription.end_date < today))
            if "stopped" in wanted:
                parts.append(LongPrescription.status == "stopped")
            return or_(*parts) if parts else LongPrescription.id.is_(None)
        if base == "authoredon":
            return date_condition(LongPrescription.start_date, value, "authoredon", as_date=True)
        raise unsupported(base)

    def everything(self, session: Session, principal: Principal, resource_id: str) -> list[dict[str, Any]]:
        resident_id = everything_patient(resource_id, principal)
        if resident_id is None:
            return []
        today = local_today()
        found = sorted(repository.prescriptions_of(session, principal, resident_id), key=lambda r: (r.start_date, r.id))
        audit_shown(session, principal, (r.resident_id for r in found), "chronic_long_prescription", "MedicationRequest")
        return [medication_request(r, today) for r in found]
