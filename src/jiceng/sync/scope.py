"""What a node may download and upload: its scope, computed at its parent.

A node acts as a ``sync_node`` principal of its institution, so every resident rule
(``core.scope.register_resident_rule``: catchment, a family-doctor team's contracts, a
referral or booking to the institution) applies to it exactly as to the institution's
staff. On top of that, for the tiers below a township:

- the institutions under the node's institution (its village clinics) count as its own;
- a resident with any record naming one of those institutions (a visit, a check, a
  referral *to* it, in any ``institution_id``/``*_institution_id`` column) is in scope:
  that is the hook by which a referral moves a patient to the receiving institution;
- the survivor of an identity merge is in scope wherever the retired record was.

Reference data (tables without a resident link) goes to every node, except the rows of
``tables.INSTITUTION_PRIVATE`` (user accounts), which go only to their own institution.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Uuid, or_, select
from sqlalchemy.orm import Session

from jiceng.core.db import Base
from jiceng.core.permissions import ROLES, ScopeKind
from jiceng.core.scope import ResidentColumns, resident_scope
from jiceng.core.security import Principal
from jiceng.registry import service as registry
from jiceng.sync import tables
from jiceng.sync.models import SyncMerge
from jiceng.sync.tables import SyncTable

CACHE_SECONDS = 10.0
_cache: dict[tuple[str, str], tuple[float, NodeScope]] = {}
_lock = threading.Lock()


@dataclass
class NodeScope:
    institutions: set[uuid.UUID]
    residents: set[str]  # hex ids
    villages: set[str] = field(default_factory=set)

    def includes(self, table: SyncTable, record_id: str, values: dict[str, Any]) -> bool:
        if table.is_resident:
            return record_id in self.residents
        linked = [values.get(c) for c in table.resident_columns if values.get(c)]
        if linked:
            return any(r in self.residents for r in linked)
        private = tables.INSTITUTION_PRIVATE.get(table.name)
        if private is not None:
            value = values.get(private)
            return value is not None and uuid.UUID(value) in self.institutions
        return True

    def includes_record(self, record: dict[str, Any]) -> bool:
        table = tables.get(record["t"])
        return table is not None and self.includes(table, record["id"], record["d"])


def node_principal(node_id: str, institution_id: uuid.UUID) -> Principal:
    return Principal(username=f"node:{node_id}", role="sync_node", institution_id=institution_id, interface="sync")


def institutions_under(session: Session, institution_id: uuid.UUID) -> set[uuid.UUID]:
    """The institution and every institution below it (乡村一体化: a township's clinics)."""
    table = Base.metadata.tables["registry_institution"]
    found = {institution_id}
    frontier = {institution_id}
    while frontier:
        children = set(session.scalars(select(table.c.id).where(table.c.parent_id.in_(frontier), table.c.deleted_at.is_(None))))
        frontier = children - found
        found |= children
    return found


def _institution_links(institutions: set[uuid.UUID], resident_id: Any) -> list[Any]:
    """Residents with a record naming one of the institutions."""
    clauses = []
    for table in tables.registry().values():
        if not table.resident_columns or table.name.startswith("sync_"):
            continue
        columns = [
            c
            for c in table.table.columns
            if (c.name == "institution_id" or c.name.endswith("_institution_id")) and isinstance(c.type, Uuid)
        ]
        for column in columns:
            linked = select(table.table.c[table.resident_columns[0]]).where(column.in_(institutions))
            clauses.append(resident_id.in_(linked))
    return clauses


def compute(session: Session, node_id: str, institution_id: uuid.UUID) -> NodeScope:
    institutions = institutions_under(session, institution_id)
    resident = Base.metadata.tables[tables.RESIDENT_TABLE]
    columns = ResidentColumns(id=resident.c.id, village_code=resident.c.village_code)
    clauses = [resident_scope(node_principal(node_id, i), columns) for i in sorted(institutions)]
    clauses += _institution_links(institutions, resident.c.id)
    # Tombstones too: a node must learn that a record it holds was deleted.
    ids = {rid.hex for rid in session.scalars(select(resident.c.id).where(or_(*clauses)))}
    for _ in range(5):  # follow merges: the survivor joins wherever the retired one was
        query = select(SyncMerge.resident_id).where(SyncMerge.retired_resident_id.in_([uuid.UUID(i) for i in ids]))
        survivors = {r.hex for r in session.scalars(query) if r is not None} - ids
        if not survivors:
            break
        ids |= survivors
    villages = set()
    for institution in institutions:
        villages |= set(registry.catchment_villages(session, institution))
    return NodeScope(institutions, ids, villages)


def cached(session: Session, node_id: str, institution_id: uuid.UUID) -> NodeScope:
    """The scope, recomputed at most every ``CACHE_SECONDS`` per node (a sync makes many calls)."""
    key = (node_id, str(institution_id))
    with _lock:
        hit = _cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    found = compute(session, node_id, institution_id)
    with _lock:
        _cache[key] = (time.monotonic(), found)
    return found


def forget(node_id: str) -> None:
    with _lock:
        for key in [k for k in _cache if k[0] == node_id]:
            del _cache[key]


def _institution_columns(table: SyncTable) -> list[str]:
    return [
        c.name
        for c in table.table.columns
        if (c.name == "institution_id" or c.name.endswith("_institution_id")) and isinstance(c.type, Uuid)
    ]


def newly_in_scope(session: Session, known: NodeScope, records: list[dict[str, Any]]) -> set[str]:
    """Residents the records bring into scope that the cached scope does not know yet:
    registered a moment ago in a catchment village, named with one of the node's
    institutions by a record just made (a referral to it), or the survivor of a merge."""
    named = set()
    for record in records:
        table = tables.get(record["t"])
        values = record["d"]
        if record["t"] == "sync_merge" and values.get("retired_resident_id") in known.residents and values.get("resident_id"):
            named.add(values["resident_id"])  # the survivor joins wherever the retired one was
        if table is None or not table.resident_columns or table.name.startswith("sync_"):
            continue
        if any(values.get(c) and uuid.UUID(values[c]) in known.institutions for c in _institution_columns(table)):
            named |= {values[c] for c in table.resident_columns if values.get(c)}
    return (named - known.residents) | in_catchment(session, known, records)


def in_catchment(session: Session, known: NodeScope, records: list[dict[str, Any]]) -> set[str]:
    """Residents referenced by ``records`` that live in the node's catchment villages but
    are newer than the cached scope (registered a moment ago at the parent)."""
    unknown = set()
    for record in records:
        table = tables.get(record["t"])
        if table is None:
            continue
        if table.is_resident:
            if record["d"].get("village_code") in known.villages:
                unknown.add(record["id"])
            continue
        unknown |= {record["d"][c] for c in table.resident_columns if record["d"].get(c)}
    unknown -= known.residents
    if not unknown or not known.villages:
        return set()
    resident = Base.metadata.tables[tables.RESIDENT_TABLE]
    found = set()
    for part in _chunks(sorted(unknown)):
        query = select(resident.c.id).where(resident.c.id.in_([uuid.UUID(r) for r in part]), resident.c.village_code.in_(known.villages))
        found |= {r.hex for r in session.scalars(query)}
    return found


def _chunks(items: list[str], size: int = 900) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


# ---- what a node may upload ------------------------------------------------------------


def push_policy(scope: NodeScope) -> Any:
    """A check for each record a child pushes: its own people and institution only."""

    def check(table: SyncTable, record_id: str, values: dict[str, Any]) -> str | None:
        if table.is_resident:
            if record_id in scope.residents or values.get("village_code") in scope.villages:
                scope.residents.add(record_id)  # a new registration: its records may follow
                return None
            return "resident outside the node's scope"
        if table.resident_linked:
            linked = [values.get(c) for c in table.resident_columns if values.get(c)]
            if not linked or any(r in scope.residents for r in linked):
                return None
            return "record of a resident outside the node's scope"
        if table.name.startswith("sync_"):
            return None
        private = tables.INSTITUTION_PRIVATE.get(table.name)
        if private is not None:
            return _check_account(scope, values.get(private), values.get("role"))
        return _check_reference(scope, table, record_id, values)

    return check


def _check_account(scope: NodeScope, institution: Any, role: Any) -> str | None:
    if institution is None or uuid.UUID(institution) not in scope.institutions:
        return "account of another institution"
    found = ROLES.get(str(role))
    # A township node issues its village nodes' identities, which then travel up.
    if found is None or (found.machine and role != "sync_node") or found.scope is not ScopeKind.CATCHMENT:
        return "role a node may not grant"
    return None


def _check_reference(scope: NodeScope, table: SyncTable, record_id: str, values: dict[str, Any]) -> str | None:
    """Reference data is kept at the region; a node may only edit its own institutions' rows."""
    own = uuid.UUID(record_id) in scope.institutions if table.name == "registry_institution" else False
    institution = values.get("institution_id")
    if own or (institution is not None and uuid.UUID(institution) in scope.institutions):
        return None
    return "reference data is maintained by the parent"
