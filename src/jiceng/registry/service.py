"""Registry services: divisions, institutions, alliances, staff and their statistics.

The statistics are computed in :mod:`jiceng.registry.statistics`; callers reach them here
(``registry.statistics``) like every other registry service."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jiceng.core import audit, divisions
from jiceng.core import validators as v
from jiceng.core.errors import ErrorCollector, NotFound
from jiceng.core.permissions import Perm, ScopeKind
from jiceng.core.scope import ResidentColumns, in_subquery, register_resident_rule
from jiceng.core.security import Principal
from jiceng.registry import codes, repository
from jiceng.registry.models import (
    Alliance,
    AllianceMember,
    Division,
    Institution,
    InstitutionCatchment,
    Staff,
    SupportPairing,
)
from jiceng.registry.statistics import RegistryStatistics as RegistryStatistics
from jiceng.registry.statistics import WorkforceGroup as WorkforceGroup
from jiceng.registry.statistics import statistics as statistics


def _catchment_rule(principal: Principal, columns: ResidentColumns) -> Any:
    """Clinical staff reach the residents of their institution's catchment villages."""
    if principal.scope is not ScopeKind.CATCHMENT or principal.institution_id is None:
        return None
    return in_subquery(columns.village_code, repository.catchment_subquery(principal.institution_id))


register_resident_rule("institution_catchment", _catchment_rule)


# ---- divisions -------------------------------------------------------------


division_level_of = divisions.level_of
parent_code_of = divisions.parent_code_of
prefix_of = divisions.prefix_of


def find_division(session: Session, code: str) -> Division | None:
    return repository.division_by_code(session, code)


def divisions_by_codes(session: Session, codes_: Sequence[str]) -> dict[str, Division]:
    return repository.divisions_by_codes(session, codes_)


def division_names(session: Session, codes_: Sequence[str]) -> dict[str, str]:
    """Name per code (the code itself when unknown), for display."""
    found = repository.divisions_by_codes(session, codes_)
    return {code: found[code].name if code in found else code for code in codes_}


def get_division(session: Session, code: str) -> Division:
    division = repository.division_by_code(session, code)
    if division is None:
        raise NotFound("行政区划", "division")
    return division


def division_path(session: Session, code: str) -> list[Division]:
    """The division and its ancestors, top first."""
    chain: list[str] = []
    current: str | None = code
    while current:
        chain.append(current)
        current = parent_code_of(current)
    found = repository.divisions_by_codes(session, chain)
    return [found[c] for c in reversed(chain) if c in found]


def division_children(session: Session, parent_code: str | None) -> Sequence[Division]:
    return repository.division_children(session, parent_code)


def villages(session: Session, under: str | None = None) -> Sequence[Division]:
    return repository.divisions_at_level(session, "village", under)


def create_division(session: Session, principal: Principal, data: Mapping[str, Any]) -> Division:
    principal.require(Perm.REGISTRY_MANAGE)
    errors = ErrorCollector()
    code = v.text(data.get("code"))
    name = v.text(data.get("name"))
    level = division_level_of(code)
    if level is None:
        errors.add(
            "code",
            "invalid_format",
            "区划代码：应为12位数字（统计用区划代码）",
            "Division code: must be 12 digits (statistical division code)",
        )
    elif level == "township" and not _valid_township_part(code[6:9]):
        errors.add(
            "code", "invalid_township", "区划代码：第7-9位乡级代码超出 001-599", "Division code: township digits 7-9 must be 001-599"
        )
    elif repository.division_by_code(session, code) is not None:
        errors.add("code", "duplicate", f"区划代码：{code} 已存在", f"Division code: {code} already exists")
    parent = parent_code_of(code) if level else None
    if parent and level != "city" and repository.division_by_code(session, parent) is None:
        errors.add(
            "code", "unknown_parent", f"区划代码：上级区划 {parent} 不存在", f"Division code: parent division {parent} does not exist"
        )
    if not name:
        errors.add("name", "required", "区划名称：必填", "Division name: required")
    urban = v.text(data.get("urban_rural_class")) or None
    if urban and urban not in ("111", "112", "121", "122", "123", "210", "220"):
        errors.add(
            "urban_rural_class",
            "unknown_code",
            "城乡分类代码：应为 111/112/121/122/123/210/220",
            "Urban-rural class: must be one of 111/112/121/122/123/210/220",
        )
    errors.raise_if_any()
    division = Division(code=code, name=name, level=level, parent_code=parent, urban_rural_class=urban)
    session.add(division)
    session.flush()
    audit.record(session, principal, "create", "division", code)
    return division


def _valid_township_part(part: str) -> bool:
    return 1 <= int(part) <= 599


