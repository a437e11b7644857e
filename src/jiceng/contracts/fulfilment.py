"""Service fulfilment (履约): each package item delivered or not, overdue items and
contracts expiring soon on the team's worklist.

An item done ``n`` times a year is due in ``n`` equal slices of the contract year:
the k-th delivery is due by the end of the k-th slice. Deliveries are recorded here
(append-only; a correction voids a delivery with a new row). Another domain whose
records show a delivery (a chronic-disease follow-up, a health check, a TCM service) offers
an evidence source in ``jiceng.<domain>.evidence`` (``EVIDENCE = {link_kind: source}``, found
by convention) or registers one with :func:`register_evidence_source`; :func:`link_evidence`
then records those deliveries once each, linked to the source record.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiceng.contracts import codes, repository, teams
from jiceng.contracts.key_populations import derived_groups
from jiceng.contracts.models import Contract, Delivery, PackageItem
from jiceng.contracts.permissions import READ, WRITE
from jiceng.contracts.schemas import ItemStatus, Worklist, WorklistRow
from jiceng.core import audit
from jiceng.core import validators as v
from jiceng.core.clock import local_today
from jiceng.core.discovery import domain_modules
from jiceng.core.errors import ErrorCollector, NotFound
from jiceng.core.security import Principal

EXPIRING_DAYS = 30
WORKLIST_ROWS = 100

# (session, principal, resident_id, first day, last day, item's key group or "") -> [(record id, date)]
EvidenceSource = Callable[[Session, Principal, uuid.UUID, date, date, str], Iterable[tuple[uuid.UUID, date]]]
_sources: dict[str, EvidenceSource] = {}


def register_evidence_source(link_kind: str, source: EvidenceSource) -> None:
    """Another domain's service offers its records as evidence for items of ``link_kind``."""
    if link_kind not in codes.LINK_KIND or link_kind == "none":
        raise ValueError(f"unknown link kind {link_kind!r}")
    _sources[link_kind] = source


def evidence_sources() -> dict[str, EvidenceSource]:
    """The domains' ``evidence`` modules' sources, then any registered ones."""
    found: dict[str, EvidenceSource] = {}
    for module in domain_modules("evidence"):
        found.update(getattr(module, "EVIDENCE", {}))
    return {**found, **_sources}


