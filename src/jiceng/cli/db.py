"""`jiceng db`: migrations."""

from __future__ import annotations

import typer

from jiceng.cli.common import console
from jiceng.core import migrate
from jiceng.core.config import get_settings

app = typer.Typer(help="数据库 / Database", no_args_is_help=True)


@app.command()
def upgrade(url: str = typer.Option(None, help="Database URL (default: JICENG_DATABASE_URL or the local SQLite file)")) -> None:
    """Apply all migrations (SQLite or PostgreSQL) / 升级数据库结构。"""
    target = url or get_settings().resolved_database_url()
    migrate.upgrade(target)
    console.print(f"[green]✓[/green] 数据库已是最新 / database is up to date: {target.split('@')[-1]}")
