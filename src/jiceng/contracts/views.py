"""Reading contracts: one contract with its fulfilment, a resident's contract status,
a team's panel. Every read of an identifiable record is audited."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jiceng.contracts import packages, repository, teams
from jiceng.contracts.fulfilment import ItemCatalogue, contract_items
from jiceng.contracts.key_populations import derived_groups
from jiceng.contracts.models import Consent, Contract
from jiceng.contracts.permissions import READ
from jiceng.contracts.schemas import ContractSummary, ContractView, DeliveryView, MarkView, ResidentContractStatus
from jiceng.contracts.service import effective_status, resident_row
from jiceng.core import audit
from jiceng.core.clock import local_today
from jiceng.core.errors import NotFound
from jiceng.core.security import Principal
from jiceng.registry import service as registry


def summary(contract: Contract, resident_name: str, on: date, team_name: str = "", village_code: str = "") -> ContractSummary:
    return ContractSummary(
        id=contract.id,
        contract_number=contract.contract_number,
        resident_id=contract.resident_id,
        resident_name=resident_name,
        village_code=village_code,
        team_id=contract.team_id,
        team_name=team_name,
        signed_on=contract.signed_on,
        start_date=contract.start_date,
        end_date=contract.end_date,
        ended_on=contract.ended_on,
        status=effective_status(contract, on),
        continuity=contract.continuity,
        sign_mode=contract.sign_mode,
    )


def _team_names(session: Session, team_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    found = {}
    for team_id in set(team_ids):
        team = repository.team(session, team_id)
        found[team_id] = team.name if team else ""
    return found


def _name(session: Session, get: Any, id_: uuid.UUID) -> str:
    try:
        return str(get(session, id_).name)
    except NotFound:
        return ""


def get_contract(session: Session, principal: Principal, contract_id: uuid.UUID, *, today: date | None = None) -> ContractView:
    """One contract with its packages, item fulfilment and deliveries (audited)."""
    principal.require(READ)
    today = today or local_today()
    row = repository.contract_row(session, principal, contract_id)
    if row is None:
        raise NotFound("签约记录", "contract")
    contract: Contract = row[0]
    personalised = repository.contract_packages(session, [contract.id]).get(contract.id, [])
    package_rows = [p for p in (repository.package(session, i) for i in [contract.basic_package_id, *personalised]) if p is not None]
    follower = repository.successor(session, contract.id)
    marked = [m.group_code for m in repository.marks(session, [contract.resident_id], today)]
    view = ContractView(
        **summary(contract, row.name, today, _team_names(session, [contract.team_id])[contract.team_id], row.village_code).model_dump(),
        version=contract.version,
        doctor_staff_id=contract.doctor_staff_id,
        doctor_name=_name(session, registry.get_staff, contract.doctor_staff_id),
        institution_id=contract.institution_id,
        institution_name=_name(session, registry.get_institution, contract.institution_id),
        household_id=contract.household_id,
        sign_group_id=contract.sign_group_id,
        previous_contract_id=contract.previous_contract_id,
        next_contract_id=follower.id if follower else None,
        terminated_on=contract.terminated_on,
        termination_reason=contract.termination_reason,
        termination_note=contract.termination_note,
        consent_kind=contract.consent_kind,
        consent_id=contract.consent_id,
        signatory_name=contract.signatory_name,
        signatory_relation=contract.signatory_relation,
        fee_resident=contract.fee_resident,
        signed_by=contract.signed_by,
        key_groups=derived_groups(row.birth_date, row._mapping, today, marked),
        packages=packages.views(session, package_rows),
        items=contract_items(session, contract, row, today, ItemCatalogue.empty(session)),
        deliveries=[DeliveryView.model_validate(d) for d in repository.deliveries(session, [contract.id])],
    )
    audit.record(session, principal, "view", "contract", contract.id, resident_id=contract.resident_id)
    return view


def resident_status(session: Session, principal: Principal, resident_id: uuid.UUID, *, today: date | None = None) -> ResidentContractStatus:
    """A resident's key populations, current contract and contract history."""
    principal.require(READ)
    today = today or local_today()
    row = resident_row(session, principal, resident_id)
    history = list(repository.resident_contracts(session, resident_id))
    names = _team_names(session, [c.team_id for c in history])
    marks = list(repository.marks(session, [resident_id]))
    in_force = [m.group_code for m in marks if m.valid_from <= today and (m.valid_to is None or m.valid_to >= today)]
    current = next((c for c in history if c.status in ("active", "renewed") and c.start_date <= today <= c.ended_on), None)
    current = current or next((c for c in history if c.status == "active" and c.end_date >= today), None)
    audit.record(session, principal, "view", "resident_contracts", resident_id, resident_id=resident_id)
    return ResidentContractStatus(
        resident_id=resident_id,
        reference_date=today,
        key_groups=derived_groups(row.birth_date, row._mapping, today, in_force),
        current=summary(current, row.name, today, names[current.team_id]) if current else None,
        history=[summary(c, row.name, today, names[c.team_id]) for c in history],
        marks=[MarkView.model_validate(m) for m in marks],
    )


def team_panel(
    session: Session, principal: Principal, team_id: uuid.UUID, *, today: date | None = None, limit: int = 200, offset: int = 0
) -> list[ContractSummary]:
    """The team's live contracts (in force or starting later) of residents in scope."""
    principal.require(READ)
    today = today or local_today()
    team = teams.get_team(session, principal, team_id)
    rows = repository.team_contracts(session, principal, [team.id], today, limit=limit, offset=offset)
    audit.record(session, principal, "list", "contract", team.id, detail={"rows": len(rows)})
    return [summary(r[0], r.name, today, team.name, r.village_code) for r in rows]


def sign_group(session: Session, principal: Principal, sign_group_id: uuid.UUID, *, today: date | None = None) -> list[ContractSummary]:
    """Contracts signed together (a household)."""
    principal.require(READ)
    today = today or local_today()
    rows = repository.group_contracts(session, principal, sign_group_id)
    names = _team_names(session, [r[0].team_id for r in rows])
    return [summary(r[0], r.name, today, names[r[0].team_id], r.village_code) for r in rows]


def consent_file(session: Session, principal: Principal, contract_id: uuid.UUID) -> Consent:
    """The consent attachment of a contract in scope (audited)."""
    principal.require(READ)
    row = repository.contract_row(session, principal, contract_id)
    consent = repository.consent(session, row[0].consent_id) if row is not None and row[0].consent_id else None
    if row is None or consent is None:
        raise NotFound("知情同意附件", "consent attachment")
    audit.record(session, principal, "view_consent", "contract", row[0].id, resident_id=row[0].resident_id)
    return consent
