"""Validation of the 健康体检表: every field checked against ``form.FIELDS``, every
problem reported at once, in Chinese and English, naming the field.

Input is a flat dict (API JSON, a posted web form, an import row). The result is a
dict of model attribute values: the columns, plus the JSON sections, plus the values
computed here (BMI, self-care total and band, liquor equivalent, age, cohort).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from jiceng.core import validators as v
from jiceng.core.errors import ErrorCollector
from jiceng.exams import measures
from jiceng.exams.form import (
    BY_KEY,
    COLUMN,
    ELDERLY_REQUIRED,
    FIELDS,
    JSON_STORES,
    REQUIRED_ON_SIGN,
    SELF_CARE_KEYS,
    Field,
)

# Keys a client may send besides the form's fields (they are read by the service).
CONTROL_KEYS = frozenset({"sign", "amends_id", "resident_id"})
DRINKING_DETAILS = (
    "alcohol_baijiu",
    "alcohol_beer",
    "alcohol_wine",
    "alcohol_huangjiu",
    "drinking_quit",
    "drinking_quit_age",
    "drinking_start_age",
    "drunk_past_year",
    "drink_types",
)


def _number(errors: ErrorCollector, f: Field, raw: Any, name: str) -> float | int | None:
    if v.blank(raw):
        return None
    zh, en = f.label
    number: float | None = None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        number = float(raw)
    elif isinstance(raw, str):
        try:
            number = float(raw.strip().replace("，", ".").replace("。", "."))
        except ValueError:
            number = None
    if number is None or number != number:  # not a number, or NaN
        errors.add(name, "not_a_number", f"{zh}：“{v.text(raw)}”不是数字", f"{en}: “{v.text(raw)}” is not a number")
        return None
    if f.kind == "int" and number != int(number):
        errors.add(name, "not_an_integer", f"{zh}：应为整数", f"{en}: must be a whole number")
        return None
    if (f.low is not None and number < f.low) or (f.high is not None and number > f.high):
        low, high = _plain(f.low), _plain(f.high)
        errors.add(
            name,
            "out_of_range",
            f"{zh}：{_plain(number)} 超出合理范围（{low}–{high}{f.unit}）",
            f"{en}: {_plain(number)} is outside the plausible range ({low}-{high} {f.unit})".rstrip(),
        )
        return None
    return int(number) if f.kind == "int" else measures.round_half_up(number, f.places)


def _plain(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


def _text(errors: ErrorCollector, f: Field, raw: Any, name: str) -> str:
    value = v.text(raw)
    if len(value) > f.max_length:
        errors.add(name, "too_long", f"{f.zh}：不能超过 {f.max_length} 个字", f"{f.en}: at most {f.max_length} characters")
        return value[: f.max_length]
    return value


def parse_field(errors: ErrorCollector, f: Field, raw: Any, today: date, name: str | None = None) -> Any:
    """One field's value, normalized, or None (errors recorded under ``name``)."""
    name = name or f.key
    if f.kind in ("number", "int"):
        return _number(errors, f, raw, name)
    if f.kind == "code":
        assert f.codes is not None
        return v.check_code(errors, name, f.codes, raw, required=False)
    if f.kind == "codes":
        assert f.codes is not None
        return v.check_codes(errors, name, f.codes, raw, none_code=f.none_code)
    if f.kind == "text":
        return _text(errors, f, raw, name) or None
    if f.kind == "date":
        return v.check_date(errors, name, f.label, raw, required=False, not_after=today)
    if f.kind == "month":
        if v.blank(raw):
            return None
        month = v.parse_month(raw)
        if month is None:
            errors.add(
                name,
                "invalid_month",
                f"{f.zh}：“{v.text(raw)}”应为年月（如 2026-03）",
                f"{f.en}: “{v.text(raw)}” must be a year and month (e.g. 2026-03)",
            )
        return month
    if f.kind == "texts":
        items = raw if isinstance(raw, list | tuple) else ([] if v.blank(raw) else [raw])
        texts = [t for t in (_text(errors, f, item, name) for item in items) if t]
        if len(texts) > f.max_items:
            errors.add(name, "too_many", f"{f.zh}：最多 {f.max_items} 项", f"{f.en}: at most {f.max_items} entries")
        return texts[: f.max_items]
    if f.kind == "rows":
        return _rows(errors, f, raw, today)
    raise ValueError(f"unknown field kind {f.kind}")


