"""Every resource Jiceng emits validates against the R4B models of fhir.resources (tests only;
R4B and R4 agree on the elements we emit)."""

from __future__ import annotations

import importlib
from typing import Any

from fastapi.testclient import TestClient

from jiceng.core.db import Database
from tests.factories import Region, add_resident
from tests.fhir.conftest import bearer, observation


def _validate(resource: dict[str, Any]) -> None:
    name = resource["resourceType"]
    module = importlib.import_module(f"fhir.resources.R4B.{name.lower()}")
    getattr(module, name).model_validate(resource)


def test_everything_we_emit_is_valid_fhir(client: TestClient, database: Database, region: Region) -> None:
    headers = bearer(client, "gpdoc")
    with database.unit_of_work() as s:
        resident = add_resident(
            s,
            region.principal("doctor_a"),
            past_diseases=[{"code": "2", "diagnosed_on": "2019-05"}],
            marital_status="20",
            contact_name="张大",
            contact_phone="13700000000",
        )
    client.post("/fhir/Observation", json=observation(f"Patient/{resident.id}"), headers=headers)
    client.put(
        f"/fhir/Patient/{resident.id}",
        json={
            **client.get(f"/fhir/Patient/{resident.id}", headers=headers).json(),
            "telecom": [{"system": "phone", "value": "13900000000"}],
        },
        headers=headers,
    )
    emitted: list[dict[str, Any]] = [client.get("/fhir/metadata").json()]
    for path in [
        f"/fhir/Patient/{resident.id}/$everything",
        f"/fhir/Patient/{resident.id}/_history",
        "/fhir/Organization",
        "/fhir/Location",
        "/fhir/Practitioner",
        "/fhir/PractitionerRole",
        "/fhir/OrganizationAffiliation",
        "/fhir/Patient?name=zsf&_include=Patient:organization",
    ]:
        bundle = client.get(path, headers=headers).json()
        emitted.append(bundle)
        emitted += [e["resource"] for e in bundle.get("entry", [])]
    emitted.append(client.get("/fhir/Patient/does-not-exist", headers=headers).json())
    kinds = {r["resourceType"] for r in emitted}
    assert {"Patient", "Observation", "Condition", "Organization", "Location", "CapabilityStatement", "Bundle", "OperationOutcome"} <= kinds
    for resource in emitted:
        _validate(resource)
