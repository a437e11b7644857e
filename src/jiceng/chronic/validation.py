"""Checks for chronic-disease input. Every problem is reported at once, in Chinese and
English, naming the field; nothing is saved when any check fails."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jiceng.chronic import codes
from jiceng.chronic.codes import HTN, T2DM
from jiceng.chronic.form import BY_KEY, FIELDS, Field, symptom_codes
from jiceng.core import validators as v
from jiceng.core.errors import ErrorCollector

TRUE_TEXT = {"1", "true", "on", "yes", "y", "是", "有"}
FALSE_TEXT = {"", "0", "false", "off", "no", "n", "否", "无"}
MAX_MEDICATIONS = 10


def round_half_up(number: float, places: int = 1) -> float:
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(str(number)).quantize(quantum, rounding=ROUND_HALF_UP))


def bmi(weight_kg: float | None, height_cm: float | None) -> float | None:
    if not weight_kg or not height_cm:
        return None
    return round_half_up(weight_kg / (height_cm / 100) ** 2, 1)


def plain(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


def number(errors: ErrorCollector, f: Field, raw: Any, name: str | None = None) -> Any:
    name = name or f.key
    if v.blank(raw):
        return None
    zh, en = f.label
    try:
        if isinstance(raw, bool):
            raise ValueError
        value = float(raw) if isinstance(raw, int | float) else float(str(raw).strip().replace("，", "."))
    except ValueError:
        errors.add(name, "not_a_number", f"{zh}：“{v.text(raw)}”不是数字", f"{en}: “{v.text(raw)}” is not a number")
        return None
    if f.kind == "int" and value != int(value):
        errors.add(name, "not_an_integer", f"{zh}：应为整数", f"{en}: must be a whole number")
        return None
    if (f.low is not None and value < f.low) or (f.high is not None and value > f.high):
        errors.add(
            name,
            "out_of_range",
            f"{zh}：{plain(value)} 超出合理范围（{plain(f.low)}–{plain(f.high)}{f.unit}）",
            f"{en}: {plain(value)} is outside the plausible range ({plain(f.low)}-{plain(f.high)} {f.unit})".rstrip(),
        )
        return None
    return int(value) if f.kind == "int" else round_half_up(value, f.places)


def boolean(errors: ErrorCollector, f: Field, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = v.text(raw).lower()
    if text in TRUE_TEXT:
        return True
    if text in FALSE_TEXT:
        return False
    errors.add(f.key, "not_boolean", f"{f.zh}：应为“是”或“否”", f"{f.en}: must be yes or no")
    return False


def text(errors: ErrorCollector, f: Field, raw: Any) -> str:
    value = v.text(raw)
    if len(value) > f.max_length:
        errors.add(f.key, "too_long", f"{f.zh}：不能超过 {f.max_length} 个字", f"{f.en}: at most {f.max_length} characters")
        return value[: f.max_length]
    return value


def medications(errors: ErrorCollector, field_name: str, label: tuple[str, str], raw: Any) -> list[dict[str, Any]]:
    """A medication list: [{"name": "硝苯地平缓释片", "per_day": 1, "dose": "20mg"}]."""
    if v.blank(raw) or raw == []:
        return []
    zh, en = label
    if not isinstance(raw, list) or len(raw) > MAX_MEDICATIONS or not all(isinstance(item, Mapping) for item in raw):
        errors.add(
            field_name,
            "invalid_list",
            f"{zh}：应为药物列表（最多{MAX_MEDICATIONS}种）",
            f"{en}: must be a list of drugs (at most {MAX_MEDICATIONS})",
        )
        return []
    result = []
    for index, item in enumerate(raw, start=1):
        name = v.text(item.get("name"))[:100]
        dose = v.text(item.get("dose"))[:60]
        per_day_raw = item.get("per_day")
        if not name:
            if dose or not v.blank(per_day_raw):
                errors.add(field_name, "drug_name_required", f"{zh}：第{index}行缺少药物名称", f"{en}: row {index} has no drug name")
            continue
        per_day = None
        if not v.blank(per_day_raw):
            try:
                per_day = int(str(per_day_raw).strip())
                if not 1 <= per_day <= 12:
                    raise ValueError
            except ValueError:
                errors.add(field_name, "per_day", f"{zh}：{name} 每日次数应为1–12", f"{en}: {name} times a day must be 1-12")
        result.append({"name": name, "per_day": per_day, "dose": dose})
    return result


def _parse(errors: ErrorCollector, f: Field, raw: Any, disease: str, today: date) -> Any:
    if f.kind in ("int", "number"):
        return number(errors, f, raw)
    if f.kind == "code":
        assert f.codes is not None
        return v.check_code(errors, f.key, f.codes, raw, required=False)
    if f.kind == "codes":
        codelist = f.codes or symptom_codes(disease)
        return v.check_codes(errors, f.key, codelist, raw if raw is not None else [], none_code="1" if f.key == "symptoms" else None)
    if f.kind == "bool":
        return boolean(errors, f, raw)
    if f.kind == "date":
        return v.check_date(errors, f.key, f.label, raw, required=False, not_after=today if f.key != "next_visit_date" else None)
    return text(errors, f, raw)


def validate_visit(
    data: Mapping[str, Any], disease: str, today: date, not_before: date | None = None
) -> tuple[dict[str, Any], ErrorCollector]:
    """The visit's column values; rule-dependent checks (override, next date) are the service's."""
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    for f in FIELDS:
        if disease not in f.diseases:
            continue
        values[f.key] = _parse(errors, f, data.get(f.key), disease, today)
    _required(errors, values, "visit_date", "mode")
    if disease == HTN:
        _required(errors, values, "sbp", "dbp")
    if disease == T2DM:
        _required(errors, values, "fpg")
    visit_date = values.get("visit_date")
    if visit_date and not_before and visit_date < not_before:
        zh, en = BY_KEY["visit_date"].label
        errors.add(
            "visit_date",
            "too_early",
            f"{zh}：不能早于确诊日期 {not_before.isoformat()}",
            f"{en}: must not be before the diagnosis date {not_before.isoformat()}",
        )
    sbp, dbp = values.get("sbp"), values.get("dbp")
    if sbp is not None and dbp is not None and dbp >= sbp:
        errors.add("dbp", "dbp_not_below_sbp", "舒张压：应低于收缩压", "Diastolic BP: must be lower than systolic")
    if values.get("adverse_reaction") and not values.get("adverse_reaction_detail"):
        errors.add(
            "adverse_reaction_detail",
            "required",
            "不良反应描述：有药物不良反应时必填",
            "Adverse reaction (details): required when there is one",
        )
    if values.get("adr_hard_to_control") and not values.get("adverse_reaction"):
        values["adverse_reaction"] = True
    if values.get("new_complication") and not values.get("complication_detail"):
        errors.add(
            "complication_detail", "required", "并发症描述：有新的并发症时必填", "Complication (details): required when there is one"
        )
    values["medications"] = medications(errors, "medications", ("用药情况", "Medications"), data.get("medications"))
    values["medication_adjustment"] = medications(
        errors, "medication_adjustment", ("用药调整意见", "Medication changes"), data.get("medication_adjustment")
    )
    values["bmi"] = bmi(values.get("weight_kg"), values.get("height_cm"))
    values["target_bmi"] = bmi(values.get("target_weight_kg"), values.get("height_cm"))
    if disease == HTN:
        values.setdefault("pedal_pulse", None)
    return values, errors


def _required(errors: ErrorCollector, values: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if values.get(key) is None and not errors.has(key):
            f = BY_KEY[key]
            errors.add(key, "required", f"{f.zh}：必填", f"{f.en}: required")


def parse_disease(errors: ErrorCollector, raw: Any) -> str | None:
    return v.check_code(errors, "disease", codes.DISEASE, raw, required=True)
