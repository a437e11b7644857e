"""Search parameter parsing shared by every resource: prefixes, tokens, paging."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson

from jiceng.core.fhir.outcome import invalid

DEFAULT_COUNT = 50
MAX_COUNT = 500
MAX_INCLUDES = 200  # cap on resources added by _include/_revinclude per page
PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap")
CONTROL = {"_count", "_page", "_include", "_revinclude", "_total", "_format", "_sort", "_summary", "_elements"}


@dataclass
class SearchRequest:
    params: dict[str, list[str]]
    count: int = DEFAULT_COUNT
    after: dict[str, Any] | None = None  # keyset position from the page token
    include: list[str] = field(default_factory=list)
    revinclude: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def first(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None


def parse(query: list[tuple[str, str]], supported: set[str], strict: bool) -> SearchRequest:
    params: dict[str, list[str]] = {}
    request = SearchRequest(params)
    for key, value in query:
        base = key.split(":")[0]
        if key == "_count":
            request.count = _count(value)
        elif key == "_page":
            request.after = decode_page(value)
        elif key == "_include":
            request.include.append(value)
        elif key == "_revinclude":
            request.revinclude.append(value)
        elif base in supported:
            params.setdefault(key, []).append(value)
        elif key not in CONTROL:
            if strict:
                raise invalid(f"不支持的检索参数：{key}", f"Unsupported search parameter: {key}", key)
            request.ignored.append(key)
    return request


def _count(value: str) -> int:
    if not value.isdigit():
        raise invalid("_count 应为非负整数", "_count must be a non-negative integer", "_count")
    return min(int(value), MAX_COUNT)


def encode_page(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(position)).decode().rstrip("=")


def decode_page(token: str) -> dict[str, Any]:
    try:
        padded = token + "=" * (-len(token) % 4)
        value = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, orjson.JSONDecodeError):
        raise invalid("分页标记无效", "Invalid page token", "_page") from None
    if not isinstance(value, dict):
        raise invalid("分页标记无效", "Invalid page token", "_page")
    return value


def split_prefix(value: str) -> tuple[str, str]:
    if len(value) > 2 and value[:2] in PREFIXES and not value[:2].isdigit():
        return value[:2], value[2:]
    return "eq", value


def date_range(value: str, name: str) -> tuple[str, datetime, datetime]:
    """A FHIR date search value as (prefix, start, end) of the period it denotes."""
    prefix, raw = split_prefix(value)
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?)?)?)?", raw)
    if not match:
        raise invalid(f"{name}：日期格式无效“{raw}”", f"{name}: invalid date “{raw}”", name)
    year, month, day = int(match[1]), int(match[2] or 1), int(match[3] or 1)
    try:
        if match[4]:
            start = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            start = start if start.tzinfo else start.replace(tzinfo=UTC)
            end = start + timedelta(seconds=1)
        else:
            start = datetime(year, month, day, tzinfo=UTC)
            if match[3]:
                end = start + timedelta(days=1)
            elif match[2]:
                end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
            else:
                end = datetime(year + 1, 1, 1, tzinfo=UTC)
    except ValueError:
        raise invalid(f"{name}：日期无效“{raw}”", f"{name}: invalid date “{raw}”", name) from None
    return prefix, start, end


def date_condition(column: Any, value: str, name: str, as_date: bool = False) -> Any:
    """SQL for a date parameter against a date or datetime column."""
    prefix, start, end = date_range(value, name)
    low: Any = start.date() if as_date else start
    high: Any = end.date() if as_date else end
    conditions = {
        "eq": (column >= low) & (column < high),
        "ne": (column < low) | (column >= high),
        "gt": column >= high,
        "ge": column >= low,
        "lt": column < low,
        "le": column < high,
        "sa": column >= high,
        "eb": column < low,
        "ap": (column >= low) & (column < high),
    }
    return conditions[prefix]


def token(value: str) -> tuple[str | None, str]:
    """``system|code`` → (system, code); ``code`` → (None, code)."""
    if "|" in value:
        system, code = value.split("|", 1)
        return system or None, code
    return None, value


def reference_id(value: str, resource_type: str, name: str) -> str:
    """``Patient/123`` or ``123`` → ``123``."""
    if "/" in value:
        kind, _, ident = value.rpartition("/")
        if kind.split("/")[-1] != resource_type:
            raise invalid(f"{name}：应引用 {resource_type}", f"{name}: must reference a {resource_type}", name)
        return ident
    return value


def as_date(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None
