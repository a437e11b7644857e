"""老年人健康管理率 and 老年人中医药健康管理率 on a hand-built population (SQLite and PostgreSQL).

Population for 2026 (born on or before 1961-12-31 counts as 65+; 常住 = status active):

| village | resident | born       | 2026 services                          | in denominator |
|---------|----------|------------|----------------------------------------|----------------|
| A       | a1       | 1950       | check + TCM (and a corrected check)    | yes            |
| A       | a2       | 1940       | check                                  | yes            |
| A       | a3       | 1961-12-31 | check + TCM                            | yes (65 in Dec)|
| A       | a4       | 1955       | draft check, draft undeterminable TCM  | yes            |
| A       | a5       | 1945       | none                                   | yes            |
| A       | a6       | 1962-01-01 | signed check (not 65+ this year)       | no             |
| A       | a7       | 1948       | check + TCM, then died                 | no (not active)|
| A       | a8       | 1952       | check in 2025 only                     | yes            |
| B       | b1       | 1950       | check + TCM                            | yes            |
| B       | b2       | 1946       | check, then moved out                  | no             |
| B       | b3       | 1949       | check                                  | yes            |
| C       | c1       | 1944       | check + TCM                            | yes            |
| C       | c2       | 1951       | none                                   | yes            |

By hand: village A 6 elderly, 3 managed (a1, a2, a3), 2 TCM (a1, a3); B 2, 2, 1; C 2, 1, 1.
Township 交口镇 (A+B): 8, 5, 3. Township 磁钟镇 (C): 2, 1, 1. County/city: 10, 6, 4.
The TCM rate is 4/10 = 40 %, not 4/6 (the managed count: the wrong denominator of spec §2).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from jiceng.core import indicators as core_indicators
from jiceng.core.db import Database
from jiceng.core.errors import NotFound
from jiceng.core.indicators import IndicatorQuery
from jiceng.elderly import service as elderly
from jiceng.elderly.indicators import HEALTH_MANAGEMENT, TCM_MANAGEMENT, year_query
from jiceng.exams import service as exams
from jiceng.residents import service as residents
from tests.elderly.examples import SPEC_36_ANSWERS, asked
from tests.exams.helpers import elderly_check, minimal_check
from tests.factories import COUNTY, TOWNSHIP, VILLAGE_A, VILLAGE_B, VILLAGE_C, Region, add_resident, build_region, id_number

TODAY = date(2026, 11, 22)
TOWNSHIP_C = "411202101000"
MEASURED = {"height_cm": 160, "weight_kg": 65.3, "waist_cm": 88}
TCM = {"answers": asked(SPEC_36_ANSWERS), "guidance": {"qixu": ["1"]}}
NOTHING = {**dict.fromkeys((str(q) for q in range(1, 34) if q not in (9, 28)), 1), "2": 3, "4": 3, "13": 3}


def _population(db: Database) -> tuple[Region, dict[str, uuid.UUID]]:
    region = build_region(db)
    plan = [
        ("a1", "doctor_a", VILLAGE_A, "19500101"),
        ("a2", "doctor_a", VILLAGE_A, "19400101"),
        ("a3", "doctor_a", VILLAGE_A, "19611231"),
        ("a4", "doctor_a", VILLAGE_A, "19550101"),
        ("a5", "doctor_a", VILLAGE_A, "19450101"),
        ("a6", "doctor_a", VILLAGE_A, "19620101"),
        ("a7", "doctor_a", VILLAGE_A, "19480101"),
        ("a8", "doctor_a", VILLAGE_A, "19520101"),
        ("b1", "doctor_b", VILLAGE_B, "19500101"),
        ("b2", "doctor_b", VILLAGE_B, "19460101"),
        ("b3", "doctor_b", VILLAGE_B, "19490101"),
        ("c1", "doctor_c", VILLAGE_C, "19440101"),
        ("c2", "doctor_c", VILLAGE_C, "19510101"),
    ]
    ids: dict[str, uuid.UUID] = {}
    with db.unit_of_work() as s:
        for n, (key, doctor, village, born) in enumerate(plan):
            p = region.principal(doctor)
            ids[key] = add_resident(
                s,
                p,
                name="居民" + "甲乙丙丁戊己庚辛壬癸子丑寅"[n],
                village_code=village,
                id_number=id_number(born, f"{100 + 2 * n + 1:03d}"),
            ).id

        def visit(key: str, doctor: str, day: str) -> Any:
            return elderly.record_elderly_visit(
                s, region.principal(doctor), ids[key], elderly_check(exam_date=day, **MEASURED), TCM, today=TODAY
            )

        def check(key: str, doctor: str, day: str) -> Any:
            return exams.create_health_check(s, region.principal(doctor), ids[key], elderly_check(exam_date=day), today=TODAY)

        first = visit("a1", "doctor_a", "2026-03-01")
        exams.amend_health_check(
            s, region.principal("doctor_a"), first.health_check.id, elderly_check(exam_date="2026-03-01", weight_kg=64), today=TODAY
        )
        check("a2", "doctor_a", "2026-04-01")
        visit("a3", "doctor_a", "2026-01-02")
        exams.create_health_check(s, region.principal("doctor_a"), ids["a4"], {"exam_date": "2026-05-01"}, sign=False, today=TODAY)
        elderly.record_tcm_assessment(
            s,
            region.principal("doctor_a"),
            ids["a4"],
            {"assessed_on": "2026-05-01", "answers": NOTHING, **MEASURED},
            sign=False,
            today=TODAY,
        )
        exams.create_health_check(s, region.principal("doctor_a"), ids["a6"], minimal_check(exam_date="2026-02-01"), today=TODAY)
        visit("a7", "doctor_a", "2026-02-01")
        residents.change_status(s, region.principal("doctor_a"), ids["a7"], "deceased", "2026-09-01")
        check("a8", "doctor_a", "2025-06-01")
        visit("b1", "doctor_b", "2026-06-30")
        check("b2", "doctor_b", "2026-03-03")
        residents.change_status(s, region.principal("doctor_b"), ids["b2"], "moved_out", "2026-08-01")
        check("b3", "doctor_b", "2026-07-07")
        visit("c1", "doctor_c", "2026-11-22")
    return region, ids


def _values(db: Database, definition: Any, level: str, prefix: str | None = None, year: int = 2026) -> dict[str, tuple[int, int]]:
    with db.unit_of_work() as s:
        return {v.division_code: (v.numerator, v.denominator) for v in definition.compute(s, year_query(year, level, prefix))}


def test_both_indicators_are_registered_with_the_spec_denominator() -> None:
    codes = {d.code for d in core_indicators.catalogue()}
    assert {"elderly_health_management_rate", "elderly_tcm_management_rate"} <= codes
    for definition in (HEALTH_MANAGEMENT, TCM_MANAGEMENT):
        assert definition.denominator_zh == "年内辖区内65岁及以上常住居民数"
        assert definition.period == "year" and definition.domain == "elderly" and definition.version
    assert TCM_MANAGEMENT.numerator_zh == "年内接受中医药健康管理服务的65岁及以上居民数"


def test_values_at_every_level(database: Database) -> None:
    _population(database)
    assert _values(database, HEALTH_MANAGEMENT, "village") == {VILLAGE_A: (3, 6), VILLAGE_B: (2, 2), VILLAGE_C: (1, 2)}
    assert _values(database, TCM_MANAGEMENT, "village") == {VILLAGE_A: (2, 6), VILLAGE_B: (1, 2), VILLAGE_C: (1, 2)}
    assert _values(database, HEALTH_MANAGEMENT, "township") == {TOWNSHIP: (5, 8), TOWNSHIP_C: (1, 2)}
    assert _values(database, TCM_MANAGEMENT, "township") == {TOWNSHIP: (3, 8), TOWNSHIP_C: (1, 2)}
    assert _values(database, HEALTH_MANAGEMENT, "county") == {COUNTY: (6, 10)}
    assert _values(database, TCM_MANAGEMENT, "county") == {COUNTY: (4, 10)}
    assert _values(database, TCM_MANAGEMENT, "city") == {"411200000000": (4, 10)}


def test_the_tcm_rate_is_over_all_elderly_not_the_managed(database: Database) -> None:
    _population(database)
    with database.unit_of_work() as s:
        (value,) = TCM_MANAGEMENT.compute(s, year_query(2026, "county"))
        (managed,) = HEALTH_MANAGEMENT.compute(s, year_query(2026, "county"))
    assert value.rate == pytest.approx(0.4)
    assert value.denominator != managed.numerator  # 10 residents aged 65+, of whom 6 managed


def test_division_prefix_and_other_periods(database: Database) -> None:
    _population(database)
    assert _values(database, HEALTH_MANAGEMENT, "village", TOWNSHIP) == {VILLAGE_A: (3, 6), VILLAGE_B: (2, 2)}
    assert _values(database, TCM_MANAGEMENT, "township", "411202101") == {TOWNSHIP_C: (1, 2)}
    # 2025: the cohort is born ≤ 1960 (a3 was 64); only a8 was checked.
    assert _values(database, HEALTH_MANAGEMENT, "village", None, 2025) == {VILLAGE_A: (1, 5), VILLAGE_B: (0, 2), VILLAGE_C: (0, 2)}
    # First half-year: a1, a2, a3 and b1 (30 June); b3 (July) and c1 (November) fall outside.
    with database.unit_of_work() as s:
        half = HEALTH_MANAGEMENT.compute(s, IndicatorQuery(date(2026, 1, 1), date(2026, 6, 30), "county"))
    assert [(v.numerator, v.denominator) for v in half] == [(4, 10)]


def test_scoped_values_for_users(database: Database) -> None:
    region, _ids = _population(database)
    with database.unit_of_work() as s:
        code = TCM_MANAGEMENT.code
        village = elderly.indicator_values(s, region.principal("doctor_a"), code, 2026, "township")
        assert [(v.division_code, v.numerator, v.denominator) for v in village] == [(TOWNSHIP, 2, 6)]  # own village only
        township = elderly.indicator_values(s, region.principal("gpdoc"), code, 2026, "township")
        assert [(v.division_code, v.numerator, v.denominator) for v in township] == [(TOWNSHIP, 3, 8)]
        county = elderly.indicator_values(s, region.principal("supervisor"), code, 2026, "township")
        assert [(v.division_code, v.numerator, v.denominator) for v in county] == [(TOWNSHIP, 3, 8), (TOWNSHIP_C, 1, 2)]
        with pytest.raises(NotFound):
            elderly.indicator_values(s, region.principal("supervisor"), code, 2026, "county", "411203")
        with pytest.raises(NotFound):
            elderly.indicator_values(s, region.principal("supervisor"), "no_such_indicator", 2026)
