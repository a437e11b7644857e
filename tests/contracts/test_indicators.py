"""Signing indicators on a hand-built population; every expected value is counted by
hand below, resident by resident (spec §2)."""

from __future__ import annotations

from datetime import date

import pytest

from jiceng.contracts import indicators, marks
from jiceng.contracts import service as contracts
from jiceng.core.db import Database
from jiceng.core.indicators import IndicatorQuery
from jiceng.residents import service as residents
from tests.contracts.helpers import CONSOLE, World, build_world, new_consent, resident, sign
from tests.factories import VILLAGE_A, VILLAGE_B, VILLAGE_C

START, END = date(2026, 1, 1), date(2026, 11, 22)
TOWNSHIP_AB, TOWNSHIP_C, COUNTY, CITY = "411202100000", "411202101000", "411202000000", "411200000000"


def _population(db: Database) -> World:
    """Village A (8 residents), B (2), C (2). Contract history per resident:

    a1 1950, signed 2026-03-01                     → in force on 11-22; elderly
    a2 1958, hypertension, never signed             → elderly + hypertension, not contracted
    a3 1985, signed 2025-02-01, renewed from 2026-02-01 → in force; a 2025 signer who renewed
    a4 2021, signed 2026-05-01                     → in force; child 0-6
    a5 1990, signed 2025-10-01 (ends 2026-09-30), not renewed → lapsed; a 2025 signer, not renewed
    a6 1988, signed 2026-01-05, terminated 2026-10-01 → not in force
    a7 1970, signed 2026-01-10, then moved out     → not in the population at all
    a8 1992 woman, pregnant (mark), signed 2026-06-15 → in force; pregnant
    b1 1955, signed 2026-07-01 with team B         → in force; elderly
    b2 1980, signed 2025-06-01, changed team 2026-01-10 (to 2026-05-31), nothing since
                                                    → not in force; a 2025 signer, not renewed
                                                      (a change of team is not a signing)
    c1 2024, never signed                           → child, not contracted
    c2 1975, diabetes, signed 2025-04-01, renewed from 2026-04-01 → in force; renewed
    """
    world = build_world(db)
    with db.unit_of_work() as s:
        p = {
            "a1": resident(s, birth="19500101"),
            "a2": resident(s, birth="19580101", past_diseases=[{"code": "2", "diagnosed_on": "2015-01"}]),
            "a3": resident(s, birth="19850101"),
            "a4": resident(s, birth="20210501"),
            "a5": resident(s, birth="19900101"),
            "a6": resident(s, birth="19880101"),
            "a7": resident(s, birth="19700101"),
            "a8": resident(s, birth="19920101", sex="2"),
            "b1": resident(s, birth="19550101", village_code=VILLAGE_B),
            "b2": resident(s, birth="19800101", village_code=VILLAGE_B),
            "c1": resident(s, birth="20240101", village_code=VILLAGE_C),
            "c2": resident(s, birth="19750101", village_code=VILLAGE_C, past_diseases=[{"code": "3", "diagnosed_on": "2020-01"}]),
        }
        assert {r.village_code for k, r in p.items() if k.startswith("a")} == {VILLAGE_A}
        sign(s, world, p["a1"].id, today=date(2026, 3, 1))
        a3 = sign(s, world, p["a3"].id, today=date(2025, 2, 1))
        contracts.renew_contract(s, CONSOLE, a3.id, {"consent_id": new_consent(s)}, today=date(2026, 1, 15))
        sign(s, world, p["a4"].id, today=date(2026, 5, 1))
        sign(s, world, p["a5"].id, today=date(2025, 10, 1))
        a6 = sign(s, world, p["a6"].id, today=date(2026, 1, 5))
        contracts.terminate_contract(s, CONSOLE, a6.id, {"reason": "resident_request"}, today=date(2026, 10, 1))
        sign(s, world, p["a7"].id, today=date(2026, 1, 10))
        residents.change_status(s, CONSOLE, p["a7"].id, "moved_out", "2026-08-01")
        marks.add_mark(
            s, CONSOLE, {"resident_id": p["a8"].id, "group_code": "pregnant", "source": "县妇幼保健院", "valid_from": "2026-06-01"}
        )
        sign(s, world, p["a8"].id, today=date(2026, 6, 15))
        sign(s, world, p["b1"].id, today=date(2026, 7, 1), team_id=world.team_b)
        b2 = sign(s, world, p["b2"].id, today=date(2025, 6, 1))
        contracts.change_team(s, CONSOLE, b2.id, {"team_id": world.team_b, "consent_id": new_consent(s)}, today=date(2026, 1, 10))
        c2 = sign(s, world, p["c2"].id, today=date(2025, 4, 1))
        contracts.renew_contract(s, CONSOLE, c2.id, {"consent_id": new_consent(s)}, today=date(2026, 3, 20))
    return world


