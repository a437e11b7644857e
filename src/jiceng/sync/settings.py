"""Sync settings, from ``JICENG_SYNC_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class SyncSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JICENG_SYNC_", extra="ignore")

    # Log rows per push batch and per pull page.
    batch_size: int = 1000
    # Seconds between background syncs when all is well; failures back off up to the maximum.
    interval_seconds: float = 30.0
    max_backoff_seconds: float = 600.0
    # HTTP timeout per request (a snapshot download gets ten times this).
    timeout_seconds: float = 60.0
    # A private CA bundle for an HTTPS parent (system certificates otherwise).
    ca_file: Path | None = None
    # The region page flags nodes not heard from for longer than this.
    silent_days: int = 3
    # Whether `jiceng serve` on a node syncs in the background (tests drive syncs themselves).
    background: bool = True
    # Testing only: shift this node's wall clock (the HLC must still keep causal order).
    clock_offset_ms: int = 0


@lru_cache
def get_sync_settings() -> SyncSettings:
    return SyncSettings()


def apply_clock_offset(offset_ms: int | None = None) -> None:
    """Make this process's hybrid logical clock read a skewed wall clock (fault injection)."""
    import time

    from jiceng.core.clock import clock

    offset = get_sync_settings().clock_offset_ms if offset_ms is None else offset_ms
    if offset:
        clock._wall_ms = lambda: time.time_ns() // 1_000_000 + offset
