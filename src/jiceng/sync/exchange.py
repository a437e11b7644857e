"""The parent's side of the protocol: push, pull and the reports nodes send up.

Each handler runs in the request's unit of work. A push is recorded under its
idempotency key in the same transaction as its records, so a batch is applied at most
once: a retry (the node never got the answer) is answered from ``sync_inbound``.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from jiceng.core.clock import clock
from jiceng.core.errors import FieldError, Forbidden, ValidationFailed
from jiceng.core.security import Principal
from jiceng.sync import outbound, scope, tables
from jiceng.sync.apply import apply_records
from jiceng.sync.codec import PROTOCOL, dumps, loads
from jiceng.sync.models import SyncInbound, SyncNodeReport, SyncPeer, SyncScopeMember
from jiceng.sync.scope import NodeScope
from jiceng.sync.state import now

NODE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{2,63}$")
MAX_RECORDS = 5000
MAX_PULL = 2000
BACKFILL_RESIDENTS = 200
APPLY_ATTEMPTS = 3
KEEP_KEYS = timedelta(days=14)


def _invalid(field: str, zh: str, en: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, "invalid", f"{field}：{zh}", f"{field}: {en}")])


def check_protocol(message: dict[str, Any]) -> None:
    if message.get("protocol") != PROTOCOL:
        raise _invalid(
            "protocol", f"不支持的同步协议版本（本端为 {PROTOCOL}）", f"unsupported sync protocol version (this side speaks {PROTOCOL})"
        )


def peer_for(session: Session, principal: Principal, node_id: str) -> SyncPeer:
    """The child node behind this credential; registered on its first contact."""
    if principal.user_id is None or principal.institution_id is None:
        raise Forbidden("以同步节点身份同步", "syncing without a node identity")
    peer = session.scalars(select(SyncPeer).where(SyncPeer.user_id == principal.user_id, SyncPeer.kind == "child")).first()
    if peer is None:
        if not NODE_ID.fullmatch(node_id or ""):
            raise _invalid("node_id", "节点编号格式不正确", "malformed node id")
        if session.get(SyncPeer, node_id) is not None:
            raise Forbidden("使用其他节点的编号", "using another node's id")
        peer = SyncPeer(
            node_id=node_id,
            kind="child",
            name=principal.display_name,
            institution_id=principal.institution_id,
            user_id=principal.user_id,
            status="active",
            pull_seq=0,
            created_at=now(),
        )
        session.add(peer)
    elif node_id and node_id != peer.node_id:
        raise Forbidden("以其他节点的凭据同步", "syncing with another node's credentials")
    if peer.status != "active":
        raise Forbidden("已撤销的节点同步", "syncing as a revoked node")
    peer.last_contact_at = now()
    session.flush()
    return peer


def node_scope(session: Session, peer: SyncPeer) -> NodeScope:
    assert peer.institution_id is not None
    return scope.cached(session, peer.node_id, peer.institution_id)


# ---- push --------------------------------------------------------------------------------


def handle_push(session: Session, principal: Principal, message: dict[str, Any]) -> dict[str, Any]:
    check_protocol(message)
    peer = peer_for(session, principal, str(message.get("node_id", "")))
    batch_id = str(message.get("batch_id") or "")
    records = message.get("records")
    if not 0 < len(batch_id) <= 64:
        raise _invalid("batch_id", "必须提供批次幂等键（1-64 个字符）", "an idempotency key of 1-64 characters is required")
    if not isinstance(records, list) or len(records) > MAX_RECORDS:
        raise _invalid("records", f"必须是不超过 {MAX_RECORDS} 条记录的列表", f"must be a list of at most {MAX_RECORDS} records")
    # Keys are kept two weeks: far longer than any node retries a batch.
    session.execute(delete(SyncInbound).where(SyncInbound.peer_id == peer.node_id, SyncInbound.received_at < now() - KEEP_KEYS))
    replay = _claim(session, peer.node_id, batch_id)
    if replay is not None:
        return replay
    known = node_scope(session, peer)
    policy = scope.push_policy(NodeScope(known.institutions, set(known.residents), known.villages))
    acks = _apply(session, records, peer.node_id, policy)
    _pushed_residents(session, peer.node_id, acks, known)
    store_reports(session, peer, message.get("reports") or [])
    response = {"protocol": PROTOCOL, "batch_id": batch_id, "acks": acks, "hlc": clock.now()}
    inbound = session.get(SyncInbound, (peer.node_id, batch_id))
    assert inbound is not None
    inbound.response = dumps(response)
    return response


def _pushed_residents(session: Session, peer_id: str, acks: list[list[Any]], known: NodeScope) -> None:
    """A resident a node pushed is in its scope from now on, and one whose history it
    holds: never send it back whole."""
    pushed = {uuid.UUID(a[1]) for a in acks if a[0] == tables.RESIDENT_TABLE and a[4] == "applied"}
    if not pushed:
        return
    known.residents |= {r.hex for r in pushed}  # the cached scope, until it is next computed
    _add_members(session, peer_id, {r.hex for r in pushed})


def _add_members(session: Session, peer_id: str, residents: set[str]) -> None:
    """Residents whose whole history the node has for good (epoch 0 is never undone)."""
    if not residents:
        return
    dialect = session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
        cast(Table, SyncScopeMember.__table__)
    ).on_conflict_do_nothing()
    session.connection().execute(statement, [{"peer_id": peer_id, "resident_id": uuid.UUID(r), "epoch": 0} for r in sorted(residents)])


def _claim(session: Session, peer_id: str, batch_id: str) -> dict[str, Any] | None:
    """Take the idempotency key, or return the answer already given under it.

    The key row is written first, so a duplicate delivered at the same moment waits for
    this transaction and then finds the answer instead of applying the batch again.
    """
    stored = session.get(SyncInbound, (peer_id, batch_id))
    if stored is None:
        try:
            with session.begin_nested():
                session.add(SyncInbound(peer_id=peer_id, batch_id=batch_id, received_at=now(), response=b""))
        except IntegrityError:
            stored = session.get(SyncInbound, (peer_id, batch_id), populate_existing=True)
    if stored is None or not stored.response:
        return None
    return {**loads(stored.response), "replayed": True}


def _apply(session: Session, records: list[Any], peer_id: str, policy: Any) -> list[list[Any]]:
    """Apply in a savepoint; a clash with a concurrent batch (another node's push of the same
    ID number, a deadlock) is retried, and then sees the other batch's rows."""
    for attempt in range(APPLY_ATTEMPTS):
        try:
            with session.begin_nested():
                return apply_records(session, records, peer_id, policy)
        except (KeyError, TypeError, ValueError, IndexError) as bad:
            raise _invalid("records", f"格式不正确（{type(bad).__name__}）", f"malformed ({type(bad).__name__}: {bad})") from None
        except (IntegrityError, DBAPIError):
            if attempt == APPLY_ATTEMPTS - 1:
                raise
    return []


