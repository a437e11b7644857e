"""`jiceng chronic indicators|rules|worklist`: hypertension and diabetes management."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from jiceng.chronic import indicators as chronic_indicators
from jiceng.chronic import service as chronic
from jiceng.cli.common import acting_principal, console, database, friendly_errors
from jiceng.core.clock import local_today
from jiceng.core.indicators import IndicatorQuery
from jiceng.registry import service as registry

NAME = "chronic"
app = typer.Typer(help="慢病管理（高血压、2型糖尿病） / Hypertension and diabetes management", no_args_is_help=True)


@app.command("indicators")
def indicators(
    year: int = typer.Option(None, help="Assessment year (default: this year to date)"),
    level: str = typer.Option("county", help="city | county | township | village"),
    division: str = typer.Option(None, help="Only divisions under this code prefix"),
    as_user: str = typer.Option(None, "--user", help="As this user (their scope applies)"),
) -> None:
    """The six indicators of spec §2 / 管理率、规范管理率、控制率。"""
    today = local_today()
    year = year or today.year
    query = IndicatorQuery(date(year, 1, 1), min(date(year, 12, 31), today), level, division)
    db = database()
    with friendly_errors(), db.unit_of_work() as session:
        report = chronic_indicators.report(session, acting_principal(session, as_user), query)
        codes = sorted({v.division_code for values in report.values.values() for v in values})
        names = registry.division_names(session, codes)
    table = Table(title=f"{query.period_start} – {query.period_end}")
    table.add_column("区划 / division")
    for d in report.definitions:
        table.add_column(d.name_zh, justify="right")
    cells = {code: {d.code: "—" for d in report.definitions} for code in codes}
    for code, values in report.values.items():
        for v in values:
            cells[v.division_code][code] = f"{v.numerator}/{v.denominator} {'' if v.rate is None else f'{100 * v.rate:.1f}%'}"
    for code in codes:
        table.add_row(f"{names.get(code, code)} {code}", *(cells[code][d.code] for d in report.definitions))
    console.print(table)


@app.command("rules")
def rules(
    set_json: str = typer.Option(None, "--set", help='Region overrides as JSON, e.g. {"fpg": {"op": ">", "value": 6.9}}'),
    as_user: str = typer.Option(None, "--user", help="As this user"),
) -> None:
    """Show (or set) the follow-up rules in force / 查看或设置随访规则。"""
    db = database()
    with friendly_errors(), db.unit_of_work() as session:
        if set_json:
            chronic.save_rules(session, acting_principal(session, as_user), json.loads(set_json))
        current = chronic.load_rules(session).as_dict()
    console.print_json(json.dumps(current, ensure_ascii=False, default=str))


@app.command("worklist")
def worklist(
    as_user: str = typer.Option(..., "--user", help="The doctor whose worklist this is"),
    out: Path = typer.Option(Path("worklist.xlsx"), help="Excel file to write"),
    mine: bool = typer.Option(False, help="Only the patients the doctor is responsible for"),
) -> None:
    """Write a doctor's worklist to Excel / 导出随访工作清单。"""
    db = database()
    with friendly_errors(), db.unit_of_work() as session:
        principal = acting_principal(session, as_user)
        work = chronic.worklist(session, principal, mine=mine)
        names = registry.division_names(session, sorted({i.village_code for _, i in work.items()}))
        out.write_bytes(chronic.worklist_workbook(session, principal, work, names))
    console.print(f"[green]✓[/green] {sum(work.counts.values())} → {out}  {work.counts}")
