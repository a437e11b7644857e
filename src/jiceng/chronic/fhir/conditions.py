"""The managed diagnosis as Condition ``<enrolment id>-dx``, contributed to the residents domain's handler."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from jiceng.chronic import access, codes, repository
from jiceng.chronic.fhir.codings import (
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    CONDITION_VERIFICATION,
    ICD10,
    ICD10_CODES,
    concept,
    condition_id,
    value_system,
)
from jiceng.chronic.fhir.records import everything_patient, in_scope, own_condition
from jiceng.chronic.models import Enrolment
from jiceng.core import audit
from jiceng.core.fhir import systems
from jiceng.core.fhir.outcome import not_found
from jiceng.core.fhir.query import audit_shown, coding, contributed_rows, page_start, reference_uuids
from jiceng.core.fhir.resources import Contributor, meta
from jiceng.core.fhir.search import SearchRequest
from jiceng.core.security import Principal


def _management(enrolment: Enrolment) -> list[dict[str, Any]]:
    """The chronic-management extension: status, enrolment, who is responsible, when next due."""
    management = [
        {"url": "status", "valueCoding": concept(codes.ENROLMENT_STATUS, enrolment.status)["coding"][0]},
        {"url": "enrolledOn", "valueDate": enrolment.enrolled_on.isoformat()},
        {"url": "source", "valueCoding": concept(codes.SOURCE, enrolment.source)["coding"][0]},
    ]
    if enrolment.status_date:
        management.append({"url": "statusDate", "valueDate": enrolment.status_date.isoformat()})
    if enrolment.status_reason:
        management.append({"url": "statusReason", "valueString": enrolment.status_reason})
    if enrolment.responsible_institution_id:
        management.append({"url": "organization", "valueReference": {"reference": f"Organization/{enrolment.responsible_institution_id}"}})
    if enrolment.responsible_doctor_id:
        management.append({"url": "practitioner", "valueReference": {"reference": f"Practitioner/{enrolment.responsible_doctor_id}"}})
    if enrolment.responsible_team:
        management.append({"url": "team", "valueString": enrolment.responsible_team})
    if enrolment.next_due_date:
        management.append({"url": "nextDue", "valueDate": enrolment.next_due_date.isoformat()})
    return management


def condition(enrolment: Enrolment) -> dict[str, Any]:
    """The managed diagnosis: ICD-10 and Jiceng's disease code; clinical status from the management status."""
    icd, icd_display = ICD10_CODES[enrolment.disease]
    label = codes.DISEASE.label(enrolment.disease)
    extensions = [
        {"url": systems.extension("chronic-management"), "extension": _management(enrolment)},
        {
            "url": systems.extension("chronic-diagnosis-basis"),
            "valueCoding": concept(codes.DIAGNOSIS_BASIS, enrolment.diagnosis_basis)["coding"][0],
        },
    ]
    if enrolment.diagnosis_institution:
        extensions.append({"url": systems.extension("chronic-diagnosis-institution"), "valueString": enrolment.diagnosis_institution})
    # The disease does not end when management does: only a deceased patient's condition is inactive.
    clinical = "inactive" if enrolment.status == "deceased" else "active"
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": condition_id(enrolment.id),
        "meta": meta(enrolment.version, enrolment.updated_at),
        "extension": extensions,
        "clinicalStatus": {"coding": [coding(CONDITION_CLINICAL, clinical, clinical.capitalize())]},
        "verificationStatus": {"coding": [coding(CONDITION_VERIFICATION, "confirmed", "Confirmed")]},
        "category": [{"coding": [coding(CONDITION_CATEGORY, "problem-list-item", "Problem List Item")]}],
        "code": {
            "coding": [coding(ICD10, icd, icd_display), coding(value_system(codes.DISEASE), enrolment.disease, label)],
            "text": label,
        },
        "subject": {"reference": f"Patient/{enrolment.resident_id}"},
        "onsetDateTime": enrolment.diagnosis_date.isoformat(),
        "recordedDate": enrolment.enrolled_on.isoformat(),
    }
    if enrolment.notes:
        resource["note"] = [{"text": enrolment.notes}]
    return resource


def _enrolments(principal: Principal) -> Select:
    return select(Enrolment).where(Enrolment.deleted_at.is_(None), in_scope(principal, Enrolment.resident_id))


class ManagedConditions(Contributor):
    """The diagnosis a resident is managed for, as Condition ``<enrolment id>-dx`` (read-only)."""

    resource_type: ClassVar[str] = "Condition"
    documentation: ClassVar[str] = (
        "Also the diagnoses managed by the chronic-disease programme, id <enrolment id>-dx: code ICD-10 (http://hl7.org/fhir/sid/icd-10) "
        "I10 hypertension / E11 type 2 diabetes and CodeSystem/chronic-disease; clinicalStatus active (inactive once the patient died); "
        "extension chronic-management carries the management status (managed, moved, deceased, lost), responsible doctor and team."
    )

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any] | None:
        enrolment_id = own_condition(resource_id)
        if enrolment_id is None:
            return None
        principal.require(access.READ)
        enrolment = repository.enrolment_by_id(session, principal, enrolment_id)
        if enrolment is None:
            raise not_found("Condition", resource_id)
        audit.record(
            session, principal, "view", "chronic_enrolment", enrolment.id, resident_id=enrolment.resident_id, detail={"interface": "fhir"}
        )
        return condition(enrolment)

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> list[dict[str, Any]]:
        start = page_start(request)
        if not principal.can(access.READ):
            return []
        stmt = _enrolments(principal)
        for name, values in request.params.items():
            base = name.split(":")[0]
            for value in values:
                if base not in ("patient", "subject"):
                    return []
                stmt = stmt.where(Enrolment.resident_id.in_(reference_uuids(value, "Patient", base)))
        found = contributed_rows(session, stmt, Enrolment, start, request.count, condition)
        audit_shown(session, principal, (e.resident_id for e, _c in found), "chronic_enrolment", "Condition")
        return [c for _e, c in found]

    def everything(self, session: Session, principal: Principal, resource_id: str) -> list[dict[str, Any]]:
        resident_id = everything_patient(resource_id, principal)
        if resident_id is None:
            return []
        found = repository.enrolments_of(session, principal, resident_id)
        audit_shown(session, principal, (e.resident_id for e in found), "chronic_enrolment", "Condition")
        return [condition(e) for e in found]
