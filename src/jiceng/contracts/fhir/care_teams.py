"""Family-doctor teams as CareTeam ``<team id>`` (read-only)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jiceng.contracts import codes, repository
from jiceng.contracts.fhir.codings import LOINC_CARE_TEAM, TEAM_CODE, coding, concept, identifier_values, period
from jiceng.contracts.fhir.contract import resident_contracts
from jiceng.contracts.models import Contract, Team, TeamMember
from jiceng.contracts.permissions import READ
from jiceng.contracts.teams import visible_institutions
from jiceng.core.errors import NotFound
from jiceng.core.fhir import systems
from jiceng.core.fhir.outcome import not_found
from jiceng.core.fhir.query import last_updated, page_start, record_page, reference_uuids, unsupported, uuids
from jiceng.core.fhir.resources import Include, ResourceHandler, SearchPage, SearchParam, meta
from jiceng.core.fhir.search import SearchRequest, token
from jiceng.core.ids import parse_id
from jiceng.core.security import Principal
from jiceng.registry import service as registry


class StaffNames:
    """Staff display names, looked up once per request."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.found: dict[uuid.UUID, str] = {}

    def __call__(self, staff_id: uuid.UUID) -> str:
        if staff_id not in self.found:
            try:
                self.found[staff_id] = str(registry.get_staff(self.session, staff_id).name)
            except NotFound:
                self.found[staff_id] = ""
        return self.found[staff_id]


