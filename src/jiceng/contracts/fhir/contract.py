"""Family-doctor contracts as Contract ``<contract id>`` (read-only)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from jiceng.contracts import codes, repository
from jiceng.contracts.fhir.codings import CONTRACT_NUMBER, CONTRACT_STATUS, PARTY_ROLE, coding, concept, identifier_values, period
from jiceng.contracts.fhir.packages import Packages, package_term
from jiceng.contracts.models import Contract, Package, PackageItem
from jiceng.contracts.permissions import READ
from jiceng.contracts.signing import effective_status
from jiceng.core import audit
from jiceng.core.clock import local_today
from jiceng.core.fhir import systems
from jiceng.core.fhir.outcome import not_found
from jiceng.core.fhir.query import audit_shown, last_updated, page_start, record_page, reference_uuids, unsupported, uuids
from jiceng.core.fhir.resources import Include, ResourceHandler, SearchPage, SearchParam, meta
from jiceng.core.fhir.search import SearchRequest, date_condition, date_range, token
from jiceng.core.ids import parse_id
from jiceng.core.security import Principal
from jiceng.residents.service import readable_residents


def contract_resource(contract: Contract, packages: list[tuple[Package, list[PackageItem]]], today: date) -> dict[str, Any]:
    status = effective_status(contract, today)
    signing = [
        {"url": "mode", "valueCoding": coding(codes.SIGN_MODE, contract.sign_mode)},
        {"url": "consent", "valueCoding": coding(codes.CONSENT_KIND, contract.consent_kind)},
        {"url": "signatoryRelation", "valueCoding": coding(codes.SIGNATORY_RELATION, contract.signatory_relation)},
    ]
    if contract.signatory_name:
        signing.append({"url": "signatory", "valueString": contract.signatory_name})
    if contract.signed_by:
        signing.append({"url": "signedBy", "valueString": contract.signed_by})
    if contract.sign_group_id:
        signing.append({"url": "group", "valueIdentifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{contract.sign_group_id}"}})
    extensions: list[dict[str, Any]] = [
        {"url": systems.extension("family-doctor-team"), "valueReference": {"reference": f"CareTeam/{contract.team_id}"}},
        {"url": systems.extension("contract-status"), "valueCoding": coding(codes.CONTRACT_STATUS, status)},
        {"url": systems.extension("contract-signing"), "extension": signing},
    ]
    if contract.previous_contract_id:
        extensions.append(
            {"url": systems.extension("previous-contract"), "valueReference": {"reference": f"Contract/{contract.previous_contract_id}"}}
        )
    if contract.terminated_on or contract.termination_reason:
        termination: list[dict[str, Any]] = []
        if contract.terminated_on:
            termination.append({"url": "date", "valueDate": contract.terminated_on.isoformat()})
        if contract.termination_reason and contract.termination_reason in codes.TERMINATION_REASON:
            termination.append({"url": "reason", "valueCoding": coding(codes.TERMINATION_REASON, contract.termination_reason)})
        if contract.termination_note:
            termination.append({"url": "note", "valueString": contract.termination_note})
        extensions.append({"url": systems.extension("contract-termination"), "extension": termination})
    term_period = period(contract.start_date, contract.end_date)
    parties = [
        {"reference": [{"reference": f"Patient/{contract.resident_id}"}], "role": concept(PARTY_ROLE, "resident")},
        {"reference": [{"reference": f"Practitioner/{contract.doctor_staff_id}"}], "role": concept(PARTY_ROLE, "family-doctor")},
        {"reference": [{"reference": f"Organization/{contract.institution_id}"}], "role": concept(PARTY_ROLE, "institution")},
    ]
    return {
        "resourceType": "Contract",
        "id": str(contract.id),
        "meta": meta(contract.version, contract.updated_at),
        "extension": extensions,
        "identifier": [{"system": CONTRACT_NUMBER, "value": contract.contract_number}],
        "status": CONTRACT_STATUS.get(status, "executed"),
        "type": {
            "coding": [{"system": systems.code_system("contract-type"), "code": "family-doctor", "display": "家庭医生签约服务协议"}],
            "text": "家庭医生签约服务协议",
        },
        "subType": [concept(codes.CONTINUITY, contract.continuity)],
        "issued": contract.signed_on.isoformat(),
        "applies": period(contract.start_date, contract.ended_on),
        "subject": [{"reference": f"Patient/{contract.resident_id}"}],
        "authority": [{"reference": f"Organization/{contract.institution_id}"}],
        "term": [
            {
                "text": "家庭医生签约服务协议：基础服务包及所选个性化服务包，服务期一年",
                "applies": term_period,
                "offer": {"party": parties, "text": "签约居民与家庭医生团队"},
                "group": [package_term(p, items, term_period) for p, items in packages],
            }
        ],
    }


def _contracts(session: Session, rows: Sequence[Contract], today: date) -> list[dict[str, Any]]:
    personalised = repository.contract_packages(session, [c.id for c in rows])
    loader = Packages(session)
    loader.load([c.basic_package_id for c in rows] + [p for ids in personalised.values() for p in ids])
    return [contract_resource(c, loader.of([c.basic_package_id, *personalised.get(c.id, [])]), today) for c in rows]


def in_scope(principal: Principal) -> Select:
    return select(Contract).where(Contract.deleted_at.is_(None), Contract.resident_id.in_(select(readable_residents(principal).c.id)))


def resident_contracts(principal: Principal, resident_id: uuid.UUID) -> Select:
    return in_scope(principal).where(Contract.resident_id == resident_id)


def _status_condition(value: str, today: date) -> Any:
    wanted = {token(v)[1] for v in value.split(",")}
    active = Contract.status == "active"
    parts: list[Any] = []
    if "executed" in wanted:
        parts.append(active & (Contract.end_date >= today))
    if "terminated" in wanted:
        parts.append((active & (Contract.end_date < today)) | (Contract.status == "expired"))
    if "renewed" in wanted:
        parts.append(Contract.status == "renewed")
    if "revoked" in wanted:
        parts.append(Contract.status.in_(("changed", "terminated")))
    return or_(*parts) if parts else Contract.id.is_(None)


def _in_force_condition(value: str) -> Any:
    """``date``: the contract's period (start … the last day in force) against the searched range."""
    prefix, start, end = date_range(value, "date")
    low, high = start.date(), end.date()
    first, last = Contract.start_date, Contract.ended_on
    return {
        "ge": last >= low,
        "gt": last >= high,
        "le": first < high,
        "lt": first < low,
        "sa": first >= high,
        "eb": last < low,
        "ne": (first >= high) | (last < low),
    }.get(prefix, (first < high) & (last >= low))


