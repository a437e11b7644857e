"""The follow-up's readings and assessments as Observations ``<visit id>-fu-<item>``,
contributed to the results domain's Observation handler."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import Select, or_
from sqlalchemy.orm import Session

from jiceng.chronic import access, codes
from jiceng.chronic.fhir.codings import CATEGORY_DISPLAY, ITEM_SYSTEM, OBSERVATION_INFIX, concept, encounter_id, local, quantity, ref
from jiceng.chronic.fhir.items import HTN_ONLY, ITEMS, T2DM_ONLY, Item
from jiceng.chronic.fhir.records import current_of_patient, current_visits, everything_patient, visit_condition, visit_of
from jiceng.chronic.models import Visit
from jiceng.core.fhir import systems
from jiceng.core.fhir.items import ItemObservations, ObservationItem
from jiceng.core.fhir.query import audit_shown, coding, date_matches, instant
from jiceng.core.fhir.resources import meta
from jiceng.core.fhir.search import date_condition
from jiceng.core.security import Principal


def _item_code(item: Item) -> dict[str, Any]:
    loinc = [coding(systems.LOINC, item.loinc, item.loinc_display)] if item.loinc else []
    return {"coding": [*loinc, coding(ITEM_SYSTEM, item.code, item.zh)], "text": item.zh}


def _typed_value(item: Item, raw: Any) -> dict[str, Any]:
    if item.kind == "coded":
        assert item.codes is not None
        return {"valueCodeableConcept": concept(item.codes, str(raw))}
    if item.kind in ("integer", "exercise") and item.ucum:
        return {"valueQuantity": quantity(int(raw), item.ucum)}
    return {"valueQuantity": quantity(raw, item.ucum, item.unit)}


def _component(code: str, zh: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"code": local(code, zh), **value}


def _bp(visit: Visit) -> dict[str, Any] | None:
    parts = [(visit.sbp, "8480-6", "Systolic blood pressure", "收缩压"), (visit.dbp, "8462-4", "Diastolic blood pressure", "舒张压")]
    if visit.sbp is None and visit.dbp is None:
        return None
    return {
        "component": [
            {"code": {"coding": [coding(systems.LOINC, code, display)], "text": zh}, "valueQuantity": quantity(value, "mm[Hg]")}
            for value, code, display, zh in parts
            if value is not None
        ]
    }


def _boolean(visit: Visit, item: Item, raw: Any) -> dict[str, Any]:
    detail = visit.adverse_reaction_detail if item.code == "adverse-reaction" else visit.complication_detail
    found: dict[str, Any] = {"valueBoolean": bool(raw)}
    if item.code == "adverse-reaction" and visit.adr_hard_to_control:
        found["component"] = [_component("adr-hard-to-control", "不良反应难以控制", {"valueBoolean": True})]
    if detail:
        found["note"] = [{"text": detail}]
    return found


def _value(visit: Visit, item: Item) -> dict[str, Any] | None:
    """value[x], components and the like of an item, or None when the visit has no value for it."""
    if (item.code in T2DM_ONLY and visit.disease != codes.T2DM) or (item.code in HTN_ONLY and visit.disease != codes.HTN):
        return None
    if item.kind == "bp":
        return _bp(visit)
    if item.kind == "symptoms":
        return _symptoms(visit)
    if item.kind == "category":
        return _category(visit)
    raw = getattr(visit, item.field)
    if item.kind == "boolean":
        return _boolean(visit, item, raw)
    if raw is None or raw == "":
        return None
    found = _typed_value(item, raw)
    components = []
    if item.kind == "exercise" and visit.exercise_minutes is not None:
        components.append(_component("exercise-minutes", "每次运动时间", {"valueQuantity": quantity(visit.exercise_minutes, "min")}))
    target = getattr(visit, item.target) if item.target else None
    if target is not None and target != "":
        components.append(_component(f"{item.code}-target", f"{item.zh}目标", _typed_value(item, target)))
    if item.kind == "exercise" and visit.exercise_target_minutes is not None:
        components.append(
            _component("exercise-minutes-target", "每次运动时间目标", {"valueQuantity": quantity(visit.exercise_target_minutes, "min")})
        )
    if item.code == "dorsalis-pedis" and visit.pedal_pulse_side:
        found["bodySite"] = concept(codes.SIDE, visit.pedal_pulse_side)
    if components:
        found["component"] = components
    return found


def _symptoms(visit: Visit) -> dict[str, Any] | None:
    symptom_list = codes.HTN_SYMPTOM if visit.disease == codes.HTN else codes.DM_SYMPTOM
    components = [_component("symptom", "症状", {"valueCodeableConcept": concept(symptom_list, s)}) for s in visit.symptoms or []]
    components += [
        _component("critical-sign", "危急情况", {"valueCodeableConcept": concept(codes.CRITICAL_SIGN, s)})
        for s in visit.critical_signs or []
    ]
    if visit.pregnant_or_breastfeeding:
        components.append(_component("pregnant-or-breastfeeding", "妊娠或哺乳期", {"valueBoolean": True}))
    if visit.unmanageable_condition:
        components.append(_component("unmanageable-condition", "存在不能处理的其他疾病", {"valueBoolean": True}))
    if not components and not visit.symptoms_other:
        return None
    found: dict[str, Any] = {"component": components}
    if visit.symptoms_other:
        found["valueString"] = visit.symptoms_other
    return found


def _category(visit: Visit) -> dict[str, Any]:
    """此次随访分类: the category that stands (the doctor's when changed), how the rules assessed the visit."""
    components = []
    if visit.category != visit.computed_category:
        components.append(
            _component("computed-category", "系统计算分类", {"valueCodeableConcept": concept(codes.CATEGORY, visit.computed_category)})
        )
    if visit.on_target is not None:
        components.append(_component("on-target", "血压/血糖达标", {"valueBoolean": bool(visit.on_target)}))
    components.append(_component("urgent", "需紧急转诊", {"valueBoolean": bool(visit.urgent)}))
    components += [
        _component("reason", "原因", {"valueCodeableConcept": concept(codes.REASON, r)}) for r in visit.reasons or [] if r in codes.REASON
    ]
    found: dict[str, Any] = {"valueCodeableConcept": concept(codes.CATEGORY, visit.category), "component": components}
    if visit.category_override_reason:
        found["note"] = [{"text": f"调整分类的理由：{visit.category_override_reason}"}]
    return found


def observations(visit: Visit) -> list[dict[str, Any]]:
    """Every Observation of a signed visit, in id order."""
    performers = [r for r in (ref("Practitioner", visit.doctor_id, visit.doctor_name), ref("Organization", visit.institution_id)) if r]
    common = {
        "meta": meta(visit.version, visit.updated_at),
        "status": "entered-in-error" if visit.voided else "final",
        "subject": {"reference": f"Patient/{visit.resident_id}"},
        "encounter": {"reference": f"Encounter/{encounter_id(visit.id)}"},
        "effectiveDateTime": visit.visit_date.isoformat(),
        "issued": instant(visit.signed_at),
        "performer": [p for p in performers if "reference" in p],
    }
    out = []
    for item in ITEMS:
        value = _value(visit, item)
        if value is None:
            continue
        resource = {
            "resourceType": "Observation",
            "id": f"{visit.id}{OBSERVATION_INFIX}{item.code}",
            **common,
            "category": [{"coding": [coding(systems.OBSERVATION_CATEGORY, item.category, CATEGORY_DISPLAY[item.category])]}],
            "code": _item_code(item),
            **value,
        }
        if item.code == "hba1c" and visit.hba1c_date:
            resource["effectiveDateTime"] = visit.hba1c_date.isoformat()
        out.append(resource)
    return sorted(out, key=lambda r: r["id"])


class FollowUpObservations(ItemObservations):
    """The follow-up's readings and assessments as Observations ``<visit id>-fu-<item>`` (read-only)."""

    documentation: ClassVar[str] = (
        "Also the chronic-disease follow-up's readings, id <visit id>-fu-<item>, coded with LOINC where one exists (BP panel 85354-9, "
        "heart rate 8867-4, weight 29463-7, BMI 39156-5, fasting glucose 1558-6, HbA1c 4548-4, …) and always with "
        f"{ITEM_SYSTEM}; the visit category (随访分类) is <visit id>-fu-category."
    )
    items: ClassVar[Sequence[ObservationItem]] = ITEMS
    item_system: ClassVar[str] = ITEM_SYSTEM
    infix: ClassVar[str] = OBSERVATION_INFIX
    model: ClassVar[Any] = Visit
    permission: ClassVar[str] = access.READ
    object_type: ClassVar[str] = "chronic_visit"

    def observations(self, record: Visit) -> list[dict[str, Any]]:
        return observations(record)

    def record(self, session: Session, principal: Principal, record_id: uuid.UUID, resource_id: str) -> Visit:
        return visit_of(session, principal, record_id, "Observation", resource_id)[0]

    def current(self, principal: Principal) -> Select:
        return current_visits(principal)

    def of_patient(self, session: Session, principal: Principal, resource_id: str) -> list[Visit]:
        resident_id = everything_patient(resource_id, principal)
        if resident_id is None:
            return []
        visits = current_of_patient(session, principal, resident_id)
        audit_shown(session, principal, (v.resident_id for v in visits), "chronic_visit", "Observation")
        return visits

    def condition(self, base: str, value: str) -> Any | None:
        return visit_condition(base, value) if base in ("patient", "subject", "_lastUpdated") else None

    def date_condition(self, value: str) -> Any:
        # HbA1c may carry its own test date: match the visit date or the test date in SQL, exactly in date_matches.
        return or_(
            date_condition(Visit.visit_date, value, "date", as_date=True),
            date_condition(Visit.hba1c_date, value, "date", as_date=True),
        )

    def date_matches(self, resource: dict[str, Any], value: str) -> bool:
        return date_matches(resource["effectiveDateTime"], value)

    def value_columns(self, item: ObservationItem) -> Sequence[str] | None:
        assert isinstance(item, Item)
        if item.kind in ("boolean", "category", "symptoms"):
            return None
        return ("sbp", "dbp") if item.kind == "bp" else (item.field,)
