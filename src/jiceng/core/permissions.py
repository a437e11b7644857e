"""Roles and their permissions: one declarative table (documented in docs/roles.md).

A permission says what a role may do; the scope (see ``core.scope``) says to which
residents. Both are checked in the service and repository layers, so every
interface (web, API, FHIR, CLI, exports, sync) inherits them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Perm(StrEnum):
    RESIDENT_READ = "resident.read"
    RESIDENT_READ_DEIDENTIFIED = "resident.read_deidentified"
    # Searching lists: identifiable results for readers, de-identified for supervisors.
    RESIDENT_SEARCH = "resident.search"
    RESIDENT_WRITE = "resident.write"
    RESIDENT_DELETE = "resident.delete"
    RESIDENT_IMPORT = "resident.import"
    RESIDENT_EXPORT = "resident.export"
    EXPORT_IDENTIFIABLE = "export.identifiable"
    REGISTRY_READ = "registry.read"
    REGISTRY_MANAGE = "registry.manage"
    INDICATORS_READ = "indicators.read"
    USERS_MANAGE = "users.manage"
    AUDIT_READ = "audit.read"
    ACCESS_LOG_READ = "audit.resident_access_log"
    SYNC_EXCHANGE = "sync.exchange"
    INTEGRATION_WRITE = "integration.write"


class ScopeKind(StrEnum):
    """Which residents a role can reach."""

    NONE = "none"  # no resident data at all
    CATCHMENT = "catchment"  # the institution's catchment villages (+ plug-in relations)
    RELATION = "relation"  # only residents linked to the person (referrals, consultations)
    DIVISION = "division"  # a supervisor's division, de-identified
    ALL = "all"  # the whole database (operators at the server console, integrations)


@dataclass(frozen=True)
class Role:
    code: str
    name_zh: str
    name_en: str
    scope: ScopeKind
    permissions: frozenset[str]
    machine: bool = False


_CLINICAL = frozenset(
    {
        Perm.RESIDENT_READ,
        Perm.RESIDENT_SEARCH,
        Perm.RESIDENT_WRITE,
        Perm.RESIDENT_EXPORT,
        Perm.REGISTRY_READ,
        Perm.INDICATORS_READ,
    }
)

ROLES: dict[str, Role] = {
    role.code: role
    for role in (
        Role("village_doctor", "乡村医生", "Village doctor", ScopeKind.CATCHMENT, _CLINICAL),
        Role(
            "family_doctor",
            "家庭医生/乡镇全科医生",
            "Family doctor / township GP",
            ScopeKind.CATCHMENT,
            _CLINICAL | {Perm.RESIDENT_IMPORT},
        ),
        Role("nurse", "护士", "Nurse", ScopeKind.CATCHMENT, _CLINICAL - {Perm.RESIDENT_EXPORT}),
        Role(
            "public_health",
            "公共卫生医师",
            "Public-health physician",
            ScopeKind.CATCHMENT,
            _CLINICAL | {Perm.RESIDENT_IMPORT},
        ),
        Role(
            "exam_operator",
            "体检站操作员",
            "Health-check station operator",
            ScopeKind.CATCHMENT,
            frozenset({Perm.RESIDENT_READ, Perm.RESIDENT_SEARCH, Perm.RESIDENT_WRITE, Perm.REGISTRY_READ}),
        ),
        Role(
            "specialist",
            "专科医生",
            "Specialist (county/city hospital)",
            ScopeKind.RELATION,
            frozenset({Perm.RESIDENT_READ, Perm.RESIDENT_SEARCH, Perm.REGISTRY_READ}),
        ),
        Role(
            "reader",
            "影像/心电诊断医师",
            "Imaging or ECG reader",
            ScopeKind.RELATION,
            frozenset({Perm.RESIDENT_READ, Perm.RESIDENT_SEARCH, Perm.REGISTRY_READ}),
        ),
        Role(
            "institution_admin",
            "机构管理员",
            "Institution administrator",
            ScopeKind.CATCHMENT,
            _CLINICAL
            | {
                Perm.RESIDENT_DELETE,
                Perm.RESIDENT_IMPORT,
                Perm.EXPORT_IDENTIFIABLE,
                Perm.ACCESS_LOG_READ,
                Perm.USERS_MANAGE,
            },
        ),
        Role(
            "supervisor_county",
            "县级卫健委督导",
            "County health-commission supervisor",
            ScopeKind.DIVISION,
            frozenset({Perm.RESIDENT_READ_DEIDENTIFIED, Perm.RESIDENT_SEARCH, Perm.REGISTRY_READ, Perm.INDICATORS_READ}),
        ),
        Role(
            "supervisor_city",
            "市级卫健委督导",
            "City health-commission supervisor",
            ScopeKind.DIVISION,
            frozenset({Perm.RESIDENT_READ_DEIDENTIFIED, Perm.RESIDENT_SEARCH, Perm.REGISTRY_READ, Perm.INDICATORS_READ}),
        ),
        Role(
            "system_admin",
            "系统管理员",
            "System administrator",
            ScopeKind.NONE,
            frozenset(
                {
                    Perm.REGISTRY_READ,
                    Perm.REGISTRY_MANAGE,
                    Perm.USERS_MANAGE,
                    Perm.AUDIT_READ,
                    Perm.ACCESS_LOG_READ,
                }
            ),
        ),
        Role(
            "sync_node",
            "同步节点",
            "Sync node (machine)",
            ScopeKind.CATCHMENT,
            frozenset({Perm.SYNC_EXCHANGE}),
            machine=True,
        ),
        Role(
            "integration_client",
            "集成客户端",
            "Integration client (machine)",
            ScopeKind.ALL,
            frozenset({Perm.RESIDENT_READ, Perm.RESIDENT_SEARCH, Perm.INTEGRATION_WRITE, Perm.REGISTRY_READ}),
            machine=True,
        ),
        # Not signed in: used to attribute failed sign-ins in the audit trail.
        Role("anonymous", "未登录", "Not signed in", ScopeKind.NONE, frozenset(), machine=True),
        # Whoever runs the CLI on the server already holds the database, so the
        # console's scope is everything; every action is still audited.
        Role(
            "console_operator",
            "控制台操作员",
            "Console operator",
            ScopeKind.ALL,
            frozenset(Perm),
            machine=True,
        ),
    )
}

HUMAN_ROLES = [code for code, role in ROLES.items() if not role.machine]


def role(code: str) -> Role:
    return ROLES[code]


def grant(role_code: str, *perms: Perm | str) -> None:
    """Let a later domain add its permissions to roles at import time.

    Keeps the table in one place per domain instead of scattering checks.
    """
    current = ROLES[role_code]
    ROLES[role_code] = Role(
        current.code,
        current.name_zh,
        current.name_en,
        current.scope,
        current.permissions | frozenset(str(p) for p in perms),
        current.machine,
    )
