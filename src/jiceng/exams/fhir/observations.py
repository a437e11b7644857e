"""The health check's measurements as Observations ``<check id>-<item>``, contributed to the
results domain's Observation handler."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

from jiceng.core.fhir import systems
from jiceng.core.fhir.items import ItemObservations, ObservationItem
from jiceng.core.fhir.query import coding, instant, last_updated
from jiceng.core.fhir.resources import meta
from jiceng.core.fhir.search import date_condition
from jiceng.core.security import Principal
from jiceng.exams import codes
from jiceng.exams import service as exams
from jiceng.exams.fhir.items import BP_SIDES, CATEGORY, ITEM_SYSTEM, ITEMS, SELF_CARE_LEVEL, SNOMED, UNIT_TEXT, Item, concept, value_system
from jiceng.exams.fhir.records import current, for_patient, patients, signed
from jiceng.exams.form import BY_KEY, COLUMN
from jiceng.exams.models import HealthCheck


def _item_code(item: Item) -> dict[str, Any]:
    zh, _en = item.label
    loinc = [coding(systems.LOINC, item.loinc, item.loinc_display)] if item.loinc else []
    return {"coding": [*loinc, coding(ITEM_SYSTEM, item.code, zh)], "text": zh}


def _quantity(value: float | int, ucum: str) -> dict[str, Any]:
    return {"value": value, "unit": UNIT_TEXT.get(ucum, ucum), "system": systems.UCUM, "code": ucum}


def _bp(check: HealthCheck, item: Item) -> dict[str, Any] | None:
    side = item.code.removeprefix("bp-")
    systolic, diastolic = getattr(check, f"sbp_{side}"), getattr(check, f"dbp_{side}")
    if systolic is None and diastolic is None:
        return None
    parts = [(systolic, "8480-6", "Systolic blood pressure", "收缩压"), (diastolic, "8462-4", "Diastolic blood pressure", "舒张压")]
    site, site_display = BP_SIDES[side]
    return {
        "bodySite": {"coding": [coding(SNOMED, site, site_display)], "text": "左上臂" if side == "left" else "右上臂"},
        "component": [
            {"code": {"coding": [coding(systems.LOINC, code, display)], "text": zh}, "valueQuantity": _quantity(value, "mm[Hg]")}
            for value, code, display, zh in parts
            if value is not None
        ],
    }


def _self_care(check: HealthCheck, raw: Any) -> dict[str, Any]:
    """The total, its band and the level chosen for each of the five items."""
    components = []
    for key, ((zh, _en), _points, _texts) in codes.SELF_CARE_ITEMS.items():
        level = (check.self_care or {}).get(key)
        if level:
            field = BY_KEY[f"self_care_{key}"]
            components.append(
                {
                    "code": {"coding": [coding(ITEM_SYSTEM, f"self-care-{key}", zh)], "text": zh},
                    "valueCodeableConcept": concept(value_system(f"self-care-{key}"), str(level), field.codes),
                }
            )
    if check.self_care_level:
        components.append(
            {
                "code": {"coding": [coding(ITEM_SYSTEM, "self-care-level", "生活自理能力")], "text": "生活自理能力"},
                "valueCodeableConcept": concept(value_system("self-care-level"), check.self_care_level, SELF_CARE_LEVEL),
            }
        )
    return {"valueInteger": int(raw), "component": components}


def _value(check: HealthCheck, flat: dict[str, Any], item: Item) -> dict[str, Any] | None:
    """The value[x] (and components) of an item, or None when the check has no value for it."""
    raw = flat[item.field] if item.field in flat else getattr(check, item.field)
    if item.kind == "bp":
        return _bp(check, item)
    if raw is None or raw == "":
        return None
    if item.kind == "quantity":
        return {"valueQuantity": _quantity(raw, item.ucum) if item.ucum else {"value": raw, "unit": item.unit}}
    if item.kind == "integer":
        return {"valueInteger": int(raw)}
    if item.kind == "coded":
        return {"valueCodeableConcept": concept(value_system(item.code), str(raw), BY_KEY[item.field].codes)}
    return _self_care(check, raw)


def observations(check: HealthCheck) -> list[dict[str, Any]]:
    """Every Observation of a signed check, in id order."""
    flat = exams.form_values(check)
    common = {
        "meta": meta(check.version, check.updated_at),
        "status": "final",
        "subject": {"reference": f"Patient/{check.resident_id}"},
        "encounter": {"reference": f"Encounter/{check.id}"},
        "effectiveDateTime": check.exam_date.isoformat(),
        "issued": instant(check.signed_at),
        "performer": [{"reference": f"Organization/{check.institution_id}"}] if check.institution_id else [],
    }
    out = []
    for item in ITEMS:
        value = _value(check, flat, item)
        if value is None:
            continue
        out.append(
            {
                "resourceType": "Observation",
                "id": f"{check.id}-{item.code}",
                **common,
                "category": [{"coding": [coding(systems.OBSERVATION_CATEGORY, item.category, CATEGORY[item.category])]}],
                "code": _item_code(item),
                **value,
            }
        )
    return sorted(out, key=lambda r: r["id"])


class CheckObservations(ItemObservations):
    """The health check's measurements as Observations ``<check id>-<item>`` (read-only)."""

    items: ClassVar[Sequence[ObservationItem]] = ITEMS
    item_system: ClassVar[str] = ITEM_SYSTEM
    infix: ClassVar[str] = "-"
    model: ClassVar[Any] = HealthCheck
    permission: ClassVar[str] = exams.EXAMS_READ
    object_type: ClassVar[str] = "health_check"

    def observations(self, record: HealthCheck) -> list[dict[str, Any]]:
        return observations(record)

    def record(self, session: Session, principal: Principal, record_id: uuid.UUID, resource_id: str) -> HealthCheck:
        return signed(session, principal, record_id, "Observation", resource_id)

    def current(self, principal: Principal) -> Select:
        return current(principal)

    def of_patient(self, session: Session, principal: Principal, resource_id: str) -> list[HealthCheck]:
        return for_patient(session, principal, resource_id)

    def condition(self, base: str, value: str) -> Any | None:
        if base in ("patient", "subject"):
            return patients(value, base)
        if base == "_lastUpdated":
            return last_updated(HealthCheck.updated_at, value)
        return None

    def date_condition(self, value: str) -> Any:
        return date_condition(HealthCheck.exam_date, value, "date", as_date=True)

    def value_columns(self, item: ObservationItem) -> Sequence[str] | None:
        assert isinstance(item, Item)
        side = item.code.removeprefix("bp-")
        names = [f"sbp_{side}", f"dbp_{side}"] if item.kind == "bp" else [item.field]
        if any(name in BY_KEY and BY_KEY[name].store != COLUMN for name in names):
            return None  # kept in JSON: the SQL cannot tell
        return names

    def loinc_matches(self, item: ObservationItem, code: str) -> bool:
        # Unlike the chronic follow-up's, an empty code (``code=http://loinc.org|``) matches the
        # items without a LOINC code; kept as it was when this was extracted.
        return item.loinc == code
