"""API shapes for the registry."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict


class DivisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    level: str
    parent_code: str | None
    urban_rural_class: str | None


class DivisionWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    name: str
    urban_rural_class: str | None = None


class InstitutionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    kind: str
    grade: str
    division_code: str
    parent_id: uuid.UUID | None
    address: str
    phone: str


class InstitutionDetail(InstitutionOut):
    catchment_villages: list[str]
    alliances: list[dict[str, Any]]


class InstitutionWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    name: str
    kind: str
    grade: str | None = None
    division_code: str
    parent_id: uuid.UUID | None = None
    address: str | None = None
    phone: str | None = None


class CatchmentWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    village_codes: list[str]


class AllianceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    kind: str
    lead_institution_id: uuid.UUID
    division_code: str
    established_on: date | None


class StaffOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    staff_code: str
    name: str
    sex: str
    institution_id: uuid.UUID
    profession: str
    practice_category: str
    qualification: str
    education: str
    title: str


class StaffWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    staff_code: str
    name: str
    sex: str
    institution_id: uuid.UUID
    profession: str
    practice_category: str | None = None
    qualification: str | None = None
    education: str
    title: str | None = None
    phone: str | None = None
    birth_date: str | None = None


class WorkforceOut(BaseModel):
    label_zh: str
    label_en: str
    total: int
    bachelor_or_above: int
    intermediate_title_or_above: int
    licensed_or_assistant_physicians: int
    by_profession: dict[str, int]
    by_education: dict[str, int]
    by_title: dict[str, int]


class StatisticsOut(BaseModel):
    division_code: str | None
    institutions_by_kind: dict[str, int]
    primary_institutions: int
    primary_staff: int
    township_level: WorkforceOut
    village_level: WorkforceOut
