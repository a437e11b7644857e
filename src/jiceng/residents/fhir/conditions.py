"""Condition ``<patient id>-pd<code>``: past diagnoses (既往史) of the 个人基本信息表."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy.orm import Session

from jiceng.core.fhir import systems
from jiceng.core.fhir.outcome import invalid, not_found
from jiceng.core.fhir.resources import ResourceHandler, SearchPage, SearchParam, meta
from jiceng.core.fhir.search import SearchRequest, reference_id
from jiceng.core.ids import parse_id
from jiceng.core.permissions import Perm
from jiceng.core.security import Principal
from jiceng.residents import codes, repository
from jiceng.residents import service as residents
from jiceng.residents.models import Resident


class ConditionHandler(ResourceHandler):
    """Past diagnoses recorded on the 个人基本信息表 (既往史), read-only."""

    resource_type: ClassVar[str] = "Condition"
    interactions: ClassVar[frozenset[str]] = frozenset({"read", "search-type"})
    documentation: ClassVar[str] = (
        "Past diagnoses (既往疾病史) from the resident record; id is <patient id>-pd<code>. Domains add their own diagnoses."
    )
    search_params: ClassVar[dict[str, SearchParam]] = {
        "patient": SearchParam("reference", "The patient (Patient/id)", "Patient"),
        "subject": SearchParam("reference", "The patient (Patient/id)", "Patient"),
    }

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        patient_id, _, _code = resource_id.rpartition("-pd")
        resident_uuid = parse_id(patient_id)
        if resident_uuid is None:
            raise not_found("Condition", resource_id)
        resident = residents.get_resident(session, principal, resident_uuid)
        found = [c for c in _conditions(resident) if c["id"] == resource_id]
        if not found:
            raise not_found("Condition", resource_id)
        return found[0]

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        principal.require(Perm.RESIDENT_READ)
        refs = request.params.get("patient", []) + request.params.get("subject", [])
        if not refs:
            raise invalid("Condition 检索需要 patient 参数", "Searching Condition needs a patient parameter", "patient")
        ids = [parse_id(reference_id(v, "Patient", "patient")) for ref in refs for v in ref.split(",")]
        found = repository.get_many(session, principal, [i for i in ids if i])
        return SearchPage([c for r in found for c in _conditions(r)][: request.count])

    def everything(self, session: Session, principal: Principal, resource_id: str) -> list[dict[str, Any]]:
        principal.require(Perm.RESIDENT_READ)
        resident_uuid = parse_id(resource_id)
        found = repository.get(session, principal, resident_uuid) if resident_uuid else None
        return _conditions(found) if found else []


def _conditions(r: Resident) -> list[dict[str, Any]]:
    out = []
    for item in r.past_diseases or []:
        if item.get("code") in (None, "1"):
            continue
        condition: dict[str, Any] = {
            "resourceType": "Condition",
            "id": f"{r.id}-pd{item['code']}",
            "meta": meta(r.version, r.updated_at),
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category", "code": "problem-list-item"}]}],
            "code": {
                "coding": [
                    {"system": systems.code_system("past-disease"), "code": item["code"], "display": codes.PAST_DISEASE.label(item["code"])}
                ],
                "text": item.get("name") or codes.PAST_DISEASE.label(item["code"]),
            },
            "subject": {"reference": f"Patient/{r.id}"},
        }
        if item.get("diagnosed_on"):
            condition["onsetDateTime"] = item["diagnosed_on"]
        out.append(condition)
    return out
