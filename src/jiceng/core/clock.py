"""Hybrid logical clock (HLC) for ``updated_at`` values.

A clinic PC's wall clock can be days off. An HLC value never goes backwards on
this database, and moves past any value it receives from another node, so the
order of changes does not depend on any PC's clock.

Encoding: one 64-bit integer, the upper 48 bits physical milliseconds since the
Unix epoch, the lower 16 bits a logical counter. Integers sort and index well on
both SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

LOGICAL_BITS = 16
CHINA_TZ = timezone(timedelta(hours=8), "CST")
LOGICAL_MASK = (1 << LOGICAL_BITS) - 1


def pack(physical_ms: int, logical: int) -> int:
    return (physical_ms << LOGICAL_BITS) | logical


def unpack(value: int) -> tuple[int, int]:
    return value >> LOGICAL_BITS, value & LOGICAL_MASK


def to_datetime(value: int) -> datetime:
    physical_ms, _ = unpack(value)
    return datetime.fromtimestamp(physical_ms / 1000, tz=UTC)


class HybridLogicalClock:
    def __init__(self, wall_ms: Callable[[], int] | None = None) -> None:
        self._wall_ms = wall_ms or (lambda: time.time_ns() // 1_000_000)
        self._last = 0
        self._lock = threading.Lock()

    def now(self) -> int:
        """A new value, later than every value this clock has issued or seen."""
        with self._lock:
            last_physical, last_logical = unpack(self._last)
            wall = self._wall_ms()
            if wall > last_physical:
                self._last = pack(wall, 0)
            else:
                self._last = self._advance(last_physical, last_logical)
            return self._last

    def observe(self, remote: int) -> int:
        """Merge a value received from another node; returns the new local value."""
        with self._lock:
            candidate = max(self._last, remote)
            physical, logical = unpack(candidate)
            wall = self._wall_ms()
            if wall > physical:
                self._last = pack(wall, 0)
            else:
                self._last = self._advance(physical, logical)
            return self._last

    @property
    def last(self) -> int:
        return self._last

    @staticmethod
    def _advance(physical: int, logical: int) -> int:
        # On counter overflow, borrow the next millisecond instead of wrapping.
        if logical >= LOGICAL_MASK:
            return pack(physical + 1, 0)
        return pack(physical, logical + 1)


clock = HybridLogicalClock()


def local_today() -> date:
    """Today's date where the clinics are (China Standard Time, no daylight saving)."""
    return datetime.now(CHINA_TZ).date()


def local_now() -> datetime:
    return datetime.now(CHINA_TZ)
