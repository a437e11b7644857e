"""The contract life cycle: one family doctor at a time, renewal continuity, household
signing, change of team, termination with a reason, panel limits, versioned packages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from jiceng.contracts import packages, repository
from jiceng.contracts import service as contracts
from jiceng.contracts.models import Contract, ContractPackage
from jiceng.core.audit import AuditEvent
from jiceng.core.db import Database
from jiceng.core.errors import ValidationFailed
from tests.contracts.helpers import CONSOLE, TODAY, build_world, household, new_consent, resident, sign
from tests.factories import VILLAGE_A


def _fields(failed: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.field: e.code for e in failed.value.errors}


def test_sign_then_no_second_active_contract(database: Database) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        person = resident(s, name="张三丰")
        contract = sign(s, world, person.id, package_ids=[world.personalised])
        assert (contract.start_date, contract.end_date) == (TODAY, date(2027, 11, 21))
        assert contract.status == "active" and contract.continuity == "new" and contract.contract_number.startswith("QY2026")
        assert contract.fee_resident == 4000  # the personalised package's 40 yuan; the basic package is free to the resident
        assert s.scalar(select(func.count()).select_from(ContractPackage)) == 1
        assert s.scalar(select(func.count()).where(AuditEvent.action == "sign", AuditEvent.resident_id == person.id)) == 1
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as failed:
        sign(s, world, person.id, team_id=world.team_b)
    error = next(e for e in failed.value.errors if e.field == "resident_id")
    assert error.code == "already_contracted" and "张三丰" in error.message_zh and "one family doctor at a time" in error.message_en
    with database.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Contract)) == 1


def test_database_keeps_one_active_contract_per_resident(database: Database) -> None:
    """The partial unique index backs the service rule."""
    world = build_world(database)
    with database.unit_of_work() as s:
        person = resident(s)
        first = sign(s, world, person.id)
    with database.unit_of_work() as s:
        copy = {c.key: getattr(first, c.key) for c in Contract.__mapper__.column_attrs if c.key not in ("id", "contract_number", "version")}
        s.add(Contract(**copy, contract_number="QY-DUPLICATE"))
        with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
            s.flush()


def test_renewal_continues_the_day_after_the_end(database: Database) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        person = resident(s)
        old = sign(s, world, person.id, today=date(2025, 12, 1), package_ids=[world.personalised])
        assert old.end_date == date(2026, 11, 30)
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as early:
        contracts.renew_contract(s, CONSOLE, old.id, {"consent_id": new_consent(s)}, today=date(2026, 8, 1))
    assert "60" in early.value.errors[0].message_zh and early.value.errors[0].field == "contract_id"
    with database.unit_of_work() as s:
        new = contracts.renew_contract(s, CONSOLE, old.id, {"consent_id": new_consent(s)}, today=TODAY)
        assert new.previous_contract_id == old.id and new.continuity == "renewal" and new.team_id == old.team_id
        assert new.start_date == old.end_date + timedelta(days=1) == date(2026, 12, 1)
        assert new.end_date == date(2027, 11, 30)
        assert repository.contract_packages(s, [new.id])[new.id] == [world.personalised]
        refreshed = s.get(Contract, old.id)
        assert refreshed is not None and refreshed.status == "renewed" and refreshed.ended_on == date(2026, 11, 30)
        # Still covered every day: the old one until the 30th, the renewal from the 1st.
        assert repository.live_contracts(s, [person.id], TODAY)[person.id].id in (old.id, new.id)
    with database.unit_of_work() as s, pytest.raises(ValidationFailed):
        contracts.renew_contract(s, CONSOLE, old.id, {"consent_id": new_consent(s)}, today=TODAY)


def test_renewal_after_lapse_starts_on_signing(database: Database) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        person = resident(s)
        old = sign(s, world, person.id, today=date(2025, 10, 1))
    with database.unit_of_work() as s:
        new = contracts.renew_contract(s, CONSOLE, old.id, {"consent_id": new_consent(s)}, today=TODAY)
        assert new.start_date == TODAY and new.continuity == "renewal"


def test_household_signing_is_all_or_nothing(database: Database) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        head = resident(s, name="王大山", birth="19600301")
        wife = resident(s, name="刘小红", birth="19620502", sex="2")
        child = resident(s, name="王小明", birth="20220101")
        household_id = household(s, head.id, [wife.id, child.id])
        sign(s, world, child.id)  # already contracted
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as failed:
        contracts.sign_household(s, CONSOLE, household_id, {"team_id": world.team_a, "consent_id": new_consent(s)}, today=TODAY)
    assert any(e.field == "member_ids" and "王小明" in e.message_zh for e in failed.value.errors)
    with database.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Contract)) == 1
    with database.unit_of_work() as s:
        signed = contracts.sign_household(
            s, CONSOLE, household_id, {"team_id": world.team_a, "consent_id": new_consent(s), "member_ids": [head.id, wife.id]}, today=TODAY
        )
        assert len(signed) == 2 and len({c.sign_group_id for c in signed}) == 1 and signed[0].sign_group_id is not None
        assert {c.household_id for c in signed} == {household_id} and {c.sign_mode for c in signed} == {"household"}
        assert {c.signatory_name for c in signed} == {"王大山"} and {c.signatory_relation for c in signed} == {"head"}
        assert {c.consent_id for c in signed} == {signed[0].consent_id}


def test_change_team_keeps_the_service_year(database: Database) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        person = resident(s)
        old = sign(s, world, person.id, today=date(2026, 3, 1))
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as same:
        contracts.change_team(s, CONSOLE, old.id, {"team_id": world.team_a, "consent_id": new_consent(s)}, today=TODAY)
    assert _fields(same)["team_id"] == "same_team"
    with database.unit_of_work() as s:
        new = contracts.change_team(s, CONSOLE, old.id, {"team_id": world.team_b, "consent_id": new_consent(s)}, today=TODAY)
        assert (new.team_id, new.continuity, new.previous_contract_id) == (world.team_b, "team_change", old.id)
        assert (new.start_date, new.end_date) == (TODAY, old.end_date)
        before = s.get(Contract, old.id)
        assert before is not None and before.status == "changed" and before.ended_on == TODAY - timedelta(days=1)


def test_terminate_needs_a_reason_and_frees_the_resident(database: Database) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        person = resident(s)
        contract = sign(s, world, person.id, today=date(2026, 6, 1))
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as missing:
        contracts.terminate_contract(s, CONSOLE, contract.id, {}, today=TODAY)
    error = missing.value.errors[0]
    assert error.field == "reason" and "解约原因" in error.message_zh and "Termination reason" in error.message_en
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as other:
        contracts.terminate_contract(s, CONSOLE, contract.id, {"reason": "other"}, today=TODAY)
    assert _fields(other) == {"note": "required"}
    with database.unit_of_work() as s:
        ended = contracts.terminate_contract(s, CONSOLE, contract.id, {"reason": "moved_out", "terminated_on": "2026-10-31"}, today=TODAY)
        assert (ended.status, ended.terminated_on, ended.ended_on, ended.termination_reason) == (
            "terminated",
            date(2026, 10, 31),
            date(2026, 10, 31),
            "moved_out",
        )
    with database.unit_of_work() as s:
        again = sign(s, world, person.id, team_id=world.team_b)
        assert again.status == "active"


def test_terminating_ends_a_waiting_renewal_too(database: Database) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        person = resident(s)
        old = sign(s, world, person.id, today=date(2025, 12, 10))
        new = contracts.renew_contract(s, CONSOLE, old.id, {"consent_id": new_consent(s)}, today=TODAY)
        contracts.terminate_contract(s, CONSOLE, old.id, {"reason": "deceased"}, today=TODAY)
        waiting = s.get(Contract, new.id)
        assert waiting is not None and waiting.status == "terminated" and waiting.ended_on < waiting.start_date


def test_panel_limit(database: Database) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        team = repository.team(s, world.team_b)
        assert team is not None
        team.panel_limit = 1
        first, second = resident(s), resident(s)
        sign(s, world, first.id, team_id=world.team_b)
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as full:
        sign(s, world, second.id, team_id=world.team_b)
    assert _fields(full)["team_id"] == "panel_full"


def test_bad_input_names_every_field_and_saves_nothing(database: Database) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        person = resident(s, village_code=VILLAGE_A)
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as failed:
        contracts.sign_contract(
            s, CONSOLE, person.id, {"signed_on": "2026-13-01", "package_ids": [world.basic], "signatory_relation": "neighbour"}, today=TODAY
        )
    fields = _fields(failed)
    assert {"team_id", "signed_on", "consent_id", "signatory_relation"} <= set(fields)
    for error in failed.value.errors:
        assert error.message_zh and error.message_en and error.message_zh != error.message_en
    with database.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Contract)) == 0


def test_consent_cannot_be_reused_for_another_resident(database: Database) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        first, second = resident(s), resident(s)
        consent_id = new_consent(s)
        sign(s, world, first.id, consent_id=consent_id)
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as failed:
        sign(s, world, second.id, consent_id=consent_id)
    assert _fields(failed)["consent_id"] == "used"


def test_packages_are_versioned(database: Database) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        person = resident(s)
        before = sign(s, world, person.id, today=date(2026, 3, 1))
        revision = packages.revise_package(s, CONSOLE, world.basic)
        assert revision.revision == 2 and revision.status == "draft"
        with pytest.raises(ValidationFailed):
            packages.update_draft(s, CONSOLE, world.basic, {"name": "改名", "items": [{"name": "x", "category": "public_health"}]})
        packages.update_draft(
            s,
            CONSOLE,
            revision.id,
            {
                "name": "基础服务包（2027版）",
                "fee_government": "35",
                "items": [{"name": "年度健康评估", "category": "public_health", "times_per_year": 1}],
            },
        )
        packages.publish_package(s, CONSOLE, revision.id, date(2027, 1, 1))
        first = repository.package(s, world.basic)
        assert first is not None and first.status == "retired" and first.effective_to == date(2026, 12, 31)
        assert packages.basic_in_effect(s, date(2026, 12, 31)).id == world.basic  # type: ignore[union-attr]
        assert packages.basic_in_effect(s, date(2027, 1, 1)).id == revision.id  # type: ignore[union-attr]
        kept = s.get(Contract, before.id)
        assert kept is not None and kept.basic_package_id == world.basic


def test_package_fees_must_add_up_and_be_amounts(database: Database) -> None:
    build_world(database)
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as failed:
        packages.create_package(s, CONSOLE, {"code": "bad pkg", "kind": "personalised", "name": "", "fee_resident": "12.345", "items": []})
    assert {"code", "county_code", "name", "fee_resident", "items"} <= {e.field for e in failed.value.errors}
    with database.unit_of_work() as s:
        package = packages.create_package(
            s,
            CONSOLE,
            {
                "code": "X1",
                "kind": "basic",
                "name": "测试",
                "fee_insurance": "1.5",
                "fee_government": "2",
                "fee_resident": "0.25",
                "items": [{"name": "a", "category": "public_health"}],
            },
        )
        assert (package.fee_insurance, package.fee_government, package.fee_resident, package.fee_total) == (150, 200, 25, 375)
