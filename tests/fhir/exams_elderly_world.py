"""Shared records for the health-check and TCM FHIR tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from jiceng.core.db import Database
from jiceng.elderly import service as elderly
from tests.elderly.examples import SPEC_36_ANSWERS, asked
from tests.exams.helpers import full_check
from tests.factories import Region, add_resident, id_number

TODAY = date(2026, 11, 22)
LOINC = "http://loinc.org"
ITEM = "http://jiceng.org/fhir/CodeSystem/health-check-item"
CANONICAL = "http://jiceng.org/fhir/Questionnaire/tcm-constitution|3"
QR = "QuestionnaireResponse"


@dataclass
class Visit:
    resident: uuid.UUID
    check: uuid.UUID
    record: uuid.UUID


def _tcm(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"answers": asked(SPEC_36_ANSWERS), "guidance": {"qixu": ["1", "2", "6"]}, "guidance_other": {"qixu": "八段锦"}}
    data.update(overrides)
    return data


def _visit(database: Database, region: Region, sequence: str = "124", doctor: str = "doctor_a", **where: Any) -> Visit:
    """A woman born 1950 with the yearly visit: a full signed check and the TCM service (spec §3.6 answers)."""
    with database.unit_of_work() as s:
        principal = region.principal(doctor)
        resident = add_resident(s, principal, name="王秀英", sex="2", id_number=id_number("19500310", sequence), **where)
        check = full_check(exam_date="2026-05-10", height_cm=160, weight_kg=65.3, waist_cm=88)
        visit = elderly.record_elderly_visit(s, principal, resident.id, check, _tcm(colds_per_year=5), today=TODAY)
        return Visit(resident.id, visit.health_check.id, visit.tcm.id)


def _get(client: TestClient, path: str, headers: dict[str, str], status: int = 200) -> dict[str, Any]:
    response = client.get(path, headers=headers)
    assert response.status_code == status, response.text
    return response.json()


def _entries(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle.get("entry", []) if e.get("search", {}).get("mode", "match") == "match"]


def _codes(resource: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for c in resource["code"]["coding"]}
