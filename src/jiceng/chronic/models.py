"""Hypertension and type 2 diabetes management (规范 第三版, spec §1).

* Enrolments (纳入管理), screenings, referrals and long prescriptions are
  administrative records: mutable, merged field by field when synced.
* Follow-up visits (随访) are clinical events: signed on creation and never
  updated; a correction is a new row whose ``amends_id`` points at the row it
  corrects (ARCHITECTURE §3). The effective visit is the one nobody amends.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, SmallInteger, String, Text, Uuid, event, text
from sqlalchemy.orm import Mapped, Mapper, mapped_column
from sqlalchemy.types import JSON

from jiceng.core.db import Base
from jiceng.core.outbox import SyncMixin


class Enrolment(SyncMixin, Base):
    """One resident managed for one condition, with the schedule kept current by each visit."""

    __tablename__ = "chronic_enrolment"
    __table_args__ = (
        Index(
            "uq_chronic_enrolment_resident_disease",
            "resident_id",
            "disease",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_chronic_enrolment_due", "status", "next_due_date"),
        Index("ix_chronic_enrolment_doctor_due", "responsible_doctor_id", "next_due_date"),
    )

    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    disease: Mapped[str] = mapped_column(String(8), nullable=False)
    diagnosis_date: Mapped[date] = mapped_column(Date, nullable=False)
    diagnosis_basis: Mapped[str] = mapped_column(String(2), nullable=False, default="1")
    diagnosis_institution: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    enrolled_on: Mapped[date] = mapped_column(Date, nullable=False)
    responsible_institution_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    responsible_doctor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    responsible_team: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="managed")
    status_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status_reason: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The schedule, from the latest effective visit (kept by the service when a visit is signed).
    next_due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    next_visit_kind: Mapped[str | None] = mapped_column(String(10), nullable=True)
    last_visit_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    last_visit_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    last_category: Mapped[str | None] = mapped_column(String(1), nullable=True)
    last_sbp: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    last_dbp: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    last_fpg: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_urgent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    uncontrolled_streak: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)


class Screening(SyncMixin, Base):
    """An annual BP measurement (≥35) or a re-check on the path to diagnosis (spec §1.1)."""

    __tablename__ = "chronic_screening"
    __table_args__ = (Index("ix_chronic_screening_resident", "resident_id", "screened_on"),)

    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    screened_on: Mapped[date] = mapped_column(Date, nullable=False)
    sbp: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    dbp: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    height_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    weight_kg: Mapped[float | None] = mapped_column(Float, nullable=True)
    bmi: Mapped[float | None] = mapped_column(Float, nullable=True)
    waist_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    drinking_ml: Mapped[float | None] = mapped_column(Float, nullable=True)
    fpg: Mapped[float | None] = mapped_column(Float, nullable=True)
    declared_risks: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    risk_factors: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    raised_days: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    next_date: Mapped[date] = mapped_column(Date, nullable=False)
    referral_suggested: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    screener_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    screener_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    institution_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Visit(SyncMixin, Base):
    """A signed follow-up: every field of the 高血压/2型糖尿病患者随访服务记录表."""

    __tablename__ = "chronic_visit"
    __table_args__ = (
        Index("ix_chronic_visit_enrolment", "enrolment_id", "visit_date"),
        Index("ix_chronic_visit_resident", "resident_id", "visit_date"),
        Index("ix_chronic_visit_date", "visit_date", "disease"),
        # Amendments are rare: a partial index keeps "is this visit amended?" cheap.
        Index(
            "ix_chronic_visit_amends",
            "amends_id",
            sqlite_where=text("amends_id IS NOT NULL"),
            postgresql_where=text("amends_id IS NOT NULL"),
        ),
    )

    enrolment_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("chronic_enrolment.id"), nullable=False)
    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    disease: Mapped[str] = mapped_column(String(8), nullable=False)
    amends_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("chronic_visit.id"), nullable=True)
    amendment_reason: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    voided: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    visit_date: Mapped[date] = mapped_column(Date, nullable=False)
    mode: Mapped[str] = mapped_column(String(1), nullable=False)
    age_years: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    # 症状
    symptoms: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    symptoms_other: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    critical_signs: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    pregnant_or_breastfeeding: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    unmanageable_condition: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # 体征
    sbp: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    dbp: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    height_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    weight_kg: Mapped[float | None] = mapped_column(Float, nullable=True)
    target_weight_kg: Mapped[float | None] = mapped_column(Float, nullable=True)
    bmi: Mapped[float | None] = mapped_column(Float, nullable=True)
    target_bmi: Mapped[float | None] = mapped_column(Float, nullable=True)
    heart_rate: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    temperature: Mapped[float | None] = mapped_column(Float, nullable=True)
    pedal_pulse: Mapped[str | None] = mapped_column(String(1), nullable=True)
    pedal_pulse_side: Mapped[str | None] = mapped_column(String(5), nullable=True)
    other_signs: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # 生活方式指导 (current / target)
    smoking_per_day: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    smoking_target: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    drinking_liang: Mapped[float | None] = mapped_column(Float, nullable=True)
    drinking_target: Mapped[float | None] = mapped_column(Float, nullable=True)
    exercise_per_week: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    exercise_minutes: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    exercise_target_per_week: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    exercise_target_minutes: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    salt: Mapped[str | None] = mapped_column(String(1), nullable=True)
    salt_target: Mapped[str | None] = mapped_column(String(1), nullable=True)
    staple_g: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    staple_target_g: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    psychology: Mapped[str | None] = mapped_column(String(1), nullable=True)
    compliance: Mapped[str | None] = mapped_column(String(1), nullable=True)
    # 辅助检查
    fpg: Mapped[float | None] = mapped_column(Float, nullable=True)
    ppg: Mapped[float | None] = mapped_column(Float, nullable=True)
    hba1c: Mapped[float | None] = mapped_column(Float, nullable=True)
    hba1c_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    other_tests: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    # 用药
    adherence: Mapped[str | None] = mapped_column(String(1), nullable=True)
    adverse_reaction: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    adverse_reaction_detail: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    adr_hard_to_control: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    new_complication: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    complication_detail: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    hypoglycaemia: Mapped[str | None] = mapped_column(String(1), nullable=True)
    # [{"name": "硝苯地平缓释片", "per_day": 1, "dose": "20mg"}]
    medications: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    insulin_kind: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    insulin_usage: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    medication_adjustment: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    # 此次随访分类 and what the rules computed
    on_target: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    computed_category: Mapped[str] = mapped_column(String(1), nullable=False)
    category: Mapped[str] = mapped_column(String(1), nullable=False)
    category_override_reason: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    uncontrolled_streak: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)
    urgent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reasons: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # 转诊
    referral_reason: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    referral_to: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    referral_contact: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    referral_result: Mapped[str | None] = mapped_column(String(1), nullable=True)
    # 下次随访
    computed_next_date: Mapped[date] = mapped_column(Date, nullable=False)
    next_visit_kind: Mapped[str] = mapped_column(String(10), nullable=False)
    next_visit_date: Mapped[date] = mapped_column(Date, nullable=False)
    remarks: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    resident_signed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    doctor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    doctor_name: Mapped[str] = mapped_column(String(100), nullable=False)
    institution_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class SignedVisitImmutable(RuntimeError):
    """A signed visit is never edited in place: sign an amending visit instead."""


@event.listens_for(Visit, "before_update")
def _refuse_update(_mapper: Mapper[Any], _connection: Any, target: Visit) -> None:
    raise SignedVisitImmutable(f"chronic_visit {target.id} is signed; record an amendment instead")


class Referral(SyncMixin, Base):
    """A referral request raised by a visit (urgent or suggested); followed up within 2 weeks.

    The referral domain will route it; until then it is a record on the worklist."""

    __tablename__ = "chronic_referral"
    __table_args__ = (
        Index("ix_chronic_referral_status_due", "status", "followup_due"),
        Index("ix_chronic_referral_resident", "resident_id"),
    )

    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    enrolment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("chronic_enrolment.id"), nullable=True)
    visit_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    screening_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    disease: Mapped[str] = mapped_column(String(8), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    reasons: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    raised_on: Mapped[date] = mapped_column(Date, nullable=False)
    followup_due: Mapped[date] = mapped_column(Date, nullable=False)
    to_institution: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="open")
    followed_up_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    result: Mapped[str | None] = mapped_column(String(1), nullable=True)
    outcome: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    raised_by: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    institution_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)


class LongPrescription(SyncMixin, Base):
    """长处方: up to 12 weeks of a drug for a stable, controlled patient."""

    __tablename__ = "chronic_long_prescription"
    __table_args__ = (Index("ix_chronic_long_prescription_resident", "resident_id", "start_date"),)

    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    enrolment_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("chronic_enrolment.id"), nullable=False)
    drug_name: Mapped[str] = mapped_column(String(100), nullable=False)
    specification: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    dose: Mapped[str] = mapped_column(String(60), nullable=False)
    frequency_per_day: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    quantity_unit: Mapped[str] = mapped_column(String(10), nullable=False, default="片")
    days: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    condition_controlled: Mapped[bool] = mapped_column(Boolean, nullable=False)
    condition_stable: Mapped[bool] = mapped_column(Boolean, nullable=False)
    basis_visit_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    prescriber_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    prescriber_name: Mapped[str] = mapped_column(String(100), nullable=False)
    institution_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="active")
    notes: Mapped[str] = mapped_column(String(300), nullable=False, default="")
