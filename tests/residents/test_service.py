"""Registering, finding, viewing and editing resident records, within scope."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from jiceng.core.audit import AuditEvent
from jiceng.core.db import Database
from jiceng.core.errors import Forbidden, NotFound, ValidationFailed, VersionMismatch
from jiceng.residents import service as residents
from jiceng.residents.models import Resident
from jiceng.residents.schemas import ResidentDetail
from tests.factories import VILLAGE_A, VILLAGE_B, VILLAGE_C, add_resident, build_region, id_number


def _codes(failed: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.field: e.code for e in failed.value.errors}


def test_record_number_is_village_code_plus_serial(database: Database) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        first = add_resident(s, region.principal("doctor_a"))
        second = add_resident(s, region.principal("doctor_a"), name="李四", id_number=id_number(sequence="125"))
        assert first.record_number == VILLAGE_A + "00001"
        assert second.record_number == VILLAGE_A + "00002"
        assert len(first.record_number) == 17


def test_birth_date_and_sex_come_from_the_id_number(database: Database) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        resident = add_resident(s, region.principal("doctor_a"), id_number=id_number("19750615", "224"))
        assert resident.birth_date == date(1975, 6, 15)
        assert resident.sex == "2"
        assert (resident.name_pinyin, resident.name_initials) == ("zhangsanfeng", "zsf")


def test_disagreeing_birth_date_and_sex_are_refused(database: Database) -> None:
    region = build_region(database)
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        add_resident(s, region.principal("doctor_a"), birth_date="1980-01-02", sex="2")
    assert _codes(failed) == {"birth_date": "mismatch_id_number", "sex": "mismatch_id_number"}


def test_every_bad_field_is_reported_and_nothing_saved(database: Database) -> None:
    region = build_region(database)
    bad = {
        "name": "张3",
        "id_number": "110105194912310021",
        "phone": "123",
        "village_code": "12",
        "drug_allergies": ["1", "2"],
        "education": "99x",
    }
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        add_resident(s, region.principal("doctor_a"), **bad)
    assert set(_codes(failed)) == {"name", "id_number", "phone", "village_code", "drug_allergies", "education"}
    with database.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Resident)) == 0


def test_infant_without_id_number_needs_a_reason(database: Database) -> None:
    region = build_region(database)
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        add_resident(s, region.principal("doctor_a"), id_number="", sex="1", birth_date="2026-10-01")
    assert _codes(failed) == {"no_id_reason": "required"}
    with database.unit_of_work() as s:
        infant = add_resident(s, region.principal("doctor_a"), id_number="", no_id_reason="infant", sex="1", birth_date="2026-10-01")
        assert infant.id_number is None and infant.no_id_reason == "infant"


def test_one_live_record_per_id_number(database: Database) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        add_resident(s, region.principal("doctor_a"))
    with pytest.raises(ValidationFailed) as same_village, database.unit_of_work() as s:
        add_resident(s, region.principal("doctor_a"), name="张三")
    assert "张三丰" in same_village.value.errors[0].message_zh
    # Out of scope, the message says the number exists but not whose record it is.
    with pytest.raises(ValidationFailed) as elsewhere, database.unit_of_work() as s:
        add_resident(s, region.principal("doctor_c"), village_code=VILLAGE_C)
    assert _codes(elsewhere) == {"id_number": "duplicate"}
    assert "张三丰" not in elsewhere.value.errors[0].message_zh


def test_village_outside_the_catchment_is_refused(database: Database) -> None:
    region = build_region(database)
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        add_resident(s, region.principal("doctor_a"), village_code=VILLAGE_B)
    assert _codes(failed) == {"village_code": "outside_scope"}


def test_scope_hides_other_villages(database: Database) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        resident_id = add_resident(s, region.principal("doctor_a")).id
    with pytest.raises(NotFound), database.unit_of_work() as s:
        residents.get_resident(s, region.principal("doctor_b"), resident_id)
    with database.unit_of_work() as s:
        assert residents.get_resident(s, region.principal("gpdoc"), resident_id).name == "张三丰"
        assert residents.search_residents(s, region.principal("doctor_b"), "zsf").items == []
    with pytest.raises(NotFound), database.unit_of_work() as s:
        residents.get_resident(s, region.principal("specialist"), resident_id)


def test_read_record_shows_the_stored_record_within_scope_and_audits_it(database: Database) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        resident_id = add_resident(s, region.principal("doctor_a")).id
    with database.unit_of_work() as s:
        entity = ResidentDetail.model_validate(residents.get_resident(s, region.principal("gpdoc"), resident_id))
    with database.unit_of_work() as s:
        assert residents.read_record(s, region.principal("gpdoc"), resident_id) == entity
    for outsider in ("doctor_b", "specialist"):
        with pytest.raises(NotFound), database.unit_of_work() as s:
            residents.read_record(s, region.principal(outsider), resident_id)
    with database.unit_of_work() as s:
        views = s.scalars(select(AuditEvent.username).where(AuditEvent.resident_id == resident_id, AuditEvent.action == "view")).all()
        assert len(views) == 2  # get_resident and read_record; the refused reads are not views


@pytest.mark.parametrize("query", ["zsf", "zhangsan", "张三", "张三丰", "1381234", "411202100201"[:0] + "41120219800101123"])
def test_search_by_each_kind_of_key(database: Database, query: str) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        add_resident(s, region.principal("doctor_a"))
        add_resident(s, region.principal("doctor_a"), name="王小明", id_number=id_number(sequence="135"), phone="13700000000")
    with database.unit_of_work() as s:
        items = residents.search_residents(s, region.principal("doctor_a"), query).items
        if len(query) == 17:  # the ID number without its check digit finds nothing
            assert items == []
        else:
            assert [i.name for i in items] == ["张三丰"]


def test_search_by_full_id_number_and_record_number_masks_identifiers(database: Database) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        resident = add_resident(s, region.principal("doctor_a"))
        number, record = resident.id_number, resident.record_number
    with database.unit_of_work() as s:
        for query in (number, record, number.lower()):
            [item] = residents.search_residents(s, region.principal("doctor_a"), query).items
            assert item.id_number_masked == number[:6] + "********" + number[-4:]
            assert item.phone_masked == "138****5678"


def test_supervisor_sees_deidentified_lists_only(database: Database) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        resident_id = add_resident(s, region.principal("doctor_a")).id
    with database.unit_of_work() as s:
        result = residents.search_residents(s, region.principal("supervisor"), "")
        assert result.deidentified
        assert [(i.name, i.id_number_masked, i.phone_masked) for i in result.items] == [("张**", "", "")]
    with pytest.raises(Forbidden), database.unit_of_work() as s:
        residents.get_resident(s, region.principal("supervisor"), resident_id)


def test_update_checks_version_and_audits_changed_fields(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        resident_id = add_resident(s, doctor).id
    with database.unit_of_work() as s:
        updated = residents.update_resident(s, doctor, resident_id, {"phone": "13900001111", "name": "张三峰"}, expected_version=1)
        assert updated.version == 2 and updated.name_initials == "zsf" and updated.name_pinyin == "zhangsanfeng"
    with pytest.raises(VersionMismatch), database.unit_of_work() as s:
        residents.update_resident(s, doctor, resident_id, {"phone": "13900002222"}, expected_version=1)
    with database.unit_of_work() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "update", AuditEvent.object_type == "resident")).one()
        assert event.detail == {"fields": ["name", "phone"]} and event.resident_id == resident_id


def test_partial_update_rechecks_id_number_against_stored_birth_date(database: Database) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        resident_id = add_resident(s, region.principal("doctor_a")).id
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        residents.update_resident(s, region.principal("doctor_a"), resident_id, {"birth_date": "1981-01-01"})
    assert _codes(failed) == {"birth_date": "mismatch_id_number"}


def test_status_transitions(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        resident_id = add_resident(s, doctor).id
    with database.unit_of_work() as s:
        assert residents.change_status(s, doctor, resident_id, "deceased", "2026-11-01").status == "deceased"
    with pytest.raises(ValidationFailed), database.unit_of_work() as s:
        residents.change_status(s, doctor, resident_id, "active")


def test_household_with_members(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        head = add_resident(s, doctor)
        child = add_resident(s, doctor, name="张小宝", id_number=id_number("20100301", "133"))
        household = residents.create_household(s, doctor, head.id)
        residents.add_household_member(s, doctor, household.id, child.id, "20")
        household_id = household.id
    with database.unit_of_work() as s:
        view = residents.get_household(s, doctor, household_id)
        assert [(m.name, m.relation_to_head) for m in view.members] == [("张三丰", "02"), ("张小宝", "20")]
    with pytest.raises(NotFound), database.unit_of_work() as s:
        residents.get_household(s, region.principal("doctor_b"), household_id)


def test_condition_flags_follow_past_diseases(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        resident = add_resident(s, doctor, past_diseases=[{"code": "2", "diagnosed_on": "2019-05"}], disabilities=["5"])
        assert resident.has_hypertension and resident.has_disability and not resident.has_diabetes
        resident_id = resident.id
    with database.unit_of_work() as s:
        updated = residents.update_resident(s, doctor, resident_id, {"past_diseases": [{"code": "3"}], "disabilities": ["1"]})
        assert updated.has_diabetes and not updated.has_hypertension and not updated.has_disability


def test_soft_delete_needs_permission_and_reason(database: Database) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        resident_id = add_resident(s, region.principal("doctor_a")).id
    with pytest.raises(Forbidden), database.unit_of_work() as s:
        residents.delete_resident(s, region.principal("doctor_a"), resident_id, "重复建档")
    with pytest.raises(ValidationFailed), database.unit_of_work() as s:
        residents.delete_resident(s, region.principal("admin_th"), resident_id, " ")
    with database.unit_of_work() as s:
        residents.delete_resident(s, region.principal("admin_th"), resident_id, "重复建档")
    with pytest.raises(NotFound), database.unit_of_work() as s:
        residents.get_resident(s, region.principal("admin_th"), resident_id)
    # The ID number is free again for a new live record.
    with database.unit_of_work() as s:
        add_resident(s, region.principal("doctor_a"))
