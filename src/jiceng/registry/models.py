"""Divisions, institutions, medical alliances and staff.

Tables are sync-ready (ARCHITECTURE §3): reference data is made at the region
and flows down to nodes through the same outbox as clinical records.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from jiceng.core.db import Base
from jiceng.core.outbox import SyncMixin


class Division(SyncMixin, Base):
    """An administrative division: province … village (统计用区划代码, 12 digits)."""

    __tablename__ = "registry_division"
    __table_args__ = (Index("ix_registry_division_parent", "parent_code", "code"),)

    # Always stored as the 12-digit statistical code, right-padded with zeros.
    code: Mapped[str] = mapped_column(String(12), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    level: Mapped[str] = mapped_column(String(10), nullable=False)
    parent_code: Mapped[str | None] = mapped_column(String(12), nullable=True)
    # 3-digit 城乡分类代码 (111 主城区 … 220 村庄), villages only.
    urban_rural_class: Mapped[str | None] = mapped_column(String(3), nullable=True)


class Institution(SyncMixin, Base):
    __tablename__ = "registry_institution"
    __table_args__ = (Index("ix_registry_institution_division", "division_code"),)

    code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    # Hospital grade (一级甲等 …); primary institutions are usually 未定级.
    grade: Mapped[str] = mapped_column(String(16), nullable=False, default="unrated")
    division_code: Mapped[str] = mapped_column(String(12), nullable=False)
    # 乡村一体化: a village clinic is managed by its township hospital.
    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("registry_institution.id"), nullable=True, index=True)
    address: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    ownership: Mapped[str] = mapped_column(String(16), nullable=False, default="public")


class InstitutionCatchment(SyncMixin, Base):
    """A village (or residents' committee) an institution is responsible for."""

    __tablename__ = "registry_institution_catchment"
    __table_args__ = (
        UniqueConstraint("institution_id", "village_code"),
        Index("ix_registry_institution_catchment_village", "village_code"),
    )

    institution_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("registry_institution.id"), nullable=False)
    village_code: Mapped[str] = mapped_column(String(12), nullable=False)


class Alliance(SyncMixin, Base):
    """A medical alliance: 医联体 (city), 医共体 (county), specialist or telemedicine network."""

    __tablename__ = "registry_alliance"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    lead_institution_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("registry_institution.id"), nullable=False)
    division_code: Mapped[str] = mapped_column(String(12), nullable=False)
    established_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class AllianceMember(SyncMixin, Base):
    __tablename__ = "registry_alliance_member"
    __table_args__ = (UniqueConstraint("alliance_id", "institution_id"),)

    alliance_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("registry_alliance.id"), nullable=False)
    institution_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("registry_institution.id"), nullable=False, index=True)
    joined_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class SupportPairing(SyncMixin, Base):
    """对口支援: a higher-level hospital supports a primary institution."""

    __tablename__ = "registry_support_pairing"

    supporting_institution_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("registry_institution.id"), nullable=False, index=True)
    supported_institution_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("registry_institution.id"), nullable=False, index=True)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    content: Mapped[str] = mapped_column(String(300), nullable=False, default="")


class Staff(SyncMixin, Base):
    __tablename__ = "registry_staff"
    __table_args__ = (Index("ix_registry_staff_institution", "institution_id", "name"),)

    staff_code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    sex: Mapped[str] = mapped_column(String(1), nullable=False)
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    phone: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    institution_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("registry_institution.id"), nullable=False)
    profession: Mapped[str] = mapped_column(String(32), nullable=False)
    practice_category: Mapped[str] = mapped_column(String(16), nullable=False, default="")
    qualification: Mapped[str] = mapped_column(String(32), nullable=False, default="none")
    education: Mapped[str] = mapped_column(String(24), nullable=False)
    title: Mapped[str] = mapped_column(String(16), nullable=False, default="none")
    employment_status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
