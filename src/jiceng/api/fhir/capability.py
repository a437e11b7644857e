"""The CapabilityStatement, generated from the registered handlers so it tells the truth."""

from __future__ import annotations

from typing import Any

from jiceng import __version__
from jiceng.core.fhir import resources, systems

INTERACTION_CODES = {
    "read": "read",
    "vread": "vread",
    "history-instance": "history-instance",
    "search-type": "search-type",
    "create": "create",
    "update": "update",
    "delete": "delete",
}


def _resource(handler: resources.ResourceHandler) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": handler.resource_type,
        "interaction": [{"code": code} for code in sorted(handler.interactions)],
        "versioning": "versioned" if "vread" in handler.interactions else "no-version",
        "readHistory": "history-instance" in handler.interactions,
        "updateCreate": False,
        "conditionalCreate": handler.conditional_create,
        "conditionalUpdate": handler.conditional_update,
        "conditionalDelete": "not-supported",
        "searchParam": [
            {"name": name, "type": param.type, "documentation": param.description} for name, param in sorted(handler.search_params.items())
        ],
        "searchInclude": [f"{handler.resource_type}:{name}" for name in sorted(handler.includes)],
        "documentation": handler.documentation
        + f" Unmapped elements: {'kept verbatim and returned on read' if handler.unmapped == 'retain' else 'refused with an OperationOutcome naming them'}.",
    }
    if "$everything" in handler.interactions:
        entry["operation"] = [{"name": "everything", "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything"}]
    return entry


def capability_statement(base: str) -> dict[str, Any]:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-22",
        "publisher": "Jiceng 基层",
        "kind": "instance",
        "software": {"name": "Jiceng", "version": __version__},
        "implementation": {"description": "Jiceng primary-care platform (基层医疗卫生信息平台)", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Identifier systems: "
                    f"ID number {systems.RESIDENT_ID_NUMBER}; record number {systems.HEALTH_RECORD_NUMBER}; "
                    f"institution {systems.INSTITUTION_CODE}; staff {systems.STAFF_CODE}; division {systems.DIVISION_CODE}. "
                    "Search results carry no total; page with the next link (keyset). _include/_revinclude are capped at 200 resources per page."
                ),
                "security": {
                    "service": [
                        {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/restful-security-service", "code": "OAuth"}]}
                    ],
                    "description": "Bearer tokens: users via /api/v1/auth/token; machine clients via OAuth2 client credentials at /api/v1/auth/oauth/token with SMART Backend Services scopes such as system/Patient.read.",
                },
                "resource": [_resource(h) for h in resources.handlers().values()],
                "interaction": [{"code": "transaction"}, {"code": "batch"}],
            }
        ],
    }
