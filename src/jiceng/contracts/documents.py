"""The printable contract: one resident's, or the whole household's when they signed together."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from jiceng.contracts import card, repository, teams, views
from jiceng.contracts.pdf import Member, contract_pdf
from jiceng.contracts.permissions import READ
from jiceng.core import audit
from jiceng.core.security import Principal
from jiceng.residents import service as residents


def contract_document(session: Session, principal: Principal, contract_id: uuid.UUID, base_url: str) -> tuple[str, bytes]:
    """(file name, PDF bytes). Every member's record read is audited as a print."""
    principal.require(READ)
    first = views.get_contract(session, principal, contract_id)
    ids = [first.id]
    if first.sign_group_id is not None:
        ids = [c.id for c in views.sign_group(session, principal, first.sign_group_id)] or ids
    members = []
    for member_id in ids:
        view = first if member_id == first.id else views.get_contract(session, principal, member_id)
        resident = residents.get_resident(session, principal, view.resident_id, purpose="print_contract")
        _card, url = card.card_for_view(session, principal, view.resident_id, base_url)
        members.append(Member(view, resident, url))
    team = teams.get_team(session, principal, first.team_id)
    consent = repository.consent(session, first.consent_id) if first.consent_id else None
    signature = consent.data if consent is not None and consent.kind == "signature" else None
    document = contract_pdf(members, team, signature)
    audit.record(session, principal, "print", "contract", first.id, resident_id=first.resident_id, detail={"members": len(members)})
    return f"contract-{first.contract_number}.pdf", document
