"""Reusable checks for user input; each returns a normalized value or records a FieldError."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from stdnum import numdb
from stdnum.cn import ric

from jiceng.core.codes import CodeList
from jiceng.core.errors import ErrorCollector

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
EARLIEST_BIRTH = date(1890, 1, 1)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def parse_date(value: Any) -> date | None:
    """Dates as users type them: 2024-03-05, 2024/3/5, 20240305, 2024.3.5, or date objects."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if re.fullmatch(r"\d{8}", raw):
        raw = f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", raw)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_month(value: Any) -> str | None:
    """A year and month (2019-05 or 2019/5), or a full date; returned as YYYY-MM."""
    full = parse_date(value)
    if full:
        return full.strftime("%Y-%m")
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?", text(value))
    if match and 1 <= int(match[2]) <= 12:
        return f"{match[1]}-{int(match[2]):02d}"
    return None


def check_date(
    errors: ErrorCollector,
    field: str,
    label: tuple[str, str],
    value: Any,
    *,
    required: bool,
    not_after: date | None = None,
    not_before: date | None = None,
) -> date | None:
    zh, en = label
    if blank(value):
        if required:
            errors.add(field, "required", f"{zh}：必填", f"{en}: required")
        return None
    parsed = parse_date(value)
    if parsed is None:
        errors.add(
            field,
            "invalid_date",
            f"{zh}：“{text(value)}”不是有效日期（格式 2024-03-05）",
            f"{en}: “{text(value)}” is not a valid date (format 2024-03-05)",
        )
        return None
    if not_after and parsed > not_after:
        errors.add(field, "in_future", f"{zh}：不能晚于 {not_after.isoformat()}", f"{en}: must not be after {not_after.isoformat()}")
        return None
    if not_before and parsed < not_before:
        errors.add(field, "too_early", f"{zh}：不能早于 {not_before.isoformat()}", f"{en}: must not be before {not_before.isoformat()}")
        return None
    return parsed


def check_code(errors: ErrorCollector, field: str, codes: CodeList, value: Any, *, required: bool) -> str | None:
    if blank(value):
        if required:
            errors.add(field, "required", f"{codes.name_zh}：必填", f"{codes.name_en}: required")
        return None
    code = codes.lookup(text(value))
    if code is None:
        errors.add(
            field,
            "unknown_code",
            f"{codes.name_zh}：“{text(value)}”不是有效选项",
            f"{codes.name_en}: “{text(value)}” is not a valid option",
        )
    return code


def check_codes(errors: ErrorCollector, field: str, codes: CodeList, value: Any, none_code: str | None = None) -> list[str]:
    """A multi-select field: a list, or text separated by commas or 、."""
    items = value if isinstance(value, list | tuple) else re.split(r"[,，、;；\s]+", text(value))
    result: list[str] = []
    for item in items:
        if blank(item):
            continue
        code = check_code(errors, field, codes, item, required=False)
        if code and code not in result:
            result.append(code)
    if none_code and none_code in result and len(result) > 1:
        label = codes.label(none_code)
        errors.add(
            field,
            "none_with_others",
            f"{codes.name_zh}：选择“{label}”时不能同时选择其他项",
            f"{codes.name_en}: “{codes.label(none_code, 'en')}” cannot be combined with other options",
        )
    return result


def check_phone(errors: ErrorCollector, field: str, label: tuple[str, str], value: Any) -> str:
    raw = re.sub(r"[\s()]", "", text(value))
    if raw.startswith("+86"):
        raw = raw[3:]
    if raw == "":
        return ""
    if MOBILE.fullmatch(raw.replace("-", "")):
        return raw.replace("-", "")
    if LANDLINE.fullmatch(raw):
        return raw
    zh, en = label
    errors.add(
        field,
        "invalid_phone",
        f"{zh}：“{text(value)}”不是有效的手机号（11位）或固定电话（区号-号码）",
        f"{en}: “{text(value)}” is not a valid mobile (11 digits) or landline (area code-number)",
    )
    return raw


def address_code_known(code: str) -> bool:
    """Whether a 6-digit code was ever a county-level GB/T 2260 code (python-stdnum's table)."""
    results = numdb.get("cn/loc").info(code)
    return any("county" in props for _part, props in results)


def birthplace_name(id_number: str) -> str:
    results = numdb.get("cn/loc").info(id_number[:6])
    info = {k: v for _part, props in results for k, v in props.items()}
    county = info.get("county", "")
    # The table marks historical names as "[start-end]name,…"; show the latest.
    names = [c.split("]")[-1] for c in county.split(",") if c]
    return f"{info.get('province', '')}{names[-1] if names else ''}"


def check_id_number(errors: ErrorCollector, field: str, value: Any, today: date) -> str | None:
    """An 18-digit 居民身份证号码 (GB 11643-1999): format, address, date, then check digit."""
    raw = text(value).upper().replace(" ", "")
    if raw == "":
        return None
    label = ("身份证号", "ID number")
    if not re.fullmatch(r"\d{17}[\dX]", raw):
        errors.add(
            field,
            "invalid_format",
            f"{label[0]}：应为18位（最后一位可为X），当前为“{raw}”",
            f"{label[1]}: must be 18 characters (digits, last may be X), got “{raw}”",
        )
        return None
    if not address_code_known(raw[:6]):
        errors.add(
            field,
            "unknown_address_code",
            f"{label[0]}：前6位地址码 {raw[:6]} 不是有效的行政区划代码",
            f"{label[1]}: address code {raw[:6]} is not a valid division code",
        )
        return None
    try:
        born = ric.get_birth_date(raw)
    except ric.ValidationError:
        errors.add(
            field,
            "invalid_birth_date",
            f"{label[0]}：第7-14位出生日期 {raw[6:14]} 不是有效日期",
            f"{label[1]}: digits 7-14 ({raw[6:14]}) are not a valid birth date",
        )
        return None
    if born > today or born < EARLIEST_BIRTH:
        errors.add(
            field,
            "birth_date_out_of_range",
            f"{label[0]}：出生日期 {born.isoformat()} 超出合理范围",
            f"{label[1]}: birth date {born.isoformat()} is out of range",
        )
        return None
    if raw[17] != id_check_digit(raw[:17]):
        errors.add(
            field,
            "check_digit",
            f"{label[0]}：校验位错误（应为 {id_check_digit(raw[:17])}），请核对号码",
            f"{label[1]}: wrong check digit (expected {id_check_digit(raw[:17])}); please check the number",
        )
        return None
    return raw


def id_check_digit(first17: str) -> str:
    """The check character for the first 17 digits (ISO 7064 MOD 11-2)."""
    # python-stdnum's function takes the full 18 characters and ignores the last.
    return ric.calc_check_digit(first17 + "0")


def id_birth_date(id_number: str) -> date:
    return ric.get_birth_date(id_number)


def id_sex(id_number: str) -> str:
    """'1' male for an odd sequence digit, '2' female for even (GB 11643-1999)."""
    return "1" if int(id_number[16]) % 2 == 1 else "2"
