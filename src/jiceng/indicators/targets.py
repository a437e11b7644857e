"""Targets per indicator, configurable per region and per division (core.region_config
key ``indicators.targets``), and the colour a rate earns against its target."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from jiceng.core import region_config
from jiceng.core.divisions import prefix_of
from jiceng.core.errors import ErrorCollector
from jiceng.core.indicators import IndicatorDefinition
from jiceng.core.security import Principal

SETTING_KEY = "indicators.targets"
NEAR = 0.9  # within 90 % of the target: amber


def load(session: Session) -> dict[str, dict[str, float]]:
    """indicator code → {division prefix ("" = the whole region): target (0–1)}."""
    value = region_config.get_setting(session, SETTING_KEY, {}) or {}
    return value if isinstance(value, dict) else {}


def target_for(definition: IndicatorDefinition, division: str, configured: dict[str, dict[str, float]]) -> float | None:
    """The most specific target: the longest configured prefix of ``division``, else the
    region's, else the definition's default."""
    mine = configured.get(definition.code) or {}
    prefix = prefix_of(division)
    best: tuple[int, float] | None = None
    for key, value in mine.items():
        if prefix.startswith(key) and (best is None or len(key) > best[0]):
            best = (len(key), float(value))
    return best[1] if best is not None else definition.default_target


def status(rate: float | None, target: float | None) -> str:
    if rate is None or target is None:
        return "none"
    if rate >= target:
        return "met"
    return "near" if rate >= target * NEAR else "below"


def save(
    session: Session, principal: Principal, values: dict[str, Any], definitions: list[IndicatorDefinition]
) -> dict[str, dict[str, float]]:
    """Replace the region's targets; ``values``: code → number (0–1) or {division: number}.
    Refused as a whole, naming each bad field, when anything is wrong (nothing half-saved)."""
    known = {d.code for d in definitions}
    errors = ErrorCollector()
    cleaned: dict[str, dict[str, float]] = {}
    for code, value in (values or {}).items():
        field = f"targets.{code}"
        if code not in known:
            errors.add(field, "unknown_indicator", f"目标值：指标“{code}”不存在", f"Targets: no indicator “{code}”")
            continue
        per_division = value if isinstance(value, dict) else {"": value}
        for division, number in per_division.items():
            key = prefix_of(str(division)) if division else ""
            if key and not key.isdigit():
                errors.add(
                    field,
                    "invalid_division",
                    f"目标值 {code}：“{division}”不是区划代码",
                    f"Target for {code}: “{division}” is not a division code",
                )
                continue
            try:
                target = float(number)
            except (TypeError, ValueError):
                target = -1.0
            if not 0 < target <= 1:
                errors.add(
                    field,
                    "out_of_range",
                    f"目标值 {code}：应为0到1之间的比例（如0.85）",
                    f"Target for {code}: a fraction between 0 and 1 (e.g. 0.85)",
                )
                continue
            cleaned.setdefault(code, {})[key] = target
    errors.raise_if_any()
    region_config.set_setting(session, principal, SETTING_KEY, cleaned, "指标目标值 / indicator targets")
    return cleaned
