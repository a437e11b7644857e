"""Computed values of the health check: BMI, self-care total and bands, liquor, cohort."""

from __future__ import annotations

from datetime import date

import pytest

from jiceng.exams import measures


@pytest.mark.parametrize(
    ("height", "weight", "expected"),
    [(160, 65.3, 25.5), (170, 69.3, 24.0), (170, 69.1, 23.9), (165, 62, 22.8), (150, 63, 28.0), (180, 100, 30.9)],
)
def test_bmi_is_weight_over_height_squared_to_one_decimal(height: float, weight: float, expected: float) -> None:
    assert measures.bmi(height, weight) == expected


@pytest.mark.parametrize(("height", "weight"), [(None, 60), (160, None), (0, 60), (160, 0)])
def test_bmi_needs_both_measurements(height: float | None, weight: float | None) -> None:
    assert measures.bmi(height, weight) is None


def test_rounding_is_half_up() -> None:
    assert measures.round_half_up(25.45, 1) == 25.5
    assert measures.round_half_up(23.95, 1) == 24.0
    assert measures.round_half_up(6.125, 2) == 6.13


@pytest.mark.parametrize(
    ("total", "level"),
    [(0, "1"), (3, "1"), (4, "2"), (8, "2"), (9, "3"), (18, "3"), (19, "4"), (37, "4")],
)
def test_self_care_bands(total: int, level: str) -> None:
    assert measures.self_care_level(total) == level


def test_self_care_band_rejects_negative() -> None:
    with pytest.raises(ValueError):
        measures.self_care_level(-1)


def test_self_care_item_points_follow_the_form() -> None:
    # 进餐 0/0/3/5, 梳洗 0/1/3/7, 穿衣 0/0/3/5, 如厕 0/1/5/10, 活动 0/1/5/10.
    table = {
        item: [measures.self_care_points(item, level) for level in range(1, 5)]
        for item in ("eating", "grooming", "dressing", "toileting", "activity")
    }
    assert table == {
        "eating": [0, 0, 3, 5],
        "grooming": [0, 1, 3, 7],
        "dressing": [0, 0, 3, 5],
        "toileting": [0, 1, 5, 10],
        "activity": [0, 1, 5, 10],
    }


@pytest.mark.parametrize(
    ("levels", "total", "band"),
    [
        ({"eating": 1, "grooming": 1, "dressing": 1, "toileting": 1, "activity": 1}, 0, "1"),
        ({"eating": 3, "grooming": 1, "dressing": 1, "toileting": 1, "activity": 1}, 3, "1"),
        ({"eating": 1, "grooming": 2, "dressing": 1, "toileting": 2, "activity": 2}, 3, "1"),
        ({"eating": 3, "grooming": 2, "dressing": 1, "toileting": 1, "activity": 1}, 4, "2"),
        ({"eating": 3, "grooming": 1, "dressing": 1, "toileting": 3, "activity": 1}, 8, "2"),
        ({"eating": 3, "grooming": 2, "dressing": 1, "toileting": 3, "activity": 1}, 9, "3"),
        ({"eating": 3, "grooming": 3, "dressing": 3, "toileting": 2, "activity": 3}, 15, "3"),
        ({"eating": 3, "grooming": 3, "dressing": 3, "toileting": 3, "activity": 2}, 15, "3"),
        ({"eating": 3, "grooming": 3, "dressing": 3, "toileting": 3, "activity": 3}, 19, "4"),
        ({"eating": 4, "grooming": 4, "dressing": 4, "toileting": 4, "activity": 4}, 37, "4"),
    ],
)
def test_self_care_totals_and_bands(levels: dict[str, int], total: int, band: str) -> None:
    assert measures.self_care_total(levels) == total
    assert measures.self_care_level(total) == band


def test_liquor_equivalent() -> None:
    assert measures.liquor_equivalent({"baijiu": 1, "beer": 10, "wine": 4, "huangjiu": 5}) == 4.0
    assert measures.liquor_equivalent({"beer": 5}) == 0.5
    assert measures.liquor_equivalent({"baijiu": None}) is None


@pytest.mark.parametrize(
    ("born", "on", "in_cohort"),
    [
        (date(1961, 12, 31), date(2026, 1, 1), True),  # turns 65 on the last day of the year
        (date(1962, 1, 1), date(2026, 12, 31), False),  # turns 65 next year
        (date(1940, 6, 1), date(2026, 3, 1), True),
    ],
)
def test_elderly_cohort_is_by_year(born: date, on: date, in_cohort: bool) -> None:
    assert measures.in_elderly_cohort(born, on) is in_cohort


def test_years_before_handles_leap_day() -> None:
    assert measures.years_before(date(2028, 2, 29), 65) == date(1963, 2, 28)
