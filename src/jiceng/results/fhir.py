"""Observation: results from labs, devices and hospitals.

Unmapped elements are *retained*: the resource is stored exactly as received (with its
sender) next to the mapped columns, and read back as sent, with Jiceng's id and meta.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from jiceng.core.errors import ValidationFailed
from jiceng.core.fhir import resources, systems
from jiceng.core.fhir.outcome import expect_dict, expect_list, expect_str, fhir_error, invalid, not_found
from jiceng.core.fhir.query import last_updated, page_start, reference_uuids, unsupported, uuids
from jiceng.core.fhir.resources import ResourceHandler, SearchPage, SearchParam, meta
from jiceng.core.fhir.search import SearchRequest, date_condition, token
from jiceng.core.ids import parse_id
from jiceng.core.security import Principal
from jiceng.results import service as results
from jiceng.results.models import Observation

FIELD_PATHS = {"status": "Observation.status", "code": "Observation.code", "subject": "Observation.subject"}


def to_fhir(row: Observation | results.Received) -> dict[str, Any]:
    return {**row.payload, "resourceType": "Observation", "id": str(row.id), "meta": meta(row.version, row.updated_at)}


def _effective(resource: dict[str, Any]) -> datetime | None:
    raw = resource.get("effectiveDateTime") or resource.get("effectiveInstant") or (resource.get("effectivePeriod") or {}).get("start")
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        raise invalid(
            f"Observation.effective：日期时间格式无效“{raw}”",
            f"Observation.effective: invalid date-time “{raw}”",
            "Observation.effective[x]",
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _coding(resource: dict[str, Any]) -> dict[str, Any]:
    codings = [
        expect_dict(c, "Observation.code.coding")
        for c in expect_list(expect_dict(resource.get("code"), "Observation.code").get("coding"), "Observation.code.coding")
    ]
    loinc = [c for c in codings if c.get("system") == systems.LOINC]
    return (loinc or codings or [{}])[0]


def _first_code(value: Any, path: str) -> str:
    items = expect_list(value, path)
    codings = expect_list(expect_dict(items[0], path).get("coding"), f"{path}.coding") if items else []
    return expect_str(expect_dict(codings[0], f"{path}.coding").get("code"), f"{path}.coding.code") if codings else ""


def from_fhir(resource: dict[str, Any]) -> results.ObservationInput:
    coding = _coding(resource)
    subject = expect_str(expect_dict(resource.get("subject"), "Observation.subject").get("reference"), "Observation.subject.reference")
    quantity = expect_dict(resource.get("valueQuantity"), "Observation.valueQuantity")
    value = quantity.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise invalid(
            "Observation.valueQuantity.value 应为数值",
            "Observation.valueQuantity.value must be a number",
            "Observation.valueQuantity.value",
        )
    performers = [expect_dict(p, "Observation.performer") for p in expect_list(resource.get("performer"), "Observation.performer")]
    performer = next((str(p.get("reference", "")) for p in performers if str(p.get("reference", "")).startswith("Organization/")), "")
    concept = expect_dict(resource.get("valueCodeableConcept"), "Observation.valueCodeableConcept")
    return results.ObservationInput(
        resident_id=parse_id(subject.removeprefix("Patient/")) if subject.startswith("Patient/") else None,
        status=expect_str(resource.get("status"), "Observation.status"),
        code_system=str(coding.get("system", "")),
        code=str(coding.get("code", "")),
        display=str(coding.get("display") or expect_dict(resource.get("code"), "Observation.code").get("text", "")),
        category=_first_code(resource.get("category"), "Observation.category"),
        value_quantity=float(value) if value is not None else None,
        value_unit=str(quantity.get("unit") or quantity.get("code") or ""),
        value_text=str(resource.get("valueString") or concept.get("text") or ""),
        effective_at=_effective(resource),
        performer_institution_id=parse_id(performer.removeprefix("Organization/")) if performer else None,
    )


class ObservationHandler(ResourceHandler):
    resource_type: ClassVar[str] = "Observation"
    interactions: ClassVar[frozenset[str]] = frozenset({"read", "search-type", "create"})
    unmapped: ClassVar[str] = "retain"
    documentation: ClassVar[str] = (
        "Results received from labs, devices and hospitals, kept exactly as sent with their sender. LOINC codes where one exists."
        " Also, read-only, Observations other domains contribute (health-check measurements, TCM constitution), id <record id>-<item>."
    )
    search_params: ClassVar[dict[str, SearchParam]] = {
        "_id": SearchParam("token", "Resource id"),
        "patient": SearchParam("reference", "The patient", "Patient"),
        "subject": SearchParam("reference", "The patient", "Patient"),
        "code": SearchParam("token", "Test code (system|code), e.g. http://loinc.org|2345-7"),
        "category": SearchParam("token", "Category code (e.g. laboratory, vital-signs)"),
        "date": SearchParam("date", "When observed (effective)"),
        "_lastUpdated": SearchParam("date", "Last change time"),
    }

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        contributed = resources.contributed_read(session, principal, "Observation", resource_id)
        if contributed is not None:
            return contributed
        key = parse_id(resource_id)
        if key is None:
            raise not_found("Observation", resource_id)
        return to_fhir(results.get(session, principal, key))

    def create(self, session: Session, principal: Principal, resource: dict[str, Any]) -> dict[str, Any]:
        self.check_elements(resource)
        payload = {k: v for k, v in resource.items() if k not in ("id", "meta")}
        try:
            row = results.record(session, principal, from_fhir(resource), payload)
        except ValidationFailed as error:
            raise fhir_error(error, FIELD_PATHS, "Observation") from None
        return to_fhir(row)

    def prepare(self, session: Session, principal: Principal, incoming: list[dict[str, Any]]) -> None:
        """One scope query for all the patients a bundle's results are about."""
        refs = {str((r.get("subject") or {}).get("reference", "")) for r in incoming if isinstance(r.get("subject"), dict)}
        ids = [i for i in (parse_id(ref.removeprefix("Patient/")) for ref in refs if ref.startswith("Patient/")) if i]
        results.prefetch_scope(session, principal, ids)

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        conditions = [_condition(name, value) for name, values in request.params.items() for value in values]
        # Pages may end on a contributed id ("<uuid>-<item>"): results follow its uuid.
        _position, after = page_start(request)
        rows = results.search(session, principal, conditions, after, request.count + 1)
        page = rows[: request.count]
        own = SearchPage([to_fhir(r) for r in page], {"id": str(page[-1].id)} if len(rows) > request.count and page else None)
        return resources.merged_search(session, principal, "Observation", request, own)

    def everything(self, session: Session, principal: Principal, resource_id: str) -> list[dict[str, Any]]:
        key = parse_id(resource_id)
        own = [to_fhir(r) for r in results.for_resident(session, principal, key)] if key else []
        return own + resources.contributed_everything(session, principal, "Observation", resource_id)

    def check_elements(self, resource: dict[str, Any]) -> dict[str, Any]:
        if resource.get("resourceType") != "Observation":
            raise invalid("resourceType 应为 Observation", "resourceType must be Observation", "resourceType")
        return {}


def _condition(name: str, value: str) -> Any:
    base = name.split(":")[0]
    if base in ("patient", "subject"):
        return Observation.resident_id.in_(reference_uuids(value, "Patient", base))
    if base == "_id":
        return Observation.id.in_(uuids(value))
    if base == "code":
        system, code = token(value)
        return (Observation.code == code) & (Observation.code_system == system) if system else Observation.code == code
    if base == "category":
        return Observation.category == token(value)[1]
    if base == "date":
        return date_condition(Observation.effective_at, value, "date")
    if base == "_lastUpdated":
        return last_updated(Observation.updated_at, value)
    raise unsupported(name)


resources.register(ObservationHandler())
