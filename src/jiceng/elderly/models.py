"""老年人中医药健康管理服务记录表: the TCM constitution service record (a clinical event).

Append-only once signed, like the health check: a correction is a new record with
``amends_id``. The 33 answers are stored with the measurements that scored Q9 and
Q28, the nine raw sums and results, and the guidance given per constitution.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Boolean, Date, Float, Index, Integer, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from jiceng.core.clinical import SignedEventMixin
from jiceng.core.db import Base
from jiceng.core.outbox import SyncMixin


class TcmAssessment(SignedEventMixin, SyncMixin, Base):
    __tablename__ = "elderly_tcm_assessment"
    __table_args__ = (
        Index("ix_elderly_tcm_assessment_resident", "resident_id", "assessed_on"),
        Index(
            "ix_elderly_tcm_assessment_signed_date",
            "assessed_on",
            "resident_id",
            sqlite_where=text("status = 'signed' AND deleted_at IS NULL"),
            postgresql_where=text("status = 'signed' AND deleted_at IS NULL"),
        ),
        Index("ix_elderly_tcm_assessment_amends", "amends_id"),
    )

    # The health check done at the same visit, whose BMI and waist scored Q9 and Q28.
    health_check_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)

    assessed_on: Mapped[date] = mapped_column(Date, nullable=False)  # 填表日期
    age_at_assessment: Mapped[int] = mapped_column(Integer, nullable=False)
    doctor_name: Mapped[str] = mapped_column(String(50), nullable=False, default="")  # 医生签名
    visit_mode: Mapped[str] = mapped_column(String(10), nullable=False, default="clinic")

    # {"1": 3, …, "33": 1}: every answer 1–5, Q9/Q28 as scored from the measurements.
    answers: Mapped[dict[str, int]] = mapped_column(JSON, nullable=False)
    bmi: Mapped[float] = mapped_column(Float, nullable=False)
    waist_cm: Mapped[float] = mapped_column(Float, nullable=False)
    colds_per_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    allergies_per_year: Mapped[int | None] = mapped_column(Integer, nullable=True)

    # {"qixu": 14, …, "pinghe": 14} raw sums; {"qixu": "yes", …} results.
    scores: Mapped[dict[str, int]] = mapped_column(JSON, nullable=False)
    results: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    main_type: Mapped[str | None] = mapped_column(String(8), nullable=True)
    positive_types: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    tendency_types: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    tied_types: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    contradiction: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    undeterminable: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # A TCM physician chose the main type among tied scores, or confirmed contradictory results.
    physician_confirmed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    # {"qixu": ["1", "2", "5"], …} and {"qixu": "text for 6 其他"}.
    guidance: Mapped[dict[str, list[str]]] = mapped_column(JSON, nullable=False, default=dict)
    guidance_other: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    # Signed, constitution identified, guidance given, form complete (spec §2 注).
    complete: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    def answer_map(self) -> dict[int, int]:
        return {int(q): int(a) for q, a in (self.answers or {}).items()}
