"""Results are written in batches; each still has its change-log row and audit event, and
savepoints, searches and rollbacks see exactly what they would with one INSERT per result."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from jiceng.core.audit import AuditEvent
from jiceng.core.db import Database
from jiceng.core.errors import ValidationFailed
from jiceng.core.outbox import ChangeLog
from jiceng.core.security import Principal
from jiceng.results import service as results
from jiceng.results.models import Observation
from tests.factories import Region, add_resident, build_region


@pytest.fixture
def region(database: Database) -> Region:
    return build_region(database)


def _resident(database: Database, doctor: Principal) -> uuid.UUID:
    with database.unit_of_work() as s:
        return uuid.UUID(str(add_resident(s, doctor).id))


def _result(resident_id: uuid.UUID | None, value: float = 6.1, status: str = "final") -> results.ObservationInput:
    return results.ObservationInput(resident_id, status, "http://loinc.org", "1558-6", "Fasting glucose", "laboratory", value, "mmol/L")


def _stored(database: Database) -> tuple[int, int, int]:
    with database.unit_of_work() as s:
        rows = s.scalar(select(func.count()).select_from(Observation))
        logged = s.scalar(select(func.count()).select_from(ChangeLog).where(ChangeLog.table_name == "results_observation"))
        audited = s.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "observation", AuditEvent.action == "create")
        )
        return int(rows or 0), int(logged or 0), int(audited or 0)


def test_each_result_has_its_change_log_row_and_audit_event(database: Database, region: Region) -> None:
    doctor = region.principal("doctor_a")
    resident = _resident(database, doctor)
    with database.unit_of_work() as s:
        received = [results.record(s, doctor, _result(resident, 5.0 + i), {"resourceType": "Observation"}) for i in range(3)]
    assert _stored(database) == (3, 3, 3)
    with database.unit_of_work() as s:
        rows = {r.id: r for r in s.scalars(select(Observation))}
        assert {r.id for r in received} == set(rows)
        assert all(rows[r.id].updated_at == r.updated_at and rows[r.id].version == 1 for r in received)
        events = s.scalars(select(AuditEvent).where(AuditEvent.object_type == "observation")).all()
        assert {(e.object_id, e.resident_id, e.username) for e in events} == {(str(r.id), resident, "doctor_a") for r in received}
        log = s.scalars(select(ChangeLog).where(ChangeLog.table_name == "results_observation")).all()
        assert {(c.record_id, c.op, c.hlc) for c in log} == {(r.id, "I", r.updated_at) for r in received}


def test_a_query_in_the_same_transaction_sees_queued_results(database: Database, region: Region) -> None:
    doctor = region.principal("doctor_a")
    resident = _resident(database, doctor)
    with database.unit_of_work() as s:
        results.record(s, doctor, _result(resident), {"resourceType": "Observation"})
        assert [r.resident_id for r in results.search(s, doctor, [], None, 10)] == [resident]


def test_a_rollback_discards_queued_results(database: Database, region: Region) -> None:
    doctor = region.principal("doctor_a")
    resident = _resident(database, doctor)
    with pytest.raises(RuntimeError), database.unit_of_work() as s:
        results.record(s, doctor, _result(resident), {"resourceType": "Observation"})
        raise RuntimeError("the caller fails after recording")
    assert _stored(database) == (0, 0, 0)


def test_savepoints_keep_earlier_results_and_drop_their_own(database: Database, region: Region) -> None:
    doctor = region.principal("doctor_a")
    resident = _resident(database, doctor)
    with database.unit_of_work() as s:
        results.record(s, doctor, _result(resident, 5.0), {"resourceType": "Observation"})  # queued outside
        with pytest.raises(ValidationFailed), s.begin_nested():
            results.record(s, doctor, _result(resident, 6.0), {"resourceType": "Observation"})
            results.record(s, doctor, _result(resident, 7.0, status="guessed"), {"resourceType": "Observation"})
        with s.begin_nested():
            results.record(s, doctor, _result(resident, 8.0), {"resourceType": "Observation"})
        failed = s.begin_nested()
        results.record(s, doctor, _result(resident, 9.0), {"resourceType": "Observation"})
        failed.rollback()
        results.record(s, doctor, _result(resident, 10.0), {"resourceType": "Observation"})  # queued again
    with database.unit_of_work() as s:
        assert sorted(s.scalars(select(Observation.value_quantity))) == [5.0, 8.0, 10.0]
    assert _stored(database) == (3, 3, 3)


def test_an_out_of_scope_patient_is_refused_before_anything_is_queued(database: Database, region: Region) -> None:
    resident = _resident(database, region.principal("doctor_a"))
    with pytest.raises(ValidationFailed), database.unit_of_work() as s:
        results.record(s, region.principal("doctor_b"), _result(resident), {"resourceType": "Observation"})
    assert _stored(database) == (0, 0, 0)
