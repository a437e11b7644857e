"""`jiceng demo` and `jiceng serve`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
import uvicorn

from jiceng.cli.common import console, database
from jiceng.core import migrate
from jiceng.core.config import Settings, get_settings
from jiceng.core.db import Database
from jiceng.indicators import rebuild as indicator_state
from jiceng.synthetic.demo_users import DemoLogin, create_demo_users
from jiceng.synthetic.run import generate


def _demo_paths(settings: Settings) -> tuple[Path, Path]:
    folder = settings.data_dir / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "jiceng-demo.sqlite", folder / "demo-logins.json"


def _build(db_file: Path, logins_file: Path, scale: str, seed: int) -> list[DemoLogin]:
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_file) + suffix).unlink(missing_ok=True)
    url = f"sqlite:///{db_file}"
    migrate.upgrade(url)
    db = Database(url)
    console.print(f"正在生成演示数据 / generating the demo region ({scale}) …")
    report = generate(db, scale, seed)
    with db.unit_of_work() as session:
        logins = create_demo_users(session)
    with db.unit_of_work() as session:
        # The dashboard reads a materialized state; build it once, the server keeps it current.
        indicator_state.rebuild(session)
    db.dispose()
    logins_file.write_text(json.dumps([login.__dict__ for login in logins], ensure_ascii=False, indent=1))
    logins_file.chmod(0o600)
    console.print(f"[green]✓[/green] {report.total_rows:,} rows in {report.seconds:.1f} s")
    return logins


def demo(
    scale: str = typer.Option("township", help="village | township | county | city"),
    seed: int = typer.Option(1),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Serve the demo when built"),
    reset: bool = typer.Option(False, help="Rebuild the demo database even if it exists"),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
) -> None:
    """Build a demo region on SQLite with a user per role, then serve it / 演示系统。"""
    settings = get_settings()
    db_file, logins_file = _demo_paths(settings)
    if reset or not db_file.exists() or not logins_file.exists():
        logins = _build(db_file, logins_file, scale, seed)
    else:
        migrate.upgrade(f"sqlite:///{db_file}")
        logins = [DemoLogin(**item) for item in json.loads(logins_file.read_text())]
        console.print(f"使用已有演示数据 / using the existing demo ({db_file}); --reset rebuilds it")
    console.print("\n[bold]演示账号 / demo logins[/bold]")
    for login in logins:
        console.print(f"  {login.role:<18} {login.username:<10} {login.password}   {login.where}")
    if serve_after:
        _serve(Settings(data_dir=settings.data_dir, database_url=f"sqlite:///{db_file}"), host, port)


def serve(
    host: str = typer.Option("127.0.0.1", help="0.0.0.0 to serve the clinic LAN"),
    port: int = typer.Option(8000),
) -> None:
    """Serve the web UI and APIs on the configured database / 启动服务。"""
    settings = get_settings()
    migrate.upgrade(settings.resolved_database_url())
    _serve(settings, host, port)


def _serve(settings: Settings, host: str, port: int) -> None:
    from jiceng.api.app import create_app

    app = create_app(settings, database(settings.resolved_database_url()))
    console.print(f"\n[bold green]Jiceng 已启动 / running:[/bold green] http://{host}:{port}/   (Ctrl+C 停止 / to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
