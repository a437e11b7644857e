"""Elderly service on SQLite and PostgreSQL: the TCM record, the whole visit, the form
instruction rules, yearly tracking and worklist, scope, the printable result."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from jiceng.core.db import Database
from jiceng.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from jiceng.elderly import service as elderly
from jiceng.elderly.models import TcmAssessment
from jiceng.exams import service as exams
from jiceng.exams.models import HealthCheck
from tests.elderly.examples import SPEC_36_ANSWERS, SPEC_36_SUMS, asked
from tests.exams.helpers import elderly_check, minimal_check
from tests.factories import VILLAGE_B, Region, add_resident, build_region, id_number

TODAY = date(2026, 11, 22)


def _people(db: Database) -> tuple[Region, dict[str, uuid.UUID]]:
    region = build_region(db)
    with db.unit_of_work() as s:
        doctor = region.principal("doctor_a")
        ids = {
            "elder": add_resident(s, doctor, name="王秀英", sex="2", id_number=id_number("19500310", "124")).id,
            "bedridden": add_resident(s, doctor, name="孙大爷", id_number=id_number("19320101", "135")).id,
            "turning_65": add_resident(s, doctor, name="周立", id_number=id_number("19611231", "146")).id,
            "young": add_resident(s, doctor, name="吴青", id_number=id_number("19620101", "157")).id,
            "other_village": add_resident(
                s, region.principal("doctor_b"), name="郑老", village_code=VILLAGE_B, id_number=id_number("19450505", "168")
            ).id,
        }
    return region, ids


def _tcm(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"assessed_on": "2026-05-10", "answers": asked(SPEC_36_ANSWERS), "guidance": {"qixu": ["1", "2", "5"]}}
    data.update(overrides)
    return data


def _count(db: Database, model: type) -> int:
    with db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_visit_records_check_and_questionnaire_measured_once(database: Database) -> None:
    region, ids = _people(database)
    doctor = region.principal("doctor_a")
    check = elderly_check(exam_date="2026-05-10", height_cm=160, weight_kg=65.3, waist_cm=88)
    with database.unit_of_work() as s:
        visit = elderly.record_elderly_visit(s, doctor, ids["elder"], check, _tcm(assessed_on=None, colds_per_year=5), today=TODAY)
        record_id = visit.tcm.id
        assert visit.health_check.bmi == 25.5
    with database.unit_of_work() as s:
        record = elderly.get_tcm_assessment(s, doctor, record_id)
        assert record.assessed_on == date(2026, 5, 10)  # the check's date
        assert record.health_check_id is not None and record.bmi == 25.5 and record.waist_cm == 88
        assert record.answer_map() == SPEC_36_ANSWERS
        assert record.scores == SPEC_36_SUMS
        assert record.main_type == "qixu" and record.positive_types == ["qixu", "tanshi"] and record.tendency_types == ["yangxu", "qiyu"]
        assert record.results["pinghe"] == "no" and record.complete and record.status == "signed"
        assert record.colds_per_year == 5


def test_visit_reports_errors_of_both_forms_and_saves_nothing(database: Database) -> None:
    region, ids = _people(database)
    answers = asked(SPEC_36_ANSWERS)
    del answers["7"]
    answers["3"] = 6
    check = elderly_check(weight_kg="x")
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        elderly.record_elderly_visit(s, region.principal("doctor_a"), ids["elder"], check, _tcm(answers=answers), today=TODAY)
    fields = {e.field for e in failed.value.errors}
    assert {"weight_kg", "tcm.answers.7", "tcm.answers.3"} <= fields
    bad = next(e for e in failed.value.errors if e.field == "tcm.answers.7")
    assert "第7题" in bad.message_zh and "Question 7" in bad.message_en
    assert _count(database, HealthCheck) == 0 and _count(database, TcmAssessment) == 0


def test_questionnaire_alone_with_measurements(database: Database) -> None:
    region, ids = _people(database)
    with database.unit_of_work() as s:
        record = elderly.record_tcm_assessment(
            s, region.principal("doctor_a"), ids["elder"], _tcm(height_cm=160, weight_kg=65.3, waist_cm=88), today=TODAY
        )
        assert record.bmi == 25.5 and record.health_check_id is None and record.main_type == "qixu"


def test_measured_items_are_not_asked_and_counts_must_agree(database: Database) -> None:
    region, ids = _people(database)
    answers = {**asked(SPEC_36_ANSWERS), "9": 1, "14": 2}
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        elderly.record_tcm_assessment(
            s,
            region.principal("doctor_a"),
            ids["elder"],
            _tcm(answers=answers, height_cm=160, weight_kg=65.3, waist_cm=None, colds_per_year=7),
            today=TODAY,
        )
    codes = {e.field: e.code for e in failed.value.errors}
    assert codes == {"answers.9": "measured_item", "answers.14": "count_mismatch", "waist_cm": "required"}
    message = next(e for e in failed.value.errors if e.field == "answers.14")
    assert "7" in message.message_zh and "scores 4" in message.message_en


def test_allergy_every_exposure_answer_stands_with_a_count(database: Database) -> None:
    region, ids = _people(database)
    answers = {**asked(SPEC_36_ANSWERS), "17": 5}
    with database.unit_of_work() as s:
        record = elderly.record_tcm_assessment(
            s,
            region.principal("doctor_a"),
            ids["elder"],
            _tcm(answers=answers, allergies_per_year=8, height_cm=160, weight_kg=65.3, waist_cm=88),
            today=TODAY,
        )
        assert record.answers["17"] == 5


def _answers(**values: int) -> dict[str, int]:
    base = dict.fromkeys((str(q) for q in range(1, 34) if q not in (9, 28)), 1)
    base.update({k.removeprefix("q"): v for k, v in values.items()})
    return base


MEASURED_LOW = {"height_cm": 170, "weight_kg": 60, "waist_cm": 75}  # Q9 = 1, Q28 = 1


def test_tie_needs_a_physician_to_choose(database: Database) -> None:
    region, ids = _people(database)
    doctor = region.principal("doctor_a")
    # 血瘀 (19, 22, 24, 33) and 湿热 (23, 25, 27, 30) both 12.
    tied = _answers(q19=3, q22=3, q24=3, q33=3, q23=3, q25=3, q27=3, q30=3)
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        elderly.record_tcm_assessment(s, doctor, ids["elder"], _tcm(answers=tied, guidance={}, **MEASURED_LOW), today=TODAY)
    assert [e.field for e in failed.value.errors] == ["main_type"]
    with pytest.raises(ValidationFailed), database.unit_of_work() as s:
        elderly.record_tcm_assessment(
            s, doctor, ids["elder"], _tcm(answers=tied, main_type="qixu", guidance={}, **MEASURED_LOW), today=TODAY
        )
    with database.unit_of_work() as s:
        record = elderly.record_tcm_assessment(
            s, doctor, ids["elder"], _tcm(answers=tied, main_type="xueyu", guidance={"xueyu": ["2"]}, **MEASURED_LOW), today=TODAY
        )
        assert record.main_type == "xueyu" and record.tied_types == ["shire", "xueyu"] and record.physician_confirmed


def test_contradiction_needs_confirmation(database: Database) -> None:
    region, ids = _people(database)
    doctor = region.principal("doctor_a")
    both = _answers(q10=3, q21=3, q26=3, q31=3, q11=3, q12=3, q13=2, q29=3)  # 阴虚 12, 阳虚 11
    data = _tcm(answers=both, guidance={"yinxu": ["1"]}, **MEASURED_LOW)
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        elderly.record_tcm_assessment(s, doctor, ids["elder"], data, today=TODAY)
    assert [(e.field, e.code) for e in failed.value.errors] == [("physician_confirmed", "contradiction")]
    with database.unit_of_work() as s:
        record = elderly.record_tcm_assessment(s, doctor, ids["elder"], {**data, "physician_confirmed": True}, today=TODAY)
        assert record.contradiction and record.physician_confirmed and record.main_type == "yinxu"


def test_undeterminable_is_kept_as_draft_then_recollected(database: Database) -> None:
    region, ids = _people(database)
    doctor = region.principal("doctor_a")
    nothing = _answers(q2=3, q4=3, q13=3)  # every type 否
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        elderly.record_tcm_assessment(s, doctor, ids["elder"], _tcm(answers=nothing, guidance={}, **MEASURED_LOW), today=TODAY)
    assert [e.code for e in failed.value.errors] == ["undeterminable"]
    with database.unit_of_work() as s:
        draft = elderly.record_tcm_assessment(
            s, doctor, ids["elder"], _tcm(answers=nothing, guidance={}, **MEASURED_LOW), sign=False, today=TODAY
        )
        draft_id = draft.id
        assert draft.undeterminable and not draft.complete and draft.status == "draft"
    # Two weeks later the answers are collected again on the same record, and signed.
    with database.unit_of_work() as s:
        record = elderly.update_tcm_assessment(
            s,
            doctor,
            draft_id,
            {"assessed_on": "2026-05-24", "answers": {"2": 4, "3": 4, "14": 3}, "guidance": {"qixu": ["4"]}},
            sign=True,
            today=TODAY,
        )
        assert record.main_type == "qixu" and record.complete and record.assessed_on == date(2026, 5, 24)
    with pytest.raises(Conflict), database.unit_of_work() as s:
        elderly.update_tcm_assessment(s, doctor, draft_id, {"guidance": {"qixu": ["1"]}}, today=TODAY)


def test_guidance_rules(database: Database) -> None:
    region, ids = _people(database)
    data = _tcm(guidance={"qixu": ["6"], "tebing": ["1"], "tanshi": ["9"]}, **{"height_cm": 160, "weight_kg": 65.3, "waist_cm": 88})
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        elderly.record_tcm_assessment(s, region.principal("doctor_a"), ids["elder"], data, today=TODAY)
    codes = {e.field: e.code for e in failed.value.errors}
    assert codes == {"guidance_other.qixu": "required", "guidance.tebing": "not_identified", "guidance.tanshi": "unknown_code"}
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        elderly.record_tcm_assessment(s, region.principal("doctor_a"), ids["elder"], {**data, "guidance": {"tanshi": ["2"]}}, today=TODAY)
    assert [(e.field, e.code) for e in failed.value.errors] == [("guidance.qixu", "required")]  # the main type needs guidance


def test_tcm_service_is_for_the_65_and_over_cohort(database: Database) -> None:
    region, ids = _people(database)
    doctor = region.principal("doctor_a")
    measured = {"height_cm": 160, "weight_kg": 65.3, "waist_cm": 88}
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        elderly.record_tcm_assessment(s, doctor, ids["young"], _tcm(**measured), today=TODAY)
    assert [e.field for e in failed.value.errors] == ["resident_id"]
    with database.unit_of_work() as s:  # born 31 December 1961: 65 by the end of 2026
        assert elderly.record_tcm_assessment(s, doctor, ids["turning_65"], _tcm(**measured), today=TODAY).age_at_assessment == 64


def test_scope_and_permissions(database: Database) -> None:
    region, ids = _people(database)
    measured = {"height_cm": 160, "weight_kg": 65.3, "waist_cm": 88}
    with database.unit_of_work() as s:
        other_id = elderly.record_tcm_assessment(s, region.principal("doctor_b"), ids["other_village"], _tcm(**measured), today=TODAY).id
    with database.unit_of_work() as s:
        doctor_a = region.principal("doctor_a")
        for call in (
            lambda: elderly.get_tcm_assessment(s, doctor_a, other_id),
            lambda: elderly.record_tcm_assessment(s, doctor_a, ids["other_village"], _tcm(**measured), today=TODAY),
            lambda: elderly.list_tcm_assessments(s, doctor_a, ids["other_village"]),
            lambda: elderly.result_pdf(s, doctor_a, other_id),
        ):
            with pytest.raises(NotFound):
                call()
        assert elderly.get_tcm_assessment(s, region.principal("gpdoc"), other_id).id == other_id
        with pytest.raises(Forbidden):
            elderly.yearly_services(s, region.principal("supervisor"), 2026)


def test_yearly_tracking_and_worklist(database: Database) -> None:
    region, ids = _people(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        # 王秀英: check and TCM this year. 孙大爷: bedridden, check only (at home). 周立: nothing.
        elderly.record_elderly_visit(
            s, doctor, ids["elder"], elderly_check(height_cm=160, weight_kg=65.3, waist_cm=88), _tcm(assessed_on=None), today=TODAY
        )
        bedridden = elderly_check(
            exam_date="2026-06-01",
            visit_mode="home",
            self_care_eating="4",
            self_care_grooming="4",
            self_care_dressing="4",
            self_care_toileting="3",
            self_care_activity="4",
        )
        exams.create_health_check(s, doctor, ids["bedridden"], bedridden, today=TODAY)
        exams.create_health_check(s, doctor, ids["young"], minimal_check(), today=TODAY)
    with database.unit_of_work() as s:
        page = elderly.yearly_services(s, doctor, 2026)
        rows = {r.name: r for r in page.rows}
        assert page.total == 3 and set(rows) == {"王秀英", "孙大爷", "周立"}  # 吴青 turns 65 only in 2027
        assert rows["王秀英"].missing == [] and rows["王秀英"].check_date == date(2026, 5, 10)
        assert rows["孙大爷"].missing == ["tcm"] and rows["孙大爷"].home_visit
        assert rows["周立"].missing == ["check", "tcm"] and not rows["周立"].home_visit
        worklist = elderly.yearly_services(s, doctor, 2026, missing="any")
        assert {r.name for r in worklist.rows} == {"孙大爷", "周立"} and worklist.total == 2
        assert {r.name for r in elderly.yearly_services(s, doctor, 2026, missing="tcm").rows} == {"孙大爷", "周立"}
        assert {r.name for r in elderly.yearly_services(s, doctor, 2026, missing="check").rows} == {"周立"}
        assert elderly.yearly_services(s, doctor, 2025, missing="any").total == 2  # 周立 was 64 in 2025
        summary = elderly.service_summary(s, doctor, 2026)
        assert [(v.population, v.checked, v.tcm, v.both, v.home_visit) for v in summary] == [(3, 2, 1, 1, 1)]
        status = elderly.resident_year_status(s, doctor, ids["bedridden"], 2026)
        assert status is not None and status.home_visit and status.tcm_date is None
        # The GP sees the other village too.
        assert elderly.yearly_services(s, region.principal("gpdoc"), 2026).total == 4
        with pytest.raises(ValidationFailed):
            elderly.yearly_services(s, doctor, 2026, missing="everything")


def test_result_pdf(database: Database) -> None:
    region, ids = _people(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        visit = elderly.record_elderly_visit(
            s, doctor, ids["elder"], elderly_check(height_cm=160, weight_kg=65.3, waist_cm=88), _tcm(assessed_on=None), today=TODAY
        )
        content = elderly.result_pdf(s, doctor, visit.tcm.id)
    assert content.startswith(b"%PDF") and len(content) > 2000
