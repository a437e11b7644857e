"""Family-doctor teams and contracts as FHIR R4 (read-only over FHIR).

- CareTeam ``<team id>``: a family-doctor team (家庭医生团队): its members as participants
  (Practitioner, with their team role and the days they served), the institution as
  managingOrganization.
- Contract ``<contract id>``: a resident's family-doctor contract (家庭医生签约服务协议). A
  contract is an agreement with a term, parties, service packages and fees, which is what
  FHIR ``Contract`` models; ``Consent`` records a person's agreement to data sharing or
  treatment, not a service agreement (see docs/fhir.md). The service packages the contract
  was signed with (the basic package and the personalised ones, at their revision) are its
  terms: one term for the agreement with the parties, one nested term per package with its
  fee split and its service items.

Contracts are signed, renewed, changed and terminated in Jiceng (web, API), where consent is
recorded and the one-family-doctor rule is checked; FHIR clients read and search them.
"""

from __future__ import annotations

from jiceng.contracts.fhir.care_teams import CareTeamHandler, StaffNames, care_team
from jiceng.contracts.fhir.contract import ContractHandler, contract_resource
from jiceng.contracts.fhir.packages import Packages
from jiceng.core.fhir import resources

__all__ = ["CareTeamHandler", "ContractHandler", "Packages", "StaffNames", "care_team", "contract_resource"]

resources.register(CareTeamHandler())
resources.register(ContractHandler())