def _values(db: Database, definition: indicators.IndicatorDefinition, level: str, prefix: str | None = None) -> dict[str, tuple[int, int]]:
    with db.unit_of_work() as s:
        found = definition.compute(s, IndicatorQuery(START, END, level, prefix))
    return {v.division_code: (v.numerator, v.denominator) for v in found}


def test_signing_rate(database: Database) -> None:
    _population(database)
    assert _values(database, indicators.COVERAGE, "village") == {VILLAGE_A: (4, 7), VILLAGE_B: (1, 2), VILLAGE_C: (1, 2)}
    assert _values(database, indicators.COVERAGE, "township") == {TOWNSHIP_AB: (5, 9), TOWNSHIP_C: (1, 2)}
    assert _values(database, indicators.COVERAGE, "county") == {COUNTY: (6, 11)}
    assert _values(database, indicators.COVERAGE, "city") == {CITY: (6, 11)}
    assert _values(database, indicators.COVERAGE, "village", TOWNSHIP_C) == {VILLAGE_C: (1, 2)}


def test_key_population_rate_overall_and_per_group(database: Database) -> None:
    _population(database)
    # Key residents: a1, a2, a4, a8 (A); b1 (B); c1, c2 (C). Contracted among them: a1, a4, a8, b1, c2.
    assert _values(database, indicators.KEY_COVERAGE, "village") == {VILLAGE_A: (3, 4), VILLAGE_B: (1, 1), VILLAGE_C: (1, 2)}
    assert _values(database, indicators.KEY_COVERAGE, "county") == {COUNTY: (5, 7)}
    per_group = {group: _values(database, definition, "county")[COUNTY] for group, definition in indicators.GROUP_COVERAGE.items()}
    assert per_group == {
        "elderly": (2, 3),  # a1, b1 of a1, a2, b1
        "children": (1, 2),  # a4 of a4, c1
        "pregnant": (1, 1),  # a8
        "disabled": (0, 0),
        "poverty_alleviated": (0, 0),
        "family_planning_special": (0, 0),
        "hypertension": (0, 1),  # a2
        "diabetes": (1, 1),  # c2
        "tuberculosis": (0, 0),
        "severe_mental_disorder": (0, 0),
    }
    with database.unit_of_work() as s:
        value = indicators.GROUP_COVERAGE["tuberculosis"].compute(s, IndicatorQuery(START, END, "county"))[0]
    assert value.rate is None


def test_renewal_rate(database: Database) -> None:
    _population(database)
    # 2025 signers (1 Jan - 22 Nov 2025): a3, a5 (A), b2 (B), c2 (C); signed again in 2026: a3, c2.
    assert _values(database, indicators.RENEWAL, "village") == {VILLAGE_A: (1, 2), VILLAGE_B: (0, 1), VILLAGE_C: (1, 1)}
    assert _values(database, indicators.RENEWAL, "county") == {COUNTY: (2, 4)}


@pytest.mark.parametrize("definition", indicators.ALL, ids=lambda d: d.code)
def test_definitions_are_complete(definition: indicators.IndicatorDefinition) -> None:
    assert definition.name_zh and definition.name_en and definition.numerator_zh and definition.denominator_en
    assert definition.domain == "contracts" and definition.version and definition.source and definition.period == "year"