def care_team(team: Team, members: Sequence[TeamMember], names: StaffNames) -> dict[str, Any]:
    order = list(codes.MEMBER_ROLE)
    participants = []
    for m in sorted(members, key=lambda m: (order.index(m.role) if m.role in order else len(order), m.joined_on, str(m.staff_id))):
        name = names(m.staff_id)
        participants.append(
            {
                "role": [concept(codes.MEMBER_ROLE, m.role)],
                "member": {"reference": f"Practitioner/{m.staff_id}", **({"display": name} if name else {})},
                "period": period(m.joined_on, m.left_on),
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "CareTeam",
        "id": str(team.id),
        "meta": meta(team.version, team.updated_at),
        "extension": [
            {"url": systems.extension("family-doctor-kind"), "valueCoding": coding(codes.DOCTOR_KIND, team.doctor_kind)},
            {"url": systems.extension("panel-limit"), "valueInteger": team.panel_limit},
        ],
        "identifier": [{"system": TEAM_CODE, "value": team.code}],
        "status": "active" if team.status == "active" else "inactive",
        "category": [
            {"coding": [{"system": systems.LOINC, "code": LOINC_CARE_TEAM[0], "display": LOINC_CARE_TEAM[1]}]},
            {"coding": [{"system": systems.code_system("care-team-kind"), "code": "family-doctor-team", "display": "家庭医生团队"}]},
        ],
        "name": team.name,
        "period": period(team.established_on, team.dissolved_on),
        "participant": participants,
        "managingOrganization": [{"reference": f"Organization/{team.institution_id}"}],
    }
    if team.notes:
        resource["note"] = [{"text": team.notes}]
    return resource


def _members(session: Session, team_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[TeamMember]]:
    by_team: dict[uuid.UUID, list[TeamMember]] = {t: [] for t in team_ids}
    for m in repository.members(session, list(team_ids), current_only=False):
        by_team[m.team_id].append(m)
    return by_team


def _care_teams(session: Session, teams: Sequence[Team]) -> list[dict[str, Any]]:
    members, names = _members(session, [t.id for t in teams]), StaffNames(session)
    return [care_team(t, members[t.id], names) for t in teams]


class CareTeamHandler(ResourceHandler):
    """Family-doctor teams (家庭医生团队), read-only."""

    resource_type: ClassVar[str] = "CareTeam"
    interactions: ClassVar[frozenset[str]] = frozenset({"read", "search-type"})
    documentation: ClassVar[str] = (
        f"Family-doctor teams (家庭医生团队), read-only: identifier {TEAM_CODE}; category LOINC LA28865-6 and "
        "CodeSystem/care-team-kind#family-doctor-team; participant = each member (Practitioner) with role "
        "CodeSystem/team-member-role (family_doctor = the leader, nurse, public_health, …) and the period served; "
        "managingOrganization = the institution. Search lists the teams of the caller's institution (its parent and village "
        "clinics) and those the caller belongs to."
    )
    search_params: ClassVar[dict[str, SearchParam]] = {
        "_id": SearchParam("token", "Resource id"),
        "identifier": SearchParam("token", f"Team code ({TEAM_CODE}|code)"),
        "name": SearchParam("string", "Team name (contains)"),
        "status": SearchParam("token", "active | inactive"),
        "participant": SearchParam("reference", "A member (Practitioner/id)", "Practitioner"),
        "organization": SearchParam("reference", "The team's institution", "Organization"),
        "_lastUpdated": SearchParam("date", "Last change time"),
    }

    def __init__(self) -> None:
        super().__init__(
            includes={
                "participant": Include("Practitioner", lambda r: [p["member"]["reference"] for p in r.get("participant", [])]),
                "organization": Include("Organization", lambda r: [o["reference"] for o in r.get("managingOrganization", [])]),
            }
        )

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        principal.require(READ)
        key = parse_id(resource_id)
        team = repository.team(session, key) if key else None
        if team is None:
            raise not_found("CareTeam", resource_id)
        return _care_teams(session, [team])[0]

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        _position, after = page_start(request, whole=True)
        if not principal.can(READ):
            return SearchPage([])
        stmt = select(Team).where(Team.deleted_at.is_(None))
        institutions = visible_institutions(session, principal)
        if institutions is not None:
            mine = [Team.institution_id.in_(institutions)] if institutions else []
            if principal.staff_id is not None:
                mine.append(Team.id.in_(repository.member_team_ids(principal.staff_id)))
            if not mine:
                return SearchPage([])
            stmt = stmt.where(or_(*mine))
        for name, values in request.params.items():
            for value in values:
                stmt = stmt.where(self._condition(name, value))
        page, more = record_page(session, stmt, Team, after, request.count)
        return SearchPage(_care_teams(session, page), more)

    @staticmethod
    def _condition(name: str, value: str) -> Any:
        base = name.split(":")[0]
        if base == "_id":
            return Team.id.in_(uuids(value))
        if base == "identifier":
            return Team.code.in_(identifier_values(value, TEAM_CODE))
        if base == "name":
            return or_(*(Team.name.contains(v.strip()) for v in value.split(",") if v.strip()), Team.id.is_(None))
        if base == "status":
            wanted = {token(v)[1] for v in value.split(",")}
            return Team.status.in_([s for s, fhir in (("active", "active"), ("dissolved", "inactive")) if fhir in wanted])
        if base == "participant":
            members = select(TeamMember.team_id).where(
                TeamMember.staff_id.in_(reference_uuids(value, "Practitioner", base)), TeamMember.deleted_at.is_(None)
            )
            return Team.id.in_(members)
        if base == "organization":
            return Team.institution_id.in_(reference_uuids(value, "Organization", base))
        if base == "_lastUpdated":
            return last_updated(Team.updated_at, value)
        raise unsupported(name)

    def everything(self, session: Session, principal: Principal, resource_id: str) -> list[dict[str, Any]]:
        """The teams the patient's contracts are with (those contracts are in the Contract entries)."""
        resident_id = parse_id(resource_id)
        if resident_id is None or not principal.can(READ):
            return []
        team_ids = resident_contracts(principal, resident_id).with_only_columns(Contract.team_id)
        teams = list(session.scalars(select(Team).where(Team.id.in_(team_ids), Team.deleted_at.is_(None)).order_by(Team.id)))
        return _care_teams(session, teams)