def store_reports(session: Session, peer: SyncPeer, reports: list[Any]) -> None:
    """Keep the newest state of the child and of the nodes below it (relayed as ages, so a
    wrong clock on a clinic PC does not make a node look silent or recent)."""
    current = now()
    for report in reports[:500]:
        if not isinstance(report, dict) or not NODE_ID.fullmatch(str(report.get("node_id", ""))):
            continue
        direct = report["node_id"] == peer.node_id
        age = 0 if direct else max(0, int(report.get("contact_age_s") or 0))
        contact = current - timedelta(seconds=age)
        row = session.get(SyncNodeReport, report["node_id"])
        if row is None:
            row = SyncNodeReport(node_id=report["node_id"], contact_at=contact)
            session.add(row)
        elif not direct and _aware(row.contact_at) >= contact:
            continue
        row.contact_at = contact
        row.name = str(report.get("name") or "")[:200]
        row.parent_node_id = str(report.get("parent_node_id") or "")[:64]
        institution = report.get("institution_id")
        row.institution_id = uuid.UUID(institution) if institution else None
        age_ok = report.get("last_success_age_s")
        row.last_success_age_s = None if age_ok is None else int(age_ok) + age
        row.pending, row.conflicts, row.errors = (int(report.get(k) or 0) for k in ("pending", "conflicts", "errors"))


