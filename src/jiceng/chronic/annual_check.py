"""The annual health check (健康体检表) of these patients comes from the exams domain
(spec §1.1: once a year, may be combined with a follow-up visit)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from jiceng.core.security import Principal
from jiceng.exams import service as exams


def resident_ids(period_start: date, period_end: date) -> Select:
    """Residents with a signed check dated in the period (unscoped: used inside scoped queries)."""
    return exams.health_check_resident_ids(period_start, period_end)


def latest(session: Session, principal: Principal, resident_id: uuid.UUID) -> Any:
    """The latest signed check, or None when the user may not read checks (or there is none)."""
    if not principal.can(exams.EXAMS_READ):
        return None
    return exams.latest_health_check(session, principal, resident_id)


def form_url(resident_id: uuid.UUID) -> str:
    return f"/exams/health-checks/new?resident_id={resident_id}"
