"""Key populations (重点人群), derived from the record, never typed (spec §7.2, 2022 list).

* 65+ and children 0–6 come from the birth date, at a reference date;
* disability, hypertension, diabetes, tuberculosis and severe mental disorder come
  from the resident record's derived flags (kept by the residents domain);
* pregnant women, people lifted out of poverty (脱贫人口) and members of
  family-planning special families (计生特殊家庭) come from lists other authorities
  keep. Until a maternal domain exists, they are population marks
  (:class:`~jiceng.contracts.models.PopulationMark`) with their provenance and
  validity, imported from those lists.

Each rule exists twice, as Python (one resident) and as SQL (counts at city scale);
the tests hold both to the same boundaries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select

from jiceng.contracts.codes import CHILD_MAX_AGE, ELDERLY_AGE, KEY_GROUP, MARKED_GROUPS
from jiceng.contracts.models import PopulationMark

FLAG_COLUMNS = {
    "disabled": "has_disability",
    "hypertension": "has_hypertension",
    "diabetes": "has_diabetes",
    "tuberculosis": "has_tuberculosis",
    "severe_mental_disorder": "has_severe_mental_disorder",
}
GROUPS = tuple(KEY_GROUP)


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(birth: date, day: date) -> int:
    """Completed years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_elderly(birth: date, on: date) -> bool:
    return birth <= years_before(on, ELDERLY_AGE)


def is_child(birth: date, on: date) -> bool:
    return years_before(on, CHILD_MAX_AGE + 1) < birth <= on


def derived_groups(birth: date, flags: Mapping[Any, Any], on: date, marked: Iterable[str] = ()) -> list[str]:
    """The key populations of one resident on ``on``, in code-list order.

    ``flags`` holds the record's ``has_*`` columns; ``marked`` the groups of the
    population marks in force on ``on``.
    """
    found = set(marked) & set(MARKED_GROUPS)
    if is_elderly(birth, on):
        found.add("elderly")
    if is_child(birth, on):
        found.add("children")
    found |= {group for group, column in FLAG_COLUMNS.items() if flags.get(column)}
    return [g for g in GROUPS if g in found]


def mark_in_force(on: date) -> ColumnElement[bool]:
    return and_(
        PopulationMark.deleted_at.is_(None),
        PopulationMark.valid_from <= on,
        or_(PopulationMark.valid_to.is_(None), PopulationMark.valid_to >= on),
    )


def group_clause(group: str, columns: Any, on: date) -> ColumnElement[bool]:
    """SQL: the resident row (columns of ``readable_residents``) is in ``group`` on ``on``."""
    if group == "elderly":
        return columns.birth_date <= years_before(on, ELDERLY_AGE)
    if group == "children":
        return and_(columns.birth_date > years_before(on, CHILD_MAX_AGE + 1), columns.birth_date <= on)
    if group in FLAG_COLUMNS:
        return getattr(columns, FLAG_COLUMNS[group]).is_(True)
    if group in MARKED_GROUPS:
        return exists(
            select(PopulationMark.id).where(PopulationMark.resident_id == columns.id, PopulationMark.group_code == group, mark_in_force(on))
        )
    return false()


def any_group_clause(columns: Any, on: date) -> ColumnElement[bool]:
    return or_(*(group_clause(g, columns, on) for g in GROUPS))