# ---- institutions ----------------------------------------------------------


def find_institution(session: Session, institution_id: uuid.UUID) -> Institution | None:
    return repository.institution(session, institution_id)


def find_institution_by_code(session: Session, code: str) -> Institution | None:
    return repository.institution_by_code(session, code)


def get_institution(session: Session, institution_id: uuid.UUID) -> Institution:
    found = repository.institution(session, institution_id)
    if found is None:
        raise NotFound("机构", "institution")
    return found


def list_institutions(session: Session, under: str | None = None, kinds: Sequence[str] | None = None) -> Sequence[Institution]:
    return repository.institutions(session, under, kinds)


def catchment_villages(session: Session, institution_id: uuid.UUID) -> list[str]:
    return repository.catchment_villages(session, institution_id)


def create_institution(session: Session, principal: Principal, data: Mapping[str, Any]) -> Institution:
    principal.require(Perm.REGISTRY_MANAGE)
    errors = ErrorCollector()
    code = v.text(data.get("code"))
    name = v.text(data.get("name"))
    if not re.fullmatch(r"[0-9A-Za-z-]{4,32}", code):
        errors.add("code", "invalid_format", "机构代码：4-32位字母或数字", "Institution code: 4-32 letters or digits")
    elif repository.institution_by_code(session, code) is not None:
        errors.add("code", "duplicate", f"机构代码：{code} 已存在", f"Institution code: {code} already exists")
    if not name:
        errors.add("name", "required", "机构名称：必填", "Institution name: required")
    kind = v.check_code(errors, "kind", codes.INSTITUTION_KIND, data.get("kind"), required=True)
    grade = v.check_code(errors, "grade", codes.GRADE, data.get("grade") or "unrated", required=True)
    division_code = v.text(data.get("division_code"))
    if repository.division_by_code(session, division_code) is None:
        errors.add(
            "division_code",
            "unknown_division",
            f"所在区划：区划代码“{division_code}”不存在",
            f"Division: code “{division_code}” does not exist",
        )
    parent_id = data.get("parent_id")
    if parent_id and repository.institution(session, uuid.UUID(str(parent_id))) is None:
        errors.add("parent_id", "unknown_institution", "上级机构：不存在", "Parent institution: does not exist")
    phone = v.check_phone(errors, "phone", ("联系电话", "Phone"), data.get("phone"))
    errors.raise_if_any()
    institution = Institution(
        code=code,
        name=name,
        kind=kind,
        grade=grade,
        division_code=division_code,
        parent_id=uuid.UUID(str(parent_id)) if parent_id else None,
        address=v.text(data.get("address")),
        phone=phone,
    )
    session.add(institution)
    session.flush()
    audit.record(session, principal, "create", "institution", institution.id)
    return institution


def set_catchment(session: Session, principal: Principal, institution_id: uuid.UUID, village_codes: Sequence[str]) -> list[str]:
    """Make the catchment exactly these villages (soft-deleting the rest)."""
    principal.require(Perm.REGISTRY_MANAGE)
    get_institution(session, institution_id)
    wanted = set(village_codes)
    known = repository.divisions_by_codes(session, list(wanted))
    errors = ErrorCollector()
    for code in sorted(wanted):
        if code not in known or known[code].level != "village":
            errors.add(
                "village_codes",
                "unknown_village",
                f"服务村：“{code}”不是已登记的村（居）委会",
                f"Catchment: “{code}” is not a registered village",
            )
    errors.raise_if_any()
    existing = {row.village_code: row for row in repository.catchment_rows(session, institution_id)}
    for code, row in existing.items():
        if code not in wanted and row.deleted_at is None:
            row.soft_delete()
        elif code in wanted and row.deleted_at is not None:
            row.deleted_at = None
    for code in wanted - existing.keys():
        session.add(InstitutionCatchment(institution_id=institution_id, village_code=code))
    session.flush()
    audit.record(session, principal, "update", "institution_catchment", institution_id, detail={"villages": sorted(wanted)})
    return sorted(wanted)


# ---- alliances -------------------------------------------------------------


def list_alliances(session: Session, under: str | None = None) -> Sequence[Alliance]:
    return repository.alliances(session, under)


def alliance_members(session: Session, alliance_id: uuid.UUID) -> Sequence[Institution]:
    if repository.alliance(session, alliance_id) is None:
        raise NotFound("医联体", "alliance")
    return repository.alliance_members(session, alliance_id)


def alliances_of(session: Session, institution_id: uuid.UUID) -> Sequence[Alliance]:
    return repository.alliances_of(session, institution_id)


def pairings_of(session: Session, institution_id: uuid.UUID) -> Sequence[SupportPairing]:
    return repository.pairings_of(session, institution_id)


