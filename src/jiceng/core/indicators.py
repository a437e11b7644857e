"""Indicators are specifications (ARCHITECTURE §5): each is defined once, as data,
with the one function that computes it. Domains register theirs; the dashboard
presents them and never redefines them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

LEVELS = ("city", "county", "township", "village")
# Length of the significant division-code prefix at each level.
LEVEL_PREFIX = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}


@dataclass(frozen=True)
class IndicatorQuery:
    """Which divisions, grouped at which level, for which period."""

    period_start: date
    period_end: date  # inclusive
    level: str = "county"  # group results by divisions of this level
    division_prefix: str | None = None  # only divisions under this code prefix


@dataclass(frozen=True)
class IndicatorValue:
    division_code: str  # 12-digit code of the division at the query's level
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        return None if self.denominator == 0 else self.numerator / self.denominator


Compute = Callable[[Session, IndicatorQuery], list[IndicatorValue]]

# The per-person form of an indicator (the dashboard's materialized state, ARCHITECTURE §5):
# ``members(session, query, within)`` returns a ``select`` of the columns
# ``resident_id, village_code, in_numerator, in_denominator`` (integers 0/1), at most one
# row per resident, only for residents with a 1 in either column; ``within`` (resident
# ids, or None for everyone) restricts it, for incremental updates. Summing the flags of a
# division's residents must give exactly what ``compute`` gives for that division.
Members = Callable[[Session, IndicatorQuery, Sequence[uuid.UUID] | None], Select[Any]]
# For a denominator that is not a count of people (e.g. estimated patients = adult
# residents × prevalence): given the session, the function that turns a division's
# count of ``in_denominator`` people into its denominator (rounded per division).
DenominatorScale = Callable[[Session], Callable[[int], int]]


@dataclass(frozen=True)
class IndicatorDefinition:
    code: str
    name_zh: str
    name_en: str
    numerator_zh: str
    numerator_en: str
    denominator_zh: str
    denominator_en: str
    period: str  # "year" (年内), "quarter", "month"
    source: str  # the national definition it follows, e.g. "规范（第三版）高血压 工作指标; spec §2"
    version: str
    domain: str
    compute: Compute
    notes_zh: str = ""
    notes_en: str = ""
    default_target: float | None = None  # e.g. 0.6 for 60 %; regions may override
    members: Members | None = None  # the per-person form (see ``Members``)
    denominator_scale: DenominatorScale | None = None  # None: the denominator is the count of people


_registry: dict[str, IndicatorDefinition] = {}


def register(definition: IndicatorDefinition) -> IndicatorDefinition:
    existing = _registry.get(definition.code)
    if existing is not None and existing.version != definition.version:
        raise ValueError(f"indicator {definition.code} registered twice with different versions")
    _registry[definition.code] = definition
    return definition


def catalogue() -> list[IndicatorDefinition]:
    """Every registered indicator (import the domains' indicator modules first)."""
    from jiceng.core.discovery import domain_modules

    domain_modules("indicators")
    return sorted(_registry.values(), key=lambda d: (d.domain, d.code))


def get(code: str) -> IndicatorDefinition:
    catalogue()
    return _registry[code]


def group_code(village_code: str, level: str) -> str:
    """The 12-digit code of the division at ``level`` that contains a village."""
    return village_code[: LEVEL_PREFIX[level]].ljust(12, "0")


@dataclass(frozen=True)
class MembersGroup:
    """Several indicators' per-person forms from one pass over shared per-person facts.

    ``select(session, query, within)`` returns ``resident_id, village_code`` and then, for
    the i-th code, ``n{i}`` and ``d{i}`` (0/1: in the numerator, in the denominator); one
    row per resident with at least one 1. The dashboard state is filled from groups (one
    pass per domain instead of one per indicator); each definition's ``members`` is the
    projection :func:`group_members` gives.
    """

    name: str
    codes: tuple[str, ...]
    select: Members


_groups: dict[str, MembersGroup] = {}


def register_members_group(group: MembersGroup) -> MembersGroup:
    _groups[group.name] = group
    return group


def members_groups() -> list[MembersGroup]:
    catalogue()
    return [_groups[name] for name in sorted(_groups)]


def group_members(group_name: str, code: str) -> Members:
    """The per-indicator ``members`` of one code of a group (resolved when called)."""

    def members(session: Session, query: IndicatorQuery, within: Sequence[uuid.UUID] | None = None) -> Select[Any]:
        group = _groups[group_name]
        i = group.codes.index(code)
        rows = group.select(session, query, within).subquery(f"group_{i}")
        numerator, denominator = rows.c[f"n{i}"], rows.c[f"d{i}"]
        return select(
            rows.c.resident_id,
            rows.c.village_code,
            numerator.label("in_numerator"),
            denominator.label("in_denominator"),
        ).where(or_(numerator == 1, denominator == 1))

    return members