def _rows(errors: ErrorCollector, f: Field, raw: Any, today: date) -> list[dict[str, Any]]:
    if v.blank(raw):
        return []
    if not isinstance(raw, list | tuple):
        errors.add(f.key, "not_a_list", f"{f.zh}：应为列表", f"{f.en}: must be a list")
        return []
    rows = []
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping):
            errors.add(f"{f.key}[{index}]", "not_an_object", f"{f.zh}第{index + 1}行：格式无效", f"{f.en} row {index + 1}: invalid")
            continue
        if all(v.blank(item.get(col.key)) for col in f.columns):
            continue
        row: dict[str, Any] = {}
        for col in f.columns:
            label = Field(
                col.key, f"{f.zh}第{index + 1}行{col.zh}", f"{f.en} row {index + 1}, {col.en.lower()}", col.kind, "row", codes=col.codes
            )
            value = parse_field(errors, label, item.get(col.key), today, name=f"{f.key}[{index}].{col.key}")
            row[col.key] = value.isoformat() if isinstance(value, date) else ("" if value is None else value)
        rows.append(row)
    if len(rows) > f.max_items:
        errors.add(f.key, "too_many", f"{f.zh}：最多 {f.max_items} 行", f"{f.en}: at most {f.max_items} rows")
    return rows


def _require(errors: ErrorCollector, values: dict[str, Any], key: str, why_zh: str = "必填", why_en: str = "required") -> None:
    if errors.has(key) or values.get(key) not in (None, "", []):
        return
    f = BY_KEY[key]
    errors.add(key, "required", f"{f.zh}：{why_zh}", f"{f.en}: {why_en}")


def _forbid(errors: ErrorCollector, values: dict[str, Any], keys: tuple[str, ...], because_zh: str, because_en: str) -> None:
    for key in keys:
        if values.get(key) not in (None, "", []) and not errors.has(key):
            f = BY_KEY[key]
            errors.add(key, "not_applicable", f"{f.zh}：{because_zh}时不填写", f"{f.en}: leave blank when {because_en}")


def _blood_pressure(errors: ErrorCollector, values: dict[str, Any], signing: bool) -> None:
    sides = 0
    for side, zh, en in (("left", "左侧", "left"), ("right", "右侧", "right")):
        sbp, dbp = values.get(f"sbp_{side}"), values.get(f"dbp_{side}")
        if (sbp is None) != (dbp is None):
            missing = f"dbp_{side}" if dbp is None else f"sbp_{side}"
            if not errors.has(f"sbp_{side}") and not errors.has(f"dbp_{side}"):
                errors.add(
                    missing,
                    "incomplete_bp",
                    f"血压{zh}：收缩压和舒张压需同时填写",
                    f"Blood pressure ({en}): enter both systolic and diastolic",
                )
        elif sbp is not None and sbp <= dbp:
            errors.add(
                f"sbp_{side}",
                "sbp_not_above_dbp",
                f"血压{zh}：收缩压应高于舒张压",
                f"Blood pressure ({en}): systolic must be above diastolic",
            )
        elif sbp is not None:
            sides += 1
    if signing and sides == 0 and not any(errors.has(k) for k in ("sbp_left", "dbp_left", "sbp_right", "dbp_right")):
        errors.add("sbp_left", "required", "血压：至少测量一侧", "Blood pressure: measure at least one arm")


