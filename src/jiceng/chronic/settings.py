"""The region's chronic-disease rules: national defaults plus the region's overrides.

Stored as one JSON object under the region setting ``chronic.rules`` (core.region_config),
holding only the keys a region changes, for example the stricter local rule of spec §1.3::

    {"fpg": {"op": ">", "value": 6.9}, "ppg": {"op": ">", "value": 9.9}}
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, get_type_hints

from sqlalchemy.orm import Session

from jiceng.chronic import codes
from jiceng.chronic.rules import NATIONAL, OPERATORS, RuleSet, Threshold, with_overrides
from jiceng.core.errors import ErrorCollector
from jiceng.core.region_config import get_setting, set_setting
from jiceng.core.security import Principal

SETTING_KEY = "chronic.rules"
_HINTS = get_type_hints(RuleSet)
_SIGN_FIELDS = {"htn_critical_signs", "dm_critical_signs"}


def _threshold(errors: ErrorCollector, key: str, raw: Any, default: Threshold | None) -> Threshold | None:
    if raw is None:
        return None
    if isinstance(raw, int | float) and not isinstance(raw, bool) and default is not None:
        return Threshold(default.op, float(raw))
    if isinstance(raw, dict) and raw.get("op") in OPERATORS and isinstance(raw.get("value"), int | float):
        return Threshold(str(raw["op"]), float(raw["value"]))
    errors.add(
        f"rules.{key}",
        "invalid_threshold",
        f'慢病规则 {key}：应为 {{"op": ">=", "value": 数值}}',
        f'Chronic rule {key}: must be {{"op": ">=", "value": number}}',
    )
    return default


def _codes(errors: ErrorCollector, key: str, raw: Any) -> tuple[str, ...]:
    allowed = codes.CRITICAL_SIGN if key in _SIGN_FIELDS else codes.SCREENING_RISK
    if not isinstance(raw, list) or any(item not in allowed for item in raw):
        errors.add(f"rules.{key}", "invalid_codes", f"慢病规则 {key}：应为代码列表", f"Chronic rule {key}: must be a list of known codes")
        return tuple(getattr(NATIONAL, key))
    return tuple(raw)


def parse_rules(overrides: dict[str, Any] | None, base: RuleSet = NATIONAL) -> tuple[RuleSet, ErrorCollector]:
    """Validate a region's overrides; unknown keys and bad values are reported by name."""
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    known = {f.name for f in fields(RuleSet)}
    for key, raw in (overrides or {}).items():
        if key not in known:
            errors.add(f"rules.{key}", "unknown_rule", f"慢病规则：未知的规则 {key}", f"Chronic rules: unknown rule {key}")
            continue
        hint = str(_HINTS[key])
        default = getattr(base, key)
        if "Threshold" in hint:
            if raw is None and "None" not in hint:
                errors.add(f"rules.{key}", "required", f"慢病规则 {key}：不能为空", f"Chronic rule {key}: cannot be empty")
                continue
            values[key] = _threshold(errors, key, raw, default if default is not None else Threshold(">=", 0))
        elif "tuple" in hint:
            values[key] = _codes(errors, key, raw)
        elif hint in ("bool", "<class 'bool'>"):
            if not isinstance(raw, bool):
                errors.add(f"rules.{key}", "not_boolean", f"慢病规则 {key}：应为 true/false", f"Chronic rule {key}: must be true or false")
                continue
            values[key] = raw
        else:
            is_number = isinstance(raw, int | float) and not isinstance(raw, bool)
            if not is_number or raw < 0 or ("int" in hint and int(raw) != raw):
                errors.add(
                    f"rules.{key}", "not_number", f"慢病规则 {key}：应为非负数值", f"Chronic rule {key}: must be a non-negative number"
                )
                continue
            values[key] = int(raw) if "int" in hint else float(raw)
    return with_overrides(base, values), errors


def load_rules(session: Session) -> RuleSet:
    """The rules in force in this region (national defaults where the region set nothing)."""
    cache = session.info.setdefault("chronic_rules", {})
    overrides = get_setting(session, SETTING_KEY, None) or {}
    marker = repr(sorted(overrides.items())) if isinstance(overrides, dict) else ""
    if marker in cache:
        return cache[marker]
    rules, _errors = parse_rules(overrides if isinstance(overrides, dict) else {})
    cache[marker] = rules
    return rules


def save_rules(session: Session, principal: Principal, overrides: dict[str, Any]) -> RuleSet:
    """Set the region's overrides (needs registry.manage, checked by core.region_config)."""
    rules, errors = parse_rules(overrides)
    errors.raise_if_any()
    set_setting(session, principal, SETTING_KEY, overrides, "慢病随访规则（覆盖国家默认值） / chronic follow-up rules (overrides)")
    session.info.pop("chronic_rules", None)
    return rules
