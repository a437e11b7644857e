"""`jiceng`: the command line. Every command calls services; none touches tables."""

from __future__ import annotations

import typer

import jiceng.cli as cli_package
from jiceng.cli import audit, db, demo, generate, residents, users
from jiceng.core.discovery import submodules

app = typer.Typer(help="Jiceng 基层医疗卫生信息平台", no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(db.app, name="db")
app.add_typer(residents.app, name="residents")
app.add_typer(users.app, name="users")
app.add_typer(audit.app, name="audit")
app.command()(demo.demo)
app.command()(demo.serve)
app.command(name="generate")(generate.generate_command)
app.command(name="roles")(users.roles)

# A domain adds a sub-command group by creating jiceng/cli/<name>.py with ``app``
# (a Typer) and ``NAME``; it is found here without editing this file.
for module in submodules(cli_package):
    if hasattr(module, "NAME") and hasattr(module, "app"):
        app.add_typer(module.app, name=module.NAME)

if __name__ == "__main__":
    app()
