"""Shared records for the chronic-disease and contract FHIR tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from jiceng.chronic import service as chronic
from jiceng.contracts import service as contracts
from jiceng.core.db import Database
from tests.chronic.helpers import enrol, visit
from tests.contracts.helpers import CONSOLE, World, resident, sign, unique_id_number
from tests.factories import VILLAGE_A, add_resident

TODAY = date(2026, 11, 22)
LOINC = "http://loinc.org"
BASE = "http://jiceng.org/fhir"
ITEM = f"{BASE}/CodeSystem/chronic-visit-item"
ICD10 = "http://hl7.org/fhir/sid/icd-10"


@dataclass
class Chronic:
    resident: uuid.UUID
    htn: uuid.UUID
    t2dm: uuid.UUID
    original: uuid.UUID  # a hypertension visit replaced by a correction
    corrected: uuid.UUID  # the correction
    urgent: uuid.UUID  # SBP 185: raised an urgent referral
    voided_original: uuid.UUID
    voided: uuid.UUID  # "entered in error"
    dm_visit: uuid.UUID
    dm_recent: uuid.UUID
    referral: uuid.UUID
    rx: uuid.UUID


def _chronic(database: Database, world: World, village: str | None = None, principal: str = "teamdoc") -> Chronic:
    """A woman of 66 with hypertension and type 2 diabetes, managed by the team doctor (staff S-DOC1)."""
    with database.unit_of_work() as s:
        doctor = world.principal(principal)
        person = add_resident(
            s,
            doctor,
            name="王秀兰",
            sex="2",
            id_number=unique_id_number("19600315", "2"),
            village_code=village or VILLAGE_A,
            past_diseases=[{"code": "2", "diagnosed_on": "2019-05"}],
        )
        htn = enrol(s, doctor, person.id, "htn", responsible_team="李医生团队")
        t2dm = enrol(s, doctor, person.id, "t2dm", diagnosis_basis="1", diagnosis_institution="湖滨区人民医院")
        original = visit(
            s,
            doctor,
            person.id,
            "htn",
            "2026-03-10",
            sbp=150,
            dbp=95,
            height_cm=170,
            weight_kg=72,
            target_weight_kg=68,
            heart_rate=76,
            smoking_per_day=10,
            smoking_target=5,
            salt="3",
            salt_target="2",
            exercise_per_week=3,
            exercise_minutes=30,
            exercise_target_per_week=5,
            exercise_target_minutes=30,
            symptoms=["2"],
        ).visit
        urgent = visit(s, doctor, person.id, "htn", "2026-03-24", sbp=185, dbp=100, critical_signs=["severe_headache"])
        corrected = chronic.amend_visit(
            s,
            doctor,
            original.id,
            {"visit_date": "2026-03-10", "mode": "2", "adherence": "1", "sbp": 138, "dbp": 85, "height_cm": 170, "weight_kg": 72},
            "血压录入错误",
            today=TODAY,
        ).visit
        to_void = visit(s, doctor, person.id, "htn", "2026-06-01", sbp=128, dbp=80).visit
        voided = chronic.amend_visit(s, doctor, to_void.id, {}, "患者信息录错", voided=True, today=TODAY).visit
        dm_visit = visit(
            s,
            doctor,
            person.id,
            "t2dm",
            "2026-05-10",
            fpg=7.4,
            ppg=11.2,
            hba1c=6.5,
            hba1c_date="2026-05-01",
            temperature=36.6,
            pedal_pulse="2",
            pedal_pulse_side="left",
            height_cm=170,
            weight_kg=72,
            hypoglycaemia="1",
            staple_g=300,
            staple_target_g=250,
        ).visit
        dm_recent = visit(s, doctor, person.id, "t2dm", "2026-11-01", fpg=6.2).visit
        rx = chronic.create_prescription(
            s,
            doctor,
            person.id,
            {
                "disease": "t2dm",
                "drug_name": "盐酸二甲双胍片",
                "specification": "0.5g",
                "dose": "0.5g",
                "frequency_per_day": 2,
                "quantity": 168,
                "days": 84,
                "condition_controlled": True,
                "condition_stable": True,
            },
            today=TODAY,
        )
        assert urgent.referral is not None
        return Chronic(
            person.id,
            htn.id,
            t2dm.id,
            original.id,
            corrected.id,
            urgent.visit.id,
            to_void.id,
            voided.id,
            dm_visit.id,
            dm_recent.id,
            urgent.referral.id,
            rx.id,
        )


@dataclass
class Signed:
    resident: uuid.UUID
    old: uuid.UUID  # signed 2025-01-05, lapsed
    current: uuid.UUID  # signed today, basic + personalised package
    other: uuid.UUID  # another resident…
    ended: uuid.UUID  # …whose contract with team B was terminated


def _contracts(database: Database, world: World, resident_id: uuid.UUID | None = None) -> Signed:
    with database.unit_of_work() as s:
        person_id = resident_id or resident(s, name="赵大勇").id
        old = sign(s, world, person_id, today=date(2025, 1, 5))
        current = sign(s, world, person_id, package_ids=[world.personalised], signatory_name="赵大勇")
        other = resident(s, name="钱小红", sex="2", birth="19900101")
        ended = sign(s, world, other.id, team_id=world.team_b)
        contracts.terminate_contract(s, CONSOLE, ended.id, {"reason": "moved_out"}, today=TODAY)
        return Signed(person_id, old.id, current.id, other.id, ended.id)


def _get(client: TestClient, path: str, headers: dict[str, str], status: int = 200) -> dict[str, Any]:
    response = client.get(path, headers=headers)
    assert response.status_code == status, response.text
    return response.json()


def _entries(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle.get("entry", []) if e.get("search", {}).get("mode", "match") == "match"]


def _ids(client: TestClient, query: str, headers: dict[str, str]) -> list[str]:
    return [r["id"] for r in _entries(_get(client, f"/fhir/{query}", headers))]


def _codes(resource: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for c in resource["code"]["coding"]}


def _ext(resource: dict[str, Any], name: str) -> dict[str, Any]:
    return next(e for e in resource.get("extension", []) if e["url"] == f"{BASE}/StructureDefinition/{name}")


def _sub(extension: dict[str, Any], name: str) -> Any:
    found = next(e for e in extension["extension"] if e["url"] == name)
    return next(v for k, v in found.items() if k.startswith("value"))


def _pages(client: TestClient, url: str, headers: dict[str, str]) -> list[str]:
    seen: list[str] = []
    while url:
        bundle = _get(client, url, headers)
        seen += [r["id"] for r in _entries(bundle)]
        url = next((link["url"].replace("http://testserver", "") for link in bundle["link"] if link["relation"] == "next"), "")
    return seen


# --- chronic ------------------------------------------------------------------------------------
