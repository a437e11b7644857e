"""Results received from outside systems (labs, devices, hospitals): mapped rows plus the
original payload verbatim, with provenance (ARCHITECTURE §2)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Float, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from jiceng.core.db import Base
from jiceng.core.outbox import SyncMixin


class Observation(SyncMixin, Base):
    """A measurement or test result; a clinical event, append-only once final."""

    __tablename__ = "results_observation"
    __table_args__ = (
        Index("ix_results_observation_resident", "resident_id", "effective_at"),
        Index("ix_results_observation_code", "code", "effective_at"),
    )

    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    category: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    code_system: Mapped[str] = mapped_column(String(200), nullable=False)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    display: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    value_quantity: Mapped[float | None] = mapped_column(Float, nullable=True)
    value_unit: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    value_text: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    effective_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    performer_institution_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    # Provenance: who sent it and how; the resource exactly as received.
    source: Mapped[str] = mapped_column(String(100), nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
