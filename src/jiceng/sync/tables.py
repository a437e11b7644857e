"""Which tables take part in sync, and what sync needs to know about each, read from the
SQLAlchemy metadata (ARCHITECTURE §3): no domain registers anything.

- every mapped class that mixes in ``SyncMixin`` is synced;
- a column named ``resident_id`` or ``*_resident_id`` (or the resident table's own ``id``)
  links a row to a person, which decides scope and where references move on a merge;
- a unique index limited to live rows (``WHERE deleted_at IS NULL``) is an *identity key*:
  two live rows with the same key are one thing and are merged;
- any other unique constraint is a *plain key*: a clash is resolved by re-keying one row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast

from sqlalchemy import Column, Index, Table, UniqueConstraint

from jiceng.core.outbox import SYNC_COLUMNS, SyncMixin

RESIDENT_TABLE = "resident"
# Tables whose rows carry credentials: only the rows of the node's own institutions go down.
INSTITUTION_PRIVATE = {"accounts_user": "institution_id"}
_PREDICATE = re.compile(r"^\s*(\w+)\s+(IS NULL|IS NOT NULL|=\s*'([^']*)')\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class UniqueKey:
    name: str
    columns: tuple[str, ...]
    identity: bool  # live-only unique index: clashes merge
    # The index predicate as (column, op, literal) terms joined by AND; None = unparsed.
    predicate: tuple[tuple[str, str, str | None], ...] | None = None

    @property
    def watched(self) -> set[str]:
        """Columns whose change can take or free a value of this key."""
        return set(self.columns) | {term[0] for term in self.predicate or ()}

    def applies(self, values: dict[str, Any]) -> bool:
        """Whether a row (encoded values) falls under the index's WHERE clause."""
        for column in self.columns:
            if values.get(column) is None:
                return False
        for column, op, literal in self.predicate or ():
            value = values.get(column)
            if op == "null" and value is not None:
                return False
            if op == "notnull" and value is None:
                return False
            if op == "eq" and value != literal:
                return False
        return True


@dataclass
class SyncTable:
    name: str
    table: Table
    model: type[Any]
    columns: list[str]  # every column except the sync bookkeeping ones, plus deleted_at
    resident_columns: list[str]
    fk_targets: dict[str, str]  # column -> referenced sync table
    unique_keys: list[UniqueKey] = field(default_factory=list)

    @property
    def is_resident(self) -> bool:
        return self.name == RESIDENT_TABLE

    @property
    def resident_linked(self) -> bool:
        return self.is_resident or bool(self.resident_columns)

    def column(self, name: str) -> Column[Any]:
        return self.table.c[name]


def _predicate(index: Index) -> tuple[tuple[str, str, str | None], ...] | None:
    where = index.dialect_options["sqlite"].get("where")
    if where is None:
        where = index.dialect_options["postgresql"].get("where")
    if where is None:
        return ()
    terms = []
    for part in re.split(r"\s+AND\s+", str(where), flags=re.IGNORECASE):
        match = _PREDICATE.match(part)
        if not match:
            return None
        op = match.group(2).upper()
        kind = "null" if op == "IS NULL" else "notnull" if op == "IS NOT NULL" else "eq"
        terms.append((match.group(1), kind, match.group(3)))
    return tuple(terms)


def _unique_keys(table: Table) -> list[UniqueKey]:
    keys = []
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            keys.append(UniqueKey(str(constraint.name), tuple(c.name for c in constraint.columns), False))
    for column in table.columns:
        if column.unique and not any(k.columns == (column.name,) for k in keys):
            keys.append(UniqueKey(f"uq_{table.name}_{column.name}", (column.name,), False))
    for index in table.indexes:
        if not index.unique:
            continue
        predicate = _predicate(index)
        live_only = predicate is not None and ("deleted_at", "null", None) in predicate
        keys.append(UniqueKey(str(index.name), tuple(c.name for c in index.columns), live_only, predicate))
    return keys


def _resident_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if c.name == "resident_id" or c.name.endswith("_resident_id")]


@cache
def registry() -> dict[str, SyncTable]:
    """Every sync-ready table, in an order where referenced tables come first."""
    import jiceng.models  # noqa: F401  (every domain's models, found by convention)
    from jiceng.core.db import Base

    models = {cast(Table, m.local_table).name: m.class_ for m in Base.registry.mappers if issubclass(m.class_, SyncMixin)}
    found: dict[str, SyncTable] = {}
    for table in Base.metadata.sorted_tables:
        model = models.get(table.name)
        if model is None:
            continue
        columns = [c.name for c in table.columns if c.name not in SYNC_COLUMNS] + ["deleted_at"]
        targets = {fk.parent.name: fk.column.table.name for fk in table.foreign_keys if fk.column.table.name in models}
        found[table.name] = SyncTable(table.name, table, model, columns, _resident_columns(table), targets, _unique_keys(table))
    return found


def get(name: str) -> SyncTable | None:
    return registry().get(name)


def order(name: str) -> int:
    """Position in dependency order (referenced tables first)."""
    return _positions().get(name, 1_000_000)


@cache
def _positions() -> dict[str, int]:
    return {name: i for i, name in enumerate(registry())}


def referencing_columns(target: str) -> list[tuple[str, str]]:
    """Every (table, column) that points at rows of ``target``: foreign keys, and for the
    resident table every ``resident_id``/``*_resident_id`` column (many have no FK).
    The sync tables' own provenance columns are left alone."""
    found = []
    for table in registry().values():
        if table.name.startswith("sync_"):
            continue
        for column, referenced in table.fk_targets.items():
            if referenced == target:
                found.append((table.name, column))
        if target == RESIDENT_TABLE:
            found += [(table.name, c) for c in table.resident_columns if (table.name, c) not in found]
    return found
