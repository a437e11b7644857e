"""Patient: read, version history, search, and create/update/delete through the residents service.

Elements Patient does not map are kept verbatim (``retain``, :mod:`jiceng.core.fhir.retained`)
and merged back on read.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from jiceng.core.db import PREFIX_END
from jiceng.core.errors import ValidationFailed
from jiceng.core.fhir import retained, systems
from jiceng.core.fhir.outcome import fhir_error, not_found
from jiceng.core.fhir.query import last_updated, record_page, reference_uuids, unsupported, uuids
from jiceng.core.fhir.resources import Include, ResourceHandler, SearchPage, SearchParam
from jiceng.core.fhir.search import SearchRequest, date_condition, token
from jiceng.core.history import previous_version, versions
from jiceng.core.ids import parse_id
from jiceng.core.permissions import Perm
from jiceng.core.security import Principal
from jiceng.residents import repository
from jiceng.residents import service as residents
from jiceng.residents.fhir.mapping import FIELD_PATHS, MAPPED_ELEMENTS, SEX, from_fhir, kept_elements, snapshot, to_fhir
from jiceng.residents.models import Resident
from jiceng.residents.pinyin import looks_like_pinyin


class PatientHandler(ResourceHandler):
    resource_type: ClassVar[str] = "Patient"
    interactions: ClassVar[frozenset[str]] = frozenset(
        {"read", "vread", "history-instance", "search-type", "create", "update", "delete", "$everything"}
    )
    conditional_create: ClassVar[bool] = True
    unmapped: ClassVar[str] = "retain"
    mapped_elements: ClassVar[frozenset[str]] = MAPPED_ELEMENTS
    documentation: ClassVar[str] = (
        "A resident's 个人基本信息表. Identifiers: ID number and 17-digit record number. address.extension(division-code) carries the 12-digit village code."
    )
    search_params: ClassVar[dict[str, SearchParam]] = {
        "_id": SearchParam("token", "Resource id"),
        "identifier": SearchParam("token", "ID number or record number (system|value)"),
        "name": SearchParam("string", "Name, or pinyin / pinyin initials (e.g. zsf), starts-with"),
        "birthdate": SearchParam("date", "Date of birth (with eq/ge/le/gt/lt prefixes)"),
        "gender": SearchParam("token", "male | female | unknown"),
        "address": SearchParam("string", "Address text, starts-with"),
        "address-district": SearchParam("token", "Division code (12 digits, or a prefix of a division)"),
        "telecom": SearchParam("token", "Phone number"),
        "organization": SearchParam("reference", "Managing organization (Organization/id)", "Organization"),
        "_lastUpdated": SearchParam("date", "Last change time"),
    }

    def __init__(self) -> None:
        super().__init__(
            includes={
                "organization": Include(
                    "Organization", lambda r: [r["managingOrganization"]["reference"]] if r.get("managingOrganization") else []
                )
            }
        )

    def _get(self, session: Session, principal: Principal, resource_id: str, purpose: str = "view") -> Resident:
        resident_uuid = parse_id(resource_id)
        if resident_uuid is None:
            raise not_found("Patient", resource_id)
        return residents.get_resident(session, principal, resident_uuid, purpose=purpose)

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        resident = self._get(session, principal, resource_id)
        return retained.merge_into(to_fhir(resident), retained.load(session, "Patient", resident.id))

    def vread(self, session: Session, principal: Principal, resource_id: str, version: str) -> dict[str, Any]:
        resident = self._get(session, principal, resource_id, "view_version")
        if version == str(resident.version):
            return to_fhir(resident)
        old = previous_version(session, "resident", resident.id, int(version)) if version.isdigit() else None
        if old is None:
            raise not_found("Patient", f"{resource_id}/_history/{version}")
        return to_fhir(snapshot(old))

    def history(self, session: Session, principal: Principal, resource_id: str) -> list[dict[str, Any]]:
        resident = self._get(session, principal, resource_id, "view_history")
        return [to_fhir(resident)] + [to_fhir(snapshot(v.data)) for v in versions(session, "resident", resident.id)]

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        principal.require(Perm.RESIDENT_READ)  # identifiable results: supervisors get de-identified lists elsewhere
        stmt = repository.readable(principal)
        for name, values in request.params.items():
            for value in values:
                stmt = stmt.where(_condition(name, value))
        after = uuid.UUID(str(request.after.get("id"))) if request.after else None
        page, more = record_page(session, stmt, Resident, after, request.count)
        return SearchPage([to_fhir(r) for r in page], more)

    def create(self, session: Session, principal: Principal, resource: dict[str, Any]) -> dict[str, Any]:
        self.check_elements(resource)
        principal.require(Perm.RESIDENT_WRITE)
        try:
            resident = residents.create_resident(session, principal, from_fhir(resource))
        except ValidationFailed as error:
            raise fhir_error(error, FIELD_PATHS, "Patient") from None
        retained.store(session, "Patient", resident.id, kept_elements(resource))
        return self.read(session, principal, str(resident.id))

    def update(
        self, session: Session, principal: Principal, resource_id: str, resource: dict[str, Any], expected_version: int | None
    ) -> dict[str, Any]:
        self.check_elements(resource)
        principal.require(Perm.RESIDENT_WRITE)  # permission before scope, as in the JSON API
        current = self._get(session, principal, resource_id, "view_for_edit")
        data = from_fhir(resource)
        if not data.get("village_code"):
            data.pop("village_code", None)
        try:
            residents.update_resident(session, principal, current.id, data, expected_version=expected_version)
        except ValidationFailed as error:
            raise fhir_error(error, FIELD_PATHS, "Patient") from None
        retained.store(session, "Patient", current.id, kept_elements(resource))
        return self.read(session, principal, resource_id)

    def delete(self, session: Session, principal: Principal, resource_id: str) -> None:
        principal.require(Perm.RESIDENT_DELETE)
        resident = self._get(session, principal, resource_id, "view_for_delete")
        residents.delete_resident(session, principal, resident.id, "FHIR delete")


def _condition(name: str, value: str) -> Any:
    base, _, modifier = name.partition(":")
    if base == "_id":
        return Resident.id.in_(uuids(value))
    if base == "identifier":
        system, code = token(value)
        if system == systems.HEALTH_RECORD_NUMBER:
            return Resident.record_number == code
        if system in (None, systems.RESIDENT_ID_NUMBER):
            return (
                (Resident.id_number == code.upper())
                if system
                else ((Resident.id_number == code.upper()) | (Resident.record_number == code))
            )
        return Resident.id.is_(None)
    if base == "name":
        text = value.strip()
        if modifier == "exact":
            return Resident.name == text
        if looks_like_pinyin(text):
            column = Resident.name_initials if len(text) <= 4 else Resident.name_pinyin
            return (column >= text.lower()) & (column < text.lower() + PREFIX_END)
        return (Resident.name >= text) & (Resident.name < text + PREFIX_END)
    if base == "birthdate":
        return date_condition(Resident.birth_date, value, "birthdate", as_date=True)
    if base == "gender":
        return Resident.sex == SEX.get(token(value)[1], "?")
    if base == "address":
        return Resident.address.startswith(value, autoescape=True)
    if base == "address-district":
        code = token(value)[1]
        return Resident.village_code.between(code.ljust(12, "0"), code.ljust(12, "9"))
    if base == "telecom":
        return Resident.phone == token(value)[1]
    if base == "organization":
        return Resident.record_institution_id.in_(reference_uuids(value, "Organization", "organization"))
    if base == "_lastUpdated":
        return last_updated(Resident.updated_at, value)
    raise unsupported(name)
