"""Signed health checks as evidence that a contracted check was delivered (履约); found by
convention (``jiceng.<domain>.evidence``) by the contracts domain."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from jiceng.core.clinical import signed_in_window
from jiceng.core.security import Principal
from jiceng.exams import repository


def health_checks(
    session: Session, principal: Principal, resident_id: uuid.UUID, first: date, last: date, group: str = ""
) -> list[tuple[uuid.UUID, date]]:
    """Effective signed checks in the window; drafts neither count nor supersede."""
    return signed_in_window(repository.check_chains(session, principal, resident_id), first, last)


EVIDENCE = {"health_check": health_checks}

# The table whose signed rows this module turns into evidence (contracts links them on commit).
TABLES = ("exams_health_check",)
