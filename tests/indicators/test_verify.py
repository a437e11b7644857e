"""Reconciliation catches a corrupted state: a rollup that disagrees with the source
tables, and a person row that disagrees with its village's rollup."""

from __future__ import annotations

from sqlalchemy import select, update

from jiceng.core.db import Database
from jiceng.indicators import verify
from jiceng.indicators.models import PersonState, Rollup
from tests.factories import VILLAGE_B
from tests.indicators.population import Population


def test_a_corrupted_rollup_is_reported(database: Database, built: Population) -> None:
    with database.unit_of_work() as s:
        s.execute(
            update(Rollup)
            .where(Rollup.period_key == "2026", Rollup.division_code == VILLAGE_B, Rollup.indicator_code == "contracts.coverage")
            .values(numerator=Rollup.numerator + 1)
        )
    with database.unit_of_work() as s:
        report = verify.verify(s)
    assert not report.ok
    found = {(d.period, d.indicator, d.level, d.division, d.expected, d.actual, d.against) for d in report.differences}
    assert ("2026", "contracts.coverage", "village", VILLAGE_B, (1, 2), (2, 2), "source") in found
    assert ("2026", "contracts.coverage", "village", VILLAGE_B, (1, 2), (2, 2), "persons") in found
    assert {d.period for d in report.differences} == {"2026"}


def test_a_corrupted_person_row_is_reported(database: Database, built: Population) -> None:
    with database.unit_of_work() as s:
        resident = built.ids["b2"]
        row = s.scalar(select(PersonState).where(PersonState.period_key == "2026-10", PersonState.resident_id == resident))
        assert row is not None
        row.num_bits = 0  # b2 loses every numerator bit (coverage, renewal, e-record)
    with database.unit_of_work() as s:
        report = verify.verify(s, ["2026-10"])
    assert not report.ok
    assert {(d.indicator, d.against) for d in report.differences} == {
        ("contracts.coverage", "persons"),
        ("contracts.renewal_rate", "persons"),
        ("records.e_record_rate", "persons"),
    }


def test_a_clean_state_has_no_differences_per_period(database: Database, built: Population) -> None:
    with database.unit_of_work() as s:
        report = verify.verify(s, ["2026"], levels=("village", "city"))
    assert report.ok and report.periods == ["2026"] and report.compared > 50
