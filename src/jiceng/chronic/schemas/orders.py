"""Referral follow-up, screening and long-prescription shapes."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict

from jiceng.chronic.schemas.visits import Value


class ReferralFollowUp(BaseModel):
    model_config = ConfigDict(extra="forbid")

    followed_up_on: str | date | None = None
    result: str | None = None
    outcome: str | None = None
    cancel: bool | None = None


class ScreeningWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    screened_on: str | date | None = None
    sbp: Value = None
    dbp: Value = None
    height_cm: Value = None
    weight_kg: Value = None
    waist_cm: Value = None
    drinking_ml: Value = None
    fpg: Value = None
    declared_risks: list[str] | None = None
    notes: str | None = None


class ScreeningOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    resident_id: uuid.UUID
    screened_on: date
    sbp: int | None
    dbp: int | None
    bmi: float | None
    waist_cm: float | None
    fpg: float | None
    risk_factors: list[str]
    raised_days: int
    outcome: str
    next_date: date
    referral_suggested: bool


class PrescriptionWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    disease: str
    drug_name: str | None = None
    specification: str | None = None
    dose: str | None = None
    frequency_per_day: Value = None
    quantity: Value = None
    quantity_unit: str | None = None
    days: Value = None
    start_date: str | date | None = None
    condition_controlled: bool | None = None
    condition_stable: bool | None = None
    notes: str | None = None


class PrescriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    resident_id: uuid.UUID
    enrolment_id: uuid.UUID
    drug_name: str
    specification: str
    dose: str
    frequency_per_day: int
    quantity: int
    quantity_unit: str
    days: int
    start_date: date
    end_date: date
    condition_controlled: bool
    condition_stable: bool
    basis_visit_id: uuid.UUID | None
    prescriber_name: str
    status: str
    notes: str
