"""The generator's elderly data obeys every rule the services enforce (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from jiceng.core.db import Database
from jiceng.elderly import tcm
from jiceng.elderly.indicators import HEALTH_MANAGEMENT, TCM_MANAGEMENT, year_query
from jiceng.elderly.models import TcmAssessment
from jiceng.exams.models import HealthCheck
from jiceng.exams.validation import flat_values, validate_health_check
from jiceng.residents.models import Resident
from jiceng.synthetic.run import generate

TODAY = date(2026, 11, 22)


def test_village_scale_elderly_data_is_valid(database: Database) -> None:
    report = generate(database, "village", seed=3, today=TODAY)
    assert report.rows["exams_health_check"] > 0 and report.rows["elderly_tcm_assessment"] > 0
    with database.unit_of_work() as s:
        people = {r.id: r for r in s.execute(select(Resident.id, Resident.sex, Resident.birth_date, Resident.status))}
        elderly = sum(1 for r in people.values() if r.status == "active" and r.birth_date <= date(1961, 12, 31))
        checks = s.scalars(select(HealthCheck)).all()
        assert 0.55 < len(checks) / elderly < 0.75  # ~65 % under management
        for check in checks:
            person = people[check.resident_id]
            values = validate_health_check(flat_values(check), sex=person.sex, birth_date=person.birth_date, today=TODAY, signing=True)
            for key in ("bmi", "self_care_score", "self_care_level", "age_at_exam", "elderly_cohort", "elderly_complete"):
                assert values[key] == getattr(check, key), key
        by_id = {c.id: c for c in checks}
        records = s.scalars(select(TcmAssessment)).all()
        assert 0.8 < len(records) / len(checks) <= 1
        for record in records:
            check = by_id[record.health_check_id]
            answers = record.answer_map()
            assert answers[9] == tcm.score_bmi(check.bmi) and answers[28] == tcm.score_waist(check.waist_cm)
            result = tcm.determine(answers)
            assert record.scores == {c: r.raw for c, r in result.results.items()}
            assert record.results == {c: r.result for c, r in result.results.items()}
            assert record.undeterminable == result.undeterminable
            if record.complete:
                assert record.status == "signed" and record.main_type in (result.main_type, *result.tied)
                assert record.guidance.get(record.main_type)
        (managed,) = HEALTH_MANAGEMENT.compute(s, year_query(2026, "county"))
        (served,) = TCM_MANAGEMENT.compute(s, year_query(2026, "county"))
        assert managed.denominator == elderly and managed.numerator == len({c.resident_id for c in checks})
        complete = {r.resident_id for r in records if r.complete}
        assert served.numerator == len(complete)
        drafts = s.scalar(select(func.count()).select_from(TcmAssessment).where(TcmAssessment.complete.is_(False)))
        assert drafts == len(records) - len(complete)
