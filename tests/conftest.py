"""Shared fixtures: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``JICENG_TEST_POSTGRES_URL`` (``.ci/run`` sets it). Without
it the PostgreSQL variants skip on a laptop, and fail under ``CI=true``; the same
holds for the browser (Debian's chromium).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from jiceng.core import migrate, security
from jiceng.core.db import Database
from jiceng.models import Base

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get("JICENG_TEST_POSTGRES_URL", "")


def require_component(available: bool, what: str) -> None:
    """Skip on a laptop without the component; fail in CI, where it must be present."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required when CI=true")
    pytest.skip(f"{what} not available")


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    # argon2id at production cost makes every test user take ~50 ms; the hash format
    # records its parameters, so verification is unaffected.
    original = security._hasher
    security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    security._hasher = original


class Storage:
    """A migrated database per test session, and a clean copy per test."""

    def __init__(self, kind: str, tmp: Path) -> None:
        self.kind = kind
        self.tmp = tmp
        if kind == "sqlite":
            self.template = tmp / "template.sqlite"
            migrate.upgrade(f"sqlite:///{self.template}")
        else:
            self.schema = f"jt_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            base = Database(POSTGRES_URL)
            with base.engine.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {self.schema}"))
            base.dispose()
            separator = "&" if "?" in POSTGRES_URL else "?"
            self.url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{self.schema}"
            migrate.upgrade(self.url)

    def fresh_url(self) -> str:
        if self.kind == "sqlite":
            target = self.tmp / f"db-{uuid.uuid4().hex[:8]}.sqlite"
            shutil.copyfile(self.template, target)
            return f"sqlite:///{target}"
        self._truncate()
        return self.url

    def _truncate(self) -> None:
        db = Database(self.url)
        with db.engine.begin() as conn:
            existing = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars())
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables if t.name in existing)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            conn.execute(text("INSERT INTO core_audit_head (id, last_seq, last_hash) VALUES (1, 0, :h)"), {"h": "0" * 64})
        db.dispose()

    def close(self) -> None:
        if self.kind == "postgresql":
            base = Database(POSTGRES_URL)
            with base.engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE"))
            base.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def storage(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Storage]:
    if request.param == "postgresql":
        require_component(bool(POSTGRES_URL), "PostgreSQL (JICENG_TEST_POSTGRES_URL)")
    store = Storage(request.param, tmp_path_factory.mktemp(request.param))
    yield store
    store.close()


@pytest.fixture(scope="session")
def sqlite_storage(tmp_path_factory: pytest.TempPathFactory) -> Storage:
    """For tests that exercise an interface rather than storage (browser, CLI)."""
    return Storage("sqlite", tmp_path_factory.mktemp("sqlite-only"))


@pytest.fixture
def database(storage: Storage) -> Iterator[Database]:
    db = Database(storage.fresh_url())
    yield db
    db.dispose()


@pytest.fixture
def sqlite_database(sqlite_storage: Storage) -> Iterator[Database]:
    db = Database(sqlite_storage.fresh_url())
    yield db
    db.dispose()


@pytest.fixture
def browser_page() -> Iterator[object]:
    """A headless Chromium page (Debian's chromium via Playwright)."""
    from tests.browser import chromium_available, chromium_page

    require_component(chromium_available(), "Chromium (/usr/bin/chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        require_component(False, "Python Playwright")
    with chromium_page() as page:
        yield page
