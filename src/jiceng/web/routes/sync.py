"""Sync pages: this node's state, the nodes below this server, the conflict review queue."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from jiceng.api.deps import DbSession
from jiceng.core.errors import ValidationFailed
from jiceng.core.permissions import Perm
from jiceng.sync import service as sync
from jiceng.web.deps import WebContext, form_dict, web_requires
from jiceng.web.extensions import NavItem, add_nav
from jiceng.web.i18n import register

router = APIRouter(include_in_schema=False)
# Handlers that post a form are async (the form is read in the event loop); their database
# work goes to the thread pool, so a lock wait never stalls the server's event loop.

Reader = Annotated[WebContext, Depends(web_requires(Perm.REGISTRY_READ))]
Manager = Annotated[WebContext, Depends(web_requires(Perm.USERS_MANAGE))]
Reviewer = Annotated[WebContext, Depends(web_requires(Perm.RESIDENT_WRITE))]

add_nav(NavItem("sync_nav", "/sync", Perm.REGISTRY_READ, order=90))
register(
    {
        "sync_nav": ("同步", "Sync"),
        "sync_status": ("同步状态", "Sync status"),
        "sync_role_node": ("本机是离线节点", "This install is an offline node"),
        "sync_role_region": ("本机是区域服务器（无上级）", "This install is a region server (no parent)"),
        "sync_node_id": ("节点编号", "Node id"),
        "sync_parent": ("上级", "Parent"),
        "sync_last_success": ("上次成功同步", "Last successful sync"),
        "sync_last_contact": ("上次联系", "Last contact"),
        "sync_pending": ("待上传的变更", "Changes waiting to upload"),
        "sync_conflicts": ("待处理的冲突", "Conflicts to review"),
        "sync_errors": ("同步错误", "Sync errors"),
        "sync_no_errors": ("没有未解决的错误", "No outstanding errors"),
        "sync_never": ("从未", "Never"),
        "sync_now": ("立即同步", "Sync now"),
        "sync_requested": ("已请求同步，稍后刷新查看结果", "Sync requested; refresh shortly to see the result"),
        "sync_nodes": ("下级节点", "Nodes below this server"),
        "sync_silent": ("失联", "Silent"),
        "sync_silent_hint": ("超过 {days} 天未联系的节点标红", "Nodes not heard from for more than {days} days are flagged"),
        "sync_backlog_up": ("节点待上传", "Waiting at the node"),
        "sync_backlog_down": ("待下发", "Waiting to go down"),
        "sync_days": ("天", "days"),
        "sync_issue": ("发放节点凭据", "Issue a node credential"),
        "sync_institution_code": ("机构代码", "Institution code"),
        "sync_node_name": ("节点名称", "Node name"),
        "sync_token_once": ("节点令牌（只显示一次）", "Node token (shown once)"),
        "sync_revoke": ("撤销", "Revoke"),
        "sync_revoked": ("已撤销", "Revoked"),
        "sync_queue": ("冲突审核", "Conflict review"),
        "sync_queue_empty": ("没有待处理的冲突", "No conflicts to review"),
        "sync_kind": ("类型", "Kind"),
        "sync_kind_field": ("同一字段被同时修改", "Same field changed concurrently"),
        "sync_kind_edit_after_delete": ("删除后又被修改", "Edited after deletion"),
        "sync_kind_identity_merge": ("同一身份证号重复建档，已合并", "Same ID number registered twice, merged"),
        "sync_kind_unique_collision": ("编号重复，已改号", "Duplicate number, re-keyed"),
        "sync_kind_rejected": ("上级拒收", "Refused by the parent"),
        "sync_record": ("记录", "Record"),
        "sync_field": ("字段", "Field"),
        "sync_applied": ("已采用", "Applied"),
        "sync_other": ("另一方", "Other side"),
        "sync_where": ("来源节点", "From node"),
        "sync_detected": ("发现于", "Found"),
        "sync_resolve": ("处理", "Resolve"),
        "sync_choice_winner": ("保留已采用的值", "Keep the applied value"),
        "sync_choice_loser": ("改用另一方的值", "Use the other value"),
        "sync_choice_custom": ("合并为新值", "Combine into a new value"),
        "sync_choice_keep_deleted": ("确认删除", "Confirm the deletion"),
        "sync_choice_restore": ("恢复记录", "Restore the record"),
        "sync_choice_confirm": ("确认合并", "Confirm the merge"),
        "sync_choice_take_fields": ("采用被合并档案的所选字段", "Take the chosen fields of the merged record"),
        "sync_choice_accept": ("接受新编号", "Accept the new number"),
        "sync_choice_dismiss": ("知悉", "Acknowledge"),
        "sync_resolved": ("已处理", "Resolved"),
        "sync_show_resolved": ("查看已处理", "Show resolved"),
        "sync_current": ("当前记录", "Current record"),
    }
)


@router.get("/sync", response_class=HTMLResponse)
def status_page(ctx: Reader, session: DbSession, requested: int = 0) -> HTMLResponse:
    state = sync.node_status(session, ctx.principal)
    return ctx.render("sync/status.html", state=state, requested=bool(requested))


@router.post("/sync/run")
async def run_now(ctx: Reader) -> RedirectResponse:
    """Wake the background loop (the sync itself runs there, not in this request)."""
    await ctx.form()
    sync.request_sync()
    return RedirectResponse("/sync?requested=1", status_code=303)


@router.get("/sync/nodes", response_class=HTMLResponse)
def nodes_page(ctx: Reader, session: DbSession) -> HTMLResponse:
    return _nodes(ctx, session)


def _nodes(ctx: WebContext, session: Any, **extra: Any) -> HTMLResponse:
    rows = sync.nodes_overview(session, ctx.principal)
    return ctx.render("sync/nodes.html", rows=rows, silent_days=sync.silent_days(), **extra)


@router.post("/sync/nodes", response_class=HTMLResponse)
async def issue_node(ctx: Manager, session: DbSession) -> HTMLResponse:
    values = form_dict(await ctx.form())
    try:
        peer, token = await run_in_threadpool(
            sync.issue_node, session, ctx.principal, values.get("institution_code", ""), values.get("name", "")
        )
    except ValidationFailed as failed:
        return _nodes(ctx, session, errors=failed.errors, values=values)
    return _nodes(ctx, session, issued=(peer.node_id, token))


@router.post("/sync/nodes/{node_id}/revoke")
async def revoke_node(node_id: str, ctx: Manager, session: DbSession) -> RedirectResponse:
    await ctx.form()
    await run_in_threadpool(sync.revoke_node, session, ctx.principal, node_id)
    return RedirectResponse("/sync/nodes", status_code=303)


@router.get("/sync/conflicts", response_class=HTMLResponse)
def queue(ctx: Reviewer, session: DbSession, status: str = "open") -> HTMLResponse:
    items = sync.list_conflicts(session, ctx.principal, status)
    return ctx.render("sync/conflicts.html", items=items, status=status)


@router.get("/sync/conflicts/{conflict_id}", response_class=HTMLResponse)
def conflict_page(conflict_id: uuid.UUID, ctx: Reviewer, session: DbSession) -> HTMLResponse:
    return _conflict(ctx, session, conflict_id)


def _conflict(ctx: WebContext, session: Any, conflict_id: uuid.UUID, **extra: Any) -> HTMLResponse:
    found = sync.get_conflict(session, ctx.principal, conflict_id)
    return ctx.render(
        "sync/conflict.html",
        c=found,
        current=sync.current_record(session, found),
        merge=sync.merge_of(session, found),
        choices=sorted(sync.CHOICES.get(found.kind, ())),
        **extra,
    )


@router.post("/sync/conflicts/{conflict_id}", response_model=None)
async def resolve(conflict_id: uuid.UUID, ctx: Reviewer, session: DbSession) -> HTMLResponse | RedirectResponse:
    form = await ctx.form()
    values = form_dict(form, multi=("fields",))
    try:
        await run_in_threadpool(
            sync.resolve, session, ctx.principal, conflict_id, values.get("choice", ""), values.get("value"), values.get("fields") or []
        )
    except ValidationFailed as failed:
        return _conflict(ctx, session, conflict_id, errors=failed.errors)
    return RedirectResponse("/sync/conflicts", status_code=303)
