"""Family-doctor teams, service packages, contracts, fulfilment, population marks, cards.

Every table is sync-ready (SyncMixin). Other domains' records (residents, staff,
institutions) are referred to by id without a foreign key, so a node can receive
the rows of each domain in any order.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from jiceng.core.db import Base
from jiceng.core.outbox import SyncMixin


class Team(SyncMixin, Base):
    """A family-doctor team (家庭医生团队) at a primary institution."""

    __tablename__ = "contracts_team"
    __table_args__ = (Index("ix_contracts_team_institution", "institution_id", "status"),)

    code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    institution_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    doctor_staff_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    doctor_kind: Mapped[str] = mapped_column(String(20), nullable=False)
    # The most residents the team may have under contract at once.
    panel_limit: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="active")
    established_on: Mapped[date] = mapped_column(Date, nullable=False)
    dissolved_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str] = mapped_column(String(300), nullable=False, default="")


class TeamMember(SyncMixin, Base):
    __tablename__ = "contracts_team_member"
    __table_args__ = (
        Index("ix_contracts_team_member_staff", "staff_id", "team_id"),
        Index("ix_contracts_team_member_team", "team_id"),
    )

    team_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("contracts_team.id"), nullable=False)
    staff_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    joined_on: Mapped[date] = mapped_column(Date, nullable=False)
    left_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class Package(SyncMixin, Base):
    """A service package (服务包) revision. Published revisions never change."""

    __tablename__ = "contracts_package"
    __table_args__ = (UniqueConstraint("code", "revision", name="uq_contracts_package_code_revision"),)

    code: Mapped[str] = mapped_column(String(32), nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    # NULL: the whole region (the basic package); else the county that defines it.
    county_code: Mapped[str | None] = mapped_column(String(12), nullable=True)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # Fees per person per contract year, in fen (分); the three payers add up to the total.
    fee_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    fee_insurance: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    fee_government: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    fee_resident: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    target_groups: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="draft")
    effective_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)


class PackageItem(SyncMixin, Base):
    __tablename__ = "contracts_package_item"
    __table_args__ = (Index("ix_contracts_package_item_package", "package_id", "seq"),)

    package_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("contracts_package.id"), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    code: Mapped[str] = mapped_column(String(32), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    category: Mapped[str] = mapped_column(String(24), nullable=False)
    # Deliveries due per contract year; 0 means on demand (never overdue).
    times_per_year: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # A key-population code: the item is due only for residents in that group.
    applies_to: Mapped[str | None] = mapped_column(String(32), nullable=True)
    link_kind: Mapped[str] = mapped_column(String(24), nullable=False, default="none")


class Consent(SyncMixin, Base):
    """A consent attachment: a signature image or a scan of the signed paper contract."""

    __tablename__ = "contracts_consent"

    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    filename: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    content_type: Mapped[str] = mapped_column(String(64), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    uploaded_by: Mapped[str] = mapped_column(String(100), nullable=False)


class Contract(SyncMixin, Base):
    """One resident's contract with a team for one service period (normally a year)."""

    __tablename__ = "contracts_contract"
    __table_args__ = (
        # One active contract (one family doctor) per resident at a time (2018 guideline).
        Index(
            "uq_contracts_contract_active_resident",
            "resident_id",
            unique=True,
            sqlite_where=text("status = 'active' AND deleted_at IS NULL"),
            postgresql_where=text("status = 'active' AND deleted_at IS NULL"),
        ),
        Index("ix_contracts_contract_resident", "resident_id", "start_date"),
        Index("ix_contracts_contract_team", "team_id", "status", "end_date"),
        # Only household signings have a group: a partial index stays small.
        Index(
            "ix_contracts_contract_group",
            "sign_group_id",
            sqlite_where=text("sign_group_id IS NOT NULL"),
            postgresql_where=text("sign_group_id IS NOT NULL"),
        ),
    )

    contract_number: Mapped[str] = mapped_column(String(24), unique=True, nullable=False)
    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    team_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("contracts_team.id"), nullable=False)
    doctor_staff_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    institution_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    basic_package_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("contracts_package.id"), nullable=False)
    sign_mode: Mapped[str] = mapped_column(String(12), nullable=False, default="individual")
    household_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    # Contracts signed together (a household) share this id.
    sign_group_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    continuity: Mapped[str] = mapped_column(String(16), nullable=False, default="new")
    previous_contract_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    signed_on: Mapped[date] = mapped_column(Date, nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    # The last day the contract is in force: end_date, or earlier after a termination
    # or a change of team. "In force on d" is start_date <= d <= ended_on.
    ended_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="active")
    terminated_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    termination_reason: Mapped[str | None] = mapped_column(String(24), nullable=True)
    termination_note: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    consent_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    consent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("contracts_consent.id"), nullable=True)
    signatory_name: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    signatory_relation: Mapped[str] = mapped_column(String(12), nullable=False, default="self")
    fee_resident: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    signed_by: Mapped[str] = mapped_column(String(100), nullable=False, default="")


class ContractPackage(SyncMixin, Base):
    """A personalised package added to a contract (the basic package is always included)."""

    __tablename__ = "contracts_contract_package"
    __table_args__ = (UniqueConstraint("contract_id", "package_id", name="uq_contracts_contract_package_pair"),)

    contract_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("contracts_contract.id"), nullable=False)
    package_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("contracts_package.id"), nullable=False)


class Delivery(SyncMixin, Base):
    """One delivery of a package item (append-only; a correction voids it with a new row)."""

    __tablename__ = "contracts_delivery"
    __table_args__ = (Index("ix_contracts_delivery_contract", "contract_id", "item_id"),)

    contract_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("contracts_contract.id"), nullable=False)
    item_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("contracts_package_item.id"), nullable=False)
    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    delivered_on: Mapped[date] = mapped_column(Date, nullable=False)
    staff_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    # "delivered", or "void" for a row that cancels the one named by amends_id.
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="delivered")
    amends_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    # The other domain's record that shows the delivery (a follow-up, a health check).
    source_kind: Mapped[str] = mapped_column(String(24), nullable=False, default="none")
    source_record_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    note: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    recorded_by: Mapped[str] = mapped_column(String(100), nullable=False, default="")


class PopulationMark(SyncMixin, Base):
    """Membership of a key population that other authorities list (pregnancy, 脱贫人口,
    计生特殊家庭), with its provenance and validity."""

    __tablename__ = "contracts_population_mark"
    __table_args__ = (Index("ix_contracts_population_mark_resident", "resident_id", "group_code"),)

    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    group_code: Mapped[str] = mapped_column(String(32), nullable=False)
    source: Mapped[str] = mapped_column(String(100), nullable=False)
    list_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    recorded_by: Mapped[str] = mapped_column(String(100), nullable=False, default="")


class HealthCard(SyncMixin, Base):
    """An issued e-health card (电子健康卡): the claims its QR token is signed from."""

    __tablename__ = "contracts_health_card"
    __table_args__ = (Index("ix_contracts_health_card_resident", "resident_id", "expires_at"),)

    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    token_id: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    institution_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CardAccess(SyncMixin, Base):
    """Time-limited access to one resident's record, granted by scanning their card."""

    __tablename__ = "contracts_card_access"
    __table_args__ = (Index("ix_contracts_card_access_user", "user_id", "expires_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    username: Mapped[str] = mapped_column(String(100), nullable=False)
    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    institution_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    card_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
