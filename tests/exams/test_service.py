"""Health-check service on SQLite and PostgreSQL: record, sign, correct, scope, validation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from jiceng.core.audit import AuditEvent
from jiceng.core.db import Database
from jiceng.core.errors import Conflict, Forbidden, NotFound, ValidationFailed, VersionMismatch
from jiceng.exams import service as exams
from jiceng.exams.models import HealthCheck
from jiceng.residents import service as residents
from tests.exams.helpers import elderly_check, full_check, minimal_check
from tests.factories import VILLAGE_B, Region, add_resident, build_region, id_number

TODAY = date(2026, 11, 22)


def _people(db: Database) -> tuple[Region, dict[str, object]]:
    region = build_region(db)
    with db.unit_of_work() as s:
        doctor = region.principal("doctor_a")
        ids = {
            "elder": add_resident(s, doctor, name="王秀英", sex="2", id_number=id_number("19500310", "124")).id,
            "man": add_resident(s, doctor, name="李建国", id_number=id_number("19480101", "135")).id,
            "adult": add_resident(s, doctor, name="赵敏", id_number=id_number("19750601", "146")).id,
            "other_village": add_resident(
                s, region.principal("doctor_b"), name="钱多", village_code=VILLAGE_B, id_number=id_number("19500101", "157")
            ).id,
        }
    return region, ids


def _count(db: Database) -> int:
    with db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(HealthCheck)) or 0)


def test_full_elderly_check_is_stored_with_computed_values(database: Database) -> None:
    region, ids = _people(database)
    with database.unit_of_work() as s:
        check = exams.create_health_check(s, region.principal("doctor_a"), ids["elder"], full_check(), today=TODAY)
        check_id = check.id
    with database.unit_of_work() as s:
        check = exams.get_health_check(s, region.principal("doctor_a"), check_id)
        assert check.status == "signed" and check.signed_by == "doctor_a"
        assert check.bmi == 22.8  # 62 / 1.65²
        assert check.self_care == {"eating": "1", "grooming": "2", "dressing": "1", "toileting": "1", "activity": "2"}
        assert (check.self_care_score, check.self_care_level) == (2, "1")
        assert check.daily_liquor_liang == 1.5  # 1 两 liquor + 5 两 beer / 10
        assert check.age_at_exam == 76 and check.elderly_cohort and check.elderly_complete
        assert check.lifestyle["occupation_job"] == "煤矿工人" and check.lifestyle["diet"] == ["1", "4"]
        assert check.physical_exam["vulva"] == "1" and check.dorsalis_pedis == "2"
        assert check.tests["urine_protein"] == "-" and check.fasting_glucose == 6.12
        assert check.problems["eye"] == ["4"]
        assert check.medications[0]["adherence"] == "1" and check.hospitalizations[0]["admitted"] == "2026-01"
        assert check.vaccinations[0]["date"] == "2025-10-15"
        assert check.abnormalities == ["血压偏高", "脂肪肝"] and check.target_weight_kg == 60
        values = exams.form_values(check)
        assert values["self_care_grooming"] == "2" and values["hazard_dust"] == "煤尘" and values["cervix"] == "1"


def test_computed_values_are_never_accepted(database: Database) -> None:
    region, ids = _people(database)
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as failed:
        exams.create_health_check(s, region.principal("doctor_a"), ids["adult"], minimal_check(bmi=30), today=TODAY)
    assert [e.field for e in failed.value.errors] == ["bmi"]


def test_bad_input_names_every_field_in_both_languages_and_saves_nothing(database: Database) -> None:
    region, ids = _people(database)
    bad = elderly_check(height_cm="abc", sbp_left=80, dbp_left=90, temperature=45, self_care_eating="9", symptoms=["1", "2"])
    del bad["waist_cm"]
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        exams.create_health_check(s, region.principal("doctor_a"), ids["elder"], bad, today=TODAY)
    errors = {e.field: e for e in failed.value.errors}
    assert set(errors) >= {"height_cm", "sbp_left", "temperature", "self_care_eating", "symptoms", "waist_cm"}
    assert errors["height_cm"].message_zh.startswith("身高") and errors["height_cm"].message_en.startswith("Height")
    assert "体温" in errors["temperature"].message_zh and "Temperature" in errors["temperature"].message_en
    assert "收缩压" in errors["sbp_left"].message_zh and "systolic" in errors["sbp_left"].message_en
    assert errors["waist_cm"].code == "required"
    assert _count(database) == 0


def test_elderly_sections_are_required_at_65_but_not_before(database: Database) -> None:
    region, ids = _people(database)
    doctor = region.principal("doctor_a")
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        exams.create_health_check(s, doctor, ids["man"], minimal_check(), today=TODAY)
    fields = {e.field for e in failed.value.errors}
    assert fields == {"self_rated_health", "self_care_eating", "self_care_grooming", "self_care_dressing", "self_care_toileting"} | {
        "self_care_activity",
        "cognition_screen",
        "mood_screen",
        "guidance",
    }
    with database.unit_of_work() as s:
        check = exams.create_health_check(s, doctor, ids["adult"], minimal_check(), today=TODAY)
        assert not check.elderly_cohort and not check.elderly_complete and check.self_care_score is None


def test_conditional_fields(database: Database) -> None:
    region, ids = _people(database)
    data = elderly_check(
        smoking_status="1",
        cigarettes_per_day=10,
        cognition_screen="1",
        mmse_score=20,
        assessment="2",
        risk_factors=["5"],
        self_care_grooming="",
        vulva="1",
        drinking_frequency="2",
        drinking_start_age=30,
        drinking_quit="2",
        drinking_quit_age=20,
    )
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        exams.create_health_check(s, region.principal("doctor_a"), ids["man"], data, today=TODAY)
    codes = {e.field: e.code for e in failed.value.errors}
    assert codes == {
        "cigarettes_per_day": "not_applicable",
        "mmse_score": "not_applicable",
        "abnormalities": "required",
        "target_weight_kg": "required",
        "self_care_grooming": "required",
        "vulva": "not_applicable",  # a man
        "drinking_quit_age": "before_start",
    }


def test_draft_then_edit_then_sign(database: Database) -> None:
    region, ids = _people(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        draft = exams.create_health_check(s, doctor, ids["elder"], {"exam_date": "2026-05-10", "height_cm": 158}, sign=False, today=TODAY)
        draft_id, version = draft.id, draft.version
        assert draft.status == "draft" and not draft.elderly_complete
    with database.unit_of_work() as s:
        assert exams.latest_health_check(s, doctor, ids["elder"]) is None  # drafts do not count
        with pytest.raises(VersionMismatch):
            exams.update_health_check(s, doctor, draft_id, {"weight_kg": 60}, expected_version=version + 5)
    with database.unit_of_work() as s:
        exams.update_health_check(s, doctor, draft_id, {"weight_kg": 60}, expected_version=version, today=TODAY)
    with pytest.raises(ValidationFailed), database.unit_of_work() as s:
        exams.sign_health_check(s, doctor, draft_id, today=TODAY)  # still incomplete
    with database.unit_of_work() as s:
        rest = {k: v for k, v in elderly_check().items() if k not in ("height_cm", "weight_kg")}  # the fields sent replace the stored ones
        check = exams.update_health_check(s, doctor, draft_id, rest, sign=True, today=TODAY)
        assert check.status == "signed" and check.height_cm == 158 and check.bmi == 24.0 and check.elderly_complete
    with pytest.raises(Conflict), database.unit_of_work() as s:
        exams.update_health_check(s, doctor, draft_id, {"weight_kg": 61}, today=TODAY)


def test_a_signed_check_is_corrected_by_a_new_record(database: Database) -> None:
    region, ids = _people(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        first = exams.create_health_check(s, doctor, ids["elder"], elderly_check(weight_kg=70), today=TODAY)
        first_id = first.id
    with database.unit_of_work() as s:
        fixed = exams.amend_health_check(s, doctor, first_id, elderly_check(weight_kg=60), today=TODAY)
        fixed_id = fixed.id
        assert fixed.amends_id == first_id
    with database.unit_of_work() as s:
        original = exams.get_health_check(s, doctor, first_id)
        assert original.weight_kg == 70 and original.status == "signed"  # never edited
        assert exams.correction_of(s, doctor, original).id == fixed_id
        assert exams.latest_health_check(s, doctor, ids["elder"]).id == fixed_id
        with pytest.raises(ValidationFailed) as failed:
            exams.amend_health_check(s, doctor, first_id, elderly_check(), today=TODAY)
        assert failed.value.errors[0].code == "already_amended"


def test_scope_out_of_catchment_is_not_found(database: Database) -> None:
    region, ids = _people(database)
    with database.unit_of_work() as s:
        other = exams.create_health_check(s, region.principal("doctor_b"), ids["other_village"], elderly_check(), today=TODAY)
        other_id = other.id
    with database.unit_of_work() as s:
        doctor_a = region.principal("doctor_a")
        with pytest.raises(NotFound):
            exams.create_health_check(s, doctor_a, ids["other_village"], elderly_check(), today=TODAY)
        with pytest.raises(NotFound):
            exams.get_health_check(s, doctor_a, other_id)
        with pytest.raises(NotFound):
            exams.latest_health_check(s, doctor_a, ids["other_village"])
        with pytest.raises(NotFound):
            exams.list_health_checks(s, doctor_a, ids["other_village"])
        # The township GP sees both villages.
        assert exams.get_health_check(s, region.principal("gpdoc"), other_id).id == other_id
    with database.unit_of_work() as s, pytest.raises(Forbidden):
        exams.get_health_check(s, region.principal("supervisor"), other_id)


def test_health_check_resident_ids_is_a_select_for_other_domains(database: Database) -> None:
    region, ids = _people(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        exams.create_health_check(s, doctor, ids["elder"], elderly_check(exam_date="2026-03-01"), today=TODAY)
        exams.create_health_check(s, doctor, ids["adult"], minimal_check(exam_date="2025-12-31"), today=TODAY)
        exams.create_health_check(s, doctor, ids["man"], {"exam_date": "2026-04-01"}, sign=False, today=TODAY)
        exams.create_health_check(s, doctor, ids["adult"], minimal_check(exam_date="2026-06-01"), today=TODAY)
    with database.unit_of_work() as s:
        in_2026 = set(s.scalars(exams.health_check_resident_ids(date(2026, 1, 1), date(2026, 12, 31))))
        assert in_2026 == {ids["elder"], ids["adult"]}  # the draft does not count
        complete = set(s.scalars(exams.health_check_resident_ids(date(2026, 1, 1), date(2026, 12, 31), elderly_complete=True)))
        assert complete == {ids["elder"]}
        assert set(s.scalars(exams.health_check_resident_ids(date(2025, 12, 31), date(2025, 12, 31)))) == {ids["adult"]}


def test_views_and_changes_are_audited(database: Database) -> None:
    region, ids = _people(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        check_id = exams.create_health_check(s, doctor, ids["elder"], elderly_check(), today=TODAY).id
        exams.get_health_check(s, doctor, check_id)
        exams.latest_health_check(s, doctor, ids["elder"])
    with database.unit_of_work() as s:
        events = s.execute(select(AuditEvent.action, AuditEvent.object_type).where(AuditEvent.object_id == str(check_id))).all()
        assert sorted(events) == [("create", "health_check"), ("view", "health_check"), ("view", "health_check")]


def test_check_date_rules(database: Database) -> None:
    region, ids = _people(database)
    doctor = region.principal("doctor_a")
    for bad, code in (("2026-12-01", "in_future"), ("1940-01-01", "before_birth"), ("", "required"), ("2026-13-01", "invalid_date")):
        with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
            exams.create_health_check(s, doctor, ids["elder"], elderly_check(exam_date=bad), today=TODAY)
        assert any(e.field == "exam_date" and e.code == code for e in failed.value.errors), bad


def test_deceased_residents_keep_their_history(database: Database) -> None:
    region, ids = _people(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        exams.create_health_check(s, doctor, ids["elder"], elderly_check(), today=TODAY)
        residents.change_status(s, doctor, ids["elder"], "deceased", "2026-10-01")
    with database.unit_of_work() as s:
        assert exams.latest_health_check(s, doctor, ids["elder"]) is not None
