"""Incremental updates equal a full rebuild: a property test over random sequences of
changes (follow-ups, checks, contracts, moves, deaths, new and deleted records, the
paper-dossier flag, a region rule), each batch followed by one incremental step; then the
state is compared, row by row, with the state a full rebuild makes from the same data.

Each example runs in one transaction that is rolled back, so examples are independent."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiceng.chronic import service as chronic
from jiceng.chronic.settings import save_rules
from jiceng.core.db import Database
from jiceng.core.errors import DomainError
from jiceng.exams import service as exams
from jiceng.indicators import incremental, rebuild
from jiceng.indicators.models import PersonState, Rollup
from jiceng.residents import service as residents
from tests.contracts.helpers import sign
from tests.exams.helpers import elderly_check, minimal_check
from tests.factories import VILLAGE_A, VILLAGE_B, VILLAGE_C, add_resident, id_number
from tests.indicators.population import CONSOLE, TODAY, Population

KEYS = ["a1", "a2", "a3", "a4", "b1", "b2", "c1", "c2"]
ELDERLY = {"a1", "b1", "c1"}
VILLAGES = [VILLAGE_A, VILLAGE_B, VILLAGE_C]
DAYS = st.dates(date(2025, 1, 1), TODAY)

operation = st.one_of(
    st.tuples(st.just("visit"), st.sampled_from(["a1", "a2", "b1"]), DAYS, st.integers(110, 170)),
    st.tuples(st.just("check"), st.sampled_from(KEYS), DAYS),
    st.tuples(st.just("enrol"), st.sampled_from(["a3", "b2", "c1", "c2"]), st.sampled_from(["htn", "t2dm"])),
    st.tuples(st.just("status"), st.sampled_from(KEYS), st.sampled_from(["moved_out", "deceased", "active"])),
    st.tuples(st.just("move"), st.sampled_from(KEYS), st.sampled_from(VILLAGES)),
    st.tuples(st.just("paper"), st.sampled_from(KEYS), st.booleans()),
    st.tuples(st.just("sign"), st.sampled_from(["a2", "a4", "b1", "c1", "c2"])),
    st.tuples(st.just("new"), st.sampled_from(VILLAGES), st.integers(1940, 2025)),
    st.tuples(st.just("delete"), st.sampled_from(KEYS)),
    st.tuples(st.just("rules"), st.sampled_from([6.5, 7.0, 8.0])),
)
_serial = iter(range(10_000))


def _apply(s: Session, population: Population, op: tuple[Any, ...]) -> None:
    ids = population.ids
    kind = op[0]
    if kind == "visit":
        _, key, day, sbp = op
        disease = "t2dm" if key == "b1" else "htn"
        values = {"fpg": 5.0 + (sbp - 110) / 10} if disease == "t2dm" else {"sbp": sbp, "dbp": 80}
        chronic.sign_visit(s, CONSOLE, ids[key], disease, {"visit_date": day, "mode": "1", "adherence": "1", **values}, today=TODAY)
    elif kind == "check":
        _, key, day = op
        data = elderly_check(exam_date=day.isoformat()) if key in ELDERLY else minimal_check(exam_date=day.isoformat())
        exams.create_health_check(s, CONSOLE, ids[key], data, today=TODAY)
    elif kind == "enrol":
        data = {"disease": op[2], "diagnosis_date": "2020-05-01", "source": "clinic", "enrolled_on": "2026-04-01"}
        chronic.enrol(s, CONSOLE, ids[op[1]], data, today=TODAY)
    elif kind == "status":
        residents.change_status(s, CONSOLE, ids[op[1]], op[2], "2026-06-01")
    elif kind == "move":
        residents.update_resident(s, CONSOLE, ids[op[1]], {"village_code": op[2]})
    elif kind == "paper":
        residents.update_resident(s, CONSOLE, ids[op[1]], {"paper_record": op[2]})
    elif kind == "sign":
        sign(s, population.world, ids[op[1]], today=TODAY)
    elif kind == "new":
        n = next(_serial)
        born = f"{op[2]}0101"
        add_resident(s, CONSOLE, name="新居民", village_code=op[1], id_number=id_number(born, f"{(500 + 2 * n) % 1000:03d}"))
    elif kind == "delete":
        residents.delete_resident(s, CONSOLE, ids[op[1]], "录入错误")
    elif kind == "rules":
        save_rules(s, CONSOLE, {"fpg": {"op": ">=", "value": op[1]}})


def _state(s: Session) -> tuple[set[Any], dict[Any, Any]]:
    persons = set(s.execute(select(PersonState.__table__)).all())
    rollups = {
        (r.period_key, r.division_code, r.indicator_code): (r.level, r.parent_code, r.numerator, r.base) for r in s.scalars(select(Rollup))
    }
    return persons, rollups


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batches=st.lists(st.lists(operation, min_size=1, max_size=4), min_size=1, max_size=3))
def test_incremental_equals_rebuild(database: Database, built: Population, batches: list[list[tuple[Any, ...]]]) -> None:
    session = database.session()
    try:
        for batch in batches:
            for op in batch:
                try:
                    with session.begin_nested():
                        _apply(session, built, op)
                except DomainError:
                    pass  # refused by the domain (e.g. a second enrolment): nothing changed
            incremental.step(session, today=TODAY)
        incremental_state = _state(session)
        rebuild.rebuild(session, TODAY)
        assert _state(session) == incremental_state
    finally:
        session.rollback()
        session.close()


def test_a_follow_up_changes_only_its_resident_and_villages(database: Database, built: Population) -> None:
    with database.unit_of_work() as s:
        before = _state(s)
        chronic.sign_visit(
            s,
            CONSOLE,
            built.ids["a2"],
            "htn",
            {"visit_date": "2026-11-20", "mode": "1", "adherence": "1", "sbp": 128, "dbp": 78},
            today=TODAY,
        )
    with database.unit_of_work() as s:
        report = incremental.step(s, today=TODAY)
    assert (report.residents, report.rebuilt) == (1, [])
    with database.unit_of_work() as s:
        after = _state(s)
        key = ("2026", VILLAGE_A, "chronic.htn.bp_control_rate")
        assert before[1][key][2:] == (1, 2) and after[1][key][2:] == (2, 2)
        assert after[1][("2026", "411200000000", "chronic.htn.bp_control_rate")][2:] == (2, 2)
        changed = {r[2] for r in before[0] ^ after[0]}
        assert changed == {built.ids["a2"]}


def test_a_rule_change_rebuilds_and_a_new_day_rebuilds_the_open_period(database: Database, built: Population) -> None:
    with database.unit_of_work() as s:
        save_rules(s, CONSOLE, {"fpg": {"op": ">=", "value": 6.0}})  # b1's 6.2 is no longer on target
    with database.unit_of_work() as s:
        report = incremental.step(s, today=TODAY)
    assert report.rebuilt == ["2025", "2026-03", "2026-06", "2026-09", "2026-10", "2026"]
    with database.unit_of_work() as s:
        rollup = s.get(Rollup, ("2026", "411202000000", "chronic.t2dm.glucose_control_rate"))
        assert rollup is not None and (rollup.numerator, rollup.base) == (0, 1)
    with database.unit_of_work() as s:
        report = incremental.step(s, today=date(2026, 11, 23))
    assert report.rebuilt == ["2026"]
    with database.unit_of_work() as s:
        assert [(p.key, p.end) for p in rebuild.stored_periods(s) if p.open] == [("2026", date(2026, 11, 23))]
