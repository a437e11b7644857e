"""The health-record indicators' rules, the periods, and service sources (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from jiceng.core.errors import ValidationFailed
from jiceng.core.indicators import catalogue, members_groups
from jiceng.indicators import indicators as records
from jiceng.indicators.periods import default_keys, parse
from jiceng.models import Base


def test_every_table_with_a_resident_is_declared_a_service_source_or_not() -> None:
    """A new domain's table with resident_id must say whether it records a service (动态记录)."""
    with_resident = {t.name for t in Base.metadata.tables.values() if "resident_id" in t.c}
    assert with_resident - set(records.SERVICE_SOURCES) - set(records.NOT_SERVICES) == set()
    for name, source in records.SERVICE_SOURCES.items():
        assert source.date_column in Base.metadata.tables[name].c, name


def test_every_indicator_has_a_per_person_form_from_a_group() -> None:
    grouped = {code for g in members_groups() for code in g.codes}
    for d in catalogue():
        assert d.members is not None, d.code
        assert d.code in grouped or d.code == "contracts.renewal_rate", d.code
    scaled = {d.code for d in catalogue() if d.denominator_scale}
    assert scaled == {"chronic.htn.management_rate", "chronic.t2dm.management_rate"}


def test_definitions_of_the_record_indicators() -> None:
    assert records.FILING.name_zh == "健康档案建档率" and records.E_RECORD.name_zh == "电子健康档案建档率"
    assert records.USE.name_zh.startswith("健康档案使用率")
    for d in records.ALL:
        assert d.numerator_zh and d.denominator_zh and d.source and d.version == "2026.1"
    assert records.dynamic_window(date(2026, 11, 22)) == (date(2025, 11, 23), date(2026, 11, 22))
    assert records.dynamic_window(date(2024, 2, 29)) == (date(2023, 3, 1), date(2024, 2, 29))


def test_periods() -> None:
    today = date(2026, 11, 22)
    assert default_keys(today) == ["2025", "2026-03", "2026-06", "2026-09", "2026-10", "2026"]
    assert default_keys(date(2026, 1, 5)) == ["2025", "2026"]
    assert default_keys(date(2026, 4, 1)) == ["2025", "2026-03", "2026"]
    year = parse("2026", today)
    assert (year.start, year.end, year.open) == (date(2026, 1, 1), today, True)
    march = parse("2026-03", today)
    assert (march.end, march.open, march.label("zh"), march.label("en")) == (date(2026, 3, 31), False, "2026年1–3月", "2026 Jan–Mar")
    assert parse("2025", today).label("zh") == "2025年"
    for bad in ("2026-13", "2027", "1999", "26", "2026-12-01", "2026-12"):
        with pytest.raises(ValidationFailed) as refused:
            parse(bad, today)
        assert refused.value.errors[0].field == "period"
