"""How long a commit waits, by what its transaction wrote (PostgreSQL; docs/decisions/0010).

A request that only reads still writes one row: its audit event (docs/decisions/0004).
Waiting for that row to reach the disk before answering cost about a fifth of a resident read's
throughput (measured at city scale: 423–480 against 520–590 reads/s). So a transaction
whose only writes are audit-event inserts commits with ``synchronous_commit = off``:
PostgreSQL answers at once and writes its WAL within three ``wal_writer_delay`` (600 ms by
default). A crash of the database server inside that window can lose such view events,
never a change to a record: every transaction that writes anything else still waits for
the disk, and so does the audit sealer, whose commit makes every earlier event durable
before the chain covers it. ``JICENG_DURABLE_VIEW_AUDIT=true`` makes every commit wait.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, event

AUDIT_TABLE = "core_audit_event"
WRITES = "jiceng.writes"  # on the connection, reset at each BEGIN: None, "audit" or "other"
RELAX = "SET LOCAL synchronous_commit = off"


def install(engine: Engine) -> None:
    event.listen(engine, "begin", _begin)
    event.listen(engine, "before_cursor_execute", _before_execute)
    event.listen(engine, "commit", _before_commit)


def _begin(connection: Connection) -> None:
    connection.info[WRITES] = None


def _before_execute(connection: Connection, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool) -> None:
    kind = write_kind(statement, context)
    if kind is not None and connection.info.get(WRITES) != "other":
        connection.info[WRITES] = kind


def write_kind(statement: str, context: Any) -> str | None:
    """None for a plain query, "audit" for an insert of audit events, "other" for anything
    else (any statement not known to be harmless counts as a write)."""
    if context is not None and context.isinsert:
        table = getattr(getattr(getattr(context, "compiled", None), "statement", None), "table", None)
        return "audit" if getattr(table, "name", None) == AUDIT_TABLE else "other"
    head = statement.lstrip()[:6].upper()
    return None if head == "SELECT" else "other"


def raw_cursor(connection: Connection) -> Any:
    """The driver's cursor, for COPY and other bulk work, on the connection's transaction.

    The engine's events do not see what such a cursor runs, so the transaction counts as
    writing: it waits for the disk at commit. Code takes driver cursors only through here
    (tests/core/test_architecture.py checks)."""
    connection.info[WRITES] = "other"
    return connection.connection.cursor()


def _before_commit(connection: Connection) -> None:
    if connection.info.get(WRITES) == "audit":
        # On the driver's connection: this is not a write of the transaction's own.
        connection.connection.dbapi_connection.execute(RELAX, prepare=False)  # type: ignore[union-attr]
