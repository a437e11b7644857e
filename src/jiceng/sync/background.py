"""A node's background sync: whenever the server runs on a node, sync with the parent
every ``JICENG_SYNC_INTERVAL_SECONDS``; after a failure wait twice as long each time (with
jitter, up to ``JICENG_SYNC_MAX_BACKOFF_SECONDS``), so a clinic without network is not
hammered and a parent coming back is not flooded by every node at once."""

from __future__ import annotations

import logging
import random
import threading

from jiceng.core import background
from jiceng.core.config import Settings
from jiceng.core.db import Database
from jiceng.sync import state
from jiceng.sync.client import link_for, run_once
from jiceng.sync.settings import apply_clock_offset, get_sync_settings
from jiceng.sync.transport import Link, SyncFailure

log = logging.getLogger(__name__)
_wake = threading.Event()


def request_sync() -> None:
    """Ask the running loop (if any) to sync now ("sync now" on the status page)."""
    _wake.set()


class SyncLoop:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.failures = 0
        # One HTTP client and token for the life of the loop: not a new token every sync.
        self.link: Link | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="jiceng-sync", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        _wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        if self.link is not None:
            self.link.close()

    def delay(self) -> float:
        settings = get_sync_settings()
        if not self.failures:
            return settings.interval_seconds
        backoff = min(settings.max_backoff_seconds, settings.interval_seconds * 2 ** min(self.failures, 10))
        return backoff * random.uniform(0.5, 1.0)

    def step(self) -> None:
        try:
            if self.link is None:
                self.link, _parent = link_for(self.database)
            run_once(self.database, self.link)
            self.failures = 0
        except SyncFailure as failure:
            self.failures += 1
            log.warning("sync failed: %s", failure)
            if failure.code in ("credentials_refused", "not_a_node") and self.link is not None:
                self.link.close()  # start again from the stored credentials
                self.link = None
        except Exception:  # recorded and retried: the loop must outlive any one failure
            self.failures += 1
            log.exception("sync failed unexpectedly")
            try:
                with self.database.unit_of_work() as session:
                    state.record_error(
                        session, "", "sync", "internal", "同步出现内部错误，稍后自动重试", "Sync failed internally; will retry"
                    )
            except Exception:
                log.exception("could not record the sync error")

    def _run(self) -> None:
        while not self._stop.is_set():
            self.step()
            _wake.wait(self.delay())
            _wake.clear()


def factory(_settings: Settings, database: Database) -> SyncLoop | None:
    """Only a node (a database with a parent) syncs in the background."""
    apply_clock_offset()
    if not get_sync_settings().background:
        return None
    try:
        with database.unit_of_work() as session:
            parent = state.parent(session)
    except Exception:  # e.g. migrations not yet applied: no sync tables, not a node
        return None
    return SyncLoop(database) if parent is not None and parent.url else None


background.register("sync", factory)
