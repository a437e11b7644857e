"""The TCM service as evidence of a contracted delivery (jiceng.elderly.evidence)."""

from __future__ import annotations

from datetime import date

from jiceng.core.db import Database
from jiceng.elderly import evidence
from jiceng.elderly import service as elderly
from tests.elderly.examples import SPEC_36_ANSWERS, asked
from tests.exams.helpers import elderly_check
from tests.factories import add_resident, build_region, id_number

TODAY = date(2026, 11, 22)


def _tcm() -> dict[str, object]:
    return {"answers": asked(SPEC_36_ANSWERS), "guidance": {"qixu": ["1"]}}


def test_signed_services_count_once_with_their_original_id(database: Database) -> None:
    region = build_region(database)
    doctor = region.principal("doctor_a")
    with database.unit_of_work() as s:
        person = add_resident(s, doctor, name="王秀英", sex="2", id_number=id_number("19500310", "124"))
        visit = elderly.record_elderly_visit(s, doctor, person.id, elderly_check(exam_date="2026-05-10"), _tcm(), today=TODAY)
        original = visit.tcm.id
        when = visit.tcm.assessed_on
        again = {**_tcm(), "assessed_on": "2026-05-10"}
        check = visit.health_check
        elderly.record_tcm_assessment(s, doctor, person.id, {**again, "amends_id": str(original)}, health_check=check, today=TODAY)
        elderly.record_tcm_assessment(s, doctor, person.id, again, sign=False, health_check=check, today=TODAY)  # a draft is no delivery
    with database.unit_of_work() as s:
        assert evidence.tcm_services(s, doctor, person.id, date(2026, 1, 1), TODAY) == [(original, when)]
        assert evidence.tcm_services(s, doctor, person.id, date(2025, 1, 1), date(2025, 12, 31)) == []
        assert evidence.tcm_services(s, region.principal("doctor_b"), person.id, date(2026, 1, 1), TODAY) == []  # out of scope
