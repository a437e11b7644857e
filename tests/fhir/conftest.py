from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from jiceng.accounts import service as accounts
from jiceng.api.app import create_app
from jiceng.core.config import Settings
from jiceng.core.db import Database
from jiceng.core.security import Principal
from tests.factories import PASSWORD, VILLAGE_A, Region, build_region, id_number

ID_SYSTEM = "http://jiceng.org/fhir/sid/cn-resident-id-number"
DIVISION = "http://jiceng.org/fhir/StructureDefinition/division-code"


@pytest.fixture
def region(database: Database) -> Region:
    return build_region(database)


@pytest.fixture
def client(database: Database, region: Region, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path, database_url=database.url), database)
    with TestClient(app) as test_client:
        yield test_client


def bearer(client: TestClient, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def machine_token(database: Database, client: TestClient, scopes: str) -> dict[str, str]:
    with database.unit_of_work() as s:
        user = accounts.create_user(
            s, Principal.console_operator(), username=f"lab{abs(hash(scopes)) % 10000}", password=PASSWORD, role="integration_client"
        )
        client_id, secret = accounts.create_client(s, Principal.console_operator(), user, scopes)
    response = client.post(
        "/api/v1/auth/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": scopes},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def patient(birth: str = "19800101", sequence: str = "123", name: str = "张三丰", village: str = VILLAGE_A, **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "identifier": [{"system": ID_SYSTEM, "value": id_number(birth, sequence)}],
        "name": [{"text": name}],
        "telecom": [{"system": "phone", "value": "13812345678"}],
        "address": [{"text": "东坡村8号", "extension": [{"url": DIVISION, "valueCode": village}]}],
        **extra,
    }


def observation(patient_ref: str, value: float = 6.8, code: str = "1558-6") -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": code, "display": "Fasting glucose"}], "text": "空腹血糖"},
        "subject": {"reference": patient_ref},
        "effectiveDateTime": "2026-11-01T08:30:00+08:00",
        "valueQuantity": {"value": value, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"},
        "referenceRange": [{"low": {"value": 3.9, "unit": "mmol/L"}, "high": {"value": 6.1, "unit": "mmol/L"}}],
    }


def strip_server(resource: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in resource.items() if k not in ("id", "meta")}
