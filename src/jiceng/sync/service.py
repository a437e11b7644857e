"""Sync for the interfaces (API, web, CLI): node credentials, snapshots, the exchange,
status pages and the conflict queue. Interfaces import this module only."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiceng.accounts import service as accounts
from jiceng.core import audit
from jiceng.core.db import Database
from jiceng.core.errors import FieldError, NotFound, ValidationFailed
from jiceng.core.outbox import ChangeLog
from jiceng.core.permissions import Perm
from jiceng.core.security import Principal
from jiceng.registry import service as registry
from jiceng.sync import background, bootstrap, client, exchange, scope, snapshot, state
from jiceng.sync.conflicts import CHOICES, current_record, get_conflict, list_conflicts, merge_of, resolve
from jiceng.sync.models import SyncNodeReport, SyncPeer
from jiceng.sync.settings import apply_clock_offset, get_sync_settings
from jiceng.sync.transport import encode_token

__all__ = [
    "CHOICES",
    "current_record",
    "get_conflict",
    "handle_pull",
    "handle_push",
    "init_node",
    "list_conflicts",
    "merge_of",
    "resolve",
]

handle_push = exchange.handle_push
handle_pull = exchange.handle_pull
init_node = bootstrap.init_node


def sync_once(db: Database) -> client.Result:
    """One sync with the parent now (the CLI; the server's loop does the same)."""
    apply_clock_offset()
    return client.run_once(db)


def silent_days() -> int:
    return get_sync_settings().silent_days


def request_sync() -> None:
    background.request_sync()


# ---- node credentials ----------------------------------------------------------------------


def issue_node(session: Session, principal: Principal, institution_code: str, name: str = "") -> tuple[SyncPeer, str]:
    """A new child node for an institution: a ``sync_node`` identity, its OAuth2 client, and
    the one-time token for ``jiceng node init`` (shown once, never stored in clear)."""
    principal.require(Perm.USERS_MANAGE)
    institution = registry.find_institution_by_code(session, institution_code.strip())
    if institution is None:
        raise ValidationFailed(
            [
                FieldError(
                    "institution",
                    "unknown_institution",
                    f"机构：代码“{institution_code}”不存在",
                    f"Institution: code “{institution_code}” does not exist",
                )
            ]
        )
    node_id = "n" + secrets.token_hex(7)
    label = (name.strip() or institution.name)[:200]
    user = accounts.create_user(
        session,
        principal,
        username=f"node-{node_id}",
        password=accounts.generate_password(),
        role="sync_node",
        institution_id=institution.id,
        display_name=label,
    )
    client_id, secret = accounts.create_client(session, principal, user, allowed_scopes="sync")
    peer = SyncPeer(
        node_id=node_id,
        kind="child",
        name=label,
        institution_id=institution.id,
        user_id=user.id,
        client_id=client_id,
        created_at=state.now(),
    )
    session.add(peer)
    session.flush()
    audit.record(session, principal, "issue_node", "sync_node", node_id, detail={"institution": institution.code})
    return peer, encode_token(client_id, secret)


def revoke_node(session: Session, principal: Principal, node_id: str) -> SyncPeer:
    principal.require(Perm.USERS_MANAGE)
    peer = session.get(SyncPeer, node_id)
    if peer is None or peer.kind != "child":
        raise NotFound("节点", "node")
    if peer.client_id:
        accounts.revoke_client(session, principal, peer.client_id)
    peer.status = "revoked"
    scope.forget(node_id)
    audit.record(session, principal, "revoke_node", "sync_node", node_id)
    return peer


# ---- snapshot ------------------------------------------------------------------------------


def build_snapshot(session: Session, principal: Principal, node_id: str, folder: Path) -> Path:
    """The SQLite file a new node starts from (its scope, with clocks and cursor)."""
    principal.require(Perm.SYNC_EXCHANGE)
    peer = exchange.peer_for(session, principal, node_id)
    path = snapshot.build(session, peer, folder)
    audit.record(session, principal, "snapshot", "sync_node", peer.node_id)
    return path


# ---- status ------------------------------------------------------------------------------


def node_status(session: Session, principal: Principal) -> state.Status:
    principal.require(Perm.REGISTRY_READ)
    return state.status(session, str(session.info.get("node_id", "")))


@dataclass
class NodeRow:
    node_id: str
    name: str
    institution: str
    parent_node_id: str
    status: str
    contact_at: datetime | None
    silent_days: float | None
    silent: bool
    pending_up: int  # changes waiting at the node
    backlog_down: int  # changes here the node has not pulled (direct children only)
    conflicts: int
    errors: int
    direct: bool  # a child of this server (its credential is issued and revoked here)


def nodes_overview(session: Session, principal: Principal) -> list[NodeRow]:
    """Every node below this database, from its own reports and its parent's contact,
    flagging those silent for longer than ``JICENG_SYNC_SILENT_DAYS``."""
    principal.require(Perm.REGISTRY_READ)
    current = state.now()
    limit = timedelta(days=get_sync_settings().silent_days)
    peers = {p.node_id: p for p in session.scalars(select(SyncPeer).where(SyncPeer.kind == "child"))}
    reports = {r.node_id: r for r in session.scalars(select(SyncNodeReport))}
    last_seq = int(session.scalar(select(func.max(ChangeLog.seq))) or 0)
    institutions: dict[Any, str] = {}
    rows = []
    for node_id in sorted(set(peers) | set(reports)):
        peer, report = peers.get(node_id), reports.get(node_id)
        contact = state.aware(report.contact_at) if report else (state.aware(peer.last_contact_at) if peer else None)
        institution_id = report.institution_id if report and report.institution_id else (peer.institution_id if peer else None)
        if institution_id is not None and institution_id not in institutions:
            found = registry.find_institution(session, institution_id)
            institutions[institution_id] = found.name if found else str(institution_id)
        silent_for = (current - contact) if contact else None
        rows.append(
            NodeRow(
                node_id=node_id,
                name=(report.name if report and report.name else (peer.name if peer else "")),
                institution=institutions.get(institution_id, ""),
                parent_node_id=report.parent_node_id if report else str(session.info.get("node_id", "")),
                status=peer.status if peer else "active",
                contact_at=contact,
                silent_days=round(silent_for.total_seconds() / 86400, 1) if silent_for else None,
                silent=silent_for is None or silent_for > limit,
                pending_up=report.pending if report else 0,
                backlog_down=max(0, last_seq - peer.pull_seq) if peer else 0,
                conflicts=report.conflicts if report else 0,
                errors=report.errors if report else 0,
                direct=peer is not None,
            )
        )
    return rows
