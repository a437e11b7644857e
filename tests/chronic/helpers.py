"""Small builders for chronic-disease tests (on top of tests.factories)."""

from __future__ import annotations

import itertools
import uuid
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jiceng.chronic import service as chronic
from jiceng.core.security import Principal
from tests.factories import VILLAGE_A, add_resident, id_number

TODAY = date(2026, 11, 22)
_serial = itertools.count(1)


def patient(
    session: Session, principal: Principal, *, birth: str = "19600315", village: str = VILLAGE_A, sex: str = "1", name: str = "王建国"
) -> Any:
    """A resident aged 35 or over (sequence digits chosen for the sex)."""
    n = next(_serial)
    sequence = f"{(2 * n + (1 if sex == '1' else 2)) % 1000:03d}"
    return add_resident(session, principal, name=name, id_number=id_number(birth, sequence), village_code=village)


def enrol(session: Session, principal: Principal, resident_id: uuid.UUID, disease: str = "htn", **overrides: Any) -> Any:
    data = {"disease": disease, "diagnosis_date": "2020-05-01", "source": "clinic", "enrolled_on": "2025-06-01", **overrides}
    return chronic.enrol(session, principal, resident_id, data, today=TODAY)


def visit(
    session: Session, principal: Principal, resident_id: uuid.UUID, disease: str, day: date | str, **fields: Any
) -> chronic.SignedVisit:
    data: dict[str, Any] = {"visit_date": day, "mode": "1", "adherence": "1"}
    if disease == "htn":
        data.update(sbp=130, dbp=80)
    else:
        data.update(fpg=6.2)
    data.update(fields)
    return chronic.sign_visit(session, principal, resident_id, disease, data, today=TODAY)
