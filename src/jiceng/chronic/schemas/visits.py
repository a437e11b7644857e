"""The follow-up visit: the form, the assessment the rules made, the signed visit and its referral."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from jiceng.chronic import codes
from jiceng.chronic.rules import Assessment

Value = str | int | float | bool | date | None


class Medication(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    per_day: int | str | None = None
    dose: str | None = None


class VisitWrite(BaseModel):
    """The follow-up form; ``category`` is the doctor's override (with a reason)."""

    model_config = ConfigDict(extra="forbid")

    disease: str
    visit_date: str | date | None = None
    mode: str | None = None
    symptoms: list[str] | None = None
    symptoms_other: str | None = None
    critical_signs: list[str] | None = None
    pregnant_or_breastfeeding: bool | None = None
    unmanageable_condition: bool | None = None
    sbp: Value = None
    dbp: Value = None
    height_cm: Value = None
    weight_kg: Value = None
    target_weight_kg: Value = None
    heart_rate: Value = None
    temperature: Value = None
    pedal_pulse: str | None = None
    pedal_pulse_side: str | None = None
    other_signs: str | None = None
    smoking_per_day: Value = None
    smoking_target: Value = None
    drinking_liang: Value = None
    drinking_target: Value = None
    exercise_per_week: Value = None
    exercise_minutes: Value = None
    exercise_target_per_week: Value = None
    exercise_target_minutes: Value = None
    salt: str | None = None
    salt_target: str | None = None
    staple_g: Value = None
    staple_target_g: Value = None
    psychology: str | None = None
    compliance: str | None = None
    fpg: Value = None
    ppg: Value = None
    hba1c: Value = None
    hba1c_date: str | date | None = None
    other_tests: str | None = None
    adherence: str | None = None
    adverse_reaction: bool | None = None
    adverse_reaction_detail: str | None = None
    adr_hard_to_control: bool | None = None
    new_complication: bool | None = None
    complication_detail: str | None = None
    hypoglycaemia: str | None = None
    medications: list[Medication] | None = None
    insulin_kind: str | None = None
    insulin_usage: str | None = None
    medication_adjustment: list[Medication] | None = None
    category: str | None = None
    category_override_reason: str | None = None
    referral_reason: str | None = None
    referral_to: str | None = None
    referral_contact: str | None = None
    referral_result: str | None = None
    next_visit_date: str | date | None = None
    remarks: str | None = None
    resident_signed: bool | None = None

    def data(self) -> dict[str, Any]:
        return self.model_dump(exclude={"disease"}, exclude_none=True)


class AmendmentWrite(VisitWrite):
    amendment_reason: str = ""
    voided: bool = False

    def data(self) -> dict[str, Any]:
        return self.model_dump(exclude={"disease", "amendment_reason", "voided"}, exclude_none=True)


class AssessmentOut(BaseModel):
    on_target: bool | None
    uncontrolled_reasons: list[str]
    computed_category: str
    category: str
    category_label_zh: str
    category_label_en: str
    urgent: bool
    urgent_reasons: list[str]
    referral_suggested: bool
    referral_reasons: list[str]
    uncontrolled_streak: int
    next_visit_kind: str
    next_visit_date: date
    alert_zh: str
    alert_en: str

    @classmethod
    def of(cls, a: Assessment) -> AssessmentOut:
        alert_zh = alert_en = ""
        if a.urgent:
            alert_zh = "危急情况，请立即处理并紧急转诊，2周内主动随访：" + "、".join(codes.REASON.label(x) for x in a.urgent_reasons)
            alert_en = "Critical: give first treatment, refer urgently, follow up within 2 weeks: " + ", ".join(
                codes.REASON.label(x, "en") for x in a.urgent_reasons
            )
        elif a.referral_suggested:
            alert_zh = "建议转诊上级医院，2周内主动随访：" + "、".join(codes.REASON.label(x) for x in a.referral_reasons)
            alert_en = "Referral suggested; follow up within 2 weeks: " + ", ".join(codes.REASON.label(x, "en") for x in a.referral_reasons)
        return cls(
            on_target=a.on_target,
            uncontrolled_reasons=list(a.uncontrolled_reasons),
            computed_category=a.computed_category,
            category=a.category,
            category_label_zh=codes.CATEGORY.label(a.category),
            category_label_en=codes.CATEGORY.label(a.category, "en"),
            urgent=a.urgent,
            urgent_reasons=list(a.urgent_reasons),
            referral_suggested=a.referral_suggested,
            referral_reasons=list(a.referral_reasons),
            uncontrolled_streak=a.uncontrolled_streak,
            next_visit_kind=a.next_visit_kind,
            next_visit_date=a.next_visit_date,
            alert_zh=alert_zh,
            alert_en=alert_en,
        )


class VisitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    enrolment_id: uuid.UUID
    resident_id: uuid.UUID
    disease: str
    amends_id: uuid.UUID | None
    amendment_reason: str
    voided: bool
    visit_date: date
    mode: str
    age_years: int
    symptoms: list[str]
    symptoms_other: str
    critical_signs: list[str]
    pregnant_or_breastfeeding: bool
    unmanageable_condition: bool
    sbp: int | None
    dbp: int | None
    height_cm: float | None
    weight_kg: float | None
    target_weight_kg: float | None
    bmi: float | None
    target_bmi: float | None
    heart_rate: int | None
    temperature: float | None
    pedal_pulse: str | None
    pedal_pulse_side: str | None
    other_signs: str
    smoking_per_day: int | None
    smoking_target: int | None
    drinking_liang: float | None
    drinking_target: float | None
    exercise_per_week: int | None
    exercise_minutes: int | None
    exercise_target_per_week: int | None
    exercise_target_minutes: int | None
    salt: str | None
    salt_target: str | None
    staple_g: int | None
    staple_target_g: int | None
    psychology: str | None
    compliance: str | None
    fpg: float | None
    ppg: float | None
    hba1c: float | None
    hba1c_date: date | None
    other_tests: str
    adherence: str | None
    adverse_reaction: bool
    adverse_reaction_detail: str
    adr_hard_to_control: bool
    new_complication: bool
    complication_detail: str
    hypoglycaemia: str | None
    medications: list[dict[str, Any]]
    insulin_kind: str
    insulin_usage: str
    medication_adjustment: list[dict[str, Any]]
    on_target: bool | None
    computed_category: str
    category: str
    category_override_reason: str
    uncontrolled_streak: int
    urgent: bool
    reasons: list[str]
    referral_reason: str
    referral_to: str
    referral_contact: str
    referral_result: str | None
    computed_next_date: date
    next_visit_kind: str
    next_visit_date: date
    remarks: str
    resident_signed: bool
    doctor_id: uuid.UUID | None
    doctor_name: str
    institution_id: uuid.UUID | None
    signed_at: datetime
    superseded: bool = False


class ReferralOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    resident_id: uuid.UUID
    enrolment_id: uuid.UUID | None
    visit_id: uuid.UUID | None
    screening_id: uuid.UUID | None
    disease: str
    kind: str
    reasons: list[str]
    raised_on: date
    followup_due: date
    to_institution: str
    status: str
    followed_up_on: date | None
    result: str | None
    outcome: str


class SignedVisitOut(BaseModel):
    visit: VisitOut
    assessment: AssessmentOut
    urgent_alert: bool = Field(description="紧急转诊：界面必须醒目提示 / urgent referral: the UI must show an unmissable alert")
    referral: ReferralOut | None
