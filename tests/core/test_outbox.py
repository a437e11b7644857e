"""ARCHITECTURE §3: every change to a sync-ready record leaves exactly one change-log
row, in the same transaction (so a rollback removes both)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from jiceng.core.db import Database
from jiceng.core.outbox import ChangeLog, HardDeleteRefused
from jiceng.registry import service as registry
from jiceng.residents.models import Resident
from tests.factories import add_resident, build_region


def _log(db: Database) -> list[tuple[str, str, int, list[str] | None]]:
    with db.unit_of_work() as s:
        rows = s.execute(select(ChangeLog.table_name, ChangeLog.op, ChangeLog.version, ChangeLog.fields).order_by(ChangeLog.seq)).all()
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _count(db: Database) -> int:
    with db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(ChangeLog)) or 0)


def test_insert_update_delete_each_leave_one_log_row(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    before = _count(database)
    with database.unit_of_work() as s:
        resident = add_resident(s, doctor)
        resident_id = resident.id
    assert _log(database)[before:] == [("resident", "I", 1, None)]

    with database.unit_of_work() as s:
        s.get(Resident, resident_id).phone = "13900000000"  # type: ignore[union-attr]
    assert _log(database)[-1] == ("resident", "U", 2, ["phone"])

    with database.unit_of_work() as s:
        s.get(Resident, resident_id).soft_delete()  # type: ignore[union-attr]
    assert _log(database)[-1] == ("resident", "D", 3, ["deleted_at"])
    assert _count(database) == before + 3


def test_registry_change_leaves_one_log_row(database: Database) -> None:
    region = build_region(database)
    before = _count(database)
    with database.unit_of_work() as s:
        institution = registry.get_institution(s, region.clinic_a)
        institution.phone = "0398-1234567"
    assert _log(database)[before:] == [("registry_institution", "U", 2, ["phone"])]


def test_rollback_removes_change_and_its_log_row(database: Database) -> None:
    region = build_region(database)
    before = _count(database)
    with pytest.raises(RuntimeError), database.unit_of_work() as s:
        add_resident(s, region.principal("doctor_a"))
        s.flush()
        assert s.scalar(select(func.count()).select_from(ChangeLog)) == before + 1
        raise RuntimeError("fail after the write")
    assert _count(database) == before
    with database.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Resident)) == 0


def test_unchanged_values_leave_no_log_row(database: Database) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        resident_id = add_resident(s, region.principal("doctor_a")).id
    before = _count(database)
    with database.unit_of_work() as s:
        resident = s.get(Resident, resident_id)
        resident.phone = resident.phone  # type: ignore[union-attr]
    assert _count(database) == before


def test_hard_delete_is_refused(database: Database) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        resident_id = add_resident(s, region.principal("doctor_a")).id
    with pytest.raises(HardDeleteRefused), database.unit_of_work() as s:
        s.delete(s.get(Resident, resident_id))
        s.flush()


def test_sequence_is_monotonic_and_hlc_increases(database: Database) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        for n in range(5):
            add_resident(
                s,
                region.principal("doctor_a"),
                name=f"李{'一二三四五'[n]}",
                id_number=None,
                no_id_reason="infant",
                sex="1",
                birth_date="2026-01-0" + str(n + 1),
            )
    with database.unit_of_work() as s:
        rows = s.execute(select(ChangeLog.seq, ChangeLog.hlc).order_by(ChangeLog.seq)).all()
    seqs = [r.seq for r in rows]
    hlcs = [r.hlc for r in rows]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert hlcs == sorted(hlcs) and len(set(hlcs)) == len(hlcs)


def test_version_and_uuid7_assigned_at_creation(database: Database) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        resident = add_resident(s, region.principal("doctor_a"))
        assert resident.id.version == 7
        assert resident.version == 1
        assert resident.origin_node == database.node_id
        assert resident.updated_at > 0
