"""The periods the dashboard keeps: a year (``2026``) and a year to the end of a month
(``2026-10``: 1 January – 31 October), the way commissions report progress (截至X月底).

A period that has not ended yet is *open*: it counts up to today and is rebuilt when the
date changes. The kept set is always the previous year and this year to date; in between,
by default, this year's ended quarters and the last ended month — or, when the region sets
``indicators.periods`` (a list of keys, possibly empty), exactly the periods it lists.
Every kept period costs one pass of the rebuild.
"""

from __future__ import annotations

import calendar
import contextlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jiceng.core.errors import FieldError, ValidationFailed
from jiceng.core.indicators import IndicatorQuery
from jiceng.core.region_config import get_setting

SETTING_KEY = "indicators.periods"
PATTERN = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


@dataclass(frozen=True)
class PeriodSpec:
    key: str
    start: date
    end: date  # the last day counted
    open: bool

    def query(self, level: str = "village", division_prefix: str | None = None) -> IndicatorQuery:
        return IndicatorQuery(self.start, self.end, level, division_prefix)

    def label(self, lang: str = "zh") -> str:
        year, _, month = self.key.partition("-")
        if lang == "zh":
            text = f"{year}年" if not month else f"{year}年1–{int(month)}月"
            return text + ("（截至今日）" if self.open else "")
        text = year if not month else f"{year} Jan–{calendar.month_abbr[int(month)]}"
        return text + (" (to date)" if self.open else "")


def _invalid(key: str) -> ValidationFailed:
    return ValidationFailed(
        [
            FieldError(
                "period",
                "invalid_period",
                f"统计期：“{key}”无效，应为年份（2026）或年月（2026-10），且不晚于今天",
                f"Period: “{key}” is not valid; use a year (2026) or a year and month (2026-10), not in the future",
            )
        ]
    )


def parse(key: str, today: date) -> PeriodSpec:
    match = PATTERN.match(key.strip())
    if not match:
        raise _invalid(key)
    year, month = int(match.group(1)), int(match.group(2) or 12)
    if not 2000 <= year <= today.year or not 1 <= month <= 12:
        raise _invalid(key)
    nominal_end = date(year, month, calendar.monthrange(year, month)[1])
    if nominal_end > today and (year, month) != (today.year, today.month) and match.group(2):
        raise _invalid(key)  # a month that has not started
    return PeriodSpec(match.group(0), date(year, 1, 1), min(nominal_end, today), nominal_end > today)


def default_keys(today: date) -> list[str]:
    keys = [str(today.year - 1)]
    keys += [f"{today.year}-{m:02d}" for m in (3, 6, 9) if m < today.month]
    last_month = today.month - 1
    if last_month >= 1 and last_month not in (3, 6, 9):
        keys.append(f"{today.year}-{last_month:02d}")
    keys.append(str(today.year))
    return keys


def validate_extra(value: Any, today: date) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _invalid(str(value))
    return [parse(v, today).key for v in value]


def kept(session: Session, today: date) -> list[PeriodSpec]:
    """The periods to keep, oldest first (by end, then start)."""
    keys = set(default_keys(today))
    extra = get_setting(session, SETTING_KEY, None)
    if extra is not None:
        keys = {str(today.year - 1), str(today.year)}
        with contextlib.suppress(ValidationFailed):  # a bad setting is refused when saved; ignore it here
            keys |= set(validate_extra(extra, today))
    specs = [parse(k, today) for k in keys]
    return sorted(specs, key=lambda p: (p.end, p.start, p.key))
