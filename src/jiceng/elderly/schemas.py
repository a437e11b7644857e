"""API shapes for the TCM service record, whole visits, tracking and indicators."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from jiceng.core.clinical import SignedEventView
from jiceng.elderly import tcm
from jiceng.exams.schemas import HealthCheckView, HealthCheckWrite


class TcmWrite(BaseModel):
    """The 老年人中医药健康管理服务记录表. ``answers`` maps question numbers ("1"–"33") to
    1–5; Q9 and Q28 are scored from BMI and waist and need not be sent."""

    model_config = ConfigDict(extra="forbid")

    assessed_on: date | str | None = None
    answers: dict[str, int | str | None] | list[int | None] | None = None
    colds_per_year: int | str | None = None
    allergies_per_year: int | str | None = None
    height_cm: float | str | None = None
    weight_kg: float | str | None = None
    waist_cm: float | str | None = None
    health_check_id: uuid.UUID | None = None
    guidance: dict[str, list[str]] | None = None
    guidance_other: dict[str, str] | None = None
    main_type: str | None = None
    physician_confirmed: bool | None = None
    doctor_name: str | None = None
    visit_mode: str | None = None

    def provided(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"resident_id", "sign"})


class TcmCreate(TcmWrite):
    resident_id: uuid.UUID
    sign: bool = True
    amends_id: uuid.UUID | None = None


class VisitCreate(BaseModel):
    """A whole yearly visit: the health check and the questionnaire, measured once."""

    model_config = ConfigDict(extra="forbid")

    resident_id: uuid.UUID
    sign: bool = True
    health_check: HealthCheckWrite
    tcm: TcmWrite


class ScoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, int | str | None] | list[int | None]
    bmi: float = Field(ge=10, le=80)
    waist_cm: float = Field(ge=40, le=200)
    colds_per_year: int | None = Field(default=None, ge=0, le=60)
    allergies_per_year: int | None = Field(default=None, ge=0, le=365)


class ConstitutionView(BaseModel):
    code: str
    name_zh: str
    name_en: str
    score: int | None
    converted_2009: float
    result: str
    result_zh: str


class DeterminationView(BaseModel):
    constitutions: list[ConstitutionView]
    main_type: str | None
    positive: list[str]
    tendencies: list[str]
    tied: list[str]
    contradictions: list[list[str]]
    undeterminable: bool
    needs_physician: bool

    @classmethod
    def of(cls, result: tcm.Determination) -> DeterminationView:
        return cls(
            constitutions=[_constitution(code, r.raw, r.result) for code, r in result.results.items()],
            main_type=result.main_type,
            positive=list(result.positive),
            tendencies=list(result.tendencies),
            tied=list(result.tied),
            contradictions=[list(pair) for pair in result.contradictions],
            undeterminable=result.undeterminable,
            needs_physician=result.needs_physician,
        )


def _constitution(code: str, raw: int | None, result: str) -> ConstitutionView:
    zh, en, items = tcm.CONSTITUTIONS[code]
    return ConstitutionView(
        code=code,
        name_zh=zh,
        name_en=en,
        score=raw,
        converted_2009=tcm.converted(raw, len(items)) if raw is not None else 0.0,
        result=result,
        result_zh=tcm.RESULT_LABELS[result][0],
    )


class TcmView(SignedEventView):
    health_check_id: uuid.UUID | None
    assessed_on: date
    age_at_assessment: int
    doctor_name: str
    visit_mode: str
    answers: dict[str, int]
    bmi: float
    waist_cm: float
    colds_per_year: int | None
    allergies_per_year: int | None
    constitutions: list[ConstitutionView]
    main_type: str | None
    positive_types: list[str]
    tendency_types: list[str]
    tied_types: list[str]
    contradiction: bool
    undeterminable: bool
    physician_confirmed: bool
    guidance: dict[str, list[str]]
    guidance_other: dict[str, str]
    complete: bool

    @classmethod
    def of(cls, record: Any, corrected_by: uuid.UUID | None = None) -> TcmView:
        return cls(
            **cls.signed_fields(record, corrected_by),
            health_check_id=record.health_check_id,
            assessed_on=record.assessed_on,
            age_at_assessment=record.age_at_assessment,
            doctor_name=record.doctor_name,
            visit_mode=record.visit_mode,
            answers=record.answers,
            bmi=record.bmi,
            waist_cm=record.waist_cm,
            colds_per_year=record.colds_per_year,
            allergies_per_year=record.allergies_per_year,
            constitutions=[_constitution(code, record.scores[code], record.results[code]) for code in tcm.CONSTITUTIONS],
            main_type=record.main_type,
            positive_types=record.positive_types,
            tendency_types=record.tendency_types,
            tied_types=record.tied_types,
            contradiction=record.contradiction,
            undeterminable=record.undeterminable,
            physician_confirmed=record.physician_confirmed,
            guidance=record.guidance,
            guidance_other=record.guidance_other,
            complete=record.complete,
        )


class VisitView(BaseModel):
    health_check: HealthCheckView
    tcm: TcmView


class ServiceRowView(BaseModel):
    resident_id: uuid.UUID
    name: str
    sex: str
    birth_date: date
    village_code: str
    check_date: date | None
    tcm_date: date | None
    home_visit: bool
    missing: list[str]


class ServicePageView(BaseModel):
    year: int
    total: int
    offset: int
    limit: int
    items: list[ServiceRowView]


class IndicatorRow(BaseModel):
    division_code: str
    numerator: int
    denominator: int
    rate: float | None


class IndicatorView(BaseModel):
    code: str
    name_zh: str
    name_en: str
    numerator_zh: str
    denominator_zh: str
    year: int
    level: str
    version: str
    values: list[IndicatorRow]
