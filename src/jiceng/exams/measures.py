"""Values the health check computes instead of asking: pure functions, no database.

- BMI from height and weight (form 填表说明 3), rounded to one decimal. What is shown
  is what every rule uses (the TCM Q9 band is read from this same rounded value).
- The 老年人生活自理能力评估 total and its band: 0–3 可自理, 4–8 轻度依赖,
  9–18 中度依赖, ≥19 不能自理.
- The daily alcohol amount converted to liquor: 啤酒/10, 红酒/4, 黄酒/5 (填表说明 4).
- Whether a person belongs to a year's 65-and-over cohort.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from jiceng.exams.codes import SELF_CARE_ITEMS

ELDERLY_AGE = 65


def round_half_up(value: float, places: int = 1) -> float:
    """Rounding as people do it on paper (25.45 → 25.5), not banker's rounding."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def bmi(height_cm: float | None, weight_kg: float | None) -> float | None:
    """体质指数 = 体重(kg) / 身高(m)²; one decimal; None when either value is missing."""
    if not height_cm or not weight_kg or height_cm <= 0 or weight_kg <= 0:
        return None
    metres = height_cm / 100
    return round_half_up(weight_kg / (metres * metres), 1)


def self_care_points(item: str, level: str | int) -> int:
    """The points of one item at a level 1 (可自理) … 4 (不能自理)."""
    _label, points, _texts = SELF_CARE_ITEMS[item]
    return points[int(level) - 1]


def self_care_total(levels: Mapping[str, str | int]) -> int:
    """The total of the five items (every item must be present)."""
    return sum(self_care_points(item, levels[item]) for item in SELF_CARE_ITEMS)


def self_care_level(total: int) -> str:
    """The band code of the 健康体检表: 1 可自理 0–3, 2 轻度依赖 4–8, 3 中度依赖 9–18, 4 不能自理 ≥19."""
    if total < 0:
        raise ValueError("a self-care total is never negative")
    if total <= 3:
        return "1"
    if total <= 8:
        return "2"
    if total <= 18:
        return "3"
    return "4"


LIQUOR_FACTORS = {"baijiu": 1.0, "beer": 1 / 10, "wine": 1 / 4, "huangjiu": 1 / 5}


def liquor_equivalent(amounts_liang: Mapping[str, float | None]) -> float | None:
    """日饮酒量 in 两 of liquor: 白酒 + 啤酒/10 + 红酒/4 + 黄酒/5; None if nothing was given."""
    given = {kind: amount for kind, amount in amounts_liang.items() if amount is not None}
    if not given:
        return None
    return round_half_up(sum(LIQUOR_FACTORS[kind] * float(amount) for kind, amount in given.items()), 1)


def in_elderly_cohort(birth_date: date, on: date) -> bool:
    """Whether the person counts as 65 and over in ``on``'s year (reaches 65 by 31 December).

    The same rule defines the indicator denominator, so a check recorded in March for
    someone turning 65 in November counts for that year.
    """
    return on.year - birth_date.year >= ELDERLY_AGE


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
