"""The generator's chronic step at village scale: patients, a year of visits that follow
the rules, schedules that match the latest visit, and indicators that compute."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from jiceng.chronic import indicators
from jiceng.chronic.models import Enrolment, Referral, Visit
from jiceng.chronic.rules import VisitFacts, assess
from jiceng.core.db import Database
from jiceng.core.indicators import IndicatorQuery
from jiceng.residents.models import Resident
from jiceng.synthetic.run import generate

TODAY = date(2026, 11, 22)


def test_village_scale(sqlite_database: Database) -> None:
    report = generate(sqlite_database, "village", seed=3, today=TODAY)
    assert report.rows["chronic_enrolment"] > 100 and report.rows["chronic_visit"] > 3 * report.rows["chronic_enrolment"]
    with sqlite_database.unit_of_work() as s:
        flags = {r.id: r for r in s.execute(select(Resident.id, Resident.birth_date, Resident.has_hypertension, Resident.has_diabetes))}
        enrolments = s.scalars(select(Enrolment)).all()
        visits = s.scalars(select(Visit).order_by(Visit.visit_date)).all()
        referrals = s.scalars(select(Referral)).all()
        by_enrolment = defaultdict(list)
        for v in visits:
            by_enrolment[v.enrolment_id].append(v)
        for e in enrolments:
            resident = flags[e.resident_id]
            assert resident.has_hypertension if e.disease == "htn" else resident.has_diabetes
            assert e.enrolled_on.year - resident.birth_date.year >= 35
            own = by_enrolment[e.id]
            assert all(TODAY - timedelta(days=366) <= v.visit_date <= TODAY for v in own)
            if own:
                last = own[-1]
                assert (e.last_visit_id, e.next_due_date, e.last_category) == (last.id, last.next_visit_date, last.category)
            streak = 0
            for v in own:  # every visit is what the rules say
                facts = VisitFacts(disease=v.disease, age=v.age_years, sbp=v.sbp, dbp=v.dbp, fpg=v.fpg, adverse_reaction=v.adverse_reaction)
                expected = assess(facts, v.visit_date, streak)
                assert (v.category, v.next_visit_date, v.urgent) == (expected.category, expected.next_visit_date, expected.urgent)
                streak = expected.uncontrolled_streak
        seen = [len(v) for v in by_enrolment.values()]
        assert sum(1 for n in seen if n >= 4) > 0.6 * len(enrolments)  # most are seen 4+ times
        assert any(v.urgent for v in visits) or len(visits) < 2000
        assert {r.kind for r in referrals} <= {"urgent", "suggested"} and referrals
        values = indicators.compute_all(s, IndicatorQuery(date(2026, 1, 1), TODAY, "county"))
        control = values["chronic.htn.bp_control_rate"]["county"][0]
        assert 0.4 < (control.rate or 0) < 0.95