def _aware(value: Any) -> Any:
    from jiceng.sync.state import aware

    return aware(value)


# ---- pull --------------------------------------------------------------------------------


def handle_pull(session: Session, principal: Principal, message: dict[str, Any]) -> dict[str, Any]:
    check_protocol(message)
    peer = peer_for(session, principal, str(message.get("node_id", "")))
    position = message.get("cursor") or {"seq": 0}
    if not isinstance(position, dict) or not isinstance(position.get("seq", 0), int):
        raise _invalid("cursor", "游标格式不正确", "malformed cursor")
    limit = max(1, min(int(message.get("limit") or 500), MAX_PULL))
    peer.pull_seq = int(position.get("seq", 0))
    store_reports(session, peer, message.get("reports") or [])
    epoch = int(position.get("epoch", 0))
    members = _members(session, peer.node_id, epoch)
    cached = node_scope(session, peer)
    page = outbound.read_log(session, position, limit, exclude_peer=peer.node_id)
    built = outbound.records(session, page.keys)
    entered = cached.residents | scope.newly_in_scope(session, cached, built)
    # Residents whose history the node holds keep getting their changes, even while the
    # cached scope is older than the event that brought them in.
    known = NodeScope(cached.institutions, entered | members, cached.villages)
    born = {rid.hex for name, rid in page.inserted if name == tables.RESIDENT_TABLE} & entered
    _add_members(session, peer.node_id, born - members)  # the log itself carries their history
    epoch, backfill, more = _backfill(session, peer, entered - members - born, epoch)
    filled = {(r["t"], r["id"]) for r in backfill}
    sent = [r for r in built if known.includes_record(r) and (r["t"], r["id"]) not in filled]
    batch = outbound.with_references(session, backfill + sent, int(position.get("seq", 0)), lambda r: not known.includes_record(r))
    return {
        "protocol": PROTOCOL,
        "records": batch,
        "cursor": {**page.position, "epoch": epoch},
        "more": page.more or more,
        "hlc": clock.now(),
        "log_rows": page.rows,
    }


def _members(session: Session, peer_id: str, epoch: int) -> set[str]:
    """Residents whose whole history the node has confirmed receiving (see ``_backfill``)."""
    member = SyncScopeMember
    session.execute(delete(member).where(member.peer_id == peer_id, member.epoch > epoch))
    return {r.hex for r in session.scalars(select(member.resident_id).where(member.peer_id == peer_id))}


def _backfill(session: Session, peer: SyncPeer, missing_set: set[str], epoch: int) -> tuple[int, list[dict[str, Any]], bool]:
    """The whole history of residents that entered the node's scope since the last pull
    it confirmed (a new catchment village, a referral to it, a merge). Membership written
    under epoch e+1 counts once the node comes back with a cursor of epoch e+1."""
    missing = sorted(missing_set)
    if not missing:
        return epoch, [], False
    chosen = [uuid.UUID(r) for r in missing[:BACKFILL_RESIDENTS]]
    session.execute(insert(SyncScopeMember), [{"peer_id": peer.node_id, "resident_id": r, "epoch": epoch + 1} for r in chosen])
    keys: list[tuple[str, uuid.UUID]] = [(tables.RESIDENT_TABLE, r) for r in chosen]
    for table in tables.registry().values():
        if not table.resident_columns:
            continue
        condition = or_(*(table.table.c[c].in_(chosen) for c in table.resident_columns))
        keys += [(table.name, rid) for rid in session.scalars(select(table.table.c.id).where(condition))]
    return epoch + 1, outbound.records(session, keys), len(missing) > len(chosen)


def reset_scope_members(session: Session, peer_id: str, residents: set[str]) -> None:
    """After a snapshot: the node holds the whole history of these residents (epoch 0)."""
    session.execute(delete(SyncScopeMember).where(SyncScopeMember.peer_id == peer_id))
    rows = [{"peer_id": peer_id, "resident_id": uuid.UUID(r), "epoch": 0} for r in sorted(residents)]
    for start in range(0, len(rows), 1000):
        session.execute(insert(SyncScopeMember), rows[start : start + 1000])
