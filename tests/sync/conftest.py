"""Sync tests drive every sync themselves: no background loop in served test apps."""

from __future__ import annotations

import os

from jiceng.sync.settings import get_sync_settings

os.environ["JICENG_SYNC_BACKGROUND"] = "false"
get_sync_settings.cache_clear()
