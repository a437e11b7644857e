"""The people behind a number: the residents in an indicator's numerator or denominator
(or in the denominator but not the numerator — the ones still to serve) for a division
and period, read from the state and joined to the caller's readable residents, so scope
applies; supervisors get the de-identified list (surname, sex, birth year)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jiceng.core import audit
from jiceng.core.clock import local_today
from jiceng.core.errors import FieldError, Forbidden, ValidationFailed
from jiceng.core.indicators import IndicatorDefinition
from jiceng.core.masking import mask_name
from jiceng.core.permissions import Perm
from jiceng.core.security import Principal
from jiceng.indicators import repository
from jiceng.indicators.periods import PeriodSpec
from jiceng.indicators.service import check_division, definition_of, pick_period, scope_of
from jiceng.registry import service as registry
from jiceng.residents.service import readable_residents

WHICH = {
    "numerator": ("分子", "Numerator"),
    "denominator": ("分母", "Denominator"),
    "gap": ("未达成（在分母中、不在分子中）", "Not yet (in the denominator, not the numerator)"),
}
PAGE = 50


@dataclass(frozen=True)
class Person:
    id: uuid.UUID | None  # None in de-identified lists
    name: str
    sex: str
    birth: str  # the date, or the year only in de-identified lists
    age: int
    village_code: str
    village: str
    status: str


@dataclass
class People:
    definition: IndicatorDefinition
    period: PeriodSpec | None
    division: str
    division_name: str
    which: str
    items: list[Person]
    offset: int
    more: bool
    deidentified: bool


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def people(
    session: Session,
    principal: Principal,
    code: str,
    division: str | None = None,
    period: str | None = None,
    which: str = "numerator",
    offset: int = 0,
    limit: int = PAGE,
) -> People:
    scope = scope_of(session, principal)
    if not (principal.can(Perm.RESIDENT_READ) or principal.can(Perm.RESIDENT_READ_DEIDENTIFIED)):
        raise Forbidden("“resident.read”", "resident.read")
    if which not in WHICH:
        raise ValidationFailed(
            [FieldError("which", "unknown_code", "名单：应为 numerator、denominator 或 gap", "List: numerator, denominator or gap")]
        )
    definition = definition_of(code)
    chosen, _ = pick_period(session, period)
    division_code = check_division(scope, division)
    deidentified = not principal.can(Perm.RESIDENT_READ)
    slot = repository.slot_of(session, code)
    rows: list[Any] = []
    more = False
    if slot is not None and chosen is not None and division_code is not None:
        rows, more = repository.people(
            session, chosen.key, slot, division_code, which, readable_residents(principal), None, max(1, min(limit, 200)), max(offset, 0)
        )
    division_code = division_code or ""
    villages = registry.division_names(session, sorted({r.village_code for r in rows} | {division_code}))
    today = local_today()
    items = [
        Person(
            None if deidentified else r.id,
            mask_name(r.name) if deidentified else r.name,
            r.sex,
            str(r.birth_date.year) if deidentified else r.birth_date.isoformat(),
            _age(r.birth_date, today),
            r.village_code,
            villages.get(r.village_code, r.village_code),
            r.status,
        )
        for r in rows
    ]
    audit.record(
        session,
        principal,
        "view",
        "indicator_people",
        detail={"indicator": code, "division": division_code, "period": chosen and chosen.key, "which": which, "shown": len(items)},
    )
    return People(definition, chosen, division_code, villages[division_code], which, items, offset, more, deidentified)
