"""`jiceng indicators rebuild | verify | status` end to end on a real database."""

from __future__ import annotations

from sqlalchemy import update

from jiceng.core.db import Database
from jiceng.indicators.models import Rollup
from tests.cli.test_cli import env, run  # noqa: F401  (the env fixture)
from tests.indicators.population import Population


def test_rebuild_verify_status(database: Database, population: Population, env: dict[str, str]) -> None:  # noqa: F811
    code, out = run(env, "indicators", "status")
    assert code == 0 and "not built yet" in out
    code, out = run(env, "indicators", "rebuild", "--periods", "2025-06")
    assert code == 0, out
    assert "rebuilt 3 periods" in out and "无差异 / no differences" in out
    code, out = run(env, "indicators", "status")
    assert code == 0 and "2025-06: 2025-01-01 – 2025-06-30" in out and "behind 0" in out
    code, out = run(env, "indicators", "rebuild", "--periods", "2026-13")
    assert code == 1 and "统计期" in out
    with database.unit_of_work() as s:
        s.execute(
            update(Rollup).where(Rollup.period_key == "2026", Rollup.indicator_code == "records.use_rate").values(base=Rollup.base + 1)
        )
    code, out = run(env, "indicators", "verify", "--period", "2026")
    assert code == 1 and "records.use_rate" in out and "differences" in out
    code, out = run(env, "indicators", "verify", "--json", "--period", "2025")
    assert code == 0 and '"differences": []' in out
