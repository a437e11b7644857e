"""The resident e-health record (个人基本信息表) and households (户)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from jiceng.core.db import Base, search_string
from jiceng.core.outbox import SyncMixin


class Household(SyncMixin, Base):
    __tablename__ = "resident_household"
    __table_args__ = (Index("ix_resident_household_village", "village_code", "household_number"),)

    household_number: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    village_code: Mapped[str] = mapped_column(String(12), nullable=False)
    address: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    head_resident_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)


class Resident(SyncMixin, Base):
    __tablename__ = "resident"
    __table_args__ = (
        # One live record per ID number; moved-out and deceased records keep theirs.
        Index(
            "uq_resident_id_number_live",
            "id_number",
            unique=True,
            sqlite_where=text("deleted_at IS NULL AND id_number IS NOT NULL"),
            postgresql_where=text("deleted_at IS NULL AND id_number IS NOT NULL"),
        ),
        # Scoped searches (a clinic's villages) walk these per village.
        Index("ix_resident_village_name", "village_code", "name"),
        Index("ix_resident_village_initials", "village_code", "name_initials"),
        Index("ix_resident_village_pinyin", "village_code", "name_pinyin"),
        # Age-based lists and indicators (65+, children 0-6) per village.
        Index("ix_resident_village_birth", "village_code", "birth_date"),
        Index("ix_resident_name_initials", "name_initials"),
        Index("ix_resident_name_pinyin", "name_pinyin"),
        Index("ix_resident_name", "name"),
        Index("ix_resident_phone", "phone"),
        Index("ix_resident_household", "household_id"),
        # Region-wide indicators join every live resident by id for village, status and
        # age: on PostgreSQL an index-only scan of this instead of the wide table.
        Index(
            "ix_resident_live_cover",
            "id",
            postgresql_include=["village_code", "status", "birth_date"],
            postgresql_where=text("deleted_at IS NULL"),
            sqlite_where=text("deleted_at IS NULL"),
        ),
    )

    record_number: Mapped[str] = mapped_column(String(17), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(search_string(50), nullable=False)
    # Search keys kept by the service: full pinyin ("zhangsanfeng") and initials ("zsf").
    name_pinyin: Mapped[str] = mapped_column(search_string(120), nullable=False, default="")
    name_initials: Mapped[str] = mapped_column(search_string(20), nullable=False, default="")
    sex: Mapped[str] = mapped_column(String(1), nullable=False)
    birth_date: Mapped[date] = mapped_column(Date, nullable=False)
    id_number: Mapped[str | None] = mapped_column(String(18), nullable=True)
    no_id_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)
    employer: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    phone: Mapped[str] = mapped_column(search_string(20), nullable=False, default="")
    contact_name: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    contact_phone: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    residence_type: Mapped[str] = mapped_column(String(1), nullable=False, default="1")
    ethnicity: Mapped[str] = mapped_column(String(1), nullable=False, default="1")
    ethnicity_name: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    blood_abo: Mapped[str] = mapped_column(String(1), nullable=False, default="5")
    blood_rh: Mapped[str] = mapped_column(String(1), nullable=False, default="3")
    education: Mapped[str] = mapped_column(String(2), nullable=False, default="99")
    occupation: Mapped[str] = mapped_column(String(1), nullable=False, default="7")
    marital_status: Mapped[str] = mapped_column(String(2), nullable=False, default="90")
    payment_methods: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    payment_other: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    drug_allergies: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    drug_allergy_other: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    exposures: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # [{"code": "2", "diagnosed_on": "2019-05", "name": ""}, ...]
    past_diseases: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    # Each: [{"name": "...", "date": "2010-03"}]
    surgeries: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    injuries: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    transfusions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    # {"father": ["2"], "mother": [], "siblings": [], "children": []}
    family_history: Mapped[dict[str, list[str]]] = mapped_column(JSON, nullable=False, default=dict)
    hereditary_disease: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    disabilities: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    disability_other: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    kitchen_exhaust: Mapped[str | None] = mapped_column(String(1), nullable=True)
    fuel: Mapped[str | None] = mapped_column(String(1), nullable=True)
    drinking_water: Mapped[str | None] = mapped_column(String(1), nullable=True)
    toilet: Mapped[str | None] = mapped_column(String(1), nullable=True)
    livestock_pen: Mapped[str | None] = mapped_column(String(1), nullable=True)

    village_code: Mapped[str] = mapped_column(String(12), nullable=False)
    address: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    household_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("resident_household.id"), nullable=True)
    relation_to_head: Mapped[str | None] = mapped_column(String(2), nullable=True)

    status: Mapped[str] = mapped_column(String(12), nullable=False, default="active")
    status_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    record_date: Mapped[date] = mapped_column(Date, nullable=False)
    record_institution_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    responsible_doctor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    # Whether the paper form was also completed (建档 vs 电子建档, spec §2).
    paper_record: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # Derived from past_diseases and disabilities by the service on every save, so that
    # key-population counts (重点人群) are plain indexed filters at city scale.
    has_hypertension: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    has_diabetes: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    has_tuberculosis: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    has_severe_mental_disorder: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    has_disability: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class RecordNumberCounter(Base):
    """The last 5-digit serial used per village for record numbers (local, not synced)."""

    __tablename__ = "resident_record_counter"

    village_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    last_serial: Mapped[int] = mapped_column(nullable=False, default=0)
