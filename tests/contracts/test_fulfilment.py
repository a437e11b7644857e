"""Service fulfilment: items due in equal slices of the year, deliveries (append-only,
voidable), evidence from other domains, and the team worklist (overdue, expiring)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy.orm import Session

from jiceng.contracts import fulfilment, views
from jiceng.core.db import Database
from jiceng.core.errors import ValidationFailed
from jiceng.core.security import Principal
from tests.contracts.helpers import CONSOLE, TODAY, build_world, resident, sign


def test_due_dates_split_the_year() -> None:
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    assert fulfilment.due_dates(start, end, 4) == [date(2026, 4, 1), date(2026, 7, 1), date(2026, 9, 30), date(2026, 12, 31)]
    assert fulfilment.due_dates(start, end, 1) == [end]
    assert fulfilment.due_dates(start, end, 0) == []


def _items(database: Database, contract_id: uuid.UUID, principal: Principal = CONSOLE) -> dict[str, tuple[int, int, int]]:
    with database.unit_of_work() as s:
        view = views.get_contract(s, principal, contract_id, today=TODAY)
    return {i.code: (i.due, i.delivered, i.overdue) for i in view.items}


def test_items_follow_the_residents_key_populations(database: Database) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        patient = resident(s, birth="19550101", past_diseases=[{"code": "2", "diagnosed_on": "2018-01"}])
        young = resident(s, birth="19900101")
        old_contract = sign(s, world, patient.id, today=date(2026, 1, 1), package_ids=[world.personalised])
        young_contract = sign(s, world, young.id, today=date(2026, 1, 1))
    # Hypertension follow-ups: 4 a year, 3 due by 22 Nov (1 Apr, 1 Jul, 30 Sep); the rest once a year, due at the end.
    assert _items(database, old_contract.id) == {"A01": (0, 0, 0), "A02": (3, 0, 3), "A03": (0, 0, 0), "A04": (0, 0, 0), "P01": (1, 0, 1)}
    assert set(_items(database, young_contract.id)) == {"A01", "A04"}
    with database.unit_of_work() as s:
        item = next(i for i in views.get_contract(s, CONSOLE, old_contract.id, today=TODAY).items if i.code == "A02")
        first = fulfilment.record_delivery(
            s, CONSOLE, old_contract.id, {"item_id": item.item_id, "delivered_on": "2026-03-15"}, today=TODAY
        )
        fulfilment.record_delivery(s, CONSOLE, old_contract.id, {"item_id": item.item_id, "delivered_on": "2026-06-20"}, today=TODAY)
    assert _items(database, old_contract.id)["A02"] == (3, 2, 1)
    with database.unit_of_work() as s:
        fulfilment.void_delivery(s, CONSOLE, first.id, "登记错误")
    assert _items(database, old_contract.id)["A02"] == (3, 1, 2)
    with database.unit_of_work() as s:
        personal = next(i for i in views.get_contract(s, CONSOLE, old_contract.id, today=TODAY).items if i.code == "P01")
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as failed:
        # The personalised package is not on the young resident's contract.
        fulfilment.record_delivery(s, CONSOLE, young_contract.id, {"item_id": personal.item_id, "delivered_on": "2027-01-01"}, today=TODAY)
    assert {e.field for e in failed.value.errors} == {"item_id", "delivered_on"}


def test_worklist_shows_overdue_and_expiring(database: Database) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        patient = resident(s, name="高血压甲", birth="19600101", past_diseases=[{"code": "2", "diagnosed_on": "2018-01"}])
        expiring = resident(s, name="快到期乙", birth="19900101")
        other_team = resident(s, name="别队丙", birth="19600101", past_diseases=[{"code": "2", "diagnosed_on": "2018-01"}])
        sign(s, world, patient.id, today=date(2026, 2, 1))
        sign(s, world, expiring.id, today=date(2025, 12, 10))
        sign(s, world, other_team.id, today=date(2026, 2, 1), team_id=world.team_b)
    with database.unit_of_work() as s:
        work = fulfilment.worklist(s, world.principal("teamdoc"), today=TODAY)
    assert work.teams == ["李医生团队"]
    assert [(r.resident_name, r.overdue_items) for r in work.overdue] == [("高血压甲", ["高血压患者随访"])]
    assert [(r.resident_name, r.days_left) for r in work.expiring] == [("快到期乙", 17)]
    with database.unit_of_work() as s:
        admin_view = fulfilment.worklist(s, world.principal("admin_th"), today=TODAY)
    assert {r.resident_name for r in admin_view.overdue} == {"高血压甲", "别队丙"}


@pytest.fixture
def evidence() -> Iterator[list[tuple[uuid.UUID, date]]]:
    records: list[tuple[uuid.UUID, date]] = []

    def source(_s: Session, _p: Principal, _resident: uuid.UUID, first: date, last: date, _group: str) -> list[tuple[uuid.UUID, date]]:
        return [(record_id, when) for record_id, when in records if first <= when <= last]

    fulfilment.register_evidence_source("chronic_followup", source)
    yield records
    fulfilment._sources.pop("chronic_followup", None)


def test_linked_evidence_is_recorded_once(database: Database, evidence: list[tuple[uuid.UUID, date]]) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        patient = resident(s, birth="19600101", past_diseases=[{"code": "2", "diagnosed_on": "2018-01"}])
        contract = sign(s, world, patient.id, today=date(2026, 1, 1))
    evidence += [(uuid.uuid4(), date(2026, 3, 1)), (uuid.uuid4(), date(2026, 6, 1)), (uuid.uuid4(), date(2025, 6, 1))]
    with database.unit_of_work() as s:
        assert fulfilment.link_evidence(s, CONSOLE, contract.id, today=TODAY) == 2
        assert fulfilment.link_evidence(s, CONSOLE, contract.id, today=TODAY) == 0
        view = views.get_contract(s, CONSOLE, contract.id, today=TODAY)
    assert {d.source_kind for d in view.deliveries} == {"chronic_followup"}
    assert _items(database, contract.id)["A02"] == (3, 2, 1)
