"""A patient's whole record, the worklist and the indicators."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict

from jiceng.chronic.schemas.enrolments import EnrolmentOut
from jiceng.chronic.schemas.orders import PrescriptionOut, ScreeningOut
from jiceng.chronic.schemas.visits import ReferralOut, VisitOut


class PatientOut(BaseModel):
    resident_id: uuid.UUID
    name: str
    age: int
    enrolments: list[EnrolmentOut]
    visits: list[VisitOut]
    screenings: list[ScreeningOut]
    referrals: list[ReferralOut]
    prescriptions: list[PrescriptionOut]


class WorkItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    enrolment_id: uuid.UUID
    resident_id: uuid.UUID
    name: str
    sex: str
    age: int
    village_code: str
    disease: str
    due: date | None
    next_visit_kind: str | None
    last_visit_date: date | None
    last_category: str | None
    last_sbp: int | None
    last_dbp: int | None
    last_fpg: float | None
    urgent: bool
    streak: int
    days_overdue: int
    referral_id: uuid.UUID | None
    referral_kind: str | None
    reasons: list[str]


class WorklistOut(BaseModel):
    today: date
    mine: bool
    counts: dict[str, int]
    buckets: dict[str, list[WorkItemOut]]


class IndicatorValueOut(BaseModel):
    division_code: str
    numerator: int
    denominator: int
    rate: float | None


class IndicatorOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    numerator_zh: str
    numerator_en: str
    denominator_zh: str
    denominator_en: str
    version: str
    values: list[IndicatorValueOut]


class IndicatorsOut(BaseModel):
    period_start: date
    period_end: date
    level: str
    division: str | None
    indicators: list[IndicatorOut]
