"""The contracts domain's permissions (granted at import) and its two scope rules.

Permissions (see docs/contracts.md):

* ``contracts.read``: teams, packages, contracts, fulfilment, worklist;
* ``contracts.write``: sign, renew, change team, terminate, record deliveries;
* ``contracts.manage_teams``: create teams and change their members;
* ``contracts.manage_packages``: define, revise and publish service packages;
* ``contracts.population_marks``: record and import pregnancy / 脱贫 / 计生特殊家庭 lists;
* ``contracts.card_scan``: open a record by scanning its e-health card.

Scope rules (``core.scope``): a team member reaches the residents contracted to the
team; a card scan gives the scanning user a few hours' access to one resident.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from jiceng.contracts.codes import LIVE_STATUSES
from jiceng.contracts.models import CardAccess, Contract, TeamMember
from jiceng.core.permissions import Perm, ScopeKind, grant
from jiceng.core.scope import ResidentColumns, in_subquery, now_param, register_resident_rule, today_param
from jiceng.core.security import Principal

READ = "contracts.read"
WRITE = "contracts.write"
MANAGE_TEAMS = "contracts.manage_teams"
MANAGE_PACKAGES = "contracts.manage_packages"
MARKS = "contracts.population_marks"
CARD_SCAN = "contracts.card_scan"
INDICATORS = str(Perm.INDICATORS_READ)

CLINICAL = ("village_doctor", "family_doctor", "nurse", "public_health")
GRANTS: dict[str, tuple[str, ...]] = {
    "village_doctor": (READ, WRITE, CARD_SCAN),
    "family_doctor": (READ, WRITE, MARKS, CARD_SCAN),
    "nurse": (READ, WRITE, CARD_SCAN),
    "public_health": (READ, WRITE, MARKS, CARD_SCAN),
    "exam_operator": (CARD_SCAN,),
    "specialist": (CARD_SCAN,),
    "reader": (CARD_SCAN,),
    "institution_admin": (READ, WRITE, MANAGE_TEAMS, MARKS, CARD_SCAN),
    "system_admin": (READ, MANAGE_PACKAGES),
    "console_operator": (READ, WRITE, MANAGE_TEAMS, MANAGE_PACKAGES, MARKS, CARD_SCAN),
}
for _role, _perms in GRANTS.items():
    grant(_role, *_perms)

RULE_SCOPES = (ScopeKind.CATCHMENT, ScopeKind.RELATION)


def team_rule(principal: Principal, columns: ResidentColumns) -> Any:
    """Residents with a live contract to a team the principal's staff record belongs to."""
    if principal.staff_id is None or principal.scope not in RULE_SCOPES:
        return None
    today = today_param()
    contracted = (
        select(Contract.resident_id)
        .join(TeamMember, TeamMember.team_id == Contract.team_id)
        .where(
            TeamMember.staff_id == principal.staff_id,
            TeamMember.deleted_at.is_(None),
            or_(TeamMember.left_on.is_(None), TeamMember.left_on >= today),
            Contract.deleted_at.is_(None),
            Contract.status.in_(LIVE_STATUSES),
            Contract.ended_on >= today,
        )
    )
    return in_subquery(columns.id, contracted)


def card_rule(principal: Principal, columns: ResidentColumns) -> Any:
    """Residents whose e-health card this user scanned, until the access expires."""
    if principal.user_id is None or principal.scope not in RULE_SCOPES:
        return None
    granted = select(CardAccess.resident_id).where(
        CardAccess.user_id == principal.user_id,
        CardAccess.deleted_at.is_(None),
        CardAccess.expires_at > now_param(),
    )
    return in_subquery(columns.id, granted)


register_resident_rule("contract_team", team_rule)
register_resident_rule("contracts_card_access", card_rule)
