"""Observations ``<record id><infix><item code>``: one per item of a form a domain records.

The health check and the chronic-disease follow-up each carry a table of items (a
reading, a score, an assessment) that become Observations, coded with LOINC where one
exists and always with the domain's own code system. Both serve them through the results
domain's Observation handler as contributors, searched by code, category, date, patient,
``_id`` and ``_lastUpdated``. :class:`ItemObservations` is that machinery; a domain
subclasses it and says where its records, values and permission are.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

from sqlalchemy import Select, or_
from sqlalchemy.orm import Session

from jiceng.core.fhir import systems
from jiceng.core.fhir.outcome import not_found
from jiceng.core.fhir.query import audit_shown, keyset, page_start, split_id
from jiceng.core.fhir.resources import Contributor
from jiceng.core.fhir.search import SearchRequest, token
from jiceng.core.security import Principal


class ObservationItem(Protocol):
    """What search needs of an item: its local code (the id suffix), category and LOINC code."""

    @property
    def code(self) -> str: ...

    @property
    def category(self) -> str: ...

    @property
    def loinc(self) -> str: ...


class ItemObservations(Contributor):
    """The Observations of a domain's records, one per item that has a value (read-only)."""

    resource_type: ClassVar[str] = "Observation"
    items: ClassVar[Sequence[ObservationItem]] = ()
    item_system: ClassVar[str] = ""  # the domain's CodeSystem of item codes
    infix: ClassVar[str] = "-"  # between the record id and the item code
    model: ClassVar[Any] = None  # the record's table (with id and resident_id)
    permission: ClassVar[str] = ""  # needed to see any of them
    object_type: ClassVar[str] = ""  # the audit object type of a record

    def __init__(self) -> None:
        self.by_code: dict[str, ObservationItem] = {i.code: i for i in self.items}

    # --- what a domain supplies -------------------------------------------------------------

    def observations(self, record: Any) -> list[dict[str, Any]]:
        """Every Observation of a record, in id order."""
        raise NotImplementedError

    def record(self, session: Session, principal: Principal, record_id: uuid.UUID, resource_id: str) -> Any:
        """The record an id names (permission, scope and audit through the domain's service; 404 when absent)."""
        raise NotImplementedError

    def current(self, principal: Principal) -> Select:
        """The records search looks at: in scope, not replaced by a correction, not voided."""
        raise NotImplementedError

    def of_patient(self, session: Session, principal: Principal, resource_id: str) -> list[Any]:
        """A patient's current records for ``$everything`` (audited), [] when the caller may not read them."""
        raise NotImplementedError

    def condition(self, base: str, value: str) -> Any | None:
        """SQL for patient, subject and _lastUpdated; None for a parameter these Observations cannot match."""
        raise NotImplementedError

    def date_condition(self, value: str) -> Any:
        """SQL for ``date``: the records that may have an Observation effective then."""
        raise NotImplementedError

    def date_matches(self, resource: dict[str, Any], value: str) -> bool:
        """Whether one Observation matches ``date``, when the SQL alone cannot tell."""
        return True

    def value_columns(self, item: ObservationItem) -> Sequence[str] | None:
        """The columns that hold an item's value (a record without one has no Observation for it);
        None when the value may be elsewhere or is always there."""
        raise NotImplementedError

    def loinc_matches(self, item: ObservationItem, code: str) -> bool:
        return bool(item.loinc) and item.loinc == code

    # --- the Contributor interface ----------------------------------------------------------

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any] | None:
        parts = self.split(resource_id)
        if parts is None:
            return None
        record = self.record(session, principal, parts[0], resource_id)
        found = [o for o in self.observations(record) if o["id"] == resource_id]
        if not found:
            raise not_found("Observation", resource_id)
        return found[0]

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> list[dict[str, Any]]:
        position, after = page_start(request)
        if not principal.can(self.permission):
            return []
        stmt = self.current(principal)
        allowed = set(self.by_code)
        ids: set[str] | None = None
        dates: list[str] = []
        for name, values in request.params.items():
            base = name.split(":")[0]
            for value in values:
                items = self.item_filter(base, value)
                if items is not None:
                    allowed &= items
                    if base == "_id":
                        wanted = {v for v in value.split(",") if self.split(v)}
                        ids = wanted if ids is None else ids & wanted
                elif base == "date":
                    stmt = stmt.where(self.date_condition(value))
                    dates.append(value)
                else:
                    condition = self.condition(base, value)
                    if condition is None:
                        return []  # a parameter these Observations cannot match
                    stmt = stmt.where(condition)
        if not allowed or ids == set():
            return []
        present = self.present(allowed) if len(allowed) < len(self.by_code) else None
        if present is not None:
            stmt = stmt.where(present)  # e.g. code=4548-4 skips records without an HbA1c
        if ids is not None:
            stmt = stmt.where(self.model.id.in_([p[0] for p in (self.split(i) for i in ids) if p]))
        start = 36 + len(self.infix)

        def expand(record: Any) -> list[dict[str, Any]]:
            return [
                o
                for o in self.observations(record)
                if o["id"][start:] in allowed
                and o["id"] > position
                and (ids is None or o["id"] in ids)
                and all(self.date_matches(o, d) for d in dates)
            ]

        shown, found = keyset(session, stmt, self.model, after, request.count + 1, expand)
        audit_shown(session, principal, (r.resident_id for r in shown), self.object_type, "Observation")
        return found[: request.count + 1]

    def everything(self, session: Session, principal: Principal, resource_id: str) -> list[dict[str, Any]]:
        return [o for record in self.of_patient(session, principal, resource_id) for o in self.observations(record)]

    # --- helpers ----------------------------------------------------------------------------

    def split(self, resource_id: str) -> tuple[uuid.UUID, ObservationItem] | None:
        """``<record id><infix><item>`` → (record id, item); None for any other id."""
        parts = split_id(resource_id, self.infix)
        return (parts[0], self.by_code[parts[1]]) if parts and parts[1] in self.by_code else None

    def item_filter(self, base: str, value: str) -> set[str] | None:
        """The item codes a code/category/_id parameter allows; None for a parameter not about items."""
        if base == "code":
            allowed: set[str] = set()
            for one in value.split(","):
                system, code = token(one)
                allowed |= {
                    i.code
                    for i in self.items
                    if (system in (None, self.item_system) and i.code == code)
                    or (system in (None, systems.LOINC) and self.loinc_matches(i, code))
                }
            return allowed
        if base == "category":
            wanted = {token(v)[1] for v in value.split(",")}
            return {i.code for i in self.items if i.category in wanted}
        if base == "_id":
            return {parts[1].code for parts in (self.split(v) for v in value.split(",")) if parts}
        return None

    def present(self, allowed: set[str]) -> Any | None:
        """SQL: the record has a value for one of these items (None when that cannot be told in SQL)."""
        conditions = []
        for code in sorted(allowed):
            columns = self.value_columns(self.by_code[code])
            if columns is None:
                return None
            conditions += [getattr(self.model, name).isnot(None) for name in columns]
        return or_(*conditions) if conditions else None
