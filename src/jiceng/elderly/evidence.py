"""Signed TCM health-management services as evidence that the contracted service was
delivered (履约); found by convention (``jiceng.<domain>.evidence``) by the contracts domain."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from jiceng.core.clinical import signed_in_window
from jiceng.core.security import Principal
from jiceng.elderly import repository


def tcm_services(
    session: Session, principal: Principal, resident_id: uuid.UUID, first: date, last: date, group: str = ""
) -> list[tuple[uuid.UUID, date]]:
    """Effective signed TCM services in the window; drafts neither count nor supersede."""
    return signed_in_window(repository.assessment_chains(session, principal, resident_id), first, last)


EVIDENCE = {"elderly_tcm": tcm_services}

# The table whose signed rows this module turns into evidence (contracts links them on commit).
TABLES = ("elderly_tcm_assessment",)
