"""Engine, sessions and the declarative base.

One transaction per request or job: callers use :meth:`Database.unit_of_work`,
which commits once at the end or rolls back on any exception. Application code
below that never calls ``commit()``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import MetaData, String, create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from jiceng.core import durability

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class NodeIdentity(Base):
    """The identity of this database: one row, created on first start."""

    __tablename__ = "core_node_identity"

    node_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), default="region")
    name: Mapped[str] = mapped_column(String(200), default="")


def normalize_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use psycopg 3 for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so
    # that SAVEPOINTs work (SQLAlchemy's documented pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    # Nearly every request writes (at least its audit row). Taking the write lock
    # at BEGIN makes concurrent requests wait their turn (busy_timeout) instead of
    # failing when a read transaction later tries to write.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, durable_view_audit: bool = False, **kwargs: Any) -> Engine:
    """``durable_view_audit``: on PostgreSQL, let transactions whose only writes are audit
    events wait for the disk too (``core.durability``)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if not durable_view_audit:
        durability.install(engine)
    return engine


class Database:
    """An engine plus a session factory; one per process and database."""

    def __init__(self, url: str, durable_view_audit: bool = False, **engine_kwargs: Any) -> None:
        self.url = normalize_url(url)
        self.engine = make_engine(self.url, durable_view_audit, **engine_kwargs)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        self._node_id: str | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def node_id(self) -> str:
        if self._node_id is None:
            self._node_id = self._load_node_identity()
        return self._node_id

    def _load_node_identity(self) -> str:
        from jiceng.core.outbox import seed_clock

        with self.session_factory() as session, session.begin():
            row = session.scalars(select(NodeIdentity)).first()
            if row is None:
                row = NodeIdentity(node_id=uuid.uuid4().hex[:16], role="region")
                session.add(row)
            node_id = row.node_id
            seed_clock(session)
        return node_id

    def session(self) -> Session:
        _load_domain_listeners()
        session = self.session_factory()
        session.info["node_id"] = self.node_id
        return session

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: commit when the block succeeds, roll back otherwise."""
        session = self.session()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def _load_domain_listeners() -> None:
    """Domains react to other domains' writes through session events declared in
    ``jiceng.<domain>.listeners`` (found by convention, imported once per process)."""
    from jiceng.core.discovery import domain_modules

    domain_modules("listeners")


def search_string(length: int) -> String:
    """A string column for prefix search: byte order ("C" collation) on PostgreSQL.

    Prefix search is written as a range (``col >= p AND col < p + U+10FFFF``), which
    a plain B-tree answers on SQLite and on a C-collated column on PostgreSQL, at
    any table size, instead of a LIKE scan.
    """
    return String(length).with_variant(String(length, collation="C"), "postgresql")


PREFIX_END = "\U0010ffff"
