"""Resident records: register, find, view, edit, change status, households."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from jiceng.core import audit
from jiceng.core.clock import local_today
from jiceng.core.errors import ErrorCollector, FieldError, NotFound, ValidationFailed, VersionMismatch
from jiceng.core.permissions import Perm
from jiceng.core.scope import ResidentColumns, resident_scope
from jiceng.core.security import Principal
from jiceng.registry import service as registry
from jiceng.residents import repository
from jiceng.residents.models import Household, Resident
from jiceng.residents.pinyin import name_keys
from jiceng.residents.schemas import HouseholdView, ResidentDetail, ResidentSummary
from jiceng.residents.validation import validate_resident

IMMUTABLE_ON_UPDATE = {"record_date"}


def _check_village(session: Session, principal: Principal, code: str, errors: ErrorCollector) -> None:
    if errors.has("village_code") or not code:
        return
    division = registry.find_division(session, code)
    if division is None or division.level != "village":
        errors.add(
            "village_code", "unknown_village", f"所属村（居）委会：区划代码 {code} 不存在", f"Village: division code {code} does not exist"
        )
    elif not _village_in_scope(session, principal, code):
        errors.add(
            "village_code",
            "outside_scope",
            f"所属村（居）委会：{division.name} 不在您的服务范围内",
            f"Village: {division.name} is outside your catchment",
        )


def _village_in_scope(session: Session, principal: Principal, code: str) -> bool:
    probe = ResidentColumns(id=literal(None), village_code=literal(code))
    return bool(session.scalar(select(resident_scope(principal, probe))))


def _check_duplicate_id(
    session: Session, principal: Principal, id_number: str | None, errors: ErrorCollector, own_id: uuid.UUID | None = None
) -> None:
    if not id_number or errors.has("id_number"):
        return
    existing = repository.by_id_number_any_scope(session, id_number)
    if existing is None or existing.id == own_id:
        return
    if repository.in_scope(session, principal, existing.id):
        errors.add(
            "id_number",
            "duplicate",
            f"身份证号：已有档案（{existing.name}，档案号 {existing.record_number}）",
            f"ID number: already registered ({existing.name}, record {existing.record_number})",
        )
    else:
        # Say that it exists (to stop a duplicate) but not whose or where.
        errors.add(
            "id_number",
            "duplicate",
            "身份证号：该号码已在其他机构建档，请联系上级机构办理迁入",
            "ID number: already registered at another institution; ask the region to transfer the record",
        )


def _check_household(session: Session, principal: Principal, values: dict[str, Any], errors: ErrorCollector) -> None:
    household_id = values.get("household_id")
    if household_id is None:
        return
    household = repository.household(session, household_id)
    if household is None or not repository.household_members(session, principal, household_id):
        errors.add("household_id", "unknown_household", "家庭户：不存在", "Household: does not exist")
    if not values.get("relation_to_head"):
        errors.add(
            "relation_to_head", "required", "与户主关系：加入家庭户时必填", "Relationship to head: required when joining a household"
        )


def _apply_name_keys(resident: Resident) -> None:
    resident.name_pinyin, resident.name_initials = name_keys(resident.name)


def condition_flags(past_diseases: list[dict[str, Any]], disabilities: list[str]) -> dict[str, bool]:
    """The derived key-condition columns for a record's history (past-disease codes, §6.1)."""
    codes_present = {item.get("code") for item in past_diseases}
    return {
        "has_hypertension": "2" in codes_present,
        "has_diabetes": "3" in codes_present,
        "has_severe_mental_disorder": "8" in codes_present,
        "has_tuberculosis": "9" in codes_present,
        "has_disability": any(code != "1" for code in disabilities),
    }


def _apply_derived(resident: Resident) -> None:
    for key, value in condition_flags(resident.past_diseases or [], resident.disabilities or []).items():
        if getattr(resident, key) != value:
            setattr(resident, key, value)


def create_resident(session: Session, principal: Principal, data: Mapping[str, Any], *, today: date | None = None) -> Resident:
    principal.require(Perm.RESIDENT_WRITE)
    today = today or local_today()
    try:
        values = validate_resident(data, today=today)
        errors = ErrorCollector()
    except ValidationFailed as failed:
        values, errors = {}, ErrorCollector()
        errors.errors.extend(failed.errors)
    values.update(household_id=data.get("household_id"))
    _check_village(session, principal, values.get("village_code") or str(data.get("village_code") or ""), errors)
    _check_duplicate_id(session, principal, values.get("id_number"), errors)
    _check_household(session, principal, values, errors)
    errors.raise_if_any()
    serial = repository.next_record_serial(session, values["village_code"])
    resident = Resident(**values)
    resident.record_number = f"{values['village_code']}{serial:05d}"
    resident.record_institution_id = principal.institution_id
    resident.responsible_doctor_id = principal.staff_id
    _apply_name_keys(resident)
    _apply_derived(resident)
    session.add(resident)
    session.flush()
    audit.record(session, principal, "create", "resident", resident.id, resident_id=resident.id)
    return resident


