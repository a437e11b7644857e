"""`jiceng contracts import-marks|indicators`: population lists and signing indicators."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from jiceng.cli.common import acting_principal, console, database, err_console, friendly_errors
from jiceng.contracts import indicators, marks
from jiceng.core.clock import local_today
from jiceng.core.indicators import LEVELS, IndicatorQuery

NAME = "contracts"
app = typer.Typer(help="家庭医生签约服务 / Family-doctor contracts", no_args_is_help=True)


@app.command("import-marks")
def import_marks(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help=".xlsx or .csv: 身份证号, 姓名, 人群, 来源单位, 名单/文件, 有效期起, 有效期止"
    ),
    source: str = typer.Option("", help="Source authority for rows that leave it empty (e.g. 县乡村振兴局)"),
    list_name: str = typer.Option("", "--list", help="List or document name for rows that leave it empty"),
    as_user: str = typer.Option(None, "--user", help="Import as this user (their scope applies)"),
) -> None:
    """Import a pregnancy / 脱贫人口 / 计生特殊家庭 list as population marks / 导入人群名单。"""
    db = database()
    with friendly_errors(), db.unit_of_work() as session:
        principal = acting_principal(session, as_user)
        report = marks.import_marks(session, principal, file.name, file.read_bytes(), {"source": source, "list_name": list_name})
    for line in report.lines("zh")[:50]:
        err_console.print(f"  [red]✗[/red] {line}")
    console.print(
        f"导入 {report.imported} 行，拒绝 {len(report.rejected)} 行 / imported {report.imported}, rejected {len(report.rejected)} of {report.rows}"
    )


@app.command("indicators")
def show_indicators(
    level: str = typer.Option("county", help="city, county, township or village"),
    start: str = typer.Option("", help="Period start (default: 1 January)"),
    end: str = typer.Option("", help="Period end (default: today)"),
    division: str = typer.Option("", help="Only divisions under this code"),
) -> None:
    """签约率, 重点人群签约服务覆盖率 and 续约率 per division / 签约指标。"""
    if level not in LEVELS:
        err_console.print(f"✗ 汇总级别应为 / level must be one of {', '.join(LEVELS)}")
        raise typer.Exit(1)
    today = local_today()
    query = IndicatorQuery(
        date.fromisoformat(start) if start else date(today.year, 1, 1), date.fromisoformat(end) if end else today, level, division or None
    )
    db = database()
    with friendly_errors(), db.unit_of_work() as session:
        for definition in indicators.ALL:
            if definition.code.count(".") > 1:
                continue
            console.print(f"[bold]{definition.name_zh} / {definition.name_en}[/bold]")
            for value in definition.compute(session, query):
                rate = "—" if value.rate is None else f"{100 * value.rate:.2f}%"
                console.print(f"  {value.division_code}  {value.numerator}/{value.denominator}  {rate}")
