"""The signed health check as an Encounter ``<check id>``. This domain owns Encounter; other
domains' Encounters (the chronic follow-ups) are merged in as contributors."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from jiceng.core.fhir import resources, systems
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
from jiceng.core.fhir.search import SearchRequest, date_condition, token
from jiceng.core.ids import parse_id
from jiceng.core.security import Principal
from jiceng.exams import codes
from jiceng.exams import service as exams
from jiceng.exams.fhir.items import concept
from jiceng.exams.fhir.records import current, for_patient, patients, signed
from jiceng.exams.models import HealthCheck

ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
ENCOUNTER_CLASS = {"clinic": ("AMB", "ambulatory"), "home": ("HH", "home health"), "outreach": ("FLD", "field")}


def encounter(check: HealthCheck, corrected_by: uuid.UUID | None = None) -> dict[str, Any]:
    kind, display = ENCOUNTER_CLASS.get(check.visit_mode, ENCOUNTER_CLASS["clinic"])
    day = check.exam_date.isoformat()
    extensions = []
    if check.amends_id:
        extensions.append({"url": systems.extension("amends"), "valueReference": {"reference": f"Encounter/{check.amends_id}"}})
    if corrected_by:
        extensions.append({"url": systems.extension("corrected-by"), "valueReference": {"reference": f"Encounter/{corrected_by}"}})
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": str(check.id),
        "meta": meta(check.version, check.updated_at),
        "extension": extensions,
        "status": "finished",
        "class": coding(ACT_CODE, kind, display),
        "type": [
            {"coding": [coding(systems.code_system("encounter-type"), "health-check", "健康体检")], "text": "健康体检"},
            concept(systems.code_system("visit-mode"), check.visit_mode, codes.VISIT_MODE),
        ],
        "subject": {"reference": f"Patient/{check.resident_id}"},
        "period": {"start": day, "end": day},
    }
    if check.doctor_name:
        resource["participant"] = [
            {"type": [{"coding": [coding(PARTICIPATION, "PPRF", "primary performer")]}], "individual": {"display": check.doctor_name}}
        ]
    if check.institution_id:
        resource["serviceProvider"] = {"reference": f"Organization/{check.institution_id}"}
    return resource


class EncounterHandler(ResourceHandler):
    resource_type: ClassVar[str] = "Encounter"
    interactions: ClassVar[frozenset[str]] = frozenset({"read", "search-type"})
    documentation: ClassVar[str] = (
        "The signed health check (健康体检表), read-only: class AMB (clinic), HH (home visit) or FLD (outreach); "
        "its measurements are Observations <check id>-<item> with encounter = this. "
        "A check replaced by a signed correction is readable by id (extension corrected-by) but not searched."
    )
    search_params: ClassVar[dict[str, SearchParam]] = {
        "_id": SearchParam("token", "Resource id (the check id)"),
        "patient": SearchParam("reference", "The patient", "Patient"),
        "subject": SearchParam("reference", "The patient", "Patient"),
        "date": SearchParam("date", "The check date"),
        "class": SearchParam("token", "AMB | HH | FLD"),
        "service-provider": SearchParam("reference", "The institution that recorded the check", "Organization"),
        "_lastUpdated": SearchParam("date", "Last change time"),
    }

    def __init__(self) -> None:
        super().__init__(
            includes={
                **subject_includes(),
                "service-provider": Include(
                    "Organization", lambda r: [r["serviceProvider"]["reference"]] if r.get("serviceProvider") else []
                ),
            }
        )

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        contributed = resources.contributed_read(session, principal, "Encounter", resource_id)
        if contributed is not None:
            return contributed
        check = signed(session, principal, parse_id(resource_id), "Encounter", resource_id)
        correction = exams.correction_of(session, principal, check)
        return encounter(check, correction.id if correction is not None and correction.is_signed else None)

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        _position, after = page_start(request)
        own = SearchPage([])
        if principal.can(exams.EXAMS_READ):
            stmt = current(principal)
            for name, values in request.params.items():
                for value in values:
                    stmt = stmt.where(self._condition(name, value))
            page, more = record_page(session, stmt, HealthCheck, after, request.count)
            audit_shown(session, principal, (c.resident_id for c in page), "health_check", "Encounter")
            own = SearchPage([encounter(c) for c in page], more)
        return resources.merged_search(session, principal, "Encounter", request, own)

    @staticmethod
    def _condition(name: str, value: str) -> Any:
        base = name.split(":")[0]
        if base in ("patient", "subject"):
            return patients(value, base)
        if base == "_id":
            return HealthCheck.id.in_(uuids(value))
        if base == "date":
            return date_condition(HealthCheck.exam_date, value, "date", as_date=True)
        if base == "class":
            modes = [m for m, (kind, _d) in ENCOUNTER_CLASS.items() if kind in {token(v)[1] for v in value.split(",")}]
            return HealthCheck.visit_mode.in_(modes)
        if base == "service-provider":
            return HealthCheck.institution_id.in_(reference_uuids(value, "Organization", base))
        if base == "_lastUpdated":
            return last_updated(HealthCheck.updated_at, value)
        raise unsupported(name)

    def everything(self, session: Session, principal: Principal, resource_id: str) -> list[dict[str, Any]]:
        own = [encounter(c) for c in for_patient(session, principal, resource_id)]
        return own + resources.contributed_everything(session, principal, "Encounter", resource_id)
