"""Which residents a principal may reach, as SQL, applied in repositories.

A scope is the OR of *rules*. The registry domain contributes the catchment rule
(institution → its villages); later domains plug in their relations (a family
doctor team's contracted residents, a specialist's referred patients) with
:func:`register_resident_rule`, without touching any interface code.

Out-of-scope records are simply not in the query's result, so every interface
answers 404 for them, exactly as for records that do not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, ColumnElement, any_, false, func, or_, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal

from jiceng.core.divisions import prefix_of
from jiceng.core.permissions import ScopeKind
from jiceng.core.security import Principal


@dataclass(frozen=True)
class ResidentColumns:
    """The columns of the resident table that scope rules may filter on."""

    id: Any  # a column or column expression
    village_code: Any


ResidentRule = Callable[[Principal, ResidentColumns], "ColumnElement[bool] | None"]

_rules: dict[str, ResidentRule] = {}


def register_resident_rule(name: str, rule: ResidentRule) -> None:
    """Add a way a principal can be linked to residents (idempotent by name)."""
    _rules[name] = rule


def registered_rules() -> list[str]:
    return sorted(_rules)


class InSubquery(ColumnElement[bool]):
    """``col IN (subquery)``; on PostgreSQL ``col = ANY(ARRAY(subquery))``.

    Scope is an OR of rules. PostgreSQL cannot use an index for ``a IN (…) OR b IN (…)``
    and reads every resident; with ``= ANY(ARRAY(…))`` each arm is an index lookup and the
    planner combines them (BitmapOr): 285 ms → 7 ms for a worklist at county scale.
    """

    # Cacheable: the statement cache keys on both parts (their bound values, such as the
    # principal's institution, stay parameters), so a scoped query is compiled once.
    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement), ("subquery", InternalTraversal.dp_clauseelement)]
    type = Boolean()

    def __init__(self, column: Any, subquery: Any) -> None:
        self.column, self.subquery = column, subquery


@compiles(InSubquery)
def _in(element: InSubquery, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column.in_(element.subquery), **kw))


@compiles(InSubquery, "postgresql")
def _any_array(element: InSubquery, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column == any_(func.array(element.subquery.scalar_subquery())), **kw))


def in_subquery(column: Any, subquery: Any) -> ColumnElement[bool]:
    """The index-friendly membership test scope rules should use."""
    return InSubquery(column, subquery)


def division_range(code_prefix: str, column: Any) -> ColumnElement[bool]:
    """Codes under a division (a prefix or a full 12-digit code), as an index-friendly range."""
    code_prefix = prefix_of(code_prefix)
    low = code_prefix.ljust(12, "0")
    high = code_prefix.ljust(12, "9")
    return column.between(low, high)


def resident_scope(principal: Principal, columns: ResidentColumns) -> ColumnElement[bool]:
    kind = principal.scope
    if kind is ScopeKind.ALL:
        return true()
    if kind is ScopeKind.NONE:
        return false()
    if kind is ScopeKind.DIVISION:
        if not principal.division_code:
            return false()
        return division_range(principal.division_code, columns.village_code)
    clauses = [c for rule in _rules.values() if (c := rule(principal, columns)) is not None]
    return or_(*clauses) if clauses else false()
