"""Code systems, ids and small building blocks of the chronic-disease FHIR mapping."""

from __future__ import annotations

import uuid
from typing import Any

from jiceng.chronic import codes
from jiceng.core.codes import CodeList
from jiceng.core.fhir import systems
from jiceng.core.fhir.query import coding

ITEM_SYSTEM = systems.code_system("chronic-visit-item")
ICD10 = "http://hl7.org/fhir/sid/icd-10"
SNOMED = "http://snomed.info/sct"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
RX_CATEGORY = "http://terminology.hl7.org/CodeSystem/medicationrequest-category"

ENCOUNTER_SUFFIX = "-fu"  # Encounter <visit id>-fu
OBSERVATION_INFIX = "-fu-"  # Observation <visit id>-fu-<item>
CONDITION_SUFFIX = "-dx"  # Condition <enrolment id>-dx

# 随访方式 → Encounter.class (v3 ActCode): clinic, home visit, telephone (virtual).
ENCOUNTER_CLASS = {"1": ("AMB", "ambulatory"), "2": ("HH", "home health"), "3": ("VR", "virtual")}
ENCOUNTER_TYPE = {codes.HTN: ("htn-followup", "高血压患者随访"), codes.T2DM: ("t2dm-followup", "2型糖尿病患者随访")}
ICD10_CODES = {codes.HTN: ("I10", "Essential (primary) hypertension"), codes.T2DM: ("E11", "Type 2 diabetes mellitus")}
CATEGORY_DISPLAY = {
    "vital-signs": "Vital Signs",
    "laboratory": "Laboratory",
    "survey": "Survey",
    "social-history": "Social History",
    "exam": "Exam",
}
# The form's units next to the UCUM code.
UNIT_TEXT = {
    "mm[Hg]": "mmHg",
    "/min": "次/分钟",
    "Cel": "℃",
    "kg/m2": "kg/m²",
    "/d": "支/天",
    "/wk": "次/周",
    "min": "分钟/次",
    "g/d": "克/天",
}
# Code systems of coded values: the form's code lists (jiceng.chronic.codes).
VALUE_SYSTEMS: dict[int, str] = {
    id(codes.PEDAL_PULSE): "chronic-pedal-pulse",
    id(codes.SIDE): "chronic-pulse-side",
    id(codes.SALT): "chronic-salt",
    id(codes.RATING): "chronic-rating",
    id(codes.ADHERENCE): "chronic-adherence",
    id(codes.HYPOGLYCAEMIA): "chronic-hypoglycaemia",
    id(codes.CATEGORY): "chronic-visit-category",
    id(codes.REASON): "chronic-reason",
    id(codes.HTN_SYMPTOM): "chronic-htn-symptom",
    id(codes.DM_SYMPTOM): "chronic-t2dm-symptom",
    id(codes.CRITICAL_SIGN): "chronic-critical-sign",
    id(codes.VISIT_MODE): "chronic-visit-mode",
    id(codes.DISEASE): "chronic-disease",
    id(codes.ENROLMENT_STATUS): "chronic-management-status",
    id(codes.DIAGNOSIS_BASIS): "chronic-diagnosis-basis",
    id(codes.SOURCE): "chronic-source",
    id(codes.REFERRAL_KIND): "chronic-referral-kind",
    id(codes.REFERRAL_RESULT): "chronic-referral-result",
}


def value_system(codelist: CodeList) -> str:
    return systems.code_system(VALUE_SYSTEMS[id(codelist)])


def concept(codelist: CodeList, code: str) -> dict[str, Any]:
    label = codelist.label(code)
    return {"coding": [coding(value_system(codelist), code, label)], "text": label}


def quantity(value: float | int, ucum: str, unit: str = "") -> dict[str, Any]:
    if not ucum:
        return {"value": value, "unit": unit}
    return {"value": value, "unit": UNIT_TEXT.get(ucum, ucum), "system": systems.UCUM, "code": ucum}


def local(code: str, zh: str) -> dict[str, Any]:
    """A concept in the follow-up's own item code system."""
    return {"coding": [coding(ITEM_SYSTEM, code, zh)], "text": zh}


def ref(kind: str, value: uuid.UUID | None, display: str = "") -> dict[str, Any] | None:
    """A reference, a display-only one when only the name is known, else None."""
    if value is None:
        return {"display": display} if display else None
    return {"reference": f"{kind}/{value}", **({"display": display} if display else {})}


def encounter_id(visit_id: uuid.UUID) -> str:
    return f"{visit_id}{ENCOUNTER_SUFFIX}"


def condition_id(enrolment_id: uuid.UUID) -> str:
    return f"{enrolment_id}{CONDITION_SUFFIX}"
