"""The audit trail is append-only and tamper-evident (hash chain)."""

from __future__ import annotations

from sqlalchemy import delete, select, text, update

from jiceng.core import audit
from jiceng.core.audit import AuditEvent, AuditHead
from jiceng.core.db import Database
from jiceng.core.security import Principal


def _append(db: Database, n: int) -> None:
    principal = Principal(username="doc", role="village_doctor", interface="web", client_address="10.0.0.5")
    with db.unit_of_work() as s:
        for i in range(n):
            audit.record(s, principal, "view", "resident", f"r{i}")
    with db.unit_of_work() as s:
        audit.seal(s)


def _verify(db: Database) -> audit.ChainReport:
    with db.session() as s:
        return audit.verify_chain(s)


def test_untouched_chain_verifies(database: Database) -> None:
    _append(database, 5)
    report = _verify(database)
    assert report.ok and report.checked == 5


def test_edited_row_is_detected(database: Database) -> None:
    _append(database, 5)
    with database.engine.begin() as conn:
        conn.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(username="someone-else"))
    report = _verify(database)
    assert not report.ok and report.first_bad_seq == 3


def test_removed_row_is_detected(database: Database) -> None:
    _append(database, 5)
    with database.engine.begin() as conn:
        conn.execute(delete(AuditEvent).where(AuditEvent.seq == 2))
    report = _verify(database)
    assert not report.ok and report.first_bad_seq == 2


def test_truncated_tail_is_detected(database: Database) -> None:
    _append(database, 5)
    with database.engine.begin() as conn:
        conn.execute(delete(AuditEvent).where(AuditEvent.seq == 5))
    report = _verify(database)
    assert not report.ok and report.first_bad_seq == 5


def test_rewritten_hash_is_detected(database: Database) -> None:
    """Recomputing one row's hash breaks the link to the next row."""
    _append(database, 4)
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE core_audit_event SET action = 'edit', hash = :h WHERE seq = 2"), {"h": "f" * 64})
    assert _verify(database).first_bad_seq == 2


def test_head_tracks_the_chain(database: Database) -> None:
    _append(database, 3)
    with database.session() as s:
        head = s.get(AuditHead, 1)
        last = s.scalar(select(AuditEvent).where(AuditEvent.seq == 3))
        assert head is not None and last is not None
        assert head.last_seq == 3 and head.last_hash == last.hash


def test_events_of_a_rolled_back_transaction_leave_no_trace(database: Database) -> None:
    import pytest

    principal = Principal(username="doc", role="village_doctor")
    with pytest.raises(RuntimeError), database.unit_of_work() as s:
        audit.record(s, principal, "view", "resident", "x")
        raise RuntimeError
    _append(database, 2)
    report = _verify(database)
    assert report.ok and report.checked == 2


def test_concurrent_writers_do_not_fork_the_chain(database: Database) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def append_and_seal(_: int) -> None:
        _append(database, 3)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(append_and_seal, range(16)))
    report = _verify(database)
    assert report.ok and report.checked == 48


def test_sealing_is_idempotent(database: Database) -> None:
    principal = Principal(username="doc", role="village_doctor")
    with database.unit_of_work() as s:
        for i in range(3):
            audit.record(s, principal, "view", "resident", f"r{i}")
    with database.unit_of_work() as s:
        assert audit.seal(s) == 3
    with database.unit_of_work() as s:
        assert audit.seal(s) == 0
        assert sorted(e.seq for e in s.scalars(select(AuditEvent))) == [1, 2, 3]


def test_search_shows_events_sealed_after_the_session_loaded_them(database: Database) -> None:
    # Sealing writes with plain UPDATEs: events this session already holds must be re-read.
    principal = Principal(username="doc", role="village_doctor")
    admin = Principal(username="root", role="system_admin")
    with database.unit_of_work() as s:
        audit.record(s, principal, "view", "resident", "r1")
        (held,) = s.scalars(select(AuditEvent)).all()
        assert held.seq is None
        (found,) = audit.search(s, admin, audit.AuditFilter(username="doc"))
        assert found.seq == 1 and found.hash and found.prev_hash == audit.GENESIS
