"""/api/v1/sync: the node protocol (push, pull, snapshot; docs/sync-protocol.md), node
credentials, status, and the conflict review queue."""

from __future__ import annotations

import gzip
import shutil
import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from jiceng.api.deps import DbSession, requires
from jiceng.core.errors import FieldError, ValidationFailed
from jiceng.core.permissions import Perm
from jiceng.core.security import Principal
from jiceng.sync import service as sync
from jiceng.sync.codec import dumps, loads

router = APIRouter(tags=["sync 同步"])

# The unit of work ends *before* the answer is sent (``api.deps.DbSession``): a node must
# never hold an acknowledgement for a batch whose transaction could still fail or be killed.
Node = Annotated[Principal, Depends(requires(Perm.SYNC_EXCHANGE))]
Reader = Annotated[Principal, Depends(requires(Perm.REGISTRY_READ))]
Manager = Annotated[Principal, Depends(requires(Perm.USERS_MANAGE))]
Reviewer = Annotated[Principal, Depends(requires(Perm.RESIDENT_WRITE))]


async def _message(request: Request) -> dict[str, Any]:
    try:
        return loads(await request.body())
    except (ValueError, OSError, EOFError, ClientDisconnect):  # a cut connection: no one to answer
        raise ValidationFailed(
            [
                FieldError(
                    "body",
                    "malformed",
                    "请求体：必须是 JSON 对象（可 gzip 压缩）",
                    "Body: must be a JSON object (optionally gzip-compressed)",
                )
            ]
        ) from None


def _answer(request: Request, message: dict[str, Any]) -> Response:
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(dumps(message), media_type="application/json", headers={"Content-Encoding": "gzip"})
    return Response(gzip.decompress(dumps(message)), media_type="application/json")


# The body is read in the event loop; the database work runs in the thread pool. Blocking
# the loop on a row lock would stop the very request that holds the lock from finishing.


@router.post("/sync/push")
async def push(request: Request, session: DbSession, principal: Node) -> Response:
    """Apply a batch of a node's changes, at most once per idempotency key."""
    message = await _message(request)
    return _answer(request, await run_in_threadpool(sync.handle_push, session, principal, message))


@router.post("/sync/pull")
async def pull(request: Request, session: DbSession, principal: Node) -> Response:
    """The changes in the node's scope after its cursor."""
    message = await _message(request)
    return _answer(request, await run_in_threadpool(sync.handle_pull, session, principal, message))


@router.post("/sync/snapshot")
async def snapshot(request: Request, session: DbSession, principal: Node) -> FileResponse:
    """The node's whole scope as a SQLite file (gzip), to start from."""
    message = await _message(request)
    folder = Path(request.app.state.settings.data_dir) / "snapshots"
    packed = await run_in_threadpool(_snapshot_file, session, principal, str(message.get("node_id", "")), folder)
    return FileResponse(
        packed,
        media_type="application/vnd.sqlite3",
        headers={"Content-Encoding": "gzip"},
        background=BackgroundTask(packed.unlink, missing_ok=True),
    )


def _snapshot_file(session: Session, principal: Principal, node_id: str, folder: Path) -> Path:
    path = sync.build_snapshot(session, principal, node_id, folder)
    packed = path.with_suffix(".sqlite.gz")
    with path.open("rb") as source, gzip.open(packed, "wb", compresslevel=5) as target:
        shutil.copyfileobj(source, target, 1 << 20)
    path.unlink()
    return packed


@router.get("/sync/status")
def status(session: DbSession, principal: Reader) -> dict[str, Any]:
    """This database's sync state: last success, pending changes, conflicts, errors."""
    return sync.node_status(session, principal).as_dict()


@router.get("/sync/nodes")
def nodes(session: DbSession, principal: Reader) -> list[dict[str, Any]]:
    """Every node below this one: last contact, backlog, silent or not."""
    return [
        {**row.__dict__, "contact_at": row.contact_at.isoformat() if row.contact_at else None}
        for row in sync.nodes_overview(session, principal)
    ]


class NodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    institution_code: str = Field(max_length=32)
    name: str = Field(default="", max_length=200)


@router.post("/sync/nodes", status_code=201)
def issue(body: NodeRequest, session: DbSession, principal: Manager) -> dict[str, Any]:
    """Issue credentials for a new child node; the token is shown once."""
    peer, token = sync.issue_node(session, principal, body.institution_code, body.name)
    return {"node_id": peer.node_id, "client_id": peer.client_id, "token": token}


@router.post("/sync/nodes/{node_id}/revoke")
def revoke(node_id: str, session: DbSession, principal: Manager) -> dict[str, Any]:
    peer = sync.revoke_node(session, principal, node_id)
    return {"node_id": peer.node_id, "status": peer.status}


def _conflict(c: Any) -> dict[str, Any]:
    return {
        "id": c.id.hex,
        "kind": c.kind,
        "table": c.table_name,
        "record_id": c.record_id.hex,
        "field": c.field,
        "resident_id": c.resident_id.hex if c.resident_id else None,
        "winner": c.winner,
        "loser": c.loser,
        "detected_by": c.detected_by,
        "detected_at": c.detected_at.isoformat(),
        "status": c.status,
        "resolution": c.resolution,
        "resolved_by": c.resolved_by,
        "choices": sorted(sync.CHOICES.get(c.kind, ())),
    }


@router.get("/sync/conflicts")
def conflicts(session: DbSession, principal: Reviewer, status: str = "open", limit: int = 100) -> list[dict[str, Any]]:
    """The review queue (conflicts about residents in the caller's scope)."""
    return [_conflict(c) for c in sync.list_conflicts(session, principal, status, limit)]


@router.get("/sync/conflicts/{conflict_id}")
def conflict(conflict_id: uuid.UUID, session: DbSession, principal: Reviewer) -> dict[str, Any]:
    found = sync.get_conflict(session, principal, conflict_id)
    return {**_conflict(found), "current": sync.current_record(session, found)}


class Resolution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    choice: str = Field(max_length=24)
    value: str | None = Field(default=None, max_length=2000)
    fields: list[str] = Field(default_factory=list, max_length=200)


@router.post("/sync/conflicts/{conflict_id}/resolve")
def resolve(conflict_id: uuid.UUID, body: Resolution, session: DbSession, principal: Reviewer) -> dict[str, Any]:
    """Keep the applied value, take the other, enter a combined one, restore, or confirm."""
    return _conflict(sync.resolve(session, principal, conflict_id, body.choice, body.value, body.fields))
