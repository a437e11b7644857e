"""The node's side: one sync = push every pending batch, then pull until caught up.

Push: a batch is the records changed in the next slice of this node's change log (plus
records a previous answer did not confirm). Its idempotency key and range are saved
before sending, so after a cut connection or a crash the same batch goes again under the
same key, and the parent answers from its record instead of applying it twice. A record
counts as sent only if the parent acknowledged the version this node holds *now*; one
edited while the batch was in flight is queued again (``sync_retry``).

Pull: each page is applied in one transaction together with the new cursor, so a crash
leaves either the whole page with its cursor or neither.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from jiceng.core.clock import clock
from jiceng.core.db import Database, NodeIdentity
from jiceng.sync import outbound, state, tables
from jiceng.sync.apply import apply_records
from jiceng.sync.clocks import chunks
from jiceng.sync.codec import PROTOCOL
from jiceng.sync.models import SyncNodeReport, SyncPeer, SyncRetry
from jiceng.sync.settings import get_sync_settings
from jiceng.sync.state import PULL, PUSH, now
from jiceng.sync.transport import Link, SyncFailure

CONFIRMED = {"applied", "rejected", "held"}


@dataclass
class Result:
    pushed: int = 0
    pulled: int = 0
    batches: int = 0


def link_for(db: Database) -> tuple[Link, str]:
    with db.unit_of_work() as session:
        parent = state.parent(session)
        if parent is None or not parent.url:
            raise SyncFailure(
                "not_a_node", "本库不是节点（请先运行 jiceng node init）", "This database is not a node (run jiceng node init first)"
            )
        return Link(parent.url, parent.client_id, parent.client_secret), parent.node_id


def run_once(db: Database, link: Link | None = None) -> Result:
    """One full sync with the parent; raises :class:`SyncFailure` (recorded) on failure."""
    own_link = link is None
    parent_id = ""
    try:
        if link is None:
            link, parent_id = link_for(db)
        else:
            with db.unit_of_work() as session:
                parent = state.parent(session)
                parent_id = parent.node_id if parent else ""
        result = Result()
        _push_all(db, link, parent_id, result)
        _pull_all(db, link, parent_id, result)
        with db.unit_of_work() as session:
            peer = session.get(SyncPeer, parent_id)
            if peer is not None:
                peer.last_success_at = peer.last_contact_at = now()
            state.clear_errors(session, parent_id)
        return result
    except SyncFailure as failure:
        with db.unit_of_work() as session:
            state.record_error(session, parent_id, "sync", failure.code, failure.message_zh, failure.message_en, failure.detail)
        raise
    finally:
        if own_link and link is not None:
            link.close()


# ---- push --------------------------------------------------------------------------------


def _push_all(db: Database, link: Link, parent_id: str, result: Result) -> None:
    """Batches one after another; while the parent applies one, the next is read."""
    stuck = 0
    ahead: Ahead | None = None
    with ThreadPoolExecutor(max_workers=1) as pool:
        while True:
            with db.unit_of_work() as session:
                message = prepare_push(session, parent_id, ahead)
            if message is None:
                return
            upcoming = pool.submit(read_ahead, db, parent_id, message["cursor_to"]) if message["log_rows"] else None
            try:
                answer = link.post("/api/v1/sync/push", message)
            finally:
                ahead = upcoming.result() if upcoming is not None else None
            with db.unit_of_work() as session:
                unconfirmed = confirm_push(session, parent_id, message, answer)
            result.batches += 1
            result.pushed += len(message["records"]) - unconfirmed
            # Only unconfirmed records left and none got through: try again next sync.
            stuck = stuck + 1 if message["log_rows"] == 0 and unconfirmed else 0
            if stuck >= 2:
                return


@dataclass
class Ahead:
    """The next slice of the log, read while the previous batch was in flight."""

    start: dict[str, Any]
    page: outbound.Page
    records: list[dict[str, Any]]


def read_ahead(db: Database, parent_id: str, start: dict[str, Any]) -> Ahead | None:
    with db.unit_of_work() as session:
        page = outbound.read_log(session, start, get_sync_settings().batch_size, exclude_peer=parent_id)
        if not page.keys:
            return None
        records = outbound.with_references(session, outbound.records(session, page.keys), int(start.get("seq", 0)))
        return Ahead(start, page, records)


def _slice(
    session: Session, parent_id: str, position: Any, retries: list[outbound.Key], ahead: Ahead | None
) -> tuple[outbound.Page, list[dict[str, Any]]] | None:
    """The log slice after the cursor and its records (read ahead if it is still the one)."""
    if ahead is not None and position.batch_id is None and ahead.start == position.position:
        extra = [k for k in retries if k not in set(ahead.page.keys)]
        built = outbound.with_references(session, outbound.records(session, extra), int(ahead.start.get("seq", 0))) if extra else []
        return ahead.page, ahead.records + built
    while True:
        page = outbound.read_log(session, position.position, get_sync_settings().batch_size, exclude_peer=parent_id)
        keys = list(dict.fromkeys(page.keys + retries))
        if keys or not page.rows:
            break
        # Only the parent's own changes in this slice (echoes): step past it.
        position.position, position.updated_at = page.position, now()
    if not keys:
        return None
    return page, outbound.with_references(session, outbound.records(session, keys), int(position.position.get("seq", 0)))


def prepare_push(session: Session, parent_id: str, ahead: Ahead | None = None) -> dict[str, Any] | None:
    """The next batch to push (the one in flight, if a previous attempt did not finish);
    its idempotency key and range are saved before it is sent."""
    position = state.cursor(session, parent_id, PUSH)
    retries = [(r.table_name, r.record_id) for r in session.scalars(select(SyncRetry).where(SyncRetry.peer_id == parent_id))]
    found = _slice(session, parent_id, position, retries, ahead)
    if found is None:
        return None
    page, records = found
    if position.batch_id is None or position.batch_to is None:
        position.batch_id, position.batch_to = uuid.uuid4().hex, page.position
    return {
        "protocol": PROTOCOL,
        "node_id": session.info["node_id"],
        "batch_id": position.batch_id,
        "cursor_from": position.position,
        "cursor_to": position.batch_to,
        "records": records,
        "reports": reports(session, parent_id),
        "log_rows": page.rows,
    }


def _current_versions(session: Session, records: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    by_table: dict[str, list[uuid.UUID]] = defaultdict(list)
    for record in records:
        by_table[record["t"]].append(uuid.UUID(record["id"]))
    found: dict[tuple[str, str], int] = {}
    for name, ids in by_table.items():
        table = tables.get(name)
        if table is None:
            continue
        for part in chunks(ids):
            query = select(table.table.c.id, table.table.c.version).where(table.table.c.id.in_(part))
            found.update(((name, rid.hex), int(version)) for rid, version in session.execute(query))
    return found


def confirm_push(session: Session, parent_id: str, message: dict[str, Any], answer: dict[str, Any]) -> int:
    """Advance the push cursor; queue again every record not confirmed at its current version.
    Returns how many were not confirmed."""
    position = state.cursor(session, parent_id, PUSH)
    if position.batch_id != message["batch_id"]:
        return 0  # another process already confirmed this batch
    acks = {(a[0], uuid.UUID(a[1]).hex): a for a in answer.get("acks", [])}
    versions = _current_versions(session, message["records"])
    confirmed, unconfirmed = [], set()
    for record in message["records"]:
        key = (record["t"], record["id"])
        ack = acks.get(key)
        if ack is not None and ack[4] in CONFIRMED and int(ack[2]) == versions.get(key):
            confirmed.append(key)
        else:
            unconfirmed.add(key)
    queued = {(r.table_name, r.record_id.hex) for r in session.scalars(select(SyncRetry).where(SyncRetry.peer_id == parent_id))}
    for name, rid in [k for k in confirmed if k in queued and k not in unconfirmed]:
        session.execute(
            delete(SyncRetry).where(SyncRetry.peer_id == parent_id, SyncRetry.table_name == name, SyncRetry.record_id == uuid.UUID(rid))
        )
    fresh = [{"peer_id": parent_id, "table_name": name, "record_id": uuid.UUID(rid)} for name, rid in sorted(unconfirmed - queued)]
    if fresh:
        session.execute(insert(SyncRetry), fresh)
    position.position = position.batch_to or position.position
    position.batch_id, position.batch_to, position.updated_at = None, None, now()
    if answer.get("hlc"):
        clock.observe(int(answer["hlc"]))
    return len(unconfirmed)


def reports(session: Session, parent_id: str) -> list[dict[str, Any]]:
    """This node's state, and the last state of each node below it, for the region's page."""
    identity = session.scalars(select(NodeIdentity)).first()
    parent = session.get(SyncPeer, parent_id)
    last = state.aware(parent.last_success_at) if parent else None
    current = now()
    own = {
        "node_id": session.info["node_id"],
        "name": identity.name if identity else "",
        "institution_id": parent.institution_id.hex if parent and parent.institution_id else None,
        "parent_node_id": parent_id,
        "last_success_age_s": int((current - last).total_seconds()) if last else None,
        "pending": state.pending_changes(session, parent_id),
        "conflicts": state.open_conflicts(session),
        "errors": state.open_errors(session),
    }
    below = [
        {
            "node_id": r.node_id,
            "name": r.name,
            "institution_id": r.institution_id.hex if r.institution_id else None,
            "parent_node_id": r.parent_node_id,
            "contact_age_s": int((current - (state.aware(r.contact_at) or current)).total_seconds()),
            "last_success_age_s": r.last_success_age_s,
            "pending": r.pending,
            "conflicts": r.conflicts,
            "errors": r.errors,
        }
        for r in session.scalars(select(SyncNodeReport))
    ]
    return [own, *below]


# ---- pull --------------------------------------------------------------------------------


def _pull_all(db: Database, link: Link, parent_id: str, result: Result) -> None:
    limit = get_sync_settings().batch_size
    first = True  # the node's state goes up with the first page (a sync may push nothing)
    while True:
        with db.unit_of_work() as session:
            position = dict(state.cursor(session, parent_id, PULL).position)
        with db.unit_of_work() as session:
            told = reports(session, parent_id) if first else []
        message = {"protocol": PROTOCOL, "node_id": _node_id(db), "cursor": position, "limit": limit, "reports": told}
        answer = link.post("/api/v1/sync/pull", message)
        first = False
        with db.unit_of_work() as session:
            current = state.cursor(session, parent_id, PULL)
            if current.position != position:
                return  # another process pulled meanwhile; it carries on
            apply_records(session, answer.get("records") or [], parent_id)
            current.position, current.updated_at = answer["cursor"], now()
        if answer.get("hlc"):
            clock.observe(int(answer["hlc"]))
        result.pulled += len(answer.get("records") or [])
        if not answer.get("more"):
            return


def _node_id(db: Database) -> str:
    return db.node_id
