"""Organization (institutions and alliances), OrganizationAffiliation (alliance membership),
Location (administrative divisions), Practitioner and PractitionerRole (staff).

Registry data is managed in Jiceng, so these resources are read-only over FHIR.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from jiceng.core.db import PREFIX_END
from jiceng.core.divisions import prefix_of
from jiceng.core.fhir import resources, systems
from jiceng.core.fhir.outcome import invalid, not_found
from jiceng.core.fhir.resources import Include, ResourceHandler, SearchPage, SearchParam, meta
from jiceng.core.fhir.search import SearchRequest, reference_id, token
from jiceng.core.ids import parse_id
from jiceng.core.permissions import Perm
from jiceng.core.security import Principal
from jiceng.registry import codes
from jiceng.registry.models import Alliance, AllianceMember, Division, Institution, Staff

SEX = {"1": "male", "2": "female"}
READ_ONLY = frozenset({"read", "search-type"})


def _coding(name: str, code: str, codelist: Any) -> dict[str, Any]:
    return {"coding": [{"system": systems.code_system(name), "code": code, "display": codelist.label(code)}]}


def institution(i: Institution) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Organization",
        "id": str(i.id),
        "meta": meta(i.version, i.updated_at),
        "active": i.deleted_at is None,
        "identifier": [{"system": systems.INSTITUTION_CODE, "value": i.code}],
        "name": i.name,
        "type": [_coding("institution-kind", i.kind, codes.INSTITUTION_KIND), _coding("hospital-grade", i.grade, codes.GRADE)],
        "address": [{"text": i.address, "extension": [{"url": systems.extension("division-code"), "valueCode": i.division_code}]}],
    }
    if i.phone:
        resource["telecom"] = [{"system": "phone", "value": i.phone}]
    if i.parent_id:
        resource["partOf"] = {"reference": f"Organization/{i.parent_id}"}
    return resource


def alliance(a: Alliance) -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "id": str(a.id),
        "meta": meta(a.version, a.updated_at),
        "active": a.deleted_at is None,
        "identifier": [{"system": systems.ALLIANCE_ID, "value": str(a.id)}],
        "name": a.name,
        "type": [_coding("alliance-kind", a.kind, codes.ALLIANCE_KIND)],
        "extension": [
            {"url": systems.extension("alliance-lead"), "valueReference": {"reference": f"Organization/{a.lead_institution_id}"}}
        ],
    }


def _page(rows: list[Any], count: int, convert: Any) -> SearchPage:
    page = rows[:count]
    return SearchPage([convert(r) for r in page], {"id": str(page[-1].id)} if len(rows) > count and page else None)


def _keyset(stmt: Select, model: Any, request: SearchRequest) -> Select:
    if request.after:
        stmt = stmt.where(model.id > uuid.UUID(str(request.after["id"])))
    return stmt.order_by(model.id).limit(request.count + 1)


def _ids(value: str, target: str, name: str) -> list[uuid.UUID]:
    found = [parse_id(reference_id(v, target, name)) for v in value.split(",")]
    return [i for i in found if i]


class OrganizationHandler(ResourceHandler):
    resource_type: ClassVar[str] = "Organization"
    interactions: ClassVar[frozenset[str]] = READ_ONLY
    documentation: ClassVar[str] = (
        "Institutions (机构) and medical alliances (医联体/医共体, type alliance-kind); read-only, managed in Jiceng."
    )
    search_params: ClassVar[dict[str, SearchParam]] = {
        "_id": SearchParam("token", "Resource id"),
        "identifier": SearchParam("token", "Institution code"),
        "name": SearchParam("string", "Name, starts-with"),
        "type": SearchParam("token", "institution-kind or alliance-kind code"),
        "partof": SearchParam("reference", "Managing institution", "Organization"),
        "address-district": SearchParam("token", "Division code or prefix"),
    }

    def __init__(self) -> None:
        super().__init__(includes={"partof": Include("Organization", lambda r: [r["partOf"]["reference"]] if r.get("partOf") else [])})

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        principal.require(Perm.REGISTRY_READ)
        key = parse_id(resource_id)
        found = session.get(Institution, key) if key else None
        if found is not None and found.deleted_at is None:
            return institution(found)
        group = session.get(Alliance, key) if key else None
        if group is None or group.deleted_at is not None:
            raise not_found("Organization", resource_id)
        return alliance(group)

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        principal.require(Perm.REGISTRY_READ)
        stmt = select(Institution).where(Institution.deleted_at.is_(None))
        for name, values in request.params.items():
            for value in values:
                stmt = stmt.where(self._condition(name, value))
        rows = list(session.scalars(_keyset(stmt, Institution, request)))
        return _page(rows, request.count, institution)

    @staticmethod
    def _condition(name: str, value: str) -> Any:
        base = name.split(":")[0]
        if base == "_id":
            return Institution.id.in_([parse_id(v) for v in value.split(",")])
        if base == "identifier":
            return Institution.code == token(value)[1]
        if base == "name":
            return (Institution.name >= value) & (Institution.name < value + PREFIX_END)
        if base == "type":
            return Institution.kind == token(value)[1]
        if base == "partof":
            return Institution.parent_id.in_(_ids(value, "Organization", "partof"))
        if base == "address-district":
            code = prefix_of(token(value)[1])
            return Institution.division_code.between(code.ljust(12, "0"), code.ljust(12, "9"))
        raise invalid(f"不支持的检索参数：{name}", f"Unsupported search parameter: {name}", name)


class AffiliationHandler(ResourceHandler):
    """Membership of an institution in a medical alliance."""

    resource_type: ClassVar[str] = "OrganizationAffiliation"
    interactions: ClassVar[frozenset[str]] = READ_ONLY
    documentation: ClassVar[str] = "Alliance membership: organization = the alliance, participatingOrganization = the member institution."
    search_params: ClassVar[dict[str, SearchParam]] = {
        "primary-organization": SearchParam("reference", "The alliance", "Organization"),
        "participating-organization": SearchParam("reference", "The member institution", "Organization"),
    }

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        principal.require(Perm.REGISTRY_READ)
        key = parse_id(resource_id)
        found = session.get(AllianceMember, key) if key else None
        if found is None or found.deleted_at is not None:
            raise not_found("OrganizationAffiliation", resource_id)
        return _affiliation(found)

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        principal.require(Perm.REGISTRY_READ)
        stmt = select(AllianceMember).where(AllianceMember.deleted_at.is_(None))
        for value in request.params.get("primary-organization", []):
            stmt = stmt.where(AllianceMember.alliance_id.in_(_ids(value, "Organization", "primary-organization")))
        for value in request.params.get("participating-organization", []):
            stmt = stmt.where(AllianceMember.institution_id.in_(_ids(value, "Organization", "participating-organization")))
        return _page(list(session.scalars(_keyset(stmt, AllianceMember, request))), request.count, _affiliation)


def _affiliation(m: AllianceMember) -> dict[str, Any]:
    return {
        "resourceType": "OrganizationAffiliation",
        "id": str(m.id),
        "meta": meta(m.version, m.updated_at),
        "active": True,
        "organization": {"reference": f"Organization/{m.alliance_id}"},
        "participatingOrganization": {"reference": f"Organization/{m.institution_id}"},
        **({"period": {"start": m.joined_on.isoformat()}} if m.joined_on else {}),
    }


def location(d: Division) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Location",
        "id": str(d.id),
        "meta": meta(d.version, d.updated_at),
        "status": "active",
        "mode": "kind",
        "identifier": [{"system": systems.DIVISION_CODE, "value": d.code}],
        "name": d.name,
        "type": [_coding("division-level", d.level, codes.DIVISION_LEVEL)],
        "physicalType": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/location-physical-type", "code": "area"}]},
    }
    if d.urban_rural_class:
        resource["extension"] = [{"url": systems.extension("urban-rural-class"), "valueCode": d.urban_rural_class}]
    return resource


class LocationHandler(ResourceHandler):
    resource_type: ClassVar[str] = "Location"
    interactions: ClassVar[frozenset[str]] = READ_ONLY
    documentation: ClassVar[str] = "Administrative divisions (province … village) with their 12-digit statistical codes; read-only."
    search_params: ClassVar[dict[str, SearchParam]] = {
        "identifier": SearchParam("token", "Division code (12 digits)"),
        "name": SearchParam("string", "Name, starts-with"),
        "partof": SearchParam("reference", "Parent division (Location/id)", "Location"),
    }

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        principal.require(Perm.REGISTRY_READ)
        key = parse_id(resource_id)
        found = session.get(Division, key) if key else None
        if found is None or found.deleted_at is not None:
            raise not_found("Location", resource_id)
        resource = location(found)
        if found.parent_code:
            parent = session.scalar(select(Division.id).where(Division.code == found.parent_code))
            if parent:
                resource["partOf"] = {"reference": f"Location/{parent}"}
        return resource

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        principal.require(Perm.REGISTRY_READ)
        stmt = select(Division).where(Division.deleted_at.is_(None))
        for value in request.params.get("identifier", []):
            stmt = stmt.where(Division.code == token(value)[1])
        for value in request.params.get("name", []):
            stmt = stmt.where((Division.name >= value) & (Division.name < value + PREFIX_END))
        for value in request.params.get("partof", []):
            parents = select(Division.code).where(Division.id.in_(_ids(value, "Location", "partof")))
            stmt = stmt.where(Division.parent_code.in_(parents))
        return _page(list(session.scalars(_keyset(stmt, Division, request))), request.count, location)


def practitioner(s: Staff) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": str(s.id),
        "meta": meta(s.version, s.updated_at),
        "active": s.employment_status == "active",
        "identifier": [{"system": systems.STAFF_CODE, "value": s.staff_code}],
        "name": [{"text": s.name}],
        "gender": SEX.get(s.sex, "unknown"),
        "qualification": [{"code": _coding("qualification", s.qualification, codes.QUALIFICATION)}],
        "extension": [
            {
                "url": systems.extension("education"),
                "valueCoding": _coding("staff-education", s.education, codes.STAFF_EDUCATION)["coding"][0],
            },
            {
                "url": systems.extension("professional-title"),
                "valueCoding": _coding("professional-title", s.title, codes.TITLE)["coding"][0],
            },
        ],
    }
    if s.birth_date:
        resource["birthDate"] = s.birth_date.isoformat()
    return resource


def practitioner_role(s: Staff) -> dict[str, Any]:
    return {
        "resourceType": "PractitionerRole",
        "id": str(s.id),
        "meta": meta(s.version, s.updated_at),
        "active": s.employment_status == "active",
        "practitioner": {"reference": f"Practitioner/{s.id}"},
        "organization": {"reference": f"Organization/{s.institution_id}"},
        "code": [_coding("profession", s.profession, codes.PROFESSION)],
        **({"specialty": [_coding("practice-category", s.practice_category, codes.PRACTICE_CATEGORY)]} if s.practice_category else {}),
    }


class _StaffHandler(ResourceHandler):
    convert: ClassVar[Any] = staticmethod(practitioner)
    interactions: ClassVar[frozenset[str]] = READ_ONLY

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        principal.require(Perm.REGISTRY_READ)
        key = parse_id(resource_id)
        found = session.get(Staff, key) if key else None
        if found is None or found.deleted_at is not None:
            raise not_found(self.resource_type, resource_id)
        return type(self).convert(found)

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        principal.require(Perm.REGISTRY_READ)
        stmt = select(Staff).where(Staff.deleted_at.is_(None))
        for value in request.params.get("identifier", []):
            stmt = stmt.where(Staff.staff_code == token(value)[1])
        for value in request.params.get("name", []):
            stmt = stmt.where((Staff.name >= value) & (Staff.name < value + PREFIX_END))
        for value in request.params.get("organization", []):
            stmt = stmt.where(Staff.institution_id.in_(_ids(value, "Organization", "organization")))
        for value in request.params.get("practitioner", []):
            stmt = stmt.where(Staff.id.in_(_ids(value, "Practitioner", "practitioner")))
        for value in request.params.get("role", []):
            stmt = stmt.where(Staff.profession == token(value)[1])
        return _page(list(session.scalars(_keyset(stmt, Staff, request))), request.count, type(self).convert)


class PractitionerHandler(_StaffHandler):
    resource_type: ClassVar[str] = "Practitioner"
    documentation: ClassVar[str] = "Staff (人员) with education and professional title; read-only."
    search_params: ClassVar[dict[str, SearchParam]] = {
        "identifier": SearchParam("token", "Staff code"),
        "name": SearchParam("string", "Name, starts-with"),
    }


class PractitionerRoleHandler(_StaffHandler):
    resource_type: ClassVar[str] = "PractitionerRole"
    convert: ClassVar[Any] = staticmethod(practitioner_role)
    documentation: ClassVar[str] = "A staff member's profession at their institution; id equals the Practitioner's."
    search_params: ClassVar[dict[str, SearchParam]] = {
        "organization": SearchParam("reference", "Institution", "Organization"),
        "practitioner": SearchParam("reference", "Practitioner", "Practitioner"),
        "role": SearchParam("token", "Profession code"),
    }

    def __init__(self) -> None:
        super().__init__(
            includes={
                "practitioner": Include("Practitioner", lambda r: [r["practitioner"]["reference"]]),
                "organization": Include("Organization", lambda r: [r["organization"]["reference"]]),
            }
        )


for _handler in (OrganizationHandler(), AffiliationHandler(), LocationHandler(), PractitionerHandler(), PractitionerRoleHandler()):
    resources.register(_handler)
