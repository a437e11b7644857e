"""Signed TCM service records as ``QuestionnaireResponse/<record id>``: read, search, ``$everything``, create."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from jiceng.core.errors import NotFound, ValidationFailed
from jiceng.core.fhir import systems
from jiceng.core.fhir.outcome import FhirError, fhir_error
from jiceng.core.fhir.query import audit_shown, coding, page_start, record_page, subject_includes, unsupported, uuids
from jiceng.core.fhir.resources import Include, ResourceHandler, SearchPage, SearchParam, meta
from jiceng.core.fhir.search import SearchRequest
from jiceng.core.ids import parse_id
from jiceng.core.security import Principal
from jiceng.elderly import service as elderly
from jiceng.elderly import tcm
from jiceng.elderly.fhir import records
from jiceng.elderly.fhir.codings import (
    AMENDS_EXT,
    CANONICAL,
    CHILDREN,
    CORRECTED_BY_EXT,
    QR,
    QUESTIONNAIRE_ID,
    QUESTIONNAIRE_URL,
    VISIT_MODE_EXT,
    answer_coding,
    constitution_coding,
    guidance_option,
)
from jiceng.elderly.fhir.parse import ResponseInput, from_fhir
from jiceng.elderly.models import TcmAssessment
from jiceng.exams.codes import VISIT_MODE

FIELD_PATHS: dict[str, str] = {
    "assessed_on": f"{QR}.authored",
    "resident_id": f"{QR}.subject",
    "health_check_id": f"{QR}.encounter",
    "height_cm": f"{QR}.encounter",
    "weight_kg": f"{QR}.encounter",
    "waist_cm": f"{QR}.encounter",
    "answers": f"{QR}.item",
    "doctor_name": f"{QR}.author.display",
    "visit_mode": f"{QR}.extension('{VISIT_MODE_EXT}')",
    "amends_id": f"{QR}.extension('{AMENDS_EXT}')",
    "guidance": f"{QR}.item.where(linkId='guidance')",
    "main_type": f"{QR}.item.where(linkId='main-type')",
    "physician_confirmed": f"{QR}.item.where(linkId='physician-confirmed')",
    "colds_per_year": f"{QR}.item.where(linkId='14').answer.item.where(linkId='colds-per-year')",
    "allergies_per_year": f"{QR}.item.where(linkId='17').answer.item.where(linkId='allergies-per-year')",
    **{f"answers.{q}": f"{QR}.item.where(linkId='{q}')" for q in tcm.QUESTIONS},
    **{f"guidance.{c}": f"{QR}.item.where(linkId='guidance').item.where(linkId='guidance.{c}')" for c in tcm.CONSTITUTIONS},
    **{
        f"guidance_other.{c}": f"{QR}.item.where(linkId='guidance').item.where(linkId='guidance.{c}').item.where(linkId='guidance.{c}.other')"
        for c in tcm.CONSTITUTIONS
    },
}


def _child(q: int, record: TcmAssessment) -> dict[str, Any] | None:
    link, _kind, zh, _en_text, _ro = CHILDREN[q]
    value = {9: record.bmi, 14: record.colds_per_year, 17: record.allergies_per_year, 28: record.waist_cm}[q]
    if value is None:
        return None
    answer = {"valueDecimal": float(value)} if q in tcm.MEASURED else {"valueInteger": int(value)}
    return {"linkId": link, "text": zh, "answer": [answer]}


def _guidance_items(record: TcmAssessment) -> list[dict[str, Any]]:
    groups = []
    for code in tcm.CONSTITUTIONS:
        options = (record.guidance or {}).get(code) or []
        if not options:
            continue
        parts: list[dict[str, Any]] = [
            {"linkId": f"guidance.{code}.options", "text": "指导内容", "answer": [{"valueCoding": guidance_option(o)} for o in options]}
        ]
        other = (record.guidance_other or {}).get(code)
        if other:
            parts.append({"linkId": f"guidance.{code}.other", "text": "其他（请注明）", "answer": [{"valueString": other}]})
        groups.append({"linkId": f"guidance.{code}", "text": tcm.name(code), "item": parts})
    return [{"linkId": "guidance", "text": "中医药保健指导", "item": groups}] if groups else []


def response(record: TcmAssessment, corrected_by: uuid.UUID | None = None) -> dict[str, Any]:
    answers = record.answer_map()
    items: list[dict[str, Any]] = []
    for q, (zh, _en_text) in tcm.QUESTIONS.items():
        answer: dict[str, Any] = {"valueCoding": answer_coding(q, answers[q])}
        child = _child(q, record) if q in CHILDREN else None
        if child:
            answer["item"] = [child]
        items.append({"linkId": str(q), "text": zh, "answer": [answer]})
    items += _guidance_items(record)
    if record.tied_types and record.main_type:
        items.append(
            {
                "linkId": "main-type",
                "text": "主要体质（得分相同时由中医师判定）",
                "answer": [{"valueCoding": constitution_coding(record.main_type)}],
            }
        )
    if record.contradiction and record.physician_confirmed:
        items.append({"linkId": "physician-confirmed", "text": "中医师已核对回答并确认", "answer": [{"valueBoolean": True}]})
    extensions: list[dict[str, Any]] = [
        {
            "url": VISIT_MODE_EXT,
            "valueCoding": coding(systems.code_system("visit-mode"), record.visit_mode, VISIT_MODE.label(record.visit_mode)),
        }
    ]
    if record.amends_id:
        extensions.append({"url": AMENDS_EXT, "valueReference": {"reference": f"{QR}/{record.amends_id}"}})
    if corrected_by:
        extensions.append({"url": CORRECTED_BY_EXT, "valueReference": {"reference": f"{QR}/{corrected_by}"}})
    resource: dict[str, Any] = {
        "resourceType": QR,
        "id": str(record.id),
        "meta": meta(record.version, record.updated_at),
        "extension": extensions,
        "questionnaire": CANONICAL,
        "status": "completed",
        "subject": {"reference": f"Patient/{record.resident_id}"},
        "authored": record.assessed_on.isoformat(),
        "source": {"reference": f"Patient/{record.resident_id}"},
        "item": items,
    }
    if record.health_check_id:
        resource["encounter"] = {"reference": f"Encounter/{record.health_check_id}"}
    if record.doctor_name:
        resource["author"] = {"display": record.doctor_name}
    return resource


class QuestionnaireResponseHandler(ResourceHandler):
    resource_type: ClassVar[str] = QR
    interactions: ClassVar[frozenset[str]] = frozenset({"read", "search-type", "create"})
    mapped_elements: ClassVar[frozenset[str]] = frozenset(
        {"questionnaire", "status", "subject", "encounter", "authored", "author", "source", "item", "extension"}
    )
    documentation: ClassVar[str] = (
        f"Signed TCM service records (老年人中医药健康管理服务记录表) answering {CANONICAL}. "
        "create goes through the elderly service: status completed, subject, encounter = the same visit's health check "
        "(its BMI and waist score Q9/Q28), authored = the date; items and answer displays follow the Questionnaire. "
        "Signed records are never changed (no update/delete): a correction is a new response with extension amends. "
        "The constitution results are Observation <id>-tcm."
    )
    search_params: ClassVar[dict[str, SearchParam]] = {
        "_id": SearchParam("token", "Resource id"),
        "patient": SearchParam("reference", "The patient", "Patient"),
        "subject": SearchParam("reference", "The patient", "Patient"),
        "authored": SearchParam("date", "The date of the service"),
        "questionnaire": SearchParam("reference", f"The form ({CANONICAL})", "Questionnaire"),
        "_lastUpdated": SearchParam("date", "Last change time"),
    }

    def __init__(self) -> None:
        super().__init__(
            includes={
                **subject_includes(),
                "questionnaire": Include("Questionnaire", lambda r: [f"Questionnaire/{QUESTIONNAIRE_ID}"]),
                "encounter": Include("Encounter", lambda r: [r["encounter"]["reference"]] if r.get("encounter") else []),
            }
        )

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        record = records.signed(session, principal, parse_id(resource_id), QR, resource_id)
        correction = elderly.correction_of(session, principal, record)
        return response(record, correction.id if correction is not None and correction.is_signed else None)

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        _position, after = page_start(request)
        if not principal.can(elderly.ELDERLY_READ):
            return SearchPage([])
        stmt = records.current(principal)
        for name, values in request.params.items():
            base = name.split(":")[0]
            for value in values:
                condition = records.condition(name, value, "authored")
                if condition is not None:
                    stmt = stmt.where(condition)
                elif base == "_id":
                    stmt = stmt.where(TcmAssessment.id.in_(uuids(value)))
                elif base == "questionnaire":
                    if not any(
                        v in (QUESTIONNAIRE_URL, CANONICAL, f"Questionnaire/{QUESTIONNAIRE_ID}", QUESTIONNAIRE_ID) for v in value.split(",")
                    ):
                        return SearchPage([])
                else:
                    raise unsupported(name)
        page, more = record_page(session, stmt, TcmAssessment, after, request.count)
        audit_shown(session, principal, (r.resident_id for r in page), "tcm_assessment", QR)
        return SearchPage([response(r) for r in page], more)

    def everything(self, session: Session, principal: Principal, resource_id: str) -> list[dict[str, Any]]:
        return [response(r) for r in records.for_patient(session, principal, resource_id)]

    def create(self, session: Session, principal: Principal, resource: dict[str, Any]) -> dict[str, Any]:
        self.check_elements(resource)
        resident_id, found = from_fhir(resource)
        try:
            record = elderly.record_tcm_assessment(session, principal, resident_id, found.data, sign=True)
        except ValidationFailed as error:
            raise fhir_error(error, FIELD_PATHS, QR) from None
        except NotFound as error:
            # Absent and out of scope look the same (404 in the service); here it is the content that is wrong.
            path = f"{QR}.encounter" if "health check" in error.message_en.lower() else f"{QR}.subject"
            raise FhirError(
                422, f"{error.message_zh}（或不在您的范围内）", f"{error.message_en} (or outside your scope)", path, "processing"
            ) from None
        _check_declared(found, record)
        return response(record)


def _check_declared(found: ResponseInput, record: TcmAssessment) -> None:
    """The BMI and waist a response declared must be the ones its health check measured."""
    for link, (value, path) in found.declared.items():
        measured = record.bmi if link == "bmi" else record.waist_cm
        if abs(float(value) - float(measured)) > 1e-9:
            raise FhirError(
                422,
                f"{path}：应为同次健康体检的测量值 {measured:g}",
                f"{path}: must be the same visit's health-check value {measured:g}",
                path,
                "processing",
            )
