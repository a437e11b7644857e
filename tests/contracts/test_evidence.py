"""Follow-ups and health checks recorded in their own domains count as deliveries of the
contracted items they match (履约), once each however often they are corrected."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jiceng.chronic import service as chronic
from jiceng.contracts import fulfilment, views
from jiceng.core.db import Database
from jiceng.exams import service as exams
from tests.chronic.helpers import enrol, visit
from tests.contracts.helpers import CONSOLE, TODAY, build_world, resident, sign
from tests.exams.helpers import elderly_check


def _deliveries(database: Database, contract_id: object) -> list[tuple[str, date, str]]:
    with database.unit_of_work() as s:
        view = views.get_contract(s, CONSOLE, contract_id, today=TODAY)  # type: ignore[arg-type]
    return sorted((d.source_kind, d.delivered_on, d.status) for d in view.deliveries)


def _patient(s: Session) -> Any:
    person = resident(s, birth="19580101", sex="2", past_diseases=[{"code": "2", "diagnosed_on": "2018-01"}])
    enrol(s, CONSOLE, person.id, "htn")
    enrol(s, CONSOLE, person.id, "t2dm")
    return person


def _records_of_the_year(s: Session, person_id: uuid.UUID) -> uuid.UUID:
    march = visit(s, CONSOLE, person_id, "htn", "2026-03-10", sbp=150, dbp=95).visit
    visit(s, CONSOLE, person_id, "htn", "2026-06-10", sbp=130, dbp=80)
    wrong = visit(s, CONSOLE, person_id, "htn", "2026-08-01", sbp=128, dbp=80).visit
    chronic.amend_visit(s, CONSOLE, wrong.id, {}, "患者信息录错", voided=True, today=TODAY)
    visit(s, CONSOLE, person_id, "t2dm", "2026-05-10", fpg=6.2)  # no diabetes item in this package
    exams.create_health_check(s, CONSOLE, person_id, elderly_check(exam_date="2026-05-10"), sign=False, today=TODAY)
    return march.id


TWO_FOLLOW_UPS = [("chronic_followup", date(2026, 3, 10), "delivered"), ("chronic_followup", date(2026, 6, 10), "delivered")]


def test_records_are_linked_to_the_contract_as_they_are_saved(database: Database) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        person = _patient(s)
        visit(s, CONSOLE, person.id, "htn", "2025-11-01", sbp=128, dbp=80)  # before the contract
        contract = sign(s, world, person.id, today=date(2026, 1, 1))
    with database.unit_of_work() as s:
        march = _records_of_the_year(s, person.id)
    assert _deliveries(database, contract.id) == TWO_FOLLOW_UPS

    with database.unit_of_work() as s:  # a correction is the same visit; a signed check is new
        change = {"visit_date": "2026-03-11", "mode": "1", "adherence": "1", "sbp": 138, "dbp": 85}
        chronic.amend_visit(s, CONSOLE, march, change, "血压录入错误", today=TODAY)
        check = exams.create_health_check(s, CONSOLE, person.id, elderly_check(exam_date="2026-09-01"), today=TODAY)
        exams.amend_health_check(s, CONSOLE, check.id, elderly_check(exam_date="2026-09-01"), today=TODAY)
    assert _deliveries(database, contract.id) == [*TWO_FOLLOW_UPS, ("health_check", date(2026, 9, 1), "delivered")]
    with database.unit_of_work() as s:
        assert fulfilment.link_evidence(s, CONSOLE, contract.id, today=TODAY) == 0


def test_records_made_before_linking_are_linked_on_request(database: Database) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        person = _patient(s)
        _records_of_the_year(s, person.id)
    with database.unit_of_work() as s:
        contract = sign(s, world, person.id, today=date(2026, 1, 1))
    assert _deliveries(database, contract.id) == []
    with database.unit_of_work() as s:
        assert fulfilment.link_evidence(s, CONSOLE, contract.id, today=TODAY) == 2
        assert fulfilment.link_evidence(s, CONSOLE, contract.id, today=TODAY) == 0
    assert _deliveries(database, contract.id) == TWO_FOLLOW_UPS


def test_every_link_kind_has_a_source_in_its_domain() -> None:
    assert set(fulfilment.evidence_sources()) >= {"chronic_followup", "health_check", "elderly_tcm"}
