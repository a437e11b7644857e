"""The nine constitution results as Observation ``<record id>-tcm``, contributed to the results domain's handler."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from jiceng.core.fhir import systems
from jiceng.core.fhir.query import audit_shown, contributed_rows, instant, page_start, split_id
from jiceng.core.fhir.resources import Contributor, meta
from jiceng.core.fhir.search import SearchRequest, token
from jiceng.core.security import Principal
from jiceng.elderly import guidance as g
from jiceng.elderly import service as elderly
from jiceng.elderly import tcm
from jiceng.elderly.fhir import records
from jiceng.elderly.fhir.codings import ITEM_SYSTEM, QR, RESULT_SYSTEM, constitution_coding
from jiceng.elderly.models import TcmAssessment


def constitution(record: TcmAssessment) -> dict[str, Any]:
    """The nine results as one Observation: value = main constitution, a component per constitution."""
    components = []
    for code, (_zh, _en_text, items) in tcm.CONSTITUTIONS.items():
        result = (record.results or {}).get(code, tcm.NO)
        raw = (record.scores or {}).get(code)
        zh, _en_label = tcm.RESULT_LABELS[result]
        component: dict[str, Any] = {
            "code": {"coding": [constitution_coding(code)], "text": tcm.name(code)},
            "valueCodeableConcept": {"coding": [{"system": RESULT_SYSTEM, "code": result, "display": zh}], "text": zh},
        }
        if raw is not None:
            component["extension"] = [
                {"url": systems.extension("tcm-raw-score"), "valueInteger": int(raw)},
                {"url": systems.extension("tcm-converted-score"), "valueDecimal": tcm.converted(int(raw), len(items))},
            ]
        components.append(component)
    main = record.main_type
    notes = []
    for code in [*([main] if main else []), *(c for c in tcm.CONSTITUTIONS if c != main)]:
        for option in (record.guidance or {}).get(code) or []:
            body = g.text(code, option) if option in g.TEXT_OPTIONS else (record.guidance_other or {}).get(code, "")
            notes.append({"text": f"{tcm.name(code)}·{g.OPTIONS.label(option)}：{body}"})
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": f"{record.id}-tcm",
        "meta": meta(record.version, record.updated_at),
        "status": "final",
        "category": [{"coding": [{"system": systems.OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}],
        "code": {"coding": [{"system": ITEM_SYSTEM, "code": "tcm-constitution", "display": "中医体质辨识"}], "text": "中医体质辨识"},
        "subject": {"reference": f"Patient/{record.resident_id}"},
        "effectiveDateTime": record.assessed_on.isoformat(),
        "issued": instant(record.signed_at),
        "performer": [{"reference": f"Organization/{record.institution_id}"}] if record.institution_id else [],
        "valueCodeableConcept": {"coding": [constitution_coding(main)], "text": tcm.name(main)} if main else {"text": "未判定"},
        "derivedFrom": [{"reference": f"{QR}/{record.id}"}],
        "component": components,
        "note": notes,
    }
    if record.health_check_id:
        resource["encounter"] = {"reference": f"Encounter/{record.health_check_id}"}
    return resource


def _own(resource_id: str) -> uuid.UUID | None:
    """The record of an id ``<record id>-tcm``; None for any other id."""
    parts = split_id(resource_id, "-")
    return parts[0] if parts and parts[1] == "tcm" else None


class ConstitutionObservations(Contributor):
    """Observation ``<record id>-tcm``: the constitution determination of a signed TCM record."""

    resource_type: ClassVar[str] = "Observation"

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any] | None:
        record_id = _own(resource_id)
        if record_id is None:
            return None
        return constitution(records.signed(session, principal, record_id, "Observation", resource_id))

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> list[dict[str, Any]]:
        start = page_start(request)
        if not principal.can(elderly.ELDERLY_READ):
            return []
        stmt = records.current(principal)
        for name, values in request.params.items():
            base = name.split(":")[0]
            for value in values:
                condition = records.condition(name, value, "date")
                if condition is not None:
                    stmt = stmt.where(condition)
                elif base == "code":
                    if not any(token(v) in ((None, "tcm-constitution"), (ITEM_SYSTEM, "tcm-constitution")) for v in value.split(",")):
                        return []
                elif base == "category":
                    if "survey" not in {token(v)[1] for v in value.split(",")}:
                        return []
                elif base == "_id":
                    stmt = stmt.where(TcmAssessment.id.in_([i for i in (_own(v) for v in value.split(",")) if i]))
                else:
                    return []
        found = contributed_rows(session, stmt, TcmAssessment, start, request.count, constitution)
        audit_shown(session, principal, (r.resident_id for r, _o in found), "tcm_assessment", "Observation")
        return [o for _r, o in found]

    def everything(self, session: Session, principal: Principal, resource_id: str) -> list[dict[str, Any]]:
        return [constitution(r) for r in records.for_patient(session, principal, resource_id)]
