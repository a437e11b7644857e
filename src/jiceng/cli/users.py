"""`jiceng users` and `jiceng roles`."""

from __future__ import annotations

import uuid

import typer
from rich.table import Table

from jiceng.accounts import service as accounts
from jiceng.cli.common import acting_principal, console, database, friendly_errors
from jiceng.core.errors import FieldError, ValidationFailed
from jiceng.core.permissions import ROLES
from jiceng.registry import service as registry

app = typer.Typer(help="用户 / Users", no_args_is_help=True)


@app.command()
def create(
    username: str,
    role: str = typer.Option(..., help="Role code (see `jiceng roles`)"),
    institution: str = typer.Option(None, help="Institution code (机构代码)"),
    division: str = typer.Option(None, help="Supervised division code, for supervisors"),
    display_name: str = typer.Option("", help="Name shown in the UI"),
    password: str = typer.Option(None, help="Omit to generate one (printed once)"),
    as_user: str = typer.Option(None, "--user", help="Act as this administrator (default: console)"),
) -> None:
    """Create a user (the first administrator is made this way) / 创建用户。"""
    db = database()
    with friendly_errors(), db.unit_of_work() as session:
        principal = acting_principal(session, as_user)
        institution_id = _institution_id(session, institution)
        generated = password is None
        secret = password or accounts.generate_password()
        user = accounts.create_user(
            session,
            principal,
            username=username,
            password=secret,
            role=role,
            display_name=display_name,
            institution_id=institution_id,
            division_code=division,
            must_change_password=generated,
        )
    console.print(f"[green]✓[/green] {user.username} ({ROLES[role].name_zh} / {ROLES[role].name_en})")
    if generated:
        console.print(f"  初始密码 / initial password (change at first sign-in): [bold]{secret}[/bold]")


def _institution_id(session, code: str | None) -> uuid.UUID | None:  # type: ignore[no-untyped-def]
    if not code:
        return None
    found = registry.find_institution_by_code(session, code)
    if found is None:
        raise ValidationFailed(
            [FieldError("institution", "unknown_institution", f"机构：代码“{code}”不存在", f"Institution: code “{code}” does not exist")]
        )
    return found.id


@app.command()
def disable(username: str, as_user: str = typer.Option(None, "--user")) -> None:
    """Disable a user and end their sessions and tokens / 停用用户。"""
    with friendly_errors(), database().unit_of_work() as session:
        accounts.set_active(session, acting_principal(session, as_user), username, False)
    console.print(f"[green]✓[/green] {username} 已停用 / disabled")


@app.command()
def enable(username: str, as_user: str = typer.Option(None, "--user")) -> None:
    """Enable a disabled user / 启用用户。"""
    with friendly_errors(), database().unit_of_work() as session:
        accounts.set_active(session, acting_principal(session, as_user), username, True)
    console.print(f"[green]✓[/green] {username} 已启用 / enabled")


@app.command("reset-password")
def reset_password(username: str, as_user: str = typer.Option(None, "--user")) -> None:
    """Set a new generated password, to be changed at next sign-in / 重置密码。"""
    with friendly_errors(), database().unit_of_work() as session:
        _user, password = accounts.reset_password(session, acting_principal(session, as_user), username)
    console.print(f"[green]✓[/green] {username}: [bold]{password}[/bold]")


@app.command("list")
def list_users(as_user: str = typer.Option(None, "--user")) -> None:
    """List users / 用户列表。"""
    table = Table("username", "name", "role", "active")
    with friendly_errors(), database().unit_of_work() as session:
        for user in accounts.list_users(session, acting_principal(session, as_user)):
            table.add_row(user.username, user.display_name, user.role, "yes" if user.is_active else "no")
    console.print(table)


def roles_markdown() -> str:
    """The role table as Markdown (docs/roles.md is this output; a test keeps them equal)."""
    from jiceng.core.discovery import domain_modules

    domain_modules("service")  # domains grant their permissions when their service loads
    lines = ["| Role | 角色 | Scope | Machine | Permissions |", "|---|---|---|---|---|"]
    for code, role in ROLES.items():
        lines.append(
            f"| `{code}` | {role.name_zh} | {role.scope.value} | {'yes' if role.machine else ''} | {', '.join(f'`{p}`' for p in sorted(role.permissions))} |"
        )
    return "\n".join(lines) + "\n"


def roles(markdown: bool = typer.Option(False, "--markdown", help="Print the table as Markdown")) -> None:
    """Roles and their permissions / 角色与权限。"""
    if markdown:
        print(roles_markdown(), end="")
        return
    table = Table("role", "中文", "scope", "permissions")
    for code, role in ROLES.items():
        table.add_row(code, role.name_zh, role.scope.value, ", ".join(sorted(role.permissions)))
    console.print(table)
