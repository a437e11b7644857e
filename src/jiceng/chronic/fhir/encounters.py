"""Signed follow-ups as Encounters ``<visit id>-fu``, contributed to the exams domain's handler."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from jiceng.chronic import access, codes
from jiceng.chronic.fhir.codings import ACT_CODE, ENCOUNTER_CLASS, ENCOUNTER_TYPE, PARTICIPATION, concept, condition_id, encounter_id, ref
from jiceng.chronic.fhir.records import current_of_patient, current_visits, everything_patient, own_encounter, visit_condition, visit_of
from jiceng.chronic.models import Visit
from jiceng.core.fhir import systems
from jiceng.core.fhir.query import audit_shown, coding, contributed_rows, page_start, reference_uuids
from jiceng.core.fhir.resources import Contributor, meta
from jiceng.core.fhir.search import SearchRequest, token
from jiceng.core.security import Principal


def _extensions(visit: Visit, corrected_by: uuid.UUID | None) -> list[dict[str, Any]]:
    """The correction chain and the next visit agreed."""
    extensions: list[dict[str, Any]] = []
    if visit.amends_id:
        extensions.append(
            {"url": systems.extension("amends"), "valueReference": {"reference": f"Encounter/{encounter_id(visit.amends_id)}"}}
        )
        extensions.append({"url": systems.extension("amendment-reason"), "valueString": visit.amendment_reason})
    if corrected_by:
        extensions.append(
            {"url": systems.extension("corrected-by"), "valueReference": {"reference": f"Encounter/{encounter_id(corrected_by)}"}}
        )
    extensions.append(
        {
            "url": systems.extension("chronic-next-visit"),
            "extension": [
                {"url": "date", "valueDate": visit.next_visit_date.isoformat()},
                {
                    "url": "kind",
                    "valueCoding": coding(
                        systems.code_system("chronic-next-visit-kind"),
                        visit.next_visit_kind,
                        codes.NEXT_VISIT_KIND.label(visit.next_visit_kind),
                    ),
                },
            ],
        }
    )
    return extensions


def encounter(visit: Visit, corrected_by: uuid.UUID | None = None) -> dict[str, Any]:
    kind, display = ENCOUNTER_CLASS.get(visit.mode, ENCOUNTER_CLASS["1"])
    type_code, type_display = ENCOUNTER_TYPE[visit.disease]
    day = visit.visit_date.isoformat()
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": encounter_id(visit.id),
        "meta": meta(visit.version, visit.updated_at),
        "extension": _extensions(visit, corrected_by),
        "status": "entered-in-error" if visit.voided else "finished",
        "class": coding(ACT_CODE, kind, display),
        "type": [
            {"coding": [coding(systems.code_system("encounter-type"), type_code, type_display)], "text": type_display},
            concept(codes.VISIT_MODE, visit.mode),
        ],
        "subject": {"reference": f"Patient/{visit.resident_id}"},
        "period": {"start": day, "end": day},
        "reasonReference": [{"reference": f"Condition/{condition_id(visit.enrolment_id)}"}],
    }
    doctor = ref("Practitioner", visit.doctor_id, visit.doctor_name)
    if doctor:
        resource["participant"] = [{"type": [{"coding": [coding(PARTICIPATION, "PPRF", "primary performer")]}], "individual": doctor}]
    if visit.institution_id:
        resource["serviceProvider"] = {"reference": f"Organization/{visit.institution_id}"}
    return resource


def _search_condition(base: str, value: str) -> Any | None:
    """SQL for one search parameter; None for a parameter follow-ups cannot match."""
    condition = visit_condition(base, value)
    if condition is not None:
        return condition
    if base == "_id":
        return Visit.id.in_([i for i in (own_encounter(v) for v in value.split(",")) if i])
    if base == "class":
        wanted = {token(v)[1] for v in value.split(",")}
        return Visit.mode.in_([m for m, (kind, _d) in ENCOUNTER_CLASS.items() if kind in wanted])
    if base == "service-provider":
        return Visit.institution_id.in_(reference_uuids(value, "Organization", base))
    return None


class FollowUpEncounters(Contributor):
    """Signed follow-ups as Encounters ``<visit id>-fu`` (read-only)."""

    resource_type: ClassVar[str] = "Encounter"
    documentation: ClassVar[str] = (
        "Also the signed chronic-disease follow-ups (高血压/2型糖尿病患者随访), id <visit id>-fu: class AMB (clinic), HH (home), "
        "VR (telephone); type encounter-type#htn-followup|t2dm-followup; reasonReference the managed Condition <enrolment id>-dx; "
        "readings are Observations <visit id>-fu-<item>. Corrections: extension amends / corrected-by; voided visits are entered-in-error."
    )

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any] | None:
        visit_id = own_encounter(resource_id)
        if visit_id is None:
            return None
        visit, correction = visit_of(session, principal, visit_id, "Encounter", resource_id)
        return encounter(visit, correction.id if correction else None)

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> list[dict[str, Any]]:
        start = page_start(request)
        if not principal.can(access.READ):
            return []
        stmt = current_visits(principal)
        for name, values in request.params.items():
            for value in values:
                condition = _search_condition(name.split(":")[0], value)
                if condition is None:
                    return []  # a parameter follow-ups cannot match
                stmt = stmt.where(condition)
        found = contributed_rows(session, stmt, Visit, start, request.count, encounter)
        audit_shown(session, principal, (v.resident_id for v, _e in found), "chronic_visit", "Encounter")
        return [e for _v, e in found]

    def everything(self, session: Session, principal: Principal, resource_id: str) -> list[dict[str, Any]]:
        resident_id = everything_patient(resource_id, principal)
        if resident_id is None:
            return []
        visits = current_of_patient(session, principal, resident_id)
        audit_shown(session, principal, (v.resident_id for v in visits), "chronic_visit", "Encounter")
        return [encounter(v) for v in visits]
