"""Results are written in batches: a Bundle of a hundred results is three INSERTs.

:func:`jiceng.results.service.record` queues each new result, already stamped with its id,
version and HLC time (so the answer can show them), and this module writes the queue in
the same transaction: the rows, one change-log row each (``core.outbox``) and one audit
event each (``core.audit``). The queue is written before any ORM query (a search in the
same transaction sees the results), before a savepoint begins (rolling that back cannot
lose them), before an explicit flush and before commit; a rollback discards it. Inside a
savepoint nothing is queued: a result is written at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from jiceng.core import audit, outbox
from jiceng.core.security import Principal
from jiceng.results.models import Observation

QUEUE = "results.queued"


@dataclass
class _Queue:
    connection: Connection  # the transaction's, taken outside any savepoint
    rows: list[tuple[Principal, dict[str, Any]]] = field(default_factory=list)


def add(session: Session, principal: Principal, row: dict[str, Any]) -> None:
    """Queue one new result (all its columns) to be written with its change-log row and audit event."""
    if session.in_nested_transaction():
        _write(session.connection(), [(principal, row)])
        return
    queue = session.info.get(QUEUE)
    if queue is None:
        queue = session.info[QUEUE] = _Queue(session.connection())
    queue.rows.append((principal, row))


def write(session: Session) -> None:
    """Write whatever is queued now."""
    queue: _Queue | None = session.info.pop(QUEUE, None)
    if queue is not None and queue.rows:
        _write(queue.connection, queue.rows)


def _write(connection: Connection, queued: list[tuple[Principal, dict[str, Any]]]) -> None:
    outbox.insert_stamped(connection, Observation, [row for _, row in queued])
    start = 0
    for end in range(1, len(queued) + 1):  # one audit INSERT per run of the same caller
        if end == len(queued) or queued[end][0] is not queued[start][0]:
            events = [(row["id"], row["resident_id"]) for _, row in queued[start:end]]
            audit.record_many(connection, queued[start][0], "create", "observation", events)
            start = end


@event.listens_for(Session, "do_orm_execute")
def _before_query(state: ORMExecuteState) -> None:
    if QUEUE in state.session.info:
        write(state.session)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if QUEUE in session.info:
        write(session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if QUEUE in session.info:
        write(session)


@event.listens_for(Session, "after_transaction_create")
def _before_savepoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested and QUEUE in session.info:
        write(session)  # on the outer transaction's connection: the SAVEPOINT is not issued yet


@event.listens_for(Session, "after_transaction_end")
def _discard(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(QUEUE, None)  # committed (written by then) or rolled back
