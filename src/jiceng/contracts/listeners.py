"""Deliveries follow the records that show them (履约自动关联); loaded by ``core.db`` as
this domain's ``listeners`` module.

When a transaction writes a record that an evidence module names (a follow-up, a health
check, a TCM service: ``jiceng.<domain>.evidence.TABLES``), the resident's live contract is
linked to it in the same transaction, just before it commits, so the team's worklist
reflects the visit at once. The linking runs in a savepoint: if it fails, the clinical
record is still saved (and the link can be made later from the contract).

Records that arrive by sync are written without the ORM and are not linked again at the
parent: the tier where the record was made links it, and the delivery syncs like any row.
"""

from __future__ import annotations

import logging
import uuid
from functools import lru_cache
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from jiceng.contracts import fulfilment, repository
from jiceng.core.clock import local_today
from jiceng.core.discovery import domain_modules
from jiceng.core.security import Principal

log = logging.getLogger(__name__)
PENDING = "contracts.evidence_residents"
# Linking is the system's doing, audited as such (whole-database scope, like the console).
LINKER = Principal(
    username="system-fulfilment", role="console_operator", display_name="履约自动关联 / Fulfilment linking", interface="system"
)


@lru_cache
def evidence_tables() -> frozenset[str]:
    return frozenset(t for module in domain_modules("evidence") for t in getattr(module, "TABLES", ()))


@event.listens_for(Session, "after_flush")
def _note_evidence(session: Session, _context: Any) -> None:
    tables = evidence_tables()
    residents = {obj.resident_id for obj in (*session.new, *session.dirty) if getattr(obj, "__tablename__", None) in tables}
    if residents:
        session.info.setdefault(PENDING, set()).update(residents)


@event.listens_for(Session, "before_commit")
def _link_before_commit(session: Session) -> None:
    session.flush()  # notes records added since the last flush
    residents: set[uuid.UUID] = session.info.pop(PENDING, set())
    if residents:
        link_residents(session, residents)


def link_residents(session: Session, residents: set[uuid.UUID]) -> int:
    """Link the live contracts of ``residents`` to their evidence; failures are logged, not raised."""
    today = local_today()
    added = 0
    for contract in repository.live_contracts(session, sorted(residents), today).values():
        try:
            with session.begin_nested():
                added += fulfilment.link_contract(session, LINKER, contract, today)
        except Exception:  # the clinical record must be saved even if linking fails
            log.exception("linking contract %s to its evidence failed", contract.id)
    return added
