"""Follow-ups as evidence that a contracted chronic-disease service was delivered (履约).

Found by convention (``jiceng.<domain>.evidence``, ``EVIDENCE``): the contracts domain links
each effective follow-up once to the matching package item.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from jiceng.chronic import repository
from jiceng.chronic.codes import HTN, T2DM
from jiceng.core.clinical import delivered_in_window
from jiceng.core.security import Principal

DISEASE_OF_GROUP = {"hypertension": HTN, "diabetes": T2DM}


def follow_ups(
    session: Session, principal: Principal, resident_id: uuid.UUID, first: date, last: date, group: str = ""
) -> list[tuple[uuid.UUID, date]]:
    """Effective, not voided follow-ups in the window (of the item's disease when it names one)."""
    rows = repository.visit_chains(session, principal, resident_id, DISEASE_OF_GROUP.get(group))
    # Every live row supersedes what it amends (a voiding amendment voids the visit).
    return delivered_in_window(((r.id, r.amends_id, r.visit_date, True, not r.voided) for r in rows), first, last)


EVIDENCE = {"chronic_followup": follow_ups}

# The table whose signed rows this module turns into evidence (contracts links them on commit).
TABLES = ("chronic_visit",)
