"""Enrolment (慢病管理档案) shapes."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict


class EnrolmentWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    disease: str
    diagnosis_date: str | date | None = None
    diagnosis_basis: str | None = None
    diagnosis_institution: str | None = None
    source: str | None = None
    enrolled_on: str | date | None = None
    responsible_doctor_id: uuid.UUID | None = None
    responsible_team: str | None = None
    notes: str | None = None


class EnrolmentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: str | None = None
    status_date: str | date | None = None
    status_reason: str | None = None
    responsible_doctor_id: uuid.UUID | None = None
    responsible_team: str | None = None
    diagnosis_basis: str | None = None
    diagnosis_institution: str | None = None
    notes: str | None = None

    def provided(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class EnrolmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    resident_id: uuid.UUID
    disease: str
    diagnosis_date: date
    diagnosis_basis: str
    diagnosis_institution: str
    source: str
    enrolled_on: date
    responsible_institution_id: uuid.UUID | None
    responsible_doctor_id: uuid.UUID | None
    responsible_team: str
    status: str
    status_date: date | None
    status_reason: str
    next_due_date: date | None
    next_visit_kind: str | None
    last_visit_id: uuid.UUID | None
    last_visit_date: date | None
    last_category: str | None
    last_sbp: int | None
    last_dbp: int | None
    last_fpg: float | None
    last_urgent: bool
    uncontrolled_streak: int
    version: int
