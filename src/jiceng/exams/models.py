"""The 健康体检表 (annual health check) as a clinical event.

Append-only once signed: a signed check is never edited; a correction is a new check
whose ``amends_id`` names the one it corrects (ARCHITECTURE §3). Values that
indicators, rules and other domains read are columns; the long multi-part sections
(lifestyle details, organ function, physical exam, other tests, problems) are JSON,
keyed by the field names of ``jiceng.exams.form``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, Float, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from jiceng.core.clinical import SignedEventMixin
from jiceng.core.db import Base
from jiceng.core.outbox import SyncMixin


class HealthCheck(SignedEventMixin, SyncMixin, Base):
    __tablename__ = "exams_health_check"
    __table_args__ = (
        Index("ix_exams_health_check_resident", "resident_id", "exam_date"),
        # "Who had a signed check in this period" (indicators, chronic care, worklists).
        Index(
            "ix_exams_health_check_signed_date",
            "exam_date",
            "resident_id",
            sqlite_where=text("status = 'signed' AND deleted_at IS NULL"),
            postgresql_where=text("status = 'signed' AND deleted_at IS NULL"),
        ),
        Index("ix_exams_health_check_amends", "amends_id"),
    )

    # Header
    exam_date: Mapped[date] = mapped_column(Date, nullable=False)
    doctor_name: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    visit_mode: Mapped[str] = mapped_column(String(10), nullable=False, default="clinic")
    age_at_exam: Mapped[int] = mapped_column(Integer, nullable=False)
    # In the year's 65-and-over cohort (reaches 65 by 31 December of the check's year).
    elderly_cohort: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Signed, with every 65+ section and guidance given: counts as 接受健康管理 (spec §2).
    elderly_complete: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    # 1 症状
    symptoms: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    symptom_other: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    # 2 一般状况
    temperature: Mapped[float | None] = mapped_column(Float, nullable=True)
    pulse_rate: Mapped[int | None] = mapped_column(Integer, nullable=True)
    respiratory_rate: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sbp_left: Mapped[int | None] = mapped_column(Integer, nullable=True)
    dbp_left: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sbp_right: Mapped[int | None] = mapped_column(Integer, nullable=True)
    dbp_right: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    weight_kg: Mapped[float | None] = mapped_column(Float, nullable=True)
    waist_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    bmi: Mapped[float | None] = mapped_column(Float, nullable=True)
    self_rated_health: Mapped[str | None] = mapped_column(String(1), nullable=True)
    # {"eating": "1", "grooming": "2", …}: the level chosen for each of the five items.
    self_care: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    self_care_score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    self_care_level: Mapped[str | None] = mapped_column(String(1), nullable=True)
    cognition_screen: Mapped[str | None] = mapped_column(String(1), nullable=True)
    mmse_score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    mood_screen: Mapped[str | None] = mapped_column(String(1), nullable=True)
    gds_score: Mapped[int | None] = mapped_column(Integer, nullable=True)

    # 3 生活方式
    exercise_frequency: Mapped[str | None] = mapped_column(String(1), nullable=True)
    smoking_status: Mapped[str | None] = mapped_column(String(1), nullable=True)
    drinking_frequency: Mapped[str | None] = mapped_column(String(1), nullable=True)
    daily_liquor_liang: Mapped[float | None] = mapped_column(Float, nullable=True)
    lifestyle: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)

    # 4 脏器功能, 5 查体
    organ_function: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    physical_exam: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    dorsalis_pedis: Mapped[str | None] = mapped_column(String(1), nullable=True)

    # 6 辅助检查
    fasting_glucose: Mapped[float | None] = mapped_column(Float, nullable=True)
    hba1c: Mapped[float | None] = mapped_column(Float, nullable=True)
    creatinine: Mapped[float | None] = mapped_column(Float, nullable=True)
    total_cholesterol: Mapped[float | None] = mapped_column(Float, nullable=True)
    triglycerides: Mapped[float | None] = mapped_column(Float, nullable=True)
    ldl_c: Mapped[float | None] = mapped_column(Float, nullable=True)
    hdl_c: Mapped[float | None] = mapped_column(Float, nullable=True)
    tests: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)

    # 7 现存主要健康问题, 8 住院/用药, 9 非免疫规划接种
    problems: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    hospitalizations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    home_beds: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    medications: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    vaccinations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)

    # 10 健康评价, 健康指导
    assessment: Mapped[str | None] = mapped_column(String(1), nullable=True)
    abnormalities: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    guidance: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    risk_factors: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    target_weight_kg: Mapped[float | None] = mapped_column(Float, nullable=True)
    vaccine_advice: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    risk_other: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    @property
    def follow_up_screens(self) -> list[str]:
        """Positive quick screens still waiting for their scale: "mmse" (cognition), "gds" (mood)."""
        due = []
        if self.cognition_screen == "2" and self.mmse_score is None:
            due.append("mmse")
        if self.mood_screen == "2" and self.gds_score is None:
            due.append("gds")
        return due
