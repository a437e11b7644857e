"""The `jiceng` command line, end to end on a real database file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import text
from typer.testing import CliRunner

from jiceng.cli.main import app
from jiceng.core.config import get_settings
from jiceng.core.db import Database
from tests.factories import VILLAGE_A, build_region, id_number

runner = CliRunner()


@pytest.fixture
def env(database: Database, tmp_path: Path) -> Iterator[dict[str, str]]:
    values = {"JICENG_DATABASE_URL": database.url, "JICENG_DATA_DIR": str(tmp_path)}
    get_settings.cache_clear()
    yield values
    get_settings.cache_clear()


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    get_settings.cache_clear()
    result = runner.invoke(app, list(args), env={"COLUMNS": "250", **env})
    return result.exit_code, result.output


def test_users_create_disable_reset(database: Database, env: dict[str, str]) -> None:
    build_region(database)
    code, out = run(env, "users", "create", "wangfang", "--role", "nurse", "--institution", "T411202100")
    assert code == 0 and "初始密码" in out
    code, out = run(env, "users", "create", "wangfang", "--role", "nurse", "--institution", "T411202100")
    assert code == 1 and "已被使用" in out and "is taken" in out
    code, out = run(env, "users", "create", "lisi", "--role", "nurse", "--institution", "NOPE")
    assert code == 1 and "NOPE" in out
    assert run(env, "users", "disable", "wangfang")[0] == 0
    code, out = run(env, "users", "reset-password", "wangfang")
    assert code == 0 and "wangfang" in out


def test_residents_import_and_export(database: Database, env: dict[str, str], tmp_path: Path) -> None:
    build_region(database)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["姓名", "身份证号", "村（居）委会代码", "本人电话"])
    sheet.append(["张三丰", id_number(), VILLAGE_A, "13812345678"])
    sheet.append(["李四", "110105194912310021", VILLAGE_A, ""])
    workbook.save(tmp_path / "in.xlsx")
    code, out = run(env, "residents", "import", str(tmp_path / "in.xlsx"), "--all-or-nothing")
    assert code == 1 and "未导入任何数据" in out
    code, out = run(env, "residents", "import", str(tmp_path / "in.xlsx"))
    assert code == 0 and "imported 1, rejected 1" in out and "第3行" in out
    assert (tmp_path / "in.rejected.xlsx").exists()
    code, out = run(env, "residents", "export", "--out", str(tmp_path / "out.csv"))
    assert code == 0 and "1 条" in out
    content = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "张三丰" in content and id_number() not in content and "411202********1236" in content
    assert run(env, "residents", "export", "--out", str(tmp_path / "full.csv"), "--identifiable")[0] == 0
    assert id_number() in (tmp_path / "full.csv").read_text(encoding="utf-8-sig")
    code, out = run(env, "residents", "export", "--out", str(tmp_path / "doc.csv"), "--user", "doctor_a")
    assert code == 0 and id_number() not in (tmp_path / "doc.csv").read_text(encoding="utf-8-sig")
    code, out = run(env, "residents", "export", "--out", str(tmp_path / "x.csv"), "--user", "doctor_a", "--identifiable")
    assert code == 1 and "export.identifiable" in out


def test_audit_verify_detects_tampering(database: Database, env: dict[str, str]) -> None:
    build_region(database)
    code, out = run(env, "audit", "verify")
    assert code == 0 and "完整" in out
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE core_audit_event SET username = 'intruder' WHERE seq = 3"))
    code, out = run(env, "audit", "verify")
    assert code == 1 and "event 3" in out


def test_generate_and_roles(env: dict[str, str]) -> None:
    code, out = run(env, "generate", "--scale", "village", "--seed", "7")
    assert code == 0 and "resident:" in out
    code, out = run(env, "generate", "--scale", "village")
    assert code == 1 and "already holds data" in out
    code, out = run(env, "roles")
    assert code == 0 and "village_doctor" in out and "乡村医生" in out


def test_demo_builds_and_prints_logins(tmp_path: Path) -> None:
    env = {"JICENG_DATA_DIR": str(tmp_path)}
    code, out = run(env, "demo", "--scale", "village", "--no-serve")
    assert code == 0
    for username in ("cunyi", "jiating", "zhuanke", "xianwei", "shiwei", "admin"):
        assert username in out
    assert (tmp_path / "demo" / "jiceng-demo.sqlite").exists()
    code, out = run(env, "demo", "--no-serve")
    assert code == 0 and "已有演示数据" in out