def create_alliance(session: Session, principal: Principal, data: Mapping[str, Any], member_ids: Sequence[uuid.UUID]) -> Alliance:
    principal.require(Perm.REGISTRY_MANAGE)
    errors = ErrorCollector()
    name = v.text(data.get("name"))
    if not name:
        errors.add("name", "required", "名称：必填", "Name: required")
    kind = v.check_code(errors, "kind", codes.ALLIANCE_KIND, data.get("kind"), required=True)
    lead_id = data.get("lead_institution_id")
    lead = repository.institution(session, uuid.UUID(str(lead_id))) if lead_id else None
    if lead is None:
        errors.add("lead_institution_id", "unknown_institution", "牵头医院：不存在", "Lead hospital: does not exist")
    errors.raise_if_any()
    assert lead is not None and kind is not None
    alliance = Alliance(
        name=name,
        kind=kind,
        lead_institution_id=lead.id,
        division_code=v.text(data.get("division_code")) or lead.division_code,
        established_on=v.parse_date(data.get("established_on")),
    )
    session.add(alliance)
    session.flush()
    for institution_id in {lead.id, *member_ids}:
        session.add(AllianceMember(alliance_id=alliance.id, institution_id=institution_id, joined_on=alliance.established_on))
    session.flush()
    audit.record(session, principal, "create", "alliance", alliance.id)
    return alliance


def create_pairing(
    session: Session, principal: Principal, supporting: uuid.UUID, supported: uuid.UUID, start: date, content: str = ""
) -> SupportPairing:
    principal.require(Perm.REGISTRY_MANAGE)
    get_institution(session, supporting)
    get_institution(session, supported)
    pairing = SupportPairing(supporting_institution_id=supporting, supported_institution_id=supported, start_date=start, content=content)
    session.add(pairing)
    session.flush()
    audit.record(session, principal, "create", "support_pairing", pairing.id)
    return pairing


# ---- staff -----------------------------------------------------------------


STAFF_LABELS = {"name": ("姓名", "Name"), "phone": ("联系电话", "Phone"), "birth_date": ("出生日期", "Date of birth")}


def get_staff(session: Session, staff_id: uuid.UUID) -> Staff:
    found = repository.staff_member(session, staff_id)
    if found is None:
        raise NotFound("人员", "staff member")
    return found


def list_staff(
    session: Session, institution_id: uuid.UUID | None = None, under: str | None = None, query: str = "", limit: int = 200, offset: int = 0
) -> Sequence[Staff]:
    return repository.staff(session, institution_id, under, query, limit, offset)


def create_staff(session: Session, principal: Principal, data: Mapping[str, Any]) -> Staff:
    principal.require(Perm.REGISTRY_MANAGE)
    errors = ErrorCollector()
    name = v.text(data.get("name"))
    if not name or len(name) > 50:
        errors.add("name", "required", "姓名：必填，最多50字", "Name: required, at most 50 characters")
    staff_code = v.text(data.get("staff_code"))
    if not re.fullmatch(r"[0-9A-Za-z-]{3,32}", staff_code):
        errors.add("staff_code", "invalid_format", "工号：3-32位字母或数字", "Staff code: 3-32 letters or digits")
    sex = v.check_code(errors, "sex", codes.STAFF_SEX, data.get("sex"), required=True)
    institution_id = data.get("institution_id")
    if not institution_id or repository.institution(session, uuid.UUID(str(institution_id))) is None:
        errors.add("institution_id", "unknown_institution", "所在机构：不存在", "Institution: does not exist")
    values = {
        "profession": v.check_code(errors, "profession", codes.PROFESSION, data.get("profession"), required=True),
        "practice_category": v.check_code(
            errors, "practice_category", codes.PRACTICE_CATEGORY, data.get("practice_category") or "", required=False
        )
        or "",
        "qualification": v.check_code(errors, "qualification", codes.QUALIFICATION, data.get("qualification") or "none", required=True),
        "education": v.check_code(errors, "education", codes.STAFF_EDUCATION, data.get("education"), required=True),
        "title": v.check_code(errors, "title", codes.TITLE, data.get("title") or "none", required=True),
    }
    phone = v.check_phone(errors, "phone", STAFF_LABELS["phone"], data.get("phone"))
    birth = v.check_date(errors, "birth_date", STAFF_LABELS["birth_date"], data.get("birth_date"), required=False, not_after=date.today())
    errors.raise_if_any()
    member = Staff(
        name=name, staff_code=staff_code, sex=sex, institution_id=uuid.UUID(str(institution_id)), phone=phone, birth_date=birth, **values
    )
    session.add(member)
    session.flush()
    audit.record(session, principal, "create", "staff", member.id)
    return member
