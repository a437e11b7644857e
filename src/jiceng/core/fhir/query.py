"""Search helpers for handlers and contributors that map a domain's own table.

Every domain that serves its records over FHIR needs the same pieces: ``_lastUpdated``
against the HLC column, references as uuids, the keyset page position, one audit
event per resident a search showed. They live here so each domain's ``fhir`` only
says what is its own (columns, codes, permissions).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

from jiceng.core import audit
from jiceng.core.clock import pack
from jiceng.core.fhir import resources
from jiceng.core.fhir.outcome import FhirError, invalid, not_found
from jiceng.core.fhir.resources import Include
from jiceng.core.fhir.search import SearchRequest, date_range, reference_id
from jiceng.core.ids import parse_id
from jiceng.core.security import Principal


def coding(system: str, code: str, display: str) -> dict[str, Any]:
    return {"system": system, "code": code, "display": display}


def instant(value: datetime | None) -> str | None:
    """A FHIR instant in UTC (SQLite hands back naive datetimes, stored in UTC)."""
    if value is None:
        return None
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def unsupported(name: str) -> FhirError:
    return invalid(f"不支持的检索参数：{name}", f"Unsupported search parameter: {name}", name)


def subject_includes() -> dict[str, Include]:
    """``_include=<Type>:patient`` and ``:subject`` for resources whose ``subject`` is the Patient."""
    return {
        "patient": Include("Patient", lambda r: [r["subject"]["reference"]]),
        "subject": Include("Patient", lambda r: [r["subject"]["reference"]]),
    }


def last_updated(column: Any, value: str) -> Any:
    """SQL for ``_lastUpdated`` against an HLC column (``updated_at``): ms since the epoch, packed."""
    prefix, start, end = date_range(value, "_lastUpdated")
    low, high = pack(int(start.timestamp() * 1000), 0), pack(int(end.timestamp() * 1000), 0)
    return {"ge": column >= low, "gt": column >= high, "le": column < high, "lt": column < low}.get(
        prefix, (column >= low) & (column < high)
    )


def date_matches(day: str, value: str) -> bool:
    """A FHIR date parameter against a date (YYYY-MM-DD) already in a resource."""
    prefix, start, end = date_range(value, "date")
    low, high, when = start.date(), end.date(), date.fromisoformat(day)
    return {
        "ne": when < low or when >= high,
        "gt": when >= high,
        "sa": when >= high,
        "ge": when >= low,
        "lt": when < low,
        "eb": when < low,
        "le": when < high,
    }.get(prefix, low <= when < high)


def uuids(value: str) -> list[uuid.UUID]:
    """The record ids of a comma-separated ``_id`` value (ids that are not uuids match nothing)."""
    return [i for i in (parse_id(v) for v in value.split(",")) if i]


def reference_uuids(value: str, resource_type: str, name: str) -> list[uuid.UUID]:
    """The record ids of a comma-separated reference parameter (``Patient/<id>`` or ``<id>``)."""
    return [i for i in (parse_id(reference_id(v, resource_type, name)) for v in value.split(",")) if i]


def page_start(request: SearchRequest, whole: bool = False) -> tuple[str, uuid.UUID | None]:
    """The page position ("" on the first page) and the record id it starts from.

    Contributed ids start with their record's uuid (``<uuid>-<item>``), so by default only
    the first 36 characters must be one; ``whole`` asks for the entire id to be a uuid."""
    position = resources.after_id(request) or ""
    after = parse_id(position if whole else position[:36]) if position else None
    if position and after is None:
        raise invalid("分页标记无效", "Invalid page token", "_page")
    return position, after


def split_id(resource_id: str, infix: str) -> tuple[uuid.UUID, str] | None:
    """``<uuid><infix><rest>`` → (uuid, rest); None for any other id."""
    if len(resource_id) < 36 + len(infix) or resource_id[36 : 36 + len(infix)] != infix:
        return None
    record_id = parse_id(resource_id[:36])
    return (record_id, resource_id[36 + len(infix) :]) if record_id else None


def audit_shown(session: Session, principal: Principal, resident_ids: Iterable[uuid.UUID], object_type: str, resource: str) -> None:
    """One audit event per resident whose records a search or $everything showed."""
    shown: dict[uuid.UUID, int] = {}
    for resident_id in resident_ids:
        shown[resident_id] = shown.get(resident_id, 0) + 1
    for resident_id, count in shown.items():
        detail = {"interface": "fhir", "resource": resource, "results": count}
        audit.record(session, principal, "list", object_type, resident_id=resident_id, detail=detail)


def keyset(
    session: Session, stmt: Select, model: Any, after: uuid.UUID | None, wanted: int, expand: Callable[[Any], list[dict[str, Any]]]
) -> tuple[list[Any], list[dict[str, Any]]]:
    """Walk rows in id order from ``after`` (inclusive) until ``wanted`` resources are found.

    For records that each expand to several resources (one per item), some of which a
    search filters out: returns the rows that showed something and their resources."""
    rows_shown: list[Any] = []
    found: list[dict[str, Any]] = []
    batch = min(max(wanted, 20), 500)
    last, first = after, True
    while len(found) < wanted:
        page = stmt.where(model.id >= last if first else model.id > last) if last else stmt
        rows = list(session.scalars(page.order_by(model.id).limit(batch)))
        for row in rows:
            expanded = expand(row)
            if expanded:
                rows_shown.append(row)
                found += expanded
        if len(rows) < batch:
            break
        last, first = rows[-1].id, False
    return rows_shown, found


def record_page(session: Session, stmt: Select, model: Any, after: uuid.UUID | None, count: int) -> tuple[list[Any], dict[str, Any] | None]:
    """A handler's page: up to ``count`` rows after ``after`` in id order, and the position
    of the next page (None on the last)."""
    if after:
        stmt = stmt.where(model.id > after)
    rows = list(session.scalars(stmt.order_by(model.id).limit(count + 1)))
    page = rows[:count]
    return page, ({"id": str(page[-1].id)} if len(rows) > count and page else None)


def contributed_rows(
    session: Session, stmt: Select, model: Any, start: tuple[str, uuid.UUID | None], count: int, convert: Callable[[Any], dict[str, Any]]
) -> list[tuple[Any, dict[str, Any]]]:
    """A contributor's matches when each record is one resource ``<record id><suffix>``:
    up to ``count + 1`` (record, resource) pairs after the page position (:func:`page_start`),
    in id order."""
    position, after = start
    if after:
        stmt = stmt.where(model.id >= after)  # ids after the position may share its record id
    rows = list(session.scalars(stmt.order_by(model.id).limit(count + 2)))
    return [(row, found) for row in rows for found in [convert(row)] if found["id"] > position][: count + 1]


class SignedRecord(Protocol):
    """A clinical event: append-only once signed, corrected by a new record that ``amends`` it."""

    id: Any
    amends_id: Any

    @property
    def is_signed(self) -> bool: ...


Signed = TypeVar("Signed", bound=SignedRecord)


def signed_record(get: Callable[[uuid.UUID], Signed], record_id: uuid.UUID | None, resource_type: str, resource_id: str) -> Signed:
    """A signed record by id through its domain's service (scope, audit), else 404: drafts are not shown."""
    if record_id is None:
        raise not_found(resource_type, resource_id)
    record = get(record_id)
    if not record.is_signed:
        raise not_found(resource_type, resource_id)
    return record


def current_signed(records: Iterable[Signed], key: Callable[[Signed], Any]) -> list[Signed]:
    """The signed records that no signed correction replaced, ordered by ``key``."""
    records = list(records)
    replaced = {r.amends_id for r in records if r.amends_id and r.is_signed}
    return sorted((r for r in records if r.is_signed and r.id not in replaced), key=key)
