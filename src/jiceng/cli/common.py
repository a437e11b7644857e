"""Shared CLI plumbing: the database, the acting principal, progress bars."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from jiceng.accounts import service as accounts
from jiceng.core.config import get_settings
from jiceng.core.db import Database
from jiceng.core.errors import DomainError, ValidationFailed
from jiceng.core.security import Principal

console = Console()
err_console = Console(stderr=True)


def database(url: str | None = None) -> Database:
    settings = get_settings()
    return Database(url or settings.resolved_database_url(), settings.durable_view_audit)


def acting_principal(session: Session, username: str | None) -> Principal:
    """``--user NAME`` acts as that user (their scope applies); otherwise the console operator."""
    if not username:
        return Principal.console_operator()
    user = accounts.get_user(session, username)
    return accounts.principal_for(user, "cli")


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Domain errors print in Chinese and English and exit 1, never as a traceback."""
    try:
        yield
    except ValidationFailed as failed:
        for error in failed.errors:
            err_console.print(f"[red]✗[/red] {error.message_zh} / {error.message_en}")
        raise typer.Exit(1) from None
    except DomainError as error:
        err_console.print(f"[red]✗[/red] {error.message_zh} / {error.message_en}")
        raise typer.Exit(1) from None


def progress_bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console)
