"""Enrolment, visits, amendments, referrals, screening and long prescriptions, on SQLite
and PostgreSQL, through the services (scope, bilingual validation, audit)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from jiceng.chronic import service as chronic
from jiceng.chronic.models import Enrolment, Referral, Screening, SignedVisitImmutable, Visit
from jiceng.core.audit import AuditEvent
from jiceng.core.db import Database
from jiceng.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.chronic.helpers import TODAY, enrol, patient, visit
from tests.factories import VILLAGE_B, build_region


def _count(db: Database, model: type) -> int:
    with db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_enrol_and_first_visit_schedules_the_next(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        resident = patient(s, doctor)
        enrolment = enrol(s, doctor, resident.id)
        assert enrolment.next_due_date == date(2025, 6, 1)  # due at once: nobody has visited yet
        signed = visit(s, doctor, resident.id, "htn", "2026-11-20", sbp=150, dbp=92)
        assert (signed.visit.category, signed.visit.next_visit_kind) == ("2", "two_weeks")
        assert signed.visit.next_visit_date == date(2026, 12, 4)
        assert signed.referral is None
        s.refresh(enrolment)
        assert (enrolment.next_due_date, enrolment.last_category, enrolment.uncontrolled_streak) == (date(2026, 12, 4), "2", 1)
        assert (enrolment.last_sbp, enrolment.last_dbp, enrolment.version) == (150, 92, 2)
        events = s.scalars(select(AuditEvent.action).where(AuditEvent.resident_id == resident.id)).all()
        assert {"create", "sign"} <= set(events)


def test_two_uncontrolled_visits_suggest_a_referral_and_a_followup(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        resident = patient(s, doctor)
        enrol(s, doctor, resident.id, "t2dm")
        visit(s, doctor, resident.id, "t2dm", "2026-11-01", fpg=8.1)
        second = visit(s, doctor, resident.id, "t2dm", "2026-11-15", fpg=7.6)
        assert second.assessment.referral_suggested and not second.assessment.urgent
        assert second.referral is not None
        assert (second.referral.kind, second.referral.reasons, second.referral.followup_due) == (
            "suggested",
            ["consecutive_uncontrolled"],
            date(2026, 11, 29),
        )
        work = chronic.worklist(s, doctor, today=TODAY)
        assert [i.name for i in work.buckets["urgent"]] == [resident.name]
        assert [i.referral_id for i in work.buckets["referrals"]] == [second.referral.id]
        third = visit(s, doctor, resident.id, "t2dm", "2026-11-20", fpg=7.9)
        assert third.assessment.referral_suggested and third.referral is None  # the open referral stands
        critical = visit(s, doctor, resident.id, "t2dm", "2026-11-21", fpg=17.0)
        assert critical.referral is not None and critical.referral.kind == "urgent"  # urgent ones are always raised


def test_urgent_reading_raises_an_urgent_referral(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        resident = patient(s, doctor)
        enrol(s, doctor, resident.id)
        signed = visit(s, doctor, resident.id, "htn", "2026-11-21", sbp=186, dbp=112, critical_signs=["severe_headache"])
        assert signed.assessment.urgent and signed.visit.urgent
        assert signed.assessment.urgent_reasons == ("sbp_critical", "dbp_critical", "critical_sign")
        assert signed.referral is not None and signed.referral.kind == "urgent" and signed.referral.status == "open"
        referral_id = signed.referral.id
        followed = chronic.follow_up_referral(
            s, doctor, referral_id, {"result": "1", "outcome": "县医院住院，调整用药", "followed_up_on": "2026-11-22"}, today=TODAY
        )
        assert (followed.status, followed.result) == ("followed_up", "1")
        with pytest.raises(ValidationFailed) as again:
            chronic.follow_up_referral(s, doctor, referral_id, {"result": "1", "outcome": "x"}, today=TODAY)
        assert again.value.errors[0].field == "status"


def test_signed_visits_are_append_only_and_amendments_supersede(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        resident = patient(s, doctor)
        enrolment = enrol(s, doctor, resident.id)
        original = visit(s, doctor, resident.id, "htn", "2026-11-20", sbp=150, dbp=92).visit
    with database.unit_of_work() as s, pytest.raises(SignedVisitImmutable):
        row = s.get(Visit, original.id)
        assert row is not None
        row.sbp = 120
        s.flush()
    with database.unit_of_work() as s:
        with pytest.raises(ValidationFailed) as no_reason:
            chronic.amend_visit(s, doctor, original.id, {"visit_date": "2026-11-20", "mode": "1", "sbp": 128, "dbp": 82}, "", today=TODAY)
        assert [e.field for e in no_reason.value.errors] == ["amendment_reason"]
        fixed = chronic.amend_visit(
            s, doctor, original.id, {"visit_date": "2026-11-20", "mode": "1", "sbp": 128, "dbp": 82}, "血压录入错误", today=TODAY
        )
        assert fixed.visit.amends_id == original.id and fixed.visit.category == "1"
        s.refresh(enrolment := s.get(Enrolment, enrolment.id))  # type: ignore[arg-type]
        assert enrolment is not None and enrolment.last_visit_id == fixed.visit.id and enrolment.last_sbp == 128
        assert enrolment.next_due_date == date(2027, 2, 20)
        with pytest.raises(Conflict):
            chronic.amend_visit(
                s, doctor, original.id, {"visit_date": "2026-11-20", "mode": "1", "sbp": 120, "dbp": 80}, "again", today=TODAY
            )
        summary = chronic.patient(s, doctor, resident.id)
        assert summary.superseded == {original.id}
        voided = chronic.amend_visit(s, doctor, fixed.visit.id, {}, "患者信息录错", voided=True, today=TODAY)
        assert voided.visit.voided
        s.refresh(enrolment)
        assert enrolment.last_visit_id is None and enrolment.next_due_date == enrolment.enrolled_on
    assert _count(database, Visit) == 3
    with database.unit_of_work() as s:
        assert s.scalar(select(Visit.sbp).where(Visit.id == original.id)) == 150  # never edited


def test_bad_visit_input_names_every_field_in_both_languages_and_saves_nothing(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        resident = patient(s, doctor)
        enrol(s, doctor, resident.id)
    data = {"visit_date": "2026-13-01", "mode": "9", "sbp": "abc", "dbp": 500, "weight_kg": 10, "symptoms": ["1", "2"], "category": "1"}
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as failed:
        chronic.sign_visit(s, doctor, resident.id, "htn", data, today=TODAY)
    fields = {e.field for e in failed.value.errors}
    assert {"visit_date", "mode", "sbp", "dbp", "weight_kg", "symptoms"} <= fields
    sbp = next(e for e in failed.value.errors if e.field == "sbp")
    assert "收缩压" in sbp.message_zh and "Systolic BP" in sbp.message_en
    assert _count(database, Visit) == 0


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"category": "1"}, "category_override_reason"),  # changing the computed category needs a reason
        ({"next_visit_date": "2026-12-31"}, "next_visit_date"),  # later than the 2-week window
        ({"next_visit_date": "2026-11-20"}, "next_visit_date"),  # not after the visit
        ({"adverse_reaction": True}, "adverse_reaction_detail"),
        ({"visit_date": "2026-11-23"}, "visit_date"),  # in the future
        ({"visit_date": "2019-01-01"}, "visit_date"),  # before the diagnosis
        ({"dbp": 150}, "dbp"),  # not below systolic
    ],
)
def test_rule_dependent_checks(database: Database, extra: dict[str, object], field: str) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        resident = patient(s, doctor)
        enrol(s, doctor, resident.id)
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as failed:
        fields = {"sbp": 150, "dbp": 92, **extra}
        visit(s, doctor, resident.id, "htn", str(fields.pop("visit_date", "2026-11-20")), **fields)
    assert field in {e.field for e in failed.value.errors}


def test_override_with_reason_is_stored(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        resident = patient(s, doctor)
        enrol(s, doctor, resident.id)
        signed = visit(
            s, doctor, resident.id, "htn", "2026-11-20", sbp=152, dbp=85, category="1", category_override_reason="复测130/80，白大衣效应"
        )
        assert (signed.visit.computed_category, signed.visit.category) == ("2", "1")
        assert signed.visit.category_override_reason.startswith("复测")
        assert signed.visit.next_visit_kind == "routine" and signed.visit.next_visit_date == date(2027, 2, 20)
        earlier = visit(s, doctor, resident.id, "htn", "2026-11-21", next_visit_date="2026-12-15")
        assert earlier.visit.computed_next_date == date(2027, 2, 21) and earlier.visit.next_visit_date == date(2026, 12, 15)


def test_scope_other_village_gets_not_found_and_nurse_cannot_prescribe(database: Database) -> None:
    region = build_region(database)
    doctor_a, doctor_b = region.principal("doctor_a"), region.principal("doctor_b")
    with database.unit_of_work() as s:
        resident = patient(s, doctor_a)
        enrol(s, doctor_a, resident.id)
        signed = visit(s, doctor_a, resident.id, "htn", "2026-11-20")
    with database.unit_of_work() as s:
        for call in (
            lambda: chronic.patient(s, doctor_b, resident.id),
            lambda: enrol(s, doctor_b, resident.id, "t2dm"),
            lambda: visit(s, doctor_b, resident.id, "htn", "2026-11-21"),
            lambda: chronic.get_visit(s, doctor_b, signed.visit.id),
            lambda: chronic.amend_visit(s, doctor_b, signed.visit.id, {}, "x", voided=True),
            lambda: chronic.timeline(s, doctor_b, resident.id),
        ):
            with pytest.raises(NotFound):
                call()
        assert chronic.worklist(s, doctor_b, today=TODAY).counts == dict.fromkeys(chronic.worklist(s, doctor_b, today=TODAY).counts, 0)
        with pytest.raises(Forbidden):
            chronic.create_prescription(s, region.principal("nurse"), resident.id, {"disease": "htn"})
        with pytest.raises(Forbidden):
            chronic.patient(s, region.principal("supervisor"), resident.id)
        # The township's GP reaches both of its villages.
        assert chronic.patient(s, region.principal("gpdoc"), resident.id).enrolments


def test_enrolment_checks(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        young = patient(s, doctor, birth="19950101")
        older = patient(s, doctor, birth="19550101")
        enrol(s, doctor, older.id)
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as failed:
        enrol(s, doctor, young.id, "x", diagnosis_date="2030-01-01", source="")
    assert {e.field for e in failed.value.errors} == {"disease", "diagnosis_date", "source", "resident_id"}
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as twice:
        enrol(s, doctor, older.id)
    assert [e.code for e in twice.value.errors] == ["already_enrolled"]
    assert _count(database, Enrolment) == 1
    with database.unit_of_work() as s:
        enrolment = s.scalars(select(Enrolment)).one()
        with pytest.raises(ValidationFailed):
            chronic.update_enrolment(s, doctor, enrolment.id, {"status": "lost"}, today=TODAY)
        lost = chronic.update_enrolment(s, doctor, enrolment.id, {"status": "lost", "status_reason": "电话停机，外出务工"}, today=TODAY)
        assert (lost.status, lost.status_date) == ("lost", TODAY)
        with pytest.raises(ValidationFailed) as not_managed:
            visit(s, doctor, older.id, "htn", "2026-11-20")
        assert [e.field for e in not_managed.value.errors] == ["status"]
        assert chronic.worklist(s, doctor, today=TODAY).counts["not_seen_quarter"] == 0  # not managed: off the worklist


def test_worklist_buckets_move_as_visits_are_signed(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        due = patient(s, doctor, name="本周")
        late = patient(s, doctor, name="逾期")
        fine = patient(s, doctor, name="平稳")
        other = patient(s, region.principal("doctor_b"), name="外村", village=VILLAGE_B)
        for p in (due, late, fine):
            enrol(s, doctor, p.id)
        enrol(s, region.principal("doctor_b"), other.id)
        visit(s, doctor, due.id, "htn", date(2026, 8, 26))  # due 2026-11-26
        visit(s, doctor, late.id, "htn", date(2026, 7, 1))  # due 2026-10-01
        visit(s, doctor, fine.id, "htn", date(2026, 11, 1))
        work = chronic.worklist(s, doctor, today=TODAY)
        names = {bucket: [i.name for i in items] for bucket, items in work.buckets.items()}
        assert names["due_this_week"] == ["本周"]
        assert names["overdue"] == ["逾期"] and work.buckets["overdue"][0].days_overdue == 52
        assert names["not_seen_quarter"] == ["逾期", "本周"]  # the quarter began on 2026-10-01
        assert names["urgent"] == names["referrals"] == names["upcoming"] == []
        visit(s, doctor, late.id, "htn", TODAY, sbp=152, dbp=95)
        names = {bucket: [i.name for i in items] for bucket, items in chronic.worklist(s, doctor, today=TODAY).buckets.items()}
        assert names["overdue"] == [] and names["not_seen_quarter"] == ["本周"] and names["upcoming"] == ["逾期"]
        gp = chronic.worklist(s, region.principal("gpdoc"), today=TODAY)
        assert [i.name for i in gp.buckets["not_seen_quarter"]] == ["外村", "本周"]  # the township GP sees village B too


def test_screening_path_refers_after_three_raised_days(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        resident = patient(s, doctor, birth="19800101")
        first = chronic.record_screening(s, doctor, resident.id, {"screened_on": "2026-11-01", "sbp": 146, "dbp": 88}, today=TODAY)
        assert (first.outcome, first.next_date) == ("recheck", date(2026, 11, 8))
        chronic.record_screening(s, doctor, resident.id, {"screened_on": "2026-11-08", "sbp": 150, "dbp": 95}, today=TODAY)
        third = chronic.record_screening(
            s, doctor, resident.id, {"screened_on": "2026-11-15", "sbp": 148, "dbp": 90, "declared_risks": ["family_history"]}, today=TODAY
        )
        assert (third.outcome, third.raised_days, third.referral_suggested) == ("suspected", 3, True)
        referral = s.scalars(select(Referral).where(Referral.resident_id == resident.id)).one()
        assert (referral.screening_id, referral.followup_due) == (third.id, date(2026, 11, 29))
        assert [i.name for i in chronic.worklist(s, doctor, today=TODAY).buckets["referrals"]] == [resident.name]
        with pytest.raises(ValidationFailed) as young:
            chronic.record_screening(s, doctor, patient(s, doctor, birth="20000101").id, {"sbp": 120, "dbp": 80}, today=TODAY)
        assert [e.field for e in young.value.errors] == ["resident_id"]
    assert _count(database, Screening) == 3


def test_long_prescription_only_for_controlled_stable_patients(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    rx = {
        "disease": "htn",
        "drug_name": "苯磺酸氨氯地平片",
        "dose": "5mg",
        "frequency_per_day": 1,
        "quantity": 84,
        "days": 84,
        "condition_controlled": True,
        "condition_stable": True,
    }
    with database.unit_of_work() as s:
        resident = patient(s, doctor)
        enrol(s, doctor, resident.id)
        visit(s, doctor, resident.id, "htn", "2026-11-01", sbp=150, dbp=95)
        with pytest.raises(ValidationFailed) as uncontrolled:
            chronic.create_prescription(s, doctor, resident.id, rx, today=TODAY)
        assert [e.code for e in uncontrolled.value.errors] == ["not_controlled"]
        visit(s, doctor, resident.id, "htn", "2026-11-15", sbp=128, dbp=80)
        with pytest.raises(ValidationFailed) as too_long:
            chronic.create_prescription(s, doctor, resident.id, {**rx, "days": 90, "condition_stable": False}, today=TODAY)
        assert {e.field for e in too_long.value.errors} == {"days", "condition_stable"}
        made = chronic.create_prescription(s, doctor, resident.id, rx, today=TODAY)
        assert (made.start_date, made.end_date, made.status) == (TODAY, TODAY + timedelta(days=83), "active")
        assert chronic.stop_prescription(s, doctor, made.id, "改用其他药物").status == "stopped"


def test_region_rules_change_the_category(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        resident = patient(s, doctor)
        enrol(s, doctor, resident.id, "t2dm")
        with pytest.raises(Forbidden):
            chronic.save_rules(s, doctor, {"fpg": {"op": ">", "value": 6.9}})
        with pytest.raises(ValidationFailed):
            chronic.save_rules(s, region.principal("sysadmin"), {"fpg": "strict"})
        chronic.save_rules(s, region.principal("sysadmin"), {"fpg": {"op": ">", "value": 6.9}, "ppg": {"op": ">", "value": 9.9}})
        assert visit(s, doctor, resident.id, "t2dm", "2026-11-20", fpg=6.5, ppg=10.2).visit.category == "2"


def test_timeline_uses_effective_visits(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        resident = patient(s, doctor)
        enrol(s, doctor, resident.id)
        enrol(s, doctor, resident.id, "t2dm")
        first = visit(s, doctor, resident.id, "htn", "2026-08-01", sbp=150, dbp=90).visit
        visit(s, doctor, resident.id, "t2dm", "2026-08-02", fpg=7.4)
        chronic.amend_visit(s, doctor, first.id, {"visit_date": "2026-08-01", "mode": "1", "sbp": 140, "dbp": 90}, "录入错误", today=TODAY)
        chart = chronic.timeline(s, doctor, resident.id)
        assert chart["sbp"] == [140, None] and chart["fpg"] == [None, 7.4] and chart["disease"] == ["htn", "t2dm"]
