"""The server keeps the indicator state current in the background (core.background).

Every ``JICENG_INDICATORS_INTERVAL_SECONDS`` (default 0.5; 0 turns it off) and at once
after a transaction of this process that changed a sync-ready record commits, one
:func:`incremental.step` runs in its own transaction. Until the first
``jiceng indicators rebuild`` there is no state and the step does nothing.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from jiceng.core import background
from jiceng.core.config import Settings
from jiceng.core.db import Database
from jiceng.core.outbox import SyncMixin
from jiceng.indicators import incremental

log = logging.getLogger(__name__)
_wake = threading.Event()
PENDING = "indicators.pending"


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _context: Any, _instances: Any) -> None:
    if any(isinstance(obj, SyncMixin) for obj in (*session.new, *session.dirty)):
        session.info[PENDING] = True


@event.listens_for(Session, "after_commit")
def _wake_after_commit(session: Session) -> None:
    if session.info.pop(PENDING, False):
        _wake.set()


def interval() -> float:
    try:
        return max(float(os.environ.get("JICENG_INDICATORS_INTERVAL_SECONDS", "0.5")), 0.0)
    except ValueError:
        return 0.5


class Updater:
    def __init__(self, database: Database, every: float) -> None:
        self.database = database
        self.every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.failures = 0
        self.last: incremental.StepReport | None = None
        self.ready = threading.Event()  # set once warmed up and the first step has run

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="jiceng-indicators", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        _wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def step(self) -> incremental.StepReport:
        with self.database.unit_of_work() as session:
            self.last = incremental.step(session)
        return self.last

    def warm_up(self) -> None:
        """Build and compile every statement once (in a transaction rolled back), so the first
        real change is not slowed by SQL compilation."""
        session = self.database.session()
        try:
            if incremental.rebuild.load_position(session) is not None:
                incremental.refresh_residents(session, [uuid.uuid4()])
        except Exception:
            log.exception("indicator warm-up failed")
        finally:
            session.rollback()
            session.close()

    def _run(self) -> None:
        self.warm_up()
        while not self._stop.is_set():
            try:
                self.step()
                self.failures = 0
            except Exception:  # logged and retried: the loop must outlive any one failure
                self.failures += 1
                log.exception("indicator state update failed; retrying")
            self.ready.set()
            _wake.wait(self.every * (2 ** min(self.failures, 6)))
            _wake.clear()


def factory(_settings: Settings, database: Database) -> Updater | None:
    every = interval()
    return Updater(database, every) if every > 0 else None


background.register("indicators", factory)
