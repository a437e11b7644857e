"""Bootstrap: the parent writes a node's whole scope into a new SQLite file.

The file is a migrated Jiceng database holding the node's identity, every in-scope row
with its field clocks, and a pull cursor taken *before* the rows were read (changes made
while the file was written are sent again on the first pull; the merge absorbs them).
A node starts from it in seconds instead of paging through the whole history.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, or_, select
from sqlalchemy.orm import Session

from jiceng.core import migrate
from jiceng.core.db import NodeIdentity
from jiceng.core.outbox import OP_UPDATE, ChangeLog
from jiceng.sync import clocks, exchange, outbound, scope, tables
from jiceng.sync.models import SyncCursor, SyncLogSource, SyncPeer, SyncRecordClock
from jiceng.sync.state import PULL, now
from jiceng.sync.tables import SyncTable

ROWS_PER_INSERT = 2000


def _fast_engine(path: Path) -> Engine:
    """Writing a file nobody reads yet: no journal, no fsync, foreign keys checked by source."""
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.close()

    return engine


def _rows(session: Session, table: SyncTable, known: scope.NodeScope) -> list[Any]:
    query = clocks.with_clocks(select(table.table), table)
    if table.is_resident:
        ids = [uuid.UUID(r) for r in sorted(known.residents)]
        return [row for part in clocks.chunks(ids) for row in session.execute(query.where(table.table.c.id.in_(part)))]
    if table.resident_columns:
        ids = [uuid.UUID(r) for r in sorted(known.residents)]
        none = [table.table.c[c].is_(None) for c in table.resident_columns]
        found = {row.id: row for row in session.execute(query.where(*none))}
        for part in clocks.chunks(ids, 400):
            found.update(
                (row.id, row) for row in session.execute(query.where(or_(*(table.table.c[c].in_(part) for c in table.resident_columns))))
            )
        return list(found.values())
    private = tables.INSTITUTION_PRIVATE.get(table.name)
    if private is not None:
        query = query.where(table.table.c[private].in_(known.institutions))
    return list(session.execute(query))


def build(session: Session, peer: SyncPeer, folder: Path) -> Path:
    """Write the snapshot for child ``peer``; returns the SQLite file."""
    assert peer.institution_id is not None
    position = outbound.current_position(session)
    known = scope.compute(session, peer.node_id, peer.institution_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"snapshot-{peer.node_id}-{uuid.uuid4().hex[:8]}.sqlite"
    migrate.upgrade(f"sqlite:///{path}")
    engine = _fast_engine(path)
    newest: tuple[int, str, uuid.UUID] | None = None
    try:
        with engine.begin() as target:
            for table in tables.registry().values():
                rows = _rows(session, table, known)
                if not rows:
                    continue
                states = clocks.load_states(session, table, rows)
                for start in range(0, len(rows), ROWS_PER_INSERT):
                    part = rows[start : start + ROWS_PER_INSERT]
                    target.execute(insert(table.table), [{c.name: r._mapping[c.name] for c in table.table.columns} for r in part])
                    # Every record's clocks: the node has no insert entries in its log to rebuild them.
                    metas = [
                        {"table_name": table.name, "record_id": r.id, "version": r.version, "clocks": states[r.id].to_wire()} for r in part
                    ]
                    target.execute(insert(SyncRecordClock), metas)
                top = max(rows, key=lambda r: r.updated_at)
                if newest is None or top.updated_at > newest[0]:
                    newest = (int(top.updated_at), table.name, top.id)
            _bookkeeping(target, session, peer, position, newest)
    finally:
        engine.dispose()
    exchange.reset_scope_members(session, peer.node_id, known.residents)
    scope.forget(peer.node_id)
    peer.pull_seq = int(position["seq"])
    return path


def _bookkeeping(
    target: Any, session: Session, peer: SyncPeer, position: dict[str, Any], newest: tuple[int, str, uuid.UUID] | None
) -> None:
    parent_id = clocks.local_node(session)
    target.execute(insert(NodeIdentity), [{"node_id": peer.node_id, "role": "node", "name": peer.name}])
    target.execute(
        insert(SyncPeer),
        [
            {
                "node_id": parent_id,
                "kind": "parent",
                "name": "",
                # On a node's parent row: the node's own institution (for its reports).
                "institution_id": peer.institution_id,
                "client_id": peer.client_id,
                "status": "active",
                "pull_seq": 0,
                "created_at": now(),
            }
        ],
    )
    target.execute(
        insert(SyncCursor), [{"peer_id": parent_id, "direction": PULL, "position": {**position, "epoch": 0}, "updated_at": now()}]
    )
    if newest is not None:
        # One log row at the newest time received, so the node's clock starts past it
        # even if its PC clock is behind (the log seeds the clock); marked as the
        # parent's, so it is not pushed back.
        hlc, table_name, record_id = newest
        row = {
            "table_name": table_name,
            "record_id": record_id,
            "op": OP_UPDATE,
            "version": 0,
            "hlc": hlc,
            "origin_node": parent_id,
            "fields": [],
        }
        seq = target.execute(insert(ChangeLog).returning(ChangeLog.seq), [row]).scalar_one()
        target.execute(insert(SyncLogSource), [{"seq": seq, "peer_id": parent_id}])
