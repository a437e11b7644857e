"""FHIR R4: each indicator definition as a ``Measure`` and each number of the dashboard as
a ``MeasureReport`` (type summary: numerator and denominator populations and the
proportion), read from the same materialized state as the pages and the JSON API, with
the same scope. Read-only.

Ids: a Measure is the indicator code with "_" written "-" (``contracts.coverage``,
``elderly-health-management-rate``); a MeasureReport is ``<m>-<period>-<division>`` where
``<m>`` is the first 10 hex digits of the code's SHA-1 (ids are at most 64 characters),
e.g. ``0f3a…-2026-10-411282000000``.
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from jiceng.core.divisions import level_of
from jiceng.core.errors import NotFound
from jiceng.core.fhir import resources, systems
from jiceng.core.fhir.outcome import FhirError, not_found
from jiceng.core.fhir.resources import ResourceHandler, SearchPage, SearchParam
from jiceng.core.fhir.search import SearchRequest, reference_id, token
from jiceng.core.indicators import IndicatorDefinition
from jiceng.core.security import Principal
from jiceng.indicators import service, state
from jiceng.registry import service as registry

READ_ONLY = frozenset({"read", "search-type"})
POPULATION = "http://terminology.hl7.org/CodeSystem/measure-population"
SCORING = "http://terminology.hl7.org/CodeSystem/measure-scoring"
IMPROVEMENT = "http://terminology.hl7.org/CodeSystem/measure-improvement-notation"
INDICATOR_CODE = f"{systems.BASE}/sid/indicator-code"


def measure_id(code: str) -> str:
    return code.replace("_", "-")


def short(code: str) -> str:
    return hashlib.sha1(code.encode()).hexdigest()[:10]


def _definition(match: str) -> IndicatorDefinition | None:
    for d in state.definitions():
        if match in (d.code, measure_id(d.code), short(d.code), f"{systems.BASE}/Measure/{measure_id(d.code)}"):
            return d
    return None


def measure(d: IndicatorDefinition) -> dict[str, Any]:
    def population(kind: str, zh: str, en: str) -> dict[str, Any]:
        return {
            "code": {"coding": [{"system": POPULATION, "code": kind}]},
            "description": zh,
            "criteria": {"language": "text/plain", "expression": en},
        }

    resource: dict[str, Any] = {
        "resourceType": "Measure",
        "id": measure_id(d.code),
        "url": f"{systems.BASE}/Measure/{measure_id(d.code)}",
        "identifier": [{"system": INDICATOR_CODE, "value": d.code}],
        "version": d.version,
        "name": "".join(part.capitalize() for part in d.code.replace(".", "_").split("_")),
        "title": d.name_zh,
        "subtitle": d.name_en,
        "status": "active",
        "description": f"{d.numerator_zh} ÷ {d.denominator_zh} × 100%。{d.notes_zh}",
        "purpose": d.notes_en or d.name_en,
        "relatedArtifact": [{"type": "citation", "citation": d.source}],
        "scoring": {"coding": [{"system": SCORING, "code": "proportion"}]},
        "improvementNotation": {"coding": [{"system": IMPROVEMENT, "code": "increase"}]},
        "group": [
            {
                "population": [
                    population("numerator", d.numerator_zh, d.numerator_en),
                    population("denominator", d.denominator_zh, d.denominator_en),
                ]
            }
        ],
    }
    if d.default_target is not None:
        resource["extension"] = [{"url": systems.extension("indicator-default-target"), "valueDecimal": d.default_target}]
    return resource


class MeasureHandler(ResourceHandler):
    resource_type: ClassVar[str] = "Measure"
    interactions: ClassVar[frozenset[str]] = READ_ONLY
    documentation: ClassVar[str] = "The indicator definitions (考核指标): numerator, denominator, source and version; read-only."
    search_params: ClassVar[dict[str, SearchParam]] = {
        "identifier": SearchParam("token", "Indicator code"),
        "url": SearchParam("uri", "Canonical URL"),
    }

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        principal.require(service.READ)
        found = _definition(resource_id)
        if found is None or measure_id(found.code) != resource_id:
            raise not_found("Measure", resource_id)
        return measure(found)

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        principal.require(service.READ)
        found = sorted(state.definitions(), key=lambda d: measure_id(d.code))
        for value in request.params.get("identifier", []):
            found = [d for d in found if d.code == token(value)[1]]
        for value in request.params.get("url", []):
            found = [d for d in found if f"{systems.BASE}/Measure/{measure_id(d.code)}" == value.split("|")[0]]
        if request.after:
            found = [d for d in found if measure_id(d.code) > str(request.after["id"])]
        page = found[: request.count]
        more = len(found) > request.count and page
        return SearchPage([measure(d) for d in page], {"id": measure_id(page[-1].code)} if more else None)


def report(definition: IndicatorDefinition, board: service.Dashboard, location_id: str | None) -> dict[str, Any]:
    cell = board.division.cells[definition.code]
    assert board.period is not None
    division = board.division.division
    subject: dict[str, Any] = {"identifier": {"system": systems.DIVISION_CODE, "value": division}, "display": board.division.name}
    if location_id:
        subject["reference"] = f"Location/{location_id}"
    resource: dict[str, Any] = {
        "resourceType": "MeasureReport",
        "id": f"{short(definition.code)}-{board.period.key}-{division}",
        "status": "complete",
        "type": "summary",
        "measure": f"{systems.BASE}/Measure/{measure_id(definition.code)}|{definition.version}",
        "subject": subject,
        "period": {"start": board.period.start.isoformat(), "end": board.period.end.isoformat()},
        "improvementNotation": {"coding": [{"system": IMPROVEMENT, "code": "increase"}]},
        "group": [
            {
                "population": [
                    {"code": {"coding": [{"system": POPULATION, "code": "numerator"}]}, "count": cell.numerator},
                    {"code": {"coding": [{"system": POPULATION, "code": "denominator"}]}, "count": cell.denominator},
                ],
            }
        ],
    }
    if cell.rate is not None:
        resource["group"][0]["measureScore"] = {"value": round(cell.rate, 6), "system": systems.UCUM, "code": "1"}
    return resource


class MeasureReportHandler(ResourceHandler):
    resource_type: ClassVar[str] = "MeasureReport"
    interactions: ClassVar[frozenset[str]] = READ_ONLY
    documentation: ClassVar[str] = (
        "Each indicator for a division and period (type summary), from the dashboard's state; your scope applies. "
        "Search by measure, period (2026 or 2026-10) and subject (Location/id) or division (12-digit code)."
    )
    search_params: ClassVar[dict[str, SearchParam]] = {
        "measure": SearchParam("reference", "The Measure (id, URL or indicator code)", "Measure"),
        "period": SearchParam("token", "Period key: a year (2026) or a year to the end of a month (2026-10)"),
        "subject": SearchParam("reference", "The division (Location/id)", "Location"),
        "division": SearchParam("token", "The division's 12-digit code"),
    }

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        parts = resource_id.split("-")
        definition = _definition(parts[0]) if len(parts) >= 3 else None
        division = parts[-1]
        period = "-".join(parts[1:-1])
        if definition is None or short(definition.code) != parts[0] or level_of(division) is None:
            raise not_found("MeasureReport", resource_id)
        try:
            board = service.dashboard(session, principal, division, period)
        except NotFound:
            raise not_found("MeasureReport", resource_id) from None
        if board.period is None:
            raise not_found("MeasureReport", resource_id)
        return report(definition, board, self._location(session, division))

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        definitions = state.definitions()
        for value in request.params.get("measure", []):
            wanted = _definition(value.split("|")[0].removeprefix("Measure/"))
            definitions = [d for d in definitions if wanted is not None and d.code == wanted.code]
        division = request.first("division")
        if request.first("subject"):
            division = self._division_of(session, principal, reference_id(request.first("subject") or "", "Location", "subject"))
            if division is None:
                return SearchPage([])
        period = request.first("period")
        try:
            board = service.dashboard(session, principal, token(division)[1] if division else None, token(period)[1] if period else None)
        except NotFound:
            return SearchPage([])
        if board.period is None or not board.division.division:
            return SearchPage([])
        location_id = self._location(session, board.division.division)
        found = sorted((report(d, board, location_id) for d in definitions), key=lambda r: str(r["id"]))
        if request.after:
            found = [r for r in found if str(r["id"]) > str(request.after["id"])]
        page = found[: request.count]
        return SearchPage(page, {"id": page[-1]["id"]} if len(found) > request.count and page else None)

    @staticmethod
    def _location(session: Session, code: str) -> str | None:
        found = registry.find_division(session, code)
        return str(found.id) if found is not None else None

    @staticmethod
    def _division_of(session: Session, principal: Principal, location_id: str) -> str | None:
        """The division code of a Location (through the registry's own FHIR mapping)."""
        try:
            location = resources.handler("Location").read(session, principal, location_id)
        except FhirError:
            return None
        codes = [i["value"] for i in location.get("identifier", []) if i.get("system") == systems.DIVISION_CODE]
        return codes[0] if codes else None


for _handler in (MeasureHandler(), MeasureReportHandler()):
    resources.register(_handler)
