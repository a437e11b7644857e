"""API shapes for residents and households."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from jiceng.core.masking import mask_id_number, mask_name, mask_phone
from jiceng.residents.models import Resident


class ResidentWrite(BaseModel):
    """Fields a client may send; every value is checked by the service, not here,
    so that the API, the web form and spreadsheet imports give the same messages."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    sex: str | None = None
    birth_date: str | date | None = None
    id_number: str | None = None
    no_id_reason: str | None = None
    employer: str | None = None
    phone: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    residence_type: str | None = None
    ethnicity: str | None = None
    ethnicity_name: str | None = None
    blood_abo: str | None = None
    blood_rh: str | None = None
    education: str | None = None
    occupation: str | None = None
    marital_status: str | None = None
    payment_methods: list[str] | None = None
    payment_other: str | None = None
    drug_allergies: list[str] | None = None
    drug_allergy_other: str | None = None
    exposures: list[str] | None = None
    past_diseases: list[dict[str, Any]] | None = None
    surgeries: list[dict[str, Any]] | None = None
    injuries: list[dict[str, Any]] | None = None
    transfusions: list[dict[str, Any]] | None = None
    family_history: dict[str, list[str]] | None = None
    hereditary_disease: str | None = None
    disabilities: list[str] | None = None
    disability_other: str | None = None
    kitchen_exhaust: str | None = None
    fuel: str | None = None
    drinking_water: str | None = None
    toilet: str | None = None
    livestock_pen: str | None = None
    village_code: str | None = None
    address: str | None = None
    household_id: uuid.UUID | None = None
    relation_to_head: str | None = None
    record_date: str | date | None = None
    paper_record: bool | None = None
    notes: str | None = None

    def provided(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: str
    status_date: str | date | None = None


class ResidentSummary(BaseModel):
    """A row in a list or search result: identifiers masked."""

    id: uuid.UUID
    record_number: str
    name: str
    sex: str
    birth_date: date
    age: int
    id_number_masked: str
    phone_masked: str
    village_code: str
    status: str
    relation_to_head: str | None = None

    @classmethod
    def of(cls, resident: Resident, today: date, deidentified: bool = False) -> ResidentSummary:
        return cls(
            id=resident.id,
            record_number=resident.record_number,
            name=mask_name(resident.name) if deidentified else resident.name,
            sex=resident.sex,
            birth_date=date(resident.birth_date.year, 1, 1) if deidentified else resident.birth_date,
            age=age_on(resident.birth_date, today),
            id_number_masked="" if deidentified else mask_id_number(resident.id_number),
            phone_masked="" if deidentified else mask_phone(resident.phone),
            village_code=resident.village_code,
            status=resident.status,
            relation_to_head=resident.relation_to_head,
        )


class ResidentDetail(BaseModel):
    """The whole 个人基本信息表 of one resident, as stored."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    record_number: str
    name: str
    name_pinyin: str
    name_initials: str
    sex: str
    birth_date: date
    id_number: str | None
    no_id_reason: str | None
    employer: str
    phone: str
    contact_name: str
    contact_phone: str
    residence_type: str
    ethnicity: str
    ethnicity_name: str
    blood_abo: str
    blood_rh: str
    education: str
    occupation: str
    marital_status: str
    payment_methods: list[str]
    payment_other: str
    drug_allergies: list[str]
    drug_allergy_other: str
    exposures: list[str]
    past_diseases: list[dict[str, Any]]
    surgeries: list[dict[str, Any]]
    injuries: list[dict[str, Any]]
    transfusions: list[dict[str, Any]]
    family_history: dict[str, list[str]]
    hereditary_disease: str
    disabilities: list[str]
    disability_other: str
    kitchen_exhaust: str | None
    fuel: str | None
    drinking_water: str | None
    toilet: str | None
    livestock_pen: str | None
    village_code: str
    address: str
    household_id: uuid.UUID | None
    relation_to_head: str | None
    status: str
    status_date: date | None
    record_date: date
    record_institution_id: uuid.UUID | None
    responsible_doctor_id: uuid.UUID | None
    paper_record: bool
    notes: str


class HouseholdWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    head_resident_id: uuid.UUID
    address: str | None = None


class HouseholdMemberAdd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resident_id: uuid.UUID
    relation_to_head: str


class HouseholdView(BaseModel):
    id: uuid.UUID
    household_number: str
    village_code: str
    address: str
    head_resident_id: uuid.UUID | None
    members: list[ResidentSummary] = Field(default_factory=list)


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