def _lifestyle(errors: ErrorCollector, values: dict[str, Any], age: int | None) -> None:
    if values.get("exercise_frequency") == "4":
        _forbid(errors, values, ("exercise_minutes", "exercise_years", "exercise_type"), "不锻炼", "the person does not exercise")
    smoking = values.get("smoking_status")
    if smoking == "1":
        _forbid(errors, values, ("cigarettes_per_day", "smoking_start_age", "smoking_quit_age"), "从不吸烟", "the person never smoked")
    elif smoking == "3":
        _forbid(errors, values, ("smoking_quit_age",), "仍在吸烟", "the person still smokes")
    if values.get("drinking_frequency") == "1":
        _forbid(
            errors,
            values,
            DRINKING_DETAILS,
            "从不饮酒",
            "the person never drinks",
        )
    if values.get("drinking_quit") == "1":
        _forbid(errors, values, ("drinking_quit_age",), "未戒酒", "the person has not stopped drinking")
    if values.get("occupational_exposure") == "1":
        hazards = tuple(k for k in BY_KEY if k.startswith("hazard_"))
        _forbid(
            errors, values, ("occupation_job", "occupation_years", *hazards), "无职业病危害因素接触史", "there is no occupational exposure"
        )
    for start, end, zh, en in (
        ("smoking_start_age", "smoking_quit_age", "戒烟年龄不能早于开始吸烟年龄", "cannot be before the age started"),
        ("drinking_start_age", "drinking_quit_age", "戒酒年龄不能早于开始饮酒年龄", "cannot be before the age started"),
    ):
        if values.get(start) is not None and values.get(end) is not None and values[end] < values[start]:
            errors.add(end, "before_start", f"{BY_KEY[end].zh}：{zh}", f"{BY_KEY[end].en}: {en}")
    if age is not None:
        for key in ("smoking_start_age", "smoking_quit_age", "drinking_start_age", "drinking_quit_age"):
            if values.get(key) is not None and values[key] > age and not errors.has(key):
                errors.add(
                    key,
                    "after_current_age",
                    f"{BY_KEY[key].zh}：不能大于当前年龄 {age} 岁",
                    f"{BY_KEY[key].en}: cannot exceed the current age ({age})",
                )


def _consistency(errors: ErrorCollector, values: dict[str, Any], sex: str) -> None:
    if "25" in (values.get("symptoms") or []):
        _require(errors, values, "symptom_other", "选择“其他”时必填", "required when “Other” is chosen")
    else:
        _forbid(errors, values, ("symptom_other",), "未选择“其他”症状", "“Other” is not chosen")
    if values.get("cognition_screen") == "1":
        _forbid(errors, values, ("mmse_score",), "认知功能粗筛阴性", "the cognition screen is negative")
    if values.get("mood_screen") == "1":
        _forbid(errors, values, ("gds_score",), "情感状态粗筛阴性", "the mood screen is negative")
    if sex != "2":
        _forbid(errors, values, tuple(f.key for f in FIELDS if f.sex == "2"), "非女性", "the person is not female")
    if values.get("assessment") == "1":
        _forbid(errors, values, ("abnormalities",), "体检无异常", "there is no abnormality")
    elif values.get("assessment") == "2":
        _require(errors, values, "abnormalities", "有异常时请填写异常情况", "describe the abnormal findings")
    risk = values.get("risk_factors") or []
    for code, key, zh, en in (
        ("5", "target_weight_kg", "减体重", "Lose weight"),
        ("6", "vaccine_advice", "建议接种疫苗", "Vaccination advised"),
        ("7", "risk_other", "其他", "Other"),
    ):
        if code in risk:
            _require(errors, values, key, f"选择“{zh}”时必填", f"required when “{en}” is chosen")
        else:
            _forbid(errors, values, (key,), f"未选择“{zh}”", f"“{en}” is not chosen")
    for row_key, start, end in (("hospitalizations", "admitted", "discharged"), ("home_beds", "opened", "closed")):
        for index, row in enumerate(values.get(row_key) or []):
            if row.get(start) and row.get(end) and row[end] < row[start]:
                f = BY_KEY[row_key]
                errors.add(
                    f"{row_key}[{index}].{end}",
                    "before_start",
                    f"{f.zh}第{index + 1}行：结束日期早于开始日期",
                    f"{f.en} row {index + 1}: ends before it starts",
                )


