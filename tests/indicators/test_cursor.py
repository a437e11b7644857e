"""The change-log position is safe on PostgreSQL: a transaction that took its sequence
number earlier but commits after a later one was read is still picked up (ADR 0002)."""

from __future__ import annotations

import pytest

from jiceng.chronic import service as chronic
from jiceng.core.db import Database
from jiceng.indicators import incremental, rebuild
from jiceng.indicators.models import Rollup
from tests.factories import VILLAGE_A, VILLAGE_B
from tests.indicators.population import CONSOLE, TODAY, Population


def _numerator(database: Database, village: str, code: str) -> int:
    with database.unit_of_work() as s:
        row = s.get(Rollup, ("2026", village, code))
        return row.numerator if row else 0


# PostgreSQL only: SQLite has one writer at a time, so there sequence order is commit order.
@pytest.mark.parametrize("storage", ["postgresql"], indirect=True)
def test_a_slow_transaction_is_not_skipped(database: Database, built: Population) -> None:
    slow = database.session()
    try:
        slow.begin()
        # The slow transaction writes first: a2's controlled follow-up takes the lower seq.
        chronic.sign_visit(
            slow,
            CONSOLE,
            built.ids["a2"],
            "htn",
            {"visit_date": "2026-11-20", "mode": "1", "adherence": "1", "sbp": 120, "dbp": 70},
            today=TODAY,
        )
        slow.flush()
        with database.unit_of_work() as s:  # a later transaction commits first: b1's uncontrolled visit
            chronic.sign_visit(
                s, CONSOLE, built.ids["b1"], "t2dm", {"visit_date": "2026-11-21", "mode": "1", "adherence": "1", "fpg": 9.1}, today=TODAY
            )
        with database.unit_of_work() as s:
            first = incremental.step(s, today=TODAY)
            position = rebuild.load_position(s)
        assert first.residents == 1 and position is not None and position.xip  # the slow one is in flight
        assert _numerator(database, VILLAGE_B, "chronic.t2dm.glucose_control_rate") == 0
        assert _numerator(database, VILLAGE_A, "chronic.htn.bp_control_rate") == 1
        slow.commit()
    finally:
        slow.close()
    with database.unit_of_work() as s:
        second = incremental.step(s, today=TODAY)
    assert second.residents == 1
    assert _numerator(database, VILLAGE_A, "chronic.htn.bp_control_rate") == 2
