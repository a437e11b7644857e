"""Identifier and code-system URIs Jiceng uses (documented in docs/fhir.md and the CapabilityStatement)."""

from __future__ import annotations

BASE = "http://jiceng.org/fhir"

RESIDENT_ID_NUMBER = f"{BASE}/sid/cn-resident-id-number"  # 居民身份证号 (GB 11643-1999)
HEALTH_RECORD_NUMBER = f"{BASE}/sid/health-record-number"  # 17-digit 健康档案编号
HOUSEHOLD_NUMBER = f"{BASE}/sid/household-number"
INSTITUTION_CODE = f"{BASE}/sid/institution-code"
STAFF_CODE = f"{BASE}/sid/staff-code"
DIVISION_CODE = f"{BASE}/sid/division-code"  # 统计用区划代码 (12 digits)
ALLIANCE_ID = f"{BASE}/sid/alliance"

V2_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
V3_MARITAL = "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


def code_system(name: str) -> str:
    """A Jiceng code system for a national code list, e.g. ``code_system("institution-kind")``."""
    return f"{BASE}/CodeSystem/{name}"


def extension(name: str) -> str:
    return f"{BASE}/StructureDefinition/{name}"
