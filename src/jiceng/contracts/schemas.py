"""Shapes of the contracts domain: views the services return, and API request bodies.

Request bodies are lenient (text or numbers); the services validate every field and
answer in Chinese and English naming it.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


# ---- views ------------------------------------------------------------------


class TeamMemberView(BaseModel):
    staff_id: uuid.UUID
    name: str
    role: str
    profession: str
    institution_id: uuid.UUID | None
    joined_on: date
    left_on: date | None = None


class TeamView(BaseModel):
    id: uuid.UUID
    version: int
    code: str
    name: str
    institution_id: uuid.UUID
    institution_name: str
    doctor_staff_id: uuid.UUID
    doctor_name: str
    doctor_kind: str
    panel_limit: int
    panel_size: int
    status: str
    established_on: date
    notes: str = ""
    members: list[TeamMemberView] = Field(default_factory=list)


class PackageItemView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    seq: int
    code: str
    name: str
    category: str
    times_per_year: int
    applies_to: str | None
    link_kind: str


class PackageView(BaseModel):
    id: uuid.UUID
    code: str
    revision: int
    kind: str
    name: str
    county_code: str | None
    description: str
    fee_total: int
    fee_insurance: int
    fee_government: int
    fee_resident: int
    target_groups: list[str]
    status: str
    effective_from: date | None
    effective_to: date | None
    items: list[PackageItemView] = Field(default_factory=list)

    @property
    def fee_total_yuan(self) -> str:
        return yuan(self.fee_total)

    def fee_yuan(self, payer: str) -> str:
        return yuan(int(getattr(self, f"fee_{payer}")))


class ContractSummary(BaseModel):
    id: uuid.UUID
    contract_number: str
    resident_id: uuid.UUID
    resident_name: str
    village_code: str = ""
    team_id: uuid.UUID
    team_name: str = ""
    signed_on: date
    start_date: date
    end_date: date
    ended_on: date
    status: str  # the effective status on the day it was read ("expired" when past its end)
    continuity: str
    sign_mode: str


class ItemStatus(BaseModel):
    item_id: uuid.UUID
    package_code: str
    code: str
    name: str
    category: str
    times_per_year: int
    due: int  # deliveries due by the reference day
    delivered: int
    overdue: int
    next_due: date | None


class DeliveryView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    item_id: uuid.UUID
    delivered_on: date
    staff_id: uuid.UUID | None
    status: str
    amends_id: uuid.UUID | None
    source_kind: str
    source_record_id: uuid.UUID | None
    note: str
    recorded_by: str


class ContractView(ContractSummary):
    version: int
    doctor_staff_id: uuid.UUID
    doctor_name: str
    institution_id: uuid.UUID
    institution_name: str
    household_id: uuid.UUID | None
    sign_group_id: uuid.UUID | None
    previous_contract_id: uuid.UUID | None
    next_contract_id: uuid.UUID | None = None
    terminated_on: date | None
    termination_reason: str | None
    termination_note: str
    consent_kind: str
    consent_id: uuid.UUID | None
    signatory_name: str
    signatory_relation: str
    fee_resident: int
    signed_by: str
    key_groups: list[str] = Field(default_factory=list)
    packages: list[PackageView] = Field(default_factory=list)
    items: list[ItemStatus] = Field(default_factory=list)
    deliveries: list[DeliveryView] = Field(default_factory=list)


class WorklistRow(BaseModel):
    contract_id: uuid.UUID
    resident_id: uuid.UUID
    resident_name: str
    team_name: str
    end_date: date
    overdue_items: list[str] = Field(default_factory=list)
    overdue_count: int = 0
    days_left: int = 0


class Worklist(BaseModel):
    reference_date: date
    teams: list[str]
    overdue: list[WorklistRow]
    overdue_total: int
    expiring: list[WorklistRow]
    expiring_total: int


class MarkView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    resident_id: uuid.UUID
    group_code: str
    source: str
    list_name: str
    valid_from: date
    valid_to: date | None
    note: str
    recorded_by: str


class ResidentContractStatus(BaseModel):
    resident_id: uuid.UUID
    reference_date: date
    key_groups: list[str]
    current: ContractSummary | None
    history: list[ContractSummary]
    marks: list[MarkView]


# ---- API request bodies -------------------------------------------------------

Text = str | int | float | None
DateText = str | date | None


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def provided(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class TeamMemberIn(Body):
    staff_id: uuid.UUID
    role: str


class TeamWrite(Body):
    name: str | None = None
    code: str | None = None
    institution_id: uuid.UUID | None = None
    doctor_staff_id: uuid.UUID | None = None
    doctor_kind: str | None = None
    panel_limit: Text = None
    established_on: DateText = None
    notes: str | None = None
    members: list[TeamMemberIn] = Field(default_factory=list)


class PackageItemIn(Body):
    code: str | None = None
    name: str | None = None
    category: str | None = None
    times_per_year: Text = 0
    applies_to: str | None = None
    link_kind: str | None = None


class PackageWrite(Body):
    code: str | None = None
    kind: str | None = None
    name: str | None = None
    county_code: str | None = None
    description: str | None = None
    fee_insurance: Text = Field(None, description="yuan, e.g. 60 or 12.50")
    fee_government: Text = Field(None, description="yuan")
    fee_resident: Text = Field(None, description="yuan")
    target_groups: list[str] = Field(default_factory=list)
    items: list[PackageItemIn] = Field(default_factory=list)


class PublishWrite(Body):
    effective_from: DateText = None


class SignWrite(Body):
    resident_id: uuid.UUID
    team_id: uuid.UUID | None = None
    package_ids: list[uuid.UUID] = Field(default_factory=list)
    consent_id: uuid.UUID | None = None
    signatory_name: str | None = None
    signatory_relation: str | None = None
    signed_on: DateText = None
    start_date: DateText = None


class HouseholdSignWrite(Body):
    team_id: uuid.UUID | None = None
    member_ids: list[uuid.UUID] | None = None
    package_ids: list[uuid.UUID] = Field(default_factory=list)
    consent_id: uuid.UUID | None = None
    signatory_name: str | None = None
    signed_on: DateText = None
    start_date: DateText = None


class RenewWrite(Body):
    team_id: uuid.UUID | None = None
    package_ids: list[uuid.UUID] | None = None
    consent_id: uuid.UUID | None = None
    signatory_name: str | None = None
    signatory_relation: str | None = None
    signed_on: DateText = None


class ChangeTeamWrite(Body):
    team_id: uuid.UUID | None = None
    change_date: DateText = None
    consent_id: uuid.UUID | None = None
    signatory_name: str | None = None
    signatory_relation: str | None = None
    note: str | None = None


class TerminateWrite(Body):
    reason: str | None = None
    note: str | None = None
    terminated_on: DateText = None


class DeliveryWrite(Body):
    item_id: uuid.UUID | None = None
    delivered_on: DateText = None
    note: str | None = None
    source_kind: str | None = None
    source_record_id: uuid.UUID | None = None


class MarkWrite(Body):
    resident_id: uuid.UUID
    group_code: str | None = None
    source: str | None = None
    list_name: str | None = None
    valid_from: DateText = None
    valid_to: DateText = None
    note: str | None = None


class CardScan(Body):
    token: str
