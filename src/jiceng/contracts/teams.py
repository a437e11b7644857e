"""Family-doctor teams: a family doctor, a community nurse, a public-health physician
and helpers, at a primary institution, with a panel limit (spec §7.2)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jiceng.contracts import codes, repository
from jiceng.contracts.models import Team, TeamMember
from jiceng.contracts.permissions import MANAGE_TEAMS, READ
from jiceng.contracts.schemas import TeamMemberView, TeamView
from jiceng.core import audit
from jiceng.core import validators as v
from jiceng.core.clock import local_today
from jiceng.core.errors import ErrorCollector, FieldError, Forbidden, NotFound, ValidationFailed
from jiceng.core.permissions import ScopeKind
from jiceng.core.region_config import get_setting
from jiceng.core.security import Principal
from jiceng.registry import service as registry

PRIMARY_KINDS = ("township_hospital", "community_center", "village_clinic", "community_station")
DEFAULT_PANEL_LIMIT = 2000
MAX_PANEL_LIMIT = 10000

# Which staff profiles can hold each role (registry profession, practice category).
DOCTOR_KIND_RULES: dict[str, tuple[set[str], set[str] | None]] = {
    "gp": ({"physician"}, {"clinical", ""}),
    "clinician": ({"physician"}, {"clinical", "dental", ""}),
    "tcm": ({"physician"}, {"tcm"}),
    "village_doctor": ({"village_doctor", "physician"}, None),
    "retired_clinician": ({"physician"}, None),
}
ROLE_PROFESSIONS: dict[str, set[str] | None] = {
    "nurse": {"nurse"},
    "public_health": {"public_health_physician", "physician"},
    "village_doctor": {"village_doctor", "physician"},
    "specialist": {"physician"},
    "mch_doctor": {"physician", "nurse"},
    "pharmacist": {"pharmacist"},
    "dietitian": None,
    "helper": None,
}


def related_institutions(session: Session, institution_id: uuid.UUID) -> set[uuid.UUID]:
    """An institution, its parent and its children (乡村一体化: a township hospital and its village clinics)."""
    found = {institution_id}
    institution = registry.find_institution(session, institution_id)
    if institution is not None and institution.parent_id:
        found.add(institution.parent_id)
    for child in registry.list_institutions(session, institution.division_code[:9] if institution else None):
        if child.parent_id == institution_id:
            found.add(child.id)
    return found


def may_manage(session: Session, principal: Principal, institution_id: uuid.UUID) -> bool:
    if not principal.can(MANAGE_TEAMS):
        return False
    if principal.scope is ScopeKind.ALL:
        return True
    return principal.institution_id is not None and principal.institution_id in related_institutions(session, institution_id)


def _staff_member(session: Session, staff_id: Any) -> Any:
    try:
        return registry.get_staff(session, uuid.UUID(str(staff_id)))
    except (NotFound, ValueError):
        return None


def _check_members(
    session: Session, errors: ErrorCollector, institution_id: uuid.UUID | None, doctor: Any, members: Sequence[Mapping[str, Any]]
) -> list[tuple[uuid.UUID, str]]:
    allowed = related_institutions(session, institution_id) if institution_id else set()
    result: list[tuple[uuid.UUID, str]] = []
    if doctor is not None:
        result.append((doctor.id, "family_doctor"))
    for index, member in enumerate(members):
        role = v.check_code(errors, f"members.{index}.role", codes.MEMBER_ROLE, member.get("role"), required=True)
        staff = _staff_member(session, member.get("staff_id"))
        if staff is None:
            errors.add(f"members.{index}.staff_id", "unknown_staff", "团队成员：人员不存在", "Team member: staff member does not exist")
            continue
        if role is None or role == "family_doctor" or any(staff.id == s for s, _ in result):
            if role == "family_doctor":
                errors.add(
                    f"members.{index}.role",
                    "second_doctor",
                    "团队成员：每个团队只有一名家庭医生（团队长）",
                    "Team member: a team has one family doctor (its leader)",
                )
            continue
        professions = ROLE_PROFESSIONS.get(role)
        if professions is not None and staff.profession not in professions:
            errors.add(
                f"members.{index}.role",
                "profession_mismatch",
                f"团队成员：{staff.name} 的人员类别不能担任“{codes.MEMBER_ROLE.label(role)}”",
                f"Team member: {staff.name}'s profession cannot take the role “{codes.MEMBER_ROLE.label(role, 'en')}”",
            )
        if allowed and staff.institution_id not in allowed:
            errors.add(
                f"members.{index}.staff_id",
                "other_institution",
                f"团队成员：{staff.name} 不属于本机构或其下属村卫生室",
                f"Team member: {staff.name} is not at this institution or one of its village clinics",
            )
        result.append((staff.id, role))
    roles = {role for _, role in result}
    for needed in ("nurse", "public_health"):
        if needed not in roles:
            label = codes.MEMBER_ROLE.entries[needed]
            errors.add("members", "missing_role", f"团队成员：缺少{label[0]}", f"Team members: a {label[1].lower()} is required")
    return result


def create_team(session: Session, principal: Principal, data: Mapping[str, Any], *, today: date | None = None) -> Team:
    principal.require(MANAGE_TEAMS)
    today = today or local_today()
    errors = ErrorCollector()
    name = v.text(data.get("name"))
    if not name or len(name) > 100:
        errors.add("name", "required", "团队名称：必填，最多100字", "Team name: required, at most 100 characters")
    institution = None
    institution_id = data.get("institution_id") or principal.institution_id
    if institution_id:
        institution = registry.find_institution(session, uuid.UUID(str(institution_id)))
    if institution is None or institution.kind not in PRIMARY_KINDS:
        errors.add(
            "institution_id", "unknown_institution", "所在机构：必须是基层医疗卫生机构", "Institution: must be a primary-care institution"
        )
    elif not may_manage(session, principal, institution.id):
        raise Forbidden("为该机构建立团队", "creating teams for this institution")
    doctor = _staff_member(session, data.get("doctor_staff_id"))
    kind = v.check_code(errors, "doctor_kind", codes.DOCTOR_KIND, data.get("doctor_kind"), required=True)
    if doctor is None:
        errors.add("doctor_staff_id", "required", "家庭医生：必填，须为已登记人员", "Family doctor: required, a registered staff member")
    elif kind is not None:
        professions, categories = DOCTOR_KIND_RULES[kind]
        if doctor.profession not in professions or (categories is not None and doctor.practice_category not in categories):
            errors.add(
                "doctor_kind",
                "profession_mismatch",
                f"家庭医生类别：{doctor.name} 的执业类别与“{codes.DOCTOR_KIND.label(kind)}”不符",
                f"Family doctor type: {doctor.name}'s practice does not match “{codes.DOCTOR_KIND.label(kind, 'en')}”",
            )
        elif repository.team_led_by(session, doctor.id) is not None:
            errors.add(
                "doctor_staff_id",
                "already_leads",
                f"家庭医生：{doctor.name} 已是其他团队的团队长",
                f"Family doctor: {doctor.name} already leads a team",
            )
    limit = _panel_limit(session, errors, data.get("panel_limit"))
    established = v.check_date(
        errors, "established_on", ("成立日期", "Established on"), data.get("established_on") or today, required=True, not_after=today
    )
    members = _check_members(session, errors, institution.id if institution else None, doctor, list(data.get("members") or []))
    code = v.text(data.get("code"))
    if code and not re.fullmatch(r"[0-9A-Za-z-]{3,32}", code):
        errors.add("code", "invalid_format", "团队编号：3-32位字母、数字或-", "Team code: 3-32 letters, digits or -")
    errors.raise_if_any()
    assert institution is not None and doctor is not None and kind is not None and established is not None
    team = Team(
        code=code or f"{institution.code[:24]}-T{repository.next_team_serial(session, institution.id):02d}",
        name=name,
        institution_id=institution.id,
        doctor_staff_id=doctor.id,
        doctor_kind=kind,
        panel_limit=limit,
        status="active",
        established_on=established,
        notes=v.text(data.get("notes"))[:300],
    )
    session.add(team)
    session.flush()
    for staff_id, role in members:
        session.add(TeamMember(team_id=team.id, staff_id=staff_id, role=role, joined_on=established))
    session.flush()
    audit.record(session, principal, "create", "contract_team", team.id, detail={"members": len(members)})
    return team


def _panel_limit(session: Session, errors: ErrorCollector, value: Any) -> int:
    if v.blank(value):
        return int(get_setting(session, "contracts.default_panel_limit", DEFAULT_PANEL_LIMIT))
    try:
        limit = int(str(value).strip())
    except ValueError:
        limit = -1
    if not 1 <= limit <= MAX_PANEL_LIMIT:
        errors.add(
            "panel_limit",
            "out_of_range",
            f"签约人数上限：应为 1-{MAX_PANEL_LIMIT} 的整数",
            f"Panel limit: must be a whole number from 1 to {MAX_PANEL_LIMIT}",
        )
    return limit


def _managed_team(session: Session, principal: Principal, team_id: uuid.UUID) -> Team:
    principal.require(MANAGE_TEAMS)
    team = repository.team(session, team_id)
    if team is None:
        raise NotFound("家庭医生团队", "team")
    if not may_manage(session, principal, team.institution_id):
        raise Forbidden("管理该团队", "managing this team")
    return team


def add_member(
    session: Session, principal: Principal, team_id: uuid.UUID, staff_id: uuid.UUID, role: str, on: date | None = None
) -> TeamMember:
    team = _managed_team(session, principal, team_id)
    errors = ErrorCollector()
    current = [(m.staff_id, m.role) for m in repository.members(session, [team.id])]
    doctor = next((_staff_member(session, s) for s, r in current if r == "family_doctor"), None)
    checked = _check_members(session, errors, team.institution_id, doctor, [{"staff_id": staff_id, "role": role}])
    errors.errors = [e for e in errors.errors if e.code != "missing_role"]
    if any(s == staff_id for s, _ in current):
        errors.add("members.0.staff_id", "already_member", "团队成员：该人员已在团队中", "Team member: already in the team")
    errors.raise_if_any()
    member = TeamMember(team_id=team.id, staff_id=checked[-1][0], role=checked[-1][1], joined_on=on or local_today())
    session.add(member)
    session.flush()
    audit.record(session, principal, "add_member", "contract_team", team.id, detail={"staff_id": str(staff_id), "role": role})
    return member


def remove_member(session: Session, principal: Principal, team_id: uuid.UUID, staff_id: uuid.UUID, on: date | None = None) -> None:
    team = _managed_team(session, principal, team_id)
    current = repository.members(session, [team.id])
    member = next((m for m in current if m.staff_id == staff_id), None)
    if member is None:
        raise NotFound("团队成员", "team member")
    remaining = {m.role for m in current if m is not member}
    if member.role in codes.CORE_ROLES and member.role not in remaining:
        label = codes.MEMBER_ROLE.entries[member.role]
        raise ValidationFailed(
            [
                FieldError(
                    "staff_id", "last_core_member", f"团队成员：团队不能没有{label[0]}", f"Team member: the team needs a {label[1].lower()}"
                )
            ]
        )
    member.left_on = on or local_today()
    session.flush()
    audit.record(session, principal, "remove_member", "contract_team", team.id, detail={"staff_id": str(staff_id)})


def team_view(session: Session, team: Team, panel: int | None = None) -> TeamView:
    institution = registry.find_institution(session, team.institution_id)
    staff = {m.staff_id: m for m in repository.members(session, [team.id])}
    people = {s: _staff_member(session, s) for s in {team.doctor_staff_id, *staff}}
    doctor = people.get(team.doctor_staff_id)
    if panel is None:
        panel = repository.panel_sizes(session, [team.id], local_today()).get(team.id, 0)
    return TeamView(
        id=team.id,
        version=team.version,
        code=team.code,
        name=team.name,
        institution_id=team.institution_id,
        institution_name=institution.name if institution else "",
        doctor_staff_id=team.doctor_staff_id,
        doctor_name=doctor.name if doctor else "",
        doctor_kind=team.doctor_kind,
        panel_limit=team.panel_limit,
        panel_size=panel,
        status=team.status,
        established_on=team.established_on,
        notes=team.notes,
        members=[
            TeamMemberView(
                staff_id=m.staff_id,
                name=people[m.staff_id].name if people.get(m.staff_id) else "",
                role=m.role,
                profession=people[m.staff_id].profession if people.get(m.staff_id) else "",
                institution_id=people[m.staff_id].institution_id if people.get(m.staff_id) else None,
                joined_on=m.joined_on,
                left_on=m.left_on,
            )
            for m in sorted(staff.values(), key=lambda m: list(codes.MEMBER_ROLE).index(m.role))
        ],
    )


def get_team(session: Session, principal: Principal, team_id: uuid.UUID) -> TeamView:
    principal.require(READ)
    team = repository.team(session, team_id)
    if team is None:
        raise NotFound("家庭医生团队", "team")
    return team_view(session, team)


def visible_institutions(session: Session, principal: Principal) -> list[uuid.UUID] | None:
    """Institutions whose teams the principal works with (None: every institution)."""
    if principal.scope is ScopeKind.ALL:
        return None
    if principal.institution_id is None:
        return []
    return sorted(related_institutions(session, principal.institution_id))


def _teams_for(session: Session, principal: Principal, institutions: list[uuid.UUID] | None, status: str | None) -> list[Team]:
    if institutions is None:
        return list(repository.teams(session, status=status))
    if not institutions and principal.staff_id is None:
        return []
    return list(repository.teams(session, institution_ids=institutions, staff_id=principal.staff_id, status=status))


def list_teams(
    session: Session, principal: Principal, institution_id: uuid.UUID | None = None, status: str | None = "active"
) -> list[TeamView]:
    principal.require(READ)
    institutions = visible_institutions(session, principal)
    if institution_id is not None:
        institutions = [institution_id] if institutions is None or institution_id in institutions else []
    found = _teams_for(session, principal, institutions, status)
    sizes = repository.panel_sizes(session, [t.id for t in found], local_today())
    return [team_view(session, t, sizes.get(t.id, 0)) for t in found]


def my_teams(session: Session, principal: Principal) -> list[Team]:
    """Teams the principal belongs to, or (without membership) those of their institution."""
    if principal.staff_id is not None:
        mine = list(repository.teams(session, staff_id=principal.staff_id))
        if mine:
            return mine
    return _teams_for(session, principal, visible_institutions(session, principal), "active")
