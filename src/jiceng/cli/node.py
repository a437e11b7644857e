"""`jiceng node`: make this install a clinic node, sync it, show its state."""

from __future__ import annotations

import typer
from rich.table import Table

from jiceng.cli.common import console, database, err_console, friendly_errors
from jiceng.core.config import get_settings
from jiceng.core.security import Principal
from jiceng.sync import service as sync
from jiceng.sync.transport import SyncFailure

NAME = "node"
app = typer.Typer(help="本机作为离线节点 / This install as an offline clinic node", no_args_is_help=True)


def _fail(failure: SyncFailure) -> None:
    err_console.print(f"[red]✗[/red] {failure.message_zh} / {failure.message_en}")
    raise typer.Exit(1)


@app.command()
def init(
    parent: str = typer.Option(..., "--parent", help="上级机构地址 / Parent URL, e.g. https://region.example.cn"),
    token: str = typer.Option(..., "--token", help="上级发放的节点令牌 / Node token issued by the parent"),
    force: bool = typer.Option(False, help="Replace a database that already holds data"),
) -> None:
    """Download this node's scope from the parent and start from it / 初始化节点。"""
    settings = get_settings()
    try:
        done = sync.init_node(settings.resolved_database_url(), parent, token, force=force)
    except SyncFailure as failure:
        _fail(failure)
        return
    console.print(
        f"[green]✓[/green] 节点 / node {done.node_id} ({done.name}) — {done.bytes_downloaded / 1e6:.1f} MB in {done.seconds:.1f} s → {done.database_file}"
    )
    console.print("  `jiceng serve --host 0.0.0.0` 在诊所局域网提供服务并在后台同步 / serves the clinic LAN and syncs in the background")


@app.command("sync")
def sync_now() -> None:
    """Sync once with the parent: push, then pull / 立即同步一次。"""
    db = database()
    try:
        result = sync.sync_once(db)
    except SyncFailure as failure:
        _fail(failure)
        return
    finally:
        db.dispose()
    console.print(f"[green]✓[/green] 上传 / pushed {result.pushed}, 下载 / pulled {result.pulled} ({result.batches} batches)")


@app.command()
def status() -> None:
    """Last successful sync, pending changes, conflicts and errors / 同步状态。"""
    db = database()
    with friendly_errors(), db.unit_of_work() as session:
        state = sync.node_status(session, Principal.console_operator())
    db.dispose()
    table = Table("", "")
    table.add_row("node / 节点", f"{state.node_id} ({state.role})")
    table.add_row("parent / 上级", state.parent_url or "—")
    table.add_row("last success / 上次成功", state.last_success_at.isoformat() if state.last_success_at else "—")
    table.add_row("pending / 待上传", str(state.pending))
    table.add_row("conflicts / 待处理冲突", str(state.conflicts))
    table.add_row("errors / 错误", str(len(state.errors)))
    console.print(table)
    for error in state.errors[:5]:
        console.print(f"  [red]{error.occurred_at:%Y-%m-%d %H:%M}[/red] {error.message_zh} / {error.message_en}")
