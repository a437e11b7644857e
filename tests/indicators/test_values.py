"""Every indicator on the hand-built population of tests/indicators/population.py, read from
the materialized state through the dashboard service, against values worked out by hand;
and the state reconciled with the domains' own compute functions (zero differences)."""

from __future__ import annotations

import pytest

from jiceng.core.db import Database
from jiceng.core.indicators import catalogue
from jiceng.core.security import Principal
from jiceng.indicators import service, state, verify
from tests.factories import VILLAGE_A, VILLAGE_B, VILLAGE_C
from tests.indicators.population import CITY, COUNTY, TOWNSHIP_1, TOWNSHIP_2, Population

ORDER = (VILLAGE_A, VILLAGE_B, VILLAGE_C, TOWNSHIP_1, TOWNSHIP_2, COUNTY, CITY)
Z = (0, 0)

# (numerator, denominator) for A, B, C, 交口镇 (A+B), 磁钟镇 (C), county, city — period 2026.
EXPECTED_2026 = {
    # adults A 3, B 2, C 2; estimated patients = adults × 27.5 % / 11.9 %, rounded half up per division
    "chronic.htn.management_rate": [(2, 1), (0, 1), (0, 1), (2, 1), (0, 1), (2, 2), (2, 2)],
    "chronic.t2dm.management_rate": [(0, 0), (1, 0), (0, 0), (1, 1), (0, 0), (1, 1), (1, 1)],
    # a1: 4 visits in 4 quarters + the annual check; a2: one visit at 150/95
    "chronic.htn.standardized_rate": [(1, 2), Z, Z, (1, 2), Z, (1, 2), (1, 2)],
    "chronic.htn.bp_control_rate": [(1, 2), Z, Z, (1, 2), Z, (1, 2), (1, 2)],
    "chronic.t2dm.standardized_rate": [Z, (1, 1), Z, (1, 1), Z, (1, 1), (1, 1)],
    "chronic.t2dm.glucose_control_rate": [Z, (1, 1), Z, (1, 1), Z, (1, 1), (1, 1)],
    # in force on 2026-11-22: a1, a3, b2 (renewed); residents: 8 active
    "contracts.coverage": [(2, 4), (1, 2), (0, 2), (3, 6), (0, 2), (3, 8), (3, 8)],
    "contracts.key_population_coverage": [(1, 1), (0, 1), (0, 1), (1, 2), (0, 1), (1, 3), (1, 3)],
    "contracts.key_population_coverage.elderly": [(1, 1), (0, 1), (0, 1), (1, 2), (0, 1), (1, 3), (1, 3)],
    "contracts.renewal_rate": [Z, (1, 1), Z, (1, 1), Z, (1, 1), (1, 1)],
    # 65+ cohort: a1, b1, c1
    "elderly_health_management_rate": [(1, 1), (1, 1), (0, 1), (2, 2), (0, 1), (2, 3), (2, 3)],
    "elderly_tcm_management_rate": [(1, 1), (0, 1), (0, 1), (1, 2), (0, 1), (1, 3), (1, 3)],
    # paper dossiers a1, a3, b1, c1 (a5 died); dynamic: a1, a2, b1 (visits, checks), c2 (screening)
    "records.e_record_rate": [(4, 4), (2, 2), (2, 2), (6, 6), (2, 2), (8, 8), (8, 8)],
    "records.filing_rate": [(2, 4), (1, 2), (1, 2), (3, 6), (1, 2), (4, 8), (4, 8)],
    "records.use_rate": [(2, 4), (1, 2), (1, 2), (3, 6), (1, 2), (4, 8), (4, 8)],
}
ZERO_GROUPS = [
    f"contracts.key_population_coverage.{g}"
    for g in (
        "children",
        "pregnant",
        "hypertension",
        "diabetes",
        "tuberculosis",
        "severe_mental_disorder",
        "disabled",
        "poverty_alleviated",
        "family_planning_special",
    )
]
EXPECTED_2025_COUNTY = {
    "records.e_record_rate": (7, 8),  # a3's record dates from 2026
    "records.filing_rate": (3, 8),
    "records.use_rate": (0, 7),  # no service dated in 2025
    "contracts.coverage": (1, 8),  # b2's first contract, in force on 2025-12-31
    "chronic.htn.management_rate": (2, 2),
    "chronic.htn.bp_control_rate": (0, 2),  # no visit in 2025: not on target
    "elderly_health_management_rate": (0, 3),
}


def _numbers(database: Database, period: str) -> dict[str, dict[str, tuple[int, int]]]:
    found: dict[str, dict[str, tuple[int, int]]] = {}
    with database.unit_of_work() as s:
        for division in ORDER:
            board = service.dashboard(s, Principal.console_operator(), division, period)
            for code, cell in board.division.cells.items():
                found.setdefault(code, {})[division] = (cell.numerator, cell.denominator)
    return found


def test_every_indicator_is_in_the_state() -> None:
    codes = {d.code for d in state.definitions()}
    assert codes == {d.code for d in catalogue()}
    assert codes == set(EXPECTED_2026) | set(ZERO_GROUPS)


def test_hand_computed_values_2026(database: Database, built: Population) -> None:
    numbers = _numbers(database, "2026")
    for code, expected in EXPECTED_2026.items():
        assert [numbers[code][d] for d in ORDER] == expected, code
    for code in ZERO_GROUPS:
        assert set(numbers[code].values()) == {Z}, code


def test_hand_computed_values_2025(database: Database, built: Population) -> None:
    numbers = _numbers(database, "2025")
    for code, expected in EXPECTED_2025_COUNTY.items():
        assert numbers[code][COUNTY] == expected, code


def test_state_reconciles_with_the_source_tables(database: Database, built: Population) -> None:
    with database.unit_of_work() as s:
        report = verify.verify(s)
    assert report.periods == ["2025", "2026-03", "2026-06", "2026-09", "2026-10", "2026"]
    assert report.compared > 500
    assert report.differences == []


@pytest.mark.parametrize("code", sorted(EXPECTED_2026))
def test_members_projection_matches_the_state(database: Database, built: Population, code: str) -> None:
    """Each definition's own ``members`` (the per-indicator form) gives the same people."""
    from jiceng.indicators import repository
    from jiceng.indicators.periods import parse
    from jiceng.residents.service import readable_residents
    from tests.indicators.population import TODAY

    definition = service.definition_of(code)
    assert definition.members is not None
    with database.unit_of_work() as s:
        rows = s.execute(definition.members(s, parse("2026", TODAY).query(), None)).all()
        slot = repository.slot_of(s, code)
        assert slot is not None
        readable = readable_residents(Principal.console_operator())
        numerator, _ = repository.people(s, "2026", slot, CITY, "numerator", readable, None, 100, 0)
        denominator, _ = repository.people(s, "2026", slot, CITY, "denominator", readable, None, 100, 0)
        assert len({r.resident_id for r in rows}) == len(rows)  # at most one row per resident
    assert {r.resident_id for r in rows if r.in_numerator} == {p.id for p in numerator}
    assert {r.resident_id for r in rows if r.in_denominator} == {p.id for p in denominator}
