"""Validation of the 个人基本信息表: every field, every problem reported at once.

Input comes from the API (JSON), the web form and spreadsheet rows alike, so
values may be strings, numbers, dates or lists. The result is a dict of model
fields ready to save, or a :class:`ValidationFailed` naming each bad field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from jiceng.core import validators as v
from jiceng.core.errors import ErrorCollector
from jiceng.residents import codes as c

LABELS: dict[str, tuple[str, str]] = {
    "name": ("姓名", "Name"),
    "sex": ("性别", "Sex"),
    "birth_date": ("出生日期", "Date of birth"),
    "id_number": ("身份证号", "ID number"),
    "no_id_reason": ("无身份证号原因", "Reason for no ID number"),
    "employer": ("工作单位", "Employer"),
    "phone": ("本人电话", "Phone"),
    "contact_name": ("联系人姓名", "Contact name"),
    "contact_phone": ("联系人电话", "Contact phone"),
    "residence_type": ("常住类型", "Residence type"),
    "ethnicity": ("民族", "Ethnicity"),
    "ethnicity_name": ("少数民族名称", "Minority name"),
    "blood_abo": ("血型", "ABO blood type"),
    "blood_rh": ("RH血型", "Rh"),
    "education": ("文化程度", "Education"),
    "occupation": ("职业", "Occupation"),
    "marital_status": ("婚姻状况", "Marital status"),
    "payment_methods": ("医疗费用支付方式", "Payment method"),
    "payment_other": ("其他支付方式", "Other payment method"),
    "drug_allergies": ("药物过敏史", "Drug allergy"),
    "drug_allergy_other": ("其他过敏药物", "Other drug allergy"),
    "exposures": ("暴露史", "Exposure"),
    "past_diseases": ("既往疾病史", "Past diseases"),
    "surgeries": ("手术史", "Surgeries"),
    "injuries": ("外伤史", "Injuries"),
    "transfusions": ("输血史", "Transfusions"),
    "family_history": ("家族史", "Family history"),
    "hereditary_disease": ("遗传病史", "Hereditary disease"),
    "disabilities": ("残疾情况", "Disability"),
    "disability_other": ("其他残疾", "Other disability"),
    "kitchen_exhaust": ("厨房排风设施", "Kitchen ventilation"),
    "fuel": ("燃料类型", "Cooking fuel"),
    "drinking_water": ("饮水", "Drinking water"),
    "toilet": ("厕所", "Toilet"),
    "livestock_pen": ("禽畜栏", "Livestock pen"),
    "village_code": ("所属村（居）委会", "Village / residents' committee"),
    "address": ("现住址", "Address"),
    "household_id": ("家庭户", "Household"),
    "relation_to_head": ("与户主关系", "Relationship to head"),
    "status": ("档案状态", "Record status"),
    "status_date": ("状态变更日期", "Status date"),
    "record_date": ("建档日期", "Record date"),
    "paper_record": ("纸质档案", "Paper record"),
    "notes": ("备注", "Notes"),
}

NAME_PATTERN = re.compile(r"^[\u3400-\u9fffA-Za-z·•．.\s]{1,50}$")

MAX_LENGTH = {
    "employer": 200,
    "contact_name": 50,
    "ethnicity_name": 20,
    "payment_other": 100,
    "drug_allergy_other": 100,
    "hereditary_disease": 100,
    "disability_other": 100,
    "address": 300,
    "notes": 2000,
}


def _text_fields(errors: ErrorCollector, data: Mapping[str, Any], out: dict[str, Any]) -> None:
    for field, limit in MAX_LENGTH.items():
        if field in data:
            value = v.text(data[field])
            if len(value) > limit:
                zh, en = LABELS[field]
                errors.add(field, "too_long", f"{zh}：不能超过 {limit} 个字", f"{en}: at most {limit} characters")
            out[field] = value


def _name(errors: ErrorCollector, data: Mapping[str, Any], out: dict[str, Any], partial: bool) -> None:
    if partial and "name" not in data:
        return
    name = re.sub(r"\s+", "", v.text(data.get("name")))
    if not name:
        errors.add("name", "required", "姓名：必填", "Name: required")
    elif not NAME_PATTERN.fullmatch(name):
        errors.add(
            "name",
            "invalid_characters",
            "姓名：只能包含汉字、字母和间隔号“·”",
            "Name: only Chinese characters, letters and the separator “·” are allowed",
        )
    out["name"] = name


def _identity(
    errors: ErrorCollector, data: Mapping[str, Any], out: dict[str, Any], partial: bool, today: date, current: Mapping[str, Any]
) -> None:
    """ID number, birth date and sex must agree; the ID may fill in the other two."""
    touched = not partial or any(k in data for k in ("id_number", "birth_date", "sex", "no_id_reason"))
    if not touched:
        return
    merged = {k: data.get(k, current.get(k)) for k in ("id_number", "birth_date", "sex", "no_id_reason")}
    id_number = v.check_id_number(errors, "id_number", merged["id_number"], today)
    id_given = not v.blank(merged["id_number"])
    birth = v.check_date(
        errors,
        "birth_date",
        LABELS["birth_date"],
        merged["birth_date"],
        required=not id_given,
        not_after=today,
        not_before=v.EARLIEST_BIRTH,
    )
    sex = v.check_code(errors, "sex", c.SEX, merged["sex"], required=not id_given)
    reason = v.check_code(errors, "no_id_reason", c.NO_ID_REASON, merged["no_id_reason"], required=False)
    if id_number:
        id_born, id_sex = v.id_birth_date(id_number), v.id_sex(id_number)
        if birth is None and not errors.has("birth_date"):
            birth = id_born
        elif birth is not None and birth != id_born:
            errors.add(
                "birth_date",
                "mismatch_id_number",
                f"出生日期：{birth.isoformat()} 与身份证号中的 {id_born.isoformat()} 不一致",
                f"Date of birth: {birth.isoformat()} does not match {id_born.isoformat()} in the ID number",
            )
        if sex is None and not errors.has("sex"):
            sex = id_sex
        elif sex in ("1", "2") and sex != id_sex:
            errors.add(
                "sex",
                "mismatch_id_number",
                f"性别：与身份证号（第17位）所示的“{c.SEX.label(id_sex)}”不一致",
                f"Sex: does not match “{c.SEX.label(id_sex, 'en')}” in the ID number (digit 17)",
            )
        reason = None
    elif not id_given and reason is None and not errors.has("no_id_reason"):
        errors.add(
            "no_id_reason",
            "required",
            "身份证号：未填写时须选择无身份证号原因（如婴幼儿未办理）",
            "ID number: when empty, give the reason (e.g. infant not yet issued)",
        )
    out.update(id_number=id_number, birth_date=birth, sex=sex, no_id_reason=reason)


def _single_codes(errors: ErrorCollector, data: Mapping[str, Any], out: dict[str, Any], partial: bool) -> None:
    required = {
        "residence_type": (c.RESIDENCE_TYPE, "1"),
        "ethnicity": (c.ETHNICITY, "1"),
        "blood_abo": (c.BLOOD_ABO, "5"),
        "blood_rh": (c.BLOOD_RH, "3"),
        "education": (c.EDUCATION, "99"),
        "occupation": (c.OCCUPATION, "7"),
        "marital_status": (c.MARITAL_STATUS, "90"),
        "status": (c.RECORD_STATUS, "active"),
    }
    for field, (codes, default) in required.items():
        if partial and field not in data:
            continue
        code = v.check_code(errors, field, codes, data.get(field), required=False)
        out[field] = code if code is not None else (default if v.blank(data.get(field)) else None)
    optional = {
        "kitchen_exhaust": c.KITCHEN_EXHAUST,
        "fuel": c.FUEL,
        "drinking_water": c.DRINKING_WATER,
        "toilet": c.TOILET,
        "livestock_pen": c.LIVESTOCK_PEN,
        "relation_to_head": c.RELATION_TO_HEAD,
    }
    for field, codes in optional.items():
        if partial and field not in data:
            continue
        out[field] = v.check_code(errors, field, codes, data.get(field), required=False)


def _multi_codes(errors: ErrorCollector, data: Mapping[str, Any], out: dict[str, Any], partial: bool) -> None:
    fields = {
        "payment_methods": (c.PAYMENT_METHOD, None),
        "drug_allergies": (c.DRUG_ALLERGY, "1"),
        "exposures": (c.EXPOSURE, "1"),
        "disabilities": (c.DISABILITY, "1"),
    }
    for field, (codes, none_code) in fields.items():
        if partial and field not in data:
            continue
        out[field] = v.check_codes(errors, field, codes, data.get(field) or [], none_code)
    follow_ups = [
        ("payment_methods", "8", "payment_other"),
        ("drug_allergies", "5", "drug_allergy_other"),
        ("disabilities", "8", "disability_other"),
    ]
    for field, other_code, detail in follow_ups:
        if other_code in out.get(field, []) and not v.text(data.get(detail)):
            zh, en = LABELS[detail]
            errors.add(detail, "required", f"{zh}：选择“其他”时请注明", f"{en}: specify when “other” is chosen")
    if out.get("ethnicity") == "2" and not v.text(data.get("ethnicity_name")):
        errors.add("ethnicity_name", "required", "少数民族名称：选择少数民族时必填", "Minority name: required for a minority")


def _histories(errors: ErrorCollector, data: Mapping[str, Any], out: dict[str, Any], partial: bool, today: date) -> None:
    if not partial or "past_diseases" in data:
        diseases = []
        for item in data.get("past_diseases") or []:
            code = v.check_code(errors, "past_diseases", c.PAST_DISEASE, item.get("code"), required=True)
            month = None
            if code and code != "1":
                month = v.parse_month(item.get("diagnosed_on")) if not v.blank(item.get("diagnosed_on")) else None
                if not v.blank(item.get("diagnosed_on")) and (month is None or month > today.strftime("%Y-%m")):
                    errors.add(
                        "past_diseases",
                        "invalid_date",
                        f"既往疾病史：确诊时间“{v.text(item.get('diagnosed_on'))}”无效",
                        f"Past diseases: diagnosis date “{v.text(item.get('diagnosed_on'))}” is invalid",
                    )
            if code:
                diseases.append({"code": code, "diagnosed_on": month, "name": v.text(item.get("name"))[:100]})
        if any(d["code"] == "1" for d in diseases) and len(diseases) > 1:
            errors.add(
                "past_diseases",
                "none_with_others",
                "既往疾病史：选择“无”时不能同时填写疾病",
                "Past diseases: “none” cannot be combined with diseases",
            )
        out["past_diseases"] = diseases
    for field in ("surgeries", "injuries", "transfusions"):
        if partial and field not in data:
            continue
        events = []
        for item in data.get(field) or []:
            name, when = v.text(item.get("name"))[:100], item.get("date")
            month = v.parse_month(when) if not v.blank(when) else None
            if not v.blank(when) and month is None:
                zh, en = LABELS[field]
                errors.add(field, "invalid_date", f"{zh}：时间“{v.text(when)}”无效", f"{en}: date “{v.text(when)}” is invalid")
            if name:
                events.append({"name": name, "date": month})
        out[field] = events
    if not partial or "family_history" in data:
        history = {}
        for relative in c.FAMILY_RELATIVE:
            history[relative] = v.check_codes(
                errors, "family_history", c.FAMILY_DISEASE, (data.get("family_history") or {}).get(relative) or [], "1"
            )
        out["family_history"] = history


def validate_resident(
    data: Mapping[str, Any], *, today: date, partial: bool = False, current: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Check a resident form; ``partial`` checks only the fields present (an update)."""
    errors = ErrorCollector()
    out: dict[str, Any] = {}
    _name(errors, data, out, partial)
    _identity(errors, data, out, partial, today, current or {})
    for field in ("phone", "contact_phone"):
        if not partial or field in data:
            out[field] = v.check_phone(errors, field, LABELS[field], data.get(field))
    _text_fields(errors, data, out)
    _single_codes(errors, data, out, partial)
    _multi_codes(errors, data, out, partial)
    _histories(errors, data, out, partial, today)
    if not partial or "village_code" in data:
        code = v.text(data.get("village_code"))
        if not re.fullmatch(r"\d{12}", code):
            errors.add(
                "village_code",
                "invalid_format",
                f"所属村（居）委会：区划代码应为12位数字，当前为“{code}”",
                f"Village: the division code must be 12 digits, got “{code}”",
            )
        out["village_code"] = code
    for field in ("record_date", "status_date"):
        if field in data or (field == "record_date" and not partial):
            out[field] = v.check_date(errors, field, LABELS[field], data.get(field), required=False, not_after=today) or (
                today if field == "record_date" else None
            )
    if "paper_record" in data:
        out["paper_record"] = str(data.get("paper_record")).lower() in ("1", "true", "on", "yes", "是")
    birth = out.get("birth_date") or (current or {}).get("birth_date")
    if birth and out.get("record_date") and out["record_date"] < birth:
        errors.add("record_date", "before_birth", "建档日期：不能早于出生日期", "Record date: cannot be before the date of birth")
    errors.raise_if_any()
    return out
