"""ID numbers (GB 11643-1999) with the worked examples of spec §6.4, phones and dates."""

from __future__ import annotations

from datetime import date

import pytest

from jiceng.core import validators as v
from jiceng.core.errors import ErrorCollector

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("first17", "check"),
    [("11010519491231002", "X"), ("34052419800101001", "X"), ("37010119010203997", "3")],
)
def test_check_digit_worked_examples(first17: str, check: str) -> None:
    assert v.id_check_digit(first17) == check


def _check(value: str) -> tuple[str | None, list[str]]:
    errors = ErrorCollector()
    result = v.check_id_number(errors, "id_number", value, TODAY)
    return result, [e.code for e in errors.errors]


def test_valid_id_number_is_normalised() -> None:
    assert _check(" 11010519491231002x ") == ("11010519491231002X", [])


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("110105194912310021", "check_digit"),
        ("11010519491231002", "invalid_format"),
        ("1101051949123100AX", "invalid_format"),
        ("110105194902300021", "invalid_birth_date"),  # 30 February
        ("110105203001010011", "birth_date_out_of_range"),  # born in the future
        ("990105194912310021", "unknown_address_code"),
    ],
)
def test_invalid_id_numbers_name_the_problem(value: str, code: str) -> None:
    result, codes = _check(value)
    assert result is None
    assert codes == [code]


def test_id_messages_are_bilingual_and_name_the_field() -> None:
    errors = ErrorCollector()
    v.check_id_number(errors, "id_number", "110105194912310021", TODAY)
    error = errors.errors[0]
    assert error.field == "id_number"
    assert "身份证号" in error.message_zh and "校验位" in error.message_zh
    assert "ID number" in error.message_en and "check digit" in error.message_en


def test_sex_and_birth_date_from_id_number() -> None:
    assert v.id_sex("11010519491231002X") == "2"  # sequence 002: even, female
    assert v.id_sex("110105194912310011") == "1"
    assert v.id_birth_date("11010519491231002X") == date(1949, 12, 31)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("0398-2866985", "0398-2866985"),
        ("", ""),
    ],
)
def test_valid_phones(raw: str, expected: str) -> None:
    errors = ErrorCollector()
    assert v.check_phone(errors, "phone", ("电话", "Phone"), raw) == expected
    assert errors.errors == []


@pytest.mark.parametrize("raw", ["123", "12812345678", "1381234567", "abc", "0398-12"])
def test_invalid_phones(raw: str) -> None:
    errors = ErrorCollector()
    v.check_phone(errors, "phone", ("电话", "Phone"), raw)
    assert [e.code for e in errors.errors] == ["invalid_phone"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-05", date(2024, 3, 5)),
        ("2024/3/5", date(2024, 3, 5)),
        ("20240305", date(2024, 3, 5)),
        ("2024年3月5日", date(2024, 3, 5)),
        ("2024-02-30", None),
        ("yesterday", None),
    ],
)
def test_parse_date(raw: str, expected: date | None) -> None:
    assert v.parse_date(raw) == expected


def test_month_parsing() -> None:
    assert v.parse_month("2019-5") == "2019-05"
    assert v.parse_month("2019-13") is None
