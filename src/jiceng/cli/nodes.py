"""`jiceng nodes`: a parent issues, lists and revokes the credentials of its child nodes."""

from __future__ import annotations

import typer
from rich.table import Table

from jiceng.cli.common import acting_principal, console, database, friendly_errors
from jiceng.sync import service as sync

NAME = "nodes"
app = typer.Typer(help="下级节点 / Child nodes of this server", no_args_is_help=True)


@app.command()
def issue(
    institution: str = typer.Option(..., help="机构代码 / Institution code of the clinic"),
    name: str = typer.Option("", help="Name shown on the nodes page"),
    as_user: str = typer.Option(None, "--user", help="Act as this administrator (default: console)"),
) -> None:
    """Issue a node credential; prints the token for `jiceng node init` once / 发放节点凭据。"""
    db = database()
    with friendly_errors(), db.unit_of_work() as session:
        peer, token = sync.issue_node(session, acting_principal(session, as_user), institution, name)
        node_id = peer.node_id
    db.dispose()
    console.print(f"[green]✓[/green] node {node_id}")
    console.print(f"  jiceng node init --parent URL --token [bold]{token}[/bold]")


@app.command()
def revoke(node_id: str, as_user: str = typer.Option(None, "--user")) -> None:
    """Revoke a node's credential: it can no longer sync / 撤销节点凭据。"""
    db = database()
    with friendly_errors(), db.unit_of_work() as session:
        sync.revoke_node(session, acting_principal(session, as_user), node_id)
    db.dispose()
    console.print(f"[green]✓[/green] {node_id} 已撤销 / revoked")


@app.command("list")
def list_nodes(as_user: str = typer.Option(None, "--user")) -> None:
    """Every node below this server: last contact and backlog / 节点列表。"""
    table = Table("node", "name", "institution", "parent", "last contact", "pending up", "backlog down", "conflicts", "errors", "")
    db = database()
    with friendly_errors(), db.unit_of_work() as session:
        for row in sync.nodes_overview(session, acting_principal(session, as_user)):
            flag = "[red]silent 失联[/red]" if row.silent else ("revoked" if row.status != "active" else "")
            contact = row.contact_at.strftime("%Y-%m-%d %H:%M") if row.contact_at else "—"
            table.add_row(
                row.node_id,
                row.name,
                row.institution,
                row.parent_node_id,
                contact,
                str(row.pending_up),
                str(row.backlog_down),
                str(row.conflicts),
                str(row.errors),
                flag,
            )
    db.dispose()
    console.print(table)
