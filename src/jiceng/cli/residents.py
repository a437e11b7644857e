"""`jiceng residents import|export`."""

from __future__ import annotations

from pathlib import Path

import typer

from jiceng.cli.common import acting_principal, console, database, err_console, friendly_errors, progress_bar
from jiceng.residents import transfer

app = typer.Typer(help="居民档案 / Resident records", no_args_is_help=True)


@app.command("import")
def import_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help=".xlsx or .csv"),
    all_or_nothing: bool = typer.Option(False, "--all-or-nothing", help="Commit nothing if any row is bad"),
    report: Path = typer.Option(None, help="Where to write the rejected rows (.xlsx); default FILE.rejected.xlsx"),
    as_user: str = typer.Option(None, "--user", help="Import as this user (their scope applies)"),
) -> None:
    """Import residents from a spreadsheet / 从表格导入居民档案。"""
    db = database()
    with friendly_errors(), db.unit_of_work() as session, progress_bar() as bar:
        principal = acting_principal(session, as_user)
        task = bar.add_task("导入 import", total=None)
        result = transfer.import_residents(
            session, principal, file, all_or_nothing=all_or_nothing, progress=lambda n: bar.update(task, completed=n)
        )
    for line in result.lines("zh")[:50]:
        err_console.print(f"  [red]✗[/red] {line}")
    if result.rejected:
        target = report or file.with_suffix(".rejected.xlsx")
        transfer.write_rejections(result, target)
        console.print(f"拒绝的行及原因 / rejected rows with reasons: {target}")
    if result.committed:
        console.print(
            f"[green]✓[/green] 导入 {result.imported} 行，拒绝 {len(result.rejected)} 行 / imported {result.imported}, rejected {len(result.rejected)} of {result.rows}"
        )
    else:
        console.print(
            f"[red]✗[/red] 有 {len(result.rejected)} 行错误，未导入任何数据 / {len(result.rejected)} bad rows: nothing imported (--all-or-nothing)"
        )
        raise typer.Exit(1)


@app.command("export")
def export_file(
    out: Path = typer.Option(Path("residents.xlsx"), help=".xlsx or .csv"),
    village: str = typer.Option(None, help="Only this village (12-digit code)"),
    identifiable: bool = typer.Option(False, help="Full ID and phone numbers (needs the export-identifiable permission)"),
    as_user: str = typer.Option(None, "--user", help="Export as this user (their scope applies)"),
) -> None:
    """Export residents in scope; identifiers masked unless --identifiable / 导出居民档案。"""
    db = database()
    with friendly_errors(), db.unit_of_work() as session:
        principal = acting_principal(session, as_user)
        count = transfer.write_export(transfer.export_rows(session, principal, identifiable=identifiable, village_code=village), out)
    console.print(f"[green]✓[/green] {count:,} 条 / rows → {out}")
