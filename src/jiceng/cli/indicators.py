"""`jiceng indicators rebuild|verify|status|periods`: the dashboard's materialized state.

(``jiceng chronic indicators`` and ``jiceng contracts indicators`` print their own
domain's numbers from the source tables; this group manages the state every dashboard
number is read from.)"""

from __future__ import annotations

import json
import os
import time

import typer
from rich.table import Table

from jiceng.cli.common import console, database, err_console, friendly_errors
from jiceng.core import region_config
from jiceng.core.clock import local_today
from jiceng.core.security import Principal
from jiceng.indicators import periods as period_rules
from jiceng.indicators import rebuild as rebuild_state
from jiceng.indicators import service
from jiceng.indicators import verify as verify_state

NAME = "indicators"
app = typer.Typer(help="考核指标看板的物化状态 / The supervision dashboard's materialized state", no_args_is_help=True)


def _verify(as_json: bool, keys: list[str] | None = None) -> bool:
    db = database()
    with db.unit_of_work() as session:
        report = verify_state.verify(session, keys)
    if as_json:
        console.print_json(
            json.dumps(
                {
                    "periods": report.periods,
                    "compared": report.compared,
                    "differences": [vars(d) for d in report.differences[:100]],
                    "seconds": report.seconds,
                }
            )
        )
    else:
        console.print(
            f"核对 {len(report.periods)} 个统计期、{report.compared} 个数值（{report.seconds} 秒）/ "
            f"checked {report.compared} numbers in {len(report.periods)} periods ({report.seconds} s)"
        )
        if report.differences:
            table = Table(title="差异 / differences")
            for column in ("period", "indicator", "level", "division", "source tables", "state", "against"):
                table.add_column(column)
            for d in report.differences[:50]:
                table.add_row(
                    d.period,
                    d.indicator,
                    d.level,
                    d.division,
                    f"{d.expected[0]}/{d.expected[1]}",
                    f"{d.actual[0]}/{d.actual[1]}",
                    d.against,
                )
            console.print(table)
    if report.differences:
        err_console.print(f"[red]✗[/red] {len(report.differences)} 处差异 / differences")
        return False
    console.print("[green]✓[/green] 无差异 / no differences")
    return True


@app.command("rebuild")
def rebuild(
    periods: str = typer.Option(
        None,
        help="Keep these periods besides last year and this year, e.g. 2024,2026-06 ('' for none; saved as the region setting indicators.periods)",
    ),
    skip_verify: bool = typer.Option(False, "--no-verify", help="Do not reconcile against the source tables afterwards"),
    workers: int = typer.Option(
        min(4, os.cpu_count() or 1), min=1, help="PostgreSQL: compute this many periods at once (one connection each)"
    ),
) -> None:
    """Rebuild the whole state from the source tables, then verify it / 重建并核对。"""
    db = database()
    started = time.perf_counter()
    with friendly_errors(), db.unit_of_work() as session:
        if periods is not None:
            keys = [k.strip() for k in periods.split(",") if k.strip()]
            period_rules.validate_extra(keys, local_today())
            region_config.set_setting(
                session, Principal.console_operator(), period_rules.SETTING_KEY, keys, "看板保留的统计期 / kept periods"
            )
        report = rebuild_state.rebuild(session, workers=workers)
    console.print(
        f"已重建 {', '.join(report.periods)}：{report.persons} 条个人状态，{report.rollups} 条汇总（{time.perf_counter() - started:.1f} 秒）/ "
        f"rebuilt {len(report.periods)} periods: {report.persons} person rows, {report.rollups} rollups"
    )
    for key, seconds in report.seconds.items():
        console.print(f"  {key}: {seconds} s")
    if not skip_verify and not _verify(False):
        raise typer.Exit(1)


@app.command("verify")
def verify(
    period: str = typer.Option(None, help="Only this period"),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON"),
) -> None:
    """Recompute every indicator from the source tables and compare with the state / 核对。"""
    if not _verify(as_json, [period] if period else None):
        raise typer.Exit(1)


@app.command("status")
def status() -> None:
    """Periods kept, when built, and how far the state is behind the change log."""
    db = database()
    with db.unit_of_work() as session:
        found = service.state_status(session, Principal.console_operator())
    if not found.built:
        console.print("尚未生成：运行 jiceng indicators rebuild / not built yet: run jiceng indicators rebuild")
        return
    for p in found.periods:
        console.print(f"{p['key']}: {p['start']} – {p['end']}{' (open)' if p['open'] else ''}, built {p['built_at']}")
    console.print(f"change log {found.log_head}, state at {found.position}, behind {found.behind}")