def validate_health_check(data: Mapping[str, Any], *, sex: str, birth_date: date, today: date, signing: bool) -> dict[str, Any]:
    """The storage values of a health check, or :class:`ValidationFailed` listing every problem."""
    errors = ErrorCollector()
    for key in sorted(set(data) - set(BY_KEY) - CONTROL_KEYS):
        errors.add(key, "unknown_field", f"{key}：不是体检表的字段", f"{key}: is not a field of the health-check form")
    values = {f.key: parse_field(errors, f, data.get(f.key), today) for f in FIELDS}
    exam_date = values["exam_date"]
    if exam_date is None and not errors.has("exam_date"):
        errors.add("exam_date", "required", "体检日期：必填", "Check date: required")
    if exam_date is not None and exam_date < birth_date:
        errors.add("exam_date", "before_birth", "体检日期：早于出生日期", "Check date: before the date of birth")
        exam_date = None
    age = _age(birth_date, exam_date) if exam_date else None
    cohort = exam_date is not None and measures.in_elderly_cohort(birth_date, exam_date)
    _blood_pressure(errors, values, signing)
    _lifestyle(errors, values, age)
    _consistency(errors, values, sex)
    given_care = [k for k in SELF_CARE_KEYS if values.get(k)]
    if given_care and len(given_care) < len(SELF_CARE_KEYS):
        for key in SELF_CARE_KEYS:
            _require(errors, values, key, "5项需全部评估", "all five items must be assessed")
    if signing:
        for key in REQUIRED_ON_SIGN:
            _require(errors, values, key, "签名前必填", "required before signing")
        if cohort:
            for key in ELDERLY_REQUIRED:
                _require(errors, values, key, "65岁及以上老年人必填", "required for people aged 65 and over")
            if not values.get("guidance") and not values.get("risk_factors") and not errors.has("guidance"):
                errors.add(
                    "guidance",
                    "required",
                    "健康指导：65岁及以上老年人须给予健康指导",
                    "Guidance: people aged 65 and over must be given guidance",
                )
    errors.raise_if_any()
    return _storage(values, birth_date, age, cohort, signing)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _storage(values: dict[str, Any], birth_date: date, age: int | None, cohort: bool, signing: bool) -> dict[str, Any]:
    stored: dict[str, Any] = {store: {} for store in JSON_STORES}
    for f in FIELDS:
        value = values[f.key]
        if f.store == COLUMN:
            if f.kind in ("codes", "texts", "rows"):
                value = value or []
            elif f.kind == "text":
                value = value or ""
            stored[f.key] = value
        elif value not in (None, "", []):
            key = f.key.removeprefix("self_care_") if f.store == "self_care" else f.key
            stored[f.store][key] = value
    stored["bmi"] = measures.bmi(values["height_cm"], values["weight_kg"])
    care = stored["self_care"]
    stored["self_care_score"] = measures.self_care_total(care) if len(care) == len(SELF_CARE_KEYS) else None
    stored["self_care_level"] = None if stored["self_care_score"] is None else measures.self_care_level(stored["self_care_score"])
    amounts = {kind: values[f"alcohol_{kind}"] for kind in measures.LIQUOR_FACTORS}
    stored["daily_liquor_liang"] = measures.liquor_equivalent(amounts)
    stored["age_at_exam"] = age
    stored["elderly_cohort"] = cohort
    stored["elderly_complete"] = signing and cohort
    stored["visit_mode"] = stored["visit_mode"] or "clinic"
    return stored


def flat_values(record: Any) -> dict[str, Any]:
    """A stored check as the flat dict the form and the API use (the inverse of storage)."""
    flat: dict[str, Any] = {}
    for f in FIELDS:
        if f.store == COLUMN:
            flat[f.key] = getattr(record, f.key)
        elif f.store == "self_care":
            flat[f.key] = (record.self_care or {}).get(f.key.removeprefix("self_care_"))
        else:
            flat[f.key] = (getattr(record, f.store) or {}).get(f.key)
    return flat
