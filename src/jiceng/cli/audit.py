"""`jiceng audit`: verify the hash chain."""

from __future__ import annotations

import typer

from jiceng.cli.common import console, database
from jiceng.core.audit import seal, verify_chain

app = typer.Typer(help="审计 / Audit trail", no_args_is_help=True)


@app.command()
def verify() -> None:
    """Recompute the audit hash chain; exit 1 at the first tampered row / 校验审计链。"""
    db = database()
    with db.unit_of_work() as session:
        seal(session)
    with db.session() as session:
        report = verify_chain(session)
    if report.ok:
        console.print(f"[green]✓[/green] 审计链完整 / audit chain intact: {report.checked:,} events")
        return
    console.print(
        f"[red]✗[/red] 审计链被篡改 / audit chain broken at event {report.first_bad_seq}: {report.problem} ({report.checked:,} verified before it)"
    )
    raise typer.Exit(1)