def get_resident(session: Session, principal: Principal, resident_id: uuid.UUID, *, purpose: str = "view") -> Resident:
    """One identifiable record; every call is audited."""
    principal.require(Perm.RESIDENT_READ)
    resident = repository.get(session, principal, resident_id)
    if resident is None:
        raise NotFound("居民档案", "resident record")
    audit.record(session, principal, purpose, "resident", resident.id, resident_id=resident.id)
    return resident


def read_record(session: Session, principal: Principal, resident_id: uuid.UUID, *, purpose: str = "view") -> ResidentDetail:
    """The whole record as the API shows it (audited like :func:`get_resident`), read as a
    plain row: nothing here changes it, so the ORM entity is not needed."""
    principal.require(Perm.RESIDENT_READ)
    row = repository.get_record(session, principal, resident_id)
    if row is None:
        raise NotFound("居民档案", "resident record")
    audit.record(session, principal, purpose, "resident", row.id, resident_id=row.id)
    return ResidentDetail.model_validate(row)


def update_resident(
    session: Session,
    principal: Principal,
    resident_id: uuid.UUID,
    data: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> Resident:
    principal.require(Perm.RESIDENT_WRITE)
    resident = repository.get(session, principal, resident_id)
    if resident is None:
        raise NotFound("居民档案", "resident record")
    if expected_version is not None and expected_version != resident.version:
        raise VersionMismatch(expected_version, resident.version)
    data = {k: val for k, val in data.items() if k not in IMMUTABLE_ON_UPDATE}
    current = {k: getattr(resident, k) for k in ("id_number", "birth_date", "sex", "no_id_reason")}
    errors = ErrorCollector()
    try:
        values = validate_resident(data, today=today or local_today(), partial=True, current=current)
    except ValidationFailed as failed:
        values = {}
        errors.errors.extend(failed.errors)
    if "village_code" in values and values["village_code"] != resident.village_code:
        _check_village(session, principal, values["village_code"], errors)
    if "id_number" in values:
        _check_duplicate_id(session, principal, values["id_number"], errors, own_id=resident.id)
    if "household_id" in data:
        values["household_id"] = data["household_id"]
        values.setdefault("relation_to_head", data.get("relation_to_head"))
        _check_household(session, principal, values, errors)
    errors.raise_if_any()
    changed = sorted(k for k, val in values.items() if getattr(resident, k) != val)
    for key in changed:
        setattr(resident, key, values[key])
    if "name" in changed:
        _apply_name_keys(resident)
    if {"past_diseases", "disabilities"} & set(changed):
        _apply_derived(resident)
    session.flush()
    audit.record(session, principal, "update", "resident", resident.id, resident_id=resident.id, detail={"fields": changed})
    return resident


STATUS_TRANSITIONS = {"active": {"moved_out", "deceased"}, "moved_out": {"active"}, "deceased": set()}


def change_status(session: Session, principal: Principal, resident_id: uuid.UUID, status: str, status_date: Any = None) -> Resident:
    """Move out, return, or record a death. A deceased record is final."""
    resident = update_precheck(session, principal, resident_id)
    allowed = STATUS_TRANSITIONS.get(resident.status, set())
    if status not in allowed:
        raise ValidationFailed(
            [
                FieldError(
                    "status",
                    "invalid_transition",
                    f"档案状态：不能从“{resident.status}”改为“{status}”",
                    f"Record status: cannot change from “{resident.status}” to “{status}”",
                )
            ]
        )
    return update_resident(session, principal, resident_id, {"status": status, "status_date": status_date or local_today()})


def update_precheck(session: Session, principal: Principal, resident_id: uuid.UUID) -> Resident:
    principal.require(Perm.RESIDENT_WRITE)
    resident = repository.get(session, principal, resident_id)
    if resident is None:
        raise NotFound("居民档案", "resident record")
    return resident


def delete_resident(session: Session, principal: Principal, resident_id: uuid.UUID, reason: str) -> None:
    """Soft delete (e.g. a record created by mistake); the tombstone syncs."""
    principal.require(Perm.RESIDENT_DELETE)
    resident = repository.get(session, principal, resident_id)
    if resident is None:
        raise NotFound("居民档案", "resident record")
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", "required", "删除原因：必填", "Reason for deletion: required")])
    resident.soft_delete()
    session.flush()
    audit.record(session, principal, "delete", "resident", resident.id, resident_id=resident.id, detail={"reason": reason.strip()[:500]})


@dataclass(frozen=True)
class SearchResult:
    items: list[ResidentSummary]
    deidentified: bool


def search_residents(
    session: Session,
    principal: Principal,
    text: str = "",
    village_code: str | None = None,
    status: str | None = "active",
    limit: int = 50,
    *,
    today: date | None = None,
) -> SearchResult:
    """Residents matching ID number, record number, name, pinyin or phone; identifiers masked."""
    principal.require(Perm.RESIDENT_SEARCH)
    deidentified = not principal.can(Perm.RESIDENT_READ)
    query = repository.SearchQuery(
        text=text.strip()[:60], village_code=village_code or None, status=status or None, limit=max(1, min(limit, 200))
    )
    rows = repository.search(session, principal, query)
    today = today or local_today()
    items = [ResidentSummary.of(r, today, deidentified) for r in rows]
    audit.record(session, principal, "search", "resident", detail={"results": len(items), "query_kind": _query_kind(text)})
    return SearchResult(items, deidentified)


def _query_kind(text: str) -> str:
    compact = text.strip()
    if not compact:
        return "browse"
    if compact[:1].isdigit():
        return "number"
    return "pinyin" if compact.isascii() else "name"


# ---- households ------------------------------------------------------------


def create_household(session: Session, principal: Principal, head_id: uuid.UUID, address: str | None = None) -> Household:
    head = update_precheck(session, principal, head_id)
    if head.household_id is not None:
        raise ValidationFailed(
            [
                FieldError(
                    "head_resident_id",
                    "already_in_household",
                    "户主：该居民已属于一个家庭户",
                    "Head: this resident already belongs to a household",
                )
            ]
        )
    household = Household(
        household_number=f"H{head.record_number}",
        village_code=head.village_code,
        address=(address or head.address or "").strip()[:300],
        head_resident_id=head.id,
    )
    session.add(household)
    session.flush()
    head.household_id, head.relation_to_head = household.id, "02"
    session.flush()
    audit.record(session, principal, "create", "household", household.id, resident_id=head.id)
    return household


def add_household_member(
    session: Session, principal: Principal, household_id: uuid.UUID, resident_id: uuid.UUID, relation: str
) -> Resident:
    return update_resident(session, principal, resident_id, {"household_id": household_id, "relation_to_head": relation})


def get_household(session: Session, principal: Principal, household_id: uuid.UUID, *, today: date | None = None) -> HouseholdView:
    principal.require(Perm.RESIDENT_READ)
    household = repository.household(session, household_id)
    members = repository.household_members(session, principal, household_id) if household else []
    if household is None or not members:
        raise NotFound("家庭户", "household")
    today = today or local_today()
    audit.record(session, principal, "view", "household", household.id, detail={"members": len(members)})
    return HouseholdView(
        id=household.id,
        household_number=household.household_number,
        village_code=household.village_code,
        address=household.address,
        head_resident_id=household.head_resident_id,
        members=[ResidentSummary.of(m, today) for m in members],
    )


def residents_overview(session: Session, principal: Principal) -> dict[str, int]:
    """Active residents per village in the principal's scope (for the home page)."""
    if not principal.can(Perm.RESIDENT_SEARCH):
        return {}
    return repository.count_by_village(session, principal)


def residents_by_ids(session: Session, principal: Principal, ids: Sequence[uuid.UUID]) -> Sequence[Resident]:
    """For other domains' services: the in-scope residents among ``ids`` (not audited here)."""
    return repository.get_many(session, principal, ids)


def readable_residents(principal: Principal) -> Any:
    """For other domains' queries: a subquery of the residents in the principal's scope.

    Columns: ``id``, ``village_code``, ``birth_date``, ``sex``, ``status``, ``status_date``, ``record_date``,
    ``paper_record``, ``name``,
    ``household_id``, ``has_hypertension``, ``has_diabetes``, ``has_tuberculosis``,
    ``has_severe_mental_disorder``, ``has_disability``. Join or filter on it (``X.resident_id.in_(select(sq.c.id))``)
    instead of reading the resident table, so scope is applied in one place.
    """
    return repository.readable_columns(principal).subquery("readable_resident")


def access_log(session: Session, principal: Principal, resident_id: uuid.UUID) -> list[Any]:
    """Who looked at or changed this resident's record ("who looked at my record")."""
    principal.require(Perm.ACCESS_LOG_READ)
    resident = repository.get(session, principal, resident_id)
    if resident is None:
        raise NotFound("居民档案", "resident record")
    events = audit.resident_events(session, resident.id)
    audit.record(session, principal, "view_access_log", "resident", resident.id, resident_id=resident.id)
    return events


def is_readable(session: Session, principal: Principal, resident_id: uuid.UUID) -> bool:
    """Whether the resident exists and is in the principal's scope (no audit: no data is shown)."""
    return repository.in_scope(session, principal, resident_id)


def readable_ids(session: Session, principal: Principal, resident_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these residents exist and are in the principal's scope (one query, no audit)."""
    found: set[uuid.UUID] = set()
    for start in range(0, len(resident_ids), 1000):
        chunk = list(resident_ids[start : start + 1000])
        found |= set(
            session.scalars(
                select(Resident.id).where(Resident.id.in_(chunk), Resident.deleted_at.is_(None), repository.scope_clause(principal))
            )
        )
    return found
