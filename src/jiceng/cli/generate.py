"""`jiceng generate`: synthetic regions for demos, tests and benchmarks."""

from __future__ import annotations

import typer
from rich.progress import TaskID

from jiceng.cli.common import console, database, friendly_errors, progress_bar
from jiceng.core import migrate
from jiceng.synthetic.run import generate
from jiceng.synthetic.scales import SCALES


def generate_command(
    scale: str = typer.Option("township", help="village | township | county | city"),
    seed: int = typer.Option(1, help="Same seed, same data"),
    url: str = typer.Option(None, help="Database URL (default: configured database)"),
) -> None:
    """Generate a synthetic region into an empty database / 生成模拟数据。"""
    if scale not in SCALES:
        raise typer.BadParameter(f"规模须为 / scale must be one of: {', '.join(SCALES)}")
    db = database(url)
    migrate.upgrade(db.url)
    with progress_bar() as bar, friendly_errors():
        tasks: dict[str, TaskID] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done, total=total)

        report = generate(db, scale, seed, progress=progress)
    console.print(f"[green]✓[/green] {scale} (seed {seed}): {report.total_rows:,} rows in {report.seconds:.1f} s")
    for table, count in sorted(report.rows.items()):
        console.print(f"  {table}: {count:,}")
