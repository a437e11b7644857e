"""`jiceng nodes` and `jiceng node` on a real database file (the parent's side)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jiceng.cli.main import app
from jiceng.core.config import get_settings
from jiceng.core.db import Database
from tests.factories import build_region

runner = CliRunner()


@pytest.fixture
def env(database: Database, tmp_path: Path) -> Iterator[dict[str, str]]:
    values = {"JICENG_DATABASE_URL": database.url, "JICENG_DATA_DIR": str(tmp_path), "COLUMNS": "250"}
    get_settings.cache_clear()
    yield values
    get_settings.cache_clear()


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    get_settings.cache_clear()
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_issue_list_revoke_and_status(database: Database, env: dict[str, str]) -> None:
    build_region(database)
    code, out = run(env, "nodes", "issue", "--institution", "V411202100201", "--name", "东坡村")
    assert code == 0 and "jiceng node init" in out and "jcn_" in out
    node_id = re.search(r"node (n[0-9a-f]+)", out).group(1)  # type: ignore[union-attr]
    code, out = run(env, "nodes", "list")
    assert code == 0 and node_id in out and "silent" in out  # never heard from
    assert run(env, "nodes", "revoke", node_id)[0] == 0
    code, out = run(env, "nodes", "revoke", "nobody")
    assert code == 1 and "未找到" in out and "not found" in out
    code, out = run(env, "nodes", "issue", "--institution", "NOPE")
    assert code == 1 and "NOPE" in out
    code, out = run(env, "node", "status")
    assert code == 0 and "region" in out


def test_sync_on_a_region_says_it_is_not_a_node(env: dict[str, str], database: Database) -> None:
    code, out = run(env, "node", "sync")
    assert code == 1 and "jiceng node init" in out


def test_init_refuses_a_database_with_data(env: dict[str, str], database: Database) -> None:
    build_region(database)
    if not database.url.startswith("sqlite"):
        code, out = run(env, "node", "init", "--parent", "http://127.0.0.1:9", "--token", "jcn_x")
        assert code == 1 and "SQLite" in out
        return
    code, out = run(env, "node", "init", "--parent", "http://127.0.0.1:9", "--token", "jcn_x")
    assert code == 1 and "--force" in out