def due_dates(start: date, end: date, times: int) -> list[date]:
    """The day by which each of ``times`` deliveries is due in the period start..end."""
    if times <= 0 or end < start:
        return []
    days = (end - start).days + 1
    return [start + timedelta(days=k * days // times - 1) for k in range(1, times + 1)]


def due_count(start: date, end: date, times: int, on: date) -> int:
    """How many of ``due_dates(start, end, times)`` fall before ``on`` (without listing them).

    The k-th date is before ``on`` when k·days // times ≤ elapsed, i.e. k < (elapsed + 1)·times / days.
    """
    if times <= 0 or on <= start:
        return 0
    days, elapsed = (end - start).days + 1, (on - start).days
    return min(times, max(0, -(-(elapsed + 1) * times // days) - 1))


def item_status(item: PackageItem, package_code: str, start: date, end: date, delivered: int, on: date) -> ItemStatus:
    dates = due_dates(start, end, item.times_per_year)
    due = due_count(start, end, item.times_per_year, on)
    return ItemStatus(
        item_id=item.id,
        package_code=package_code,
        code=item.code,
        name=item.name,
        category=item.category,
        times_per_year=item.times_per_year,
        due=due,
        delivered=delivered,
        overdue=max(0, due - delivered),
        next_due=dates[delivered] if delivered < len(dates) else None,
    )


@dataclass
class ItemCatalogue:
    """Items per package, loaded once per request."""

    session: Session
    cache: dict[uuid.UUID, list[tuple[PackageItem, str]]]

    @classmethod
    def empty(cls, session: Session) -> ItemCatalogue:
        return cls(session, {})

    def of(self, package_ids: Sequence[uuid.UUID]) -> list[tuple[PackageItem, str]]:
        missing = [p for p in package_ids if p not in self.cache]
        if missing:
            code_of = {p: pkg.code for p in missing if (pkg := repository.package(self.session, p)) is not None}
            for p in missing:
                self.cache[p] = []
            for item in repository.items(self.session, missing):
                self.cache[item.package_id].append((item, code_of.get(item.package_id, "")))
        return [entry for p in package_ids for entry in self.cache[p]]


def applicable_items(
    catalogue: ItemCatalogue, contract: Contract, personalised: Sequence[uuid.UUID], groups: Iterable[str]
) -> list[tuple[PackageItem, str]]:
    wanted = set(groups)
    entries = catalogue.of([contract.basic_package_id, *personalised])
    return [(item, code) for item, code in entries if item.applies_to is None or item.applies_to in wanted]


def reference_day(contract: Contract, on: date) -> date:
    """Fulfilment is judged up to ``on``, or up to the day after the contract ended."""
    return min(on, contract.ended_on + timedelta(days=1))


def contract_items(
    session: Session, contract: Contract, resident: Any, on: date, catalogue: ItemCatalogue | None = None
) -> list[ItemStatus]:
    """Every applicable item of one contract with its fulfilment on ``on``."""
    catalogue = catalogue or ItemCatalogue.empty(session)
    day = reference_day(contract, on)
    marked = [m.group_code for m in repository.marks(session, [contract.resident_id], min(day, contract.ended_on))]
    groups = derived_groups(resident.birth_date, resident._mapping, min(day, max(contract.ended_on, contract.start_date)), marked)
    personalised = repository.contract_packages(session, [contract.id]).get(contract.id, [])
    counts = repository.delivery_counts(session, select(Contract.id).where(Contract.id == contract.id))
    return [
        item_status(item, code, contract.start_date, contract.end_date, counts.get((contract.id, item.id), 0), day)
        for item, code in applicable_items(catalogue, contract, personalised, groups)
    ]


def record_delivery(
    session: Session, principal: Principal, contract_id: uuid.UUID, data: Mapping[str, Any], *, today: date | None = None
) -> Delivery:
    principal.require(WRITE)
    today = today or local_today()
    row = repository.contract_row(session, principal, contract_id)
    if row is None:
        raise NotFound("签约记录", "contract")
    contract: Contract = row[0]
    errors = ErrorCollector()
    last = min(today, contract.ended_on)
    delivered_on = v.check_date(
        errors,
        "delivered_on",
        ("服务日期", "Date of service"),
        data.get("delivered_on") or last,
        required=True,
        not_before=contract.start_date,
        not_after=last,
    )
    allowed = {
        item.id for item, _ in applicable_items(ItemCatalogue.empty(session), contract, _personalised(session, contract), codes.KEY_GROUP)
    }
    item_id = _uuid(data.get("item_id"))
    if item_id not in allowed:
        errors.add("item_id", "unknown_item", "服务项目：不是该签约服务包中的项目", "Service item: not an item of this contract's packages")
    source_kind = v.check_code(errors, "source_kind", codes.LINK_KIND, data.get("source_kind") or "none", required=True)
    errors.raise_if_any()
    assert delivered_on is not None and item_id is not None
    delivery = Delivery(
        contract_id=contract.id,
        item_id=item_id,
        resident_id=contract.resident_id,
        delivered_on=delivered_on,
        staff_id=principal.staff_id,
        status="delivered",
        source_kind=source_kind or "none",
        source_record_id=_uuid(data.get("source_record_id")),
        note=v.text(data.get("note"))[:300],
        recorded_by=principal.username,
    )
    session.add(delivery)
    session.flush()
    audit.record(session, principal, "deliver", "contract", contract.id, resident_id=contract.resident_id, detail={"item_id": str(item_id)})
    return delivery


def void_delivery(session: Session, principal: Principal, delivery_id: uuid.UUID, note: str = "") -> Delivery:
    """Cancel a delivery recorded in error (a new row; the original stays)."""
    principal.require(WRITE)
    original = repository.delivery(session, delivery_id)
    if original is None or original.status != "delivered" or repository.contract_row(session, principal, original.contract_id) is None:
        raise NotFound("服务记录", "delivery")
    void = Delivery(
        contract_id=original.contract_id,
        item_id=original.item_id,
        resident_id=original.resident_id,
        delivered_on=original.delivered_on,
        staff_id=principal.staff_id,
        status="void",
        amends_id=original.id,
        source_kind=original.source_kind,
        source_record_id=original.source_record_id,
        note=note.strip()[:300],
        recorded_by=principal.username,
    )
    session.add(void)
    session.flush()
    audit.record(session, principal, "void_delivery", "contract", original.contract_id, resident_id=original.resident_id)
    return void


def link_evidence(session: Session, principal: Principal, contract_id: uuid.UUID, *, today: date | None = None) -> int:
    """Record deliveries shown by other domains' records (idempotent); returns how many were added."""
    principal.require(WRITE)
    row = repository.contract_row(session, principal, contract_id)
    if row is None:
        raise NotFound("签约记录", "contract")
    return link_contract(session, principal, row[0], today or local_today())


def link_contract(session: Session, principal: Principal, contract: Contract, today: date) -> int:
    """The deliveries of ``contract`` that other domains' records show and are not yet linked."""
    sources = evidence_sources()
    last = min(today, contract.ended_on)
    known = repository.delivered_sources(session, contract.id)
    added = 0
    for item, _code in applicable_items(ItemCatalogue.empty(session), contract, _personalised(session, contract), codes.KEY_GROUP):
        source = sources.get(item.link_kind)
        if source is None or last < contract.start_date:
            continue
        for record_id, when in source(session, principal, contract.resident_id, contract.start_date, last, item.applies_to or ""):
            if (item.link_kind, record_id) in known:
                continue
            known.add((item.link_kind, record_id))
            session.add(_linked_delivery(contract, item, record_id, when, principal))
            added += 1
    session.flush()
    if added:
        audit.record(
            session, principal, "link_deliveries", "contract", contract.id, resident_id=contract.resident_id, detail={"added": added}
        )
    return added


def _linked_delivery(contract: Contract, item: PackageItem, record_id: uuid.UUID, when: date, principal: Principal) -> Delivery:
    return Delivery(
        contract_id=contract.id,
        item_id=item.id,
        resident_id=contract.resident_id,
        delivered_on=when,
        staff_id=None,
        status="delivered",
        source_kind=item.link_kind,
        source_record_id=record_id,
        note="",
        recorded_by=principal.username,
    )


def _personalised(session: Session, contract: Contract) -> list[uuid.UUID]:
    return repository.contract_packages(session, [contract.id]).get(contract.id, [])


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def worklist(session: Session, principal: Principal, *, today: date | None = None, limit: int = WORKLIST_ROWS) -> Worklist:
    """Residents of the principal's teams with overdue items, and contracts expiring within 30 days."""
    principal.require(READ)
    today = today or local_today()
    my = teams.my_teams(session, principal)
    team_ids = [t.id for t in my]
    names = {t.id: t.name for t in my}
    rows = repository.team_contract_rows(session, principal, team_ids, today)
    ids = select(Contract.id).where(Contract.team_id.in_(team_ids), Contract.ended_on >= today, Contract.deleted_at.is_(None))
    counts = repository.delivery_counts(session, ids) if team_ids else {}
    personalised = repository.contract_packages(session, ids)
    marked: dict[uuid.UUID, list[str]] = {}
    for mark in repository.marks(session, select(Contract.resident_id).where(Contract.id.in_(ids)), today):
        marked.setdefault(mark.resident_id, []).append(mark.group_code)
    catalogue = ItemCatalogue.empty(session)
    overdue, expiring = [], []
    for row in rows:
        if row.status == "active" and today <= row.end_date <= today + timedelta(days=EXPIRING_DAYS):
            expiring.append(_row(row, names, today))
        if row.start_date > today:
            continue
        groups = set(derived_groups(row.birth_date, row._mapping, today, marked.get(row.resident_id, [])))
        late = [
            item.name
            for item, _code in catalogue.of([row.basic_package_id, *personalised.get(row.id, [])])
            if item.times_per_year
            and (item.applies_to is None or item.applies_to in groups)
            and due_count(row.start_date, row.end_date, item.times_per_year, today) > counts.get((row.id, item.id), 0)
        ]
        if late:
            overdue.append(_row(row, names, today, late))
    overdue.sort(key=lambda r: (-r.overdue_count, r.end_date))
    expiring.sort(key=lambda r: r.end_date)
    audit.record(session, principal, "view", "contract_worklist", detail={"overdue": len(overdue), "expiring": len(expiring)})
    return Worklist(
        reference_date=today,
        teams=[t.name for t in my],
        overdue=overdue[:limit],
        overdue_total=len(overdue),
        expiring=expiring[:limit],
        expiring_total=len(expiring),
    )


def _row(row: Any, team_names: Mapping[uuid.UUID, str], today: date, late: list[str] | None = None) -> WorklistRow:
    return WorklistRow(
        contract_id=row.id,
        resident_id=row.resident_id,
        resident_name=row.name,
        team_name=team_names.get(row.team_id, ""),
        end_date=row.end_date,
        overdue_items=late or [],
        overdue_count=len(late or []),
        days_left=(row.end_date - today).days,
    )