def _subjects(resource: dict[str, Any]) -> list[str]:
    return [s["reference"] for s in resource["subject"]]


class ContractHandler(ResourceHandler):
    """Family-doctor contracts (家庭医生签约), read-only."""

    resource_type: ClassVar[str] = "Contract"
    interactions: ClassVar[frozenset[str]] = frozenset({"read", "search-type"})
    documentation: ClassVar[str] = (
        f"Family-doctor contracts (家庭医生签约服务协议), read-only: identifier {CONTRACT_NUMBER}; status executed (in force or "
        "starting later), terminated (reached its end), renewed, revoked (terminated early or replaced by a change of team), Jiceng's "
        "own status in extension contract-status; applies = first … last day in force; subject the resident; extension "
        "family-doctor-team = CareTeam; term[0].offer.party = resident, family doctor, institution; term[0].group = one term per "
        "service package (identifier, revision as subType.coding.version, fees per payer and service items in asset.valuedItem). "
        "Search date = in force during the date; issued = signing date; team = CareTeam."
    )
    search_params: ClassVar[dict[str, SearchParam]] = {
        "_id": SearchParam("token", "Resource id"),
        "identifier": SearchParam("token", f"Contract number ({CONTRACT_NUMBER}|number)"),
        "patient": SearchParam("reference", "The resident", "Patient"),
        "subject": SearchParam("reference", "The resident", "Patient"),
        "status": SearchParam("token", "executed | terminated | renewed | revoked"),
        "date": SearchParam("date", "In force on / during this date (applies)"),
        "issued": SearchParam("date", "The signing date"),
        "team": SearchParam("reference", "The family-doctor team (CareTeam/id)", "CareTeam"),
        "authority": SearchParam("reference", "The institution (Organization/id)", "Organization"),
        "_lastUpdated": SearchParam("date", "Last change time"),
    }

    def __init__(self) -> None:
        super().__init__(
            includes={
                "patient": Include("Patient", _subjects),
                "subject": Include("Patient", _subjects),
                "team": Include(
                    "CareTeam",
                    lambda r: [e["valueReference"]["reference"] for e in r["extension"] if e["url"].endswith("/family-doctor-team")],
                ),
                "authority": Include("Organization", lambda r: [a["reference"] for a in r.get("authority", [])]),
            }
        )

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        principal.require(READ)
        key = parse_id(resource_id)
        contract = session.scalar(in_scope(principal).where(Contract.id == key)) if key else None
        if contract is None:
            raise not_found("Contract", resource_id)
        audit.record(session, principal, "view", "contract", contract.id, resident_id=contract.resident_id, detail={"interface": "fhir"})
        return _contracts(session, [contract], local_today())[0]

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        _position, after = page_start(request, whole=True)
        if not principal.can(READ):
            return SearchPage([])
        today = local_today()
        stmt = in_scope(principal)
        for name, values in request.params.items():
            for value in values:
                stmt = stmt.where(self._condition(name, value, today))
        page, more = record_page(session, stmt, Contract, after, request.count)
        audit_shown(session, principal, (c.resident_id for c in page), "contract", "Contract")
        return SearchPage(_contracts(session, page, today), more)

    @staticmethod
    def _condition(name: str, value: str, today: date) -> Any:
        base = name.split(":")[0]
        if base == "_id":
            return Contract.id.in_(uuids(value))
        if base == "identifier":
            return Contract.contract_number.in_(identifier_values(value, CONTRACT_NUMBER))
        if base in ("patient", "subject"):
            return Contract.resident_id.in_(reference_uuids(value, "Patient", base))
        if base == "status":
            return _status_condition(value, today)
        if base == "date":
            return _in_force_condition(value)
        if base == "issued":
            return date_condition(Contract.signed_on, value, "issued", as_date=True)
        if base == "team":
            return Contract.team_id.in_(reference_uuids(value, "CareTeam", base))
        if base == "authority":
            return Contract.institution_id.in_(reference_uuids(value, "Organization", base))
        if base == "_lastUpdated":
            return last_updated(Contract.updated_at, value)
        raise unsupported(name)

    def everything(self, session: Session, principal: Principal, resource_id: str) -> list[dict[str, Any]]:
        resident_id = parse_id(resource_id)
        if resident_id is None or not principal.can(READ):
            return []
        rows = list(session.scalars(resident_contracts(principal, resident_id).order_by(Contract.start_date, Contract.id)))
        audit_shown(session, principal, (c.resident_id for c in rows), "contract", "Contract")
        return _contracts(session, rows, local_today())
