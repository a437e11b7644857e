"""Signed TCM health-management services as evidence that the contracted service was
delivered (履约); found by convention (``jiceng.<domain>.evidence``) by the contracts domain."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from jiceng.core.clinical import effective_with_roots
from jiceng.core.security import Principal
from jiceng.elderly import repository


def tcm_services(
    session: Session, principal: Principal, resident_id: uuid.UUID, first: date, last: date, group: str = ""
) -> list[tuple[uuid.UUID, date]]:
    """Effective signed TCM services in the window; drafts neither count nor supersede."""
    rows = repository.assessment_chains(session, principal, resident_id)
    dates = {r.id: r.assessed_on for r in rows}
    effective = effective_with_roots((r.id, r.amends_id, r.status == "signed", r.status == "signed") for r in rows)
    return [(root, dates[record]) for record, root in effective if first <= dates[record] <= last]


EVIDENCE = {"elderly_tcm": tcm_services}

# The table whose signed rows this module turns into evidence (contracts links them on commit).
TABLES = ("elderly_tcm_assessment",)
