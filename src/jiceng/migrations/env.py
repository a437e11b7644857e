"""Alembic environment: the same migrations run on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import context

from jiceng.core.config import get_settings
from jiceng.core.db import make_engine
from jiceng.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.attributes.get("url") or get_settings().resolved_database_url()


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _include_object(obj, name, type_, _reflected, _compare_to) -> bool:  # type: ignore[no-untyped-def]
    """For autogenerate: ``-x only=core_,resident`` limits a new revision to those tables."""
    only = context.get_x_argument(as_dictionary=True).get("only")
    if not only:
        return True
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table is None or any(table.startswith(prefix) for prefix in only.split(","))


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    # Batch mode lets ALTER-style changes work on SQLite by copying the table.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True, include_object=_include_object)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
