"""What each user sees: supervisors their division (de-identified people), clinics their
villages summed up, the people behind a number, targets and colours, and the empty state."""

from __future__ import annotations

import pytest

from jiceng.accounts import service as accounts
from jiceng.core import audit
from jiceng.core.db import Database
from jiceng.core.errors import Forbidden, NotFound, ValidationFailed
from jiceng.core.security import Principal
from jiceng.indicators import people, service, state, targets
from tests.factories import PASSWORD, VILLAGE_A, VILLAGE_B, VILLAGE_C
from tests.indicators.population import CITY, CONSOLE, COUNTY, TOWNSHIP_1, TOWNSHIP_2, Population

COVERAGE = "contracts.coverage"


def _city_supervisor(database: Database) -> Principal:
    with database.unit_of_work() as s:
        user = accounts.create_user(s, CONSOLE, username="citysup", password=PASSWORD, role="supervisor_city", division_code=CITY)
        return accounts.principal_for(user)


def test_drill_down_for_a_city_supervisor(database: Database, built: Population) -> None:
    boss = _city_supervisor(database)
    with database.unit_of_work() as s:
        city = service.dashboard(s, boss)
        assert (city.division.division, city.period.key if city.period else None) == (CITY, "2026")
        assert [r.division for r in city.children] == [COUNTY]
        county = service.dashboard(s, boss, COUNTY)
        assert [(r.division, r.name) for r in county.children] == [(TOWNSHIP_1, "交口镇"), (TOWNSHIP_2, "磁钟镇")]
        township = service.dashboard(s, boss, TOWNSHIP_1, "2026-10")
        assert [r.division for r in township.children] == [VILLAGE_A, VILLAGE_B]
        assert [c for c, _ in township.path] == [CITY, COUNTY, TOWNSHIP_1]
        village = service.dashboard(s, boss, VILLAGE_A)
        assert village.children == [] and village.division.cells[COVERAGE].numerator == 2


def test_scopes(database: Database, built: Population) -> None:
    with database.unit_of_work() as s:
        supervisor = built.principal("supervisor")  # county
        board = service.dashboard(s, supervisor)
        assert board.division.division == COUNTY
        with pytest.raises(NotFound):
            service.dashboard(s, supervisor, CITY)
        with pytest.raises(NotFound):
            service.dashboard(s, supervisor, "411203000000")
        # A village doctor: their village, summed from its rollup; nothing above it.
        doctor = built.principal("doctor_a")
        own = service.dashboard(s, doctor)
        assert own.division.division == VILLAGE_A
        assert (own.division.cells[COVERAGE].numerator, own.division.cells[COVERAGE].denominator) == (2, 4)
        with pytest.raises(NotFound):
            service.dashboard(s, doctor, TOWNSHIP_1)
        with pytest.raises(NotFound):
            service.dashboard(s, doctor, VILLAGE_B)
        # The township hospital: villages A and B, under its township.
        gp = built.principal("gpdoc")
        township = service.dashboard(s, gp)
        assert township.division.division == TOWNSHIP_1
        assert [r.division for r in township.children] == [VILLAGE_A, VILLAGE_B]
        assert township.division.cells[COVERAGE].numerator == 3
        with pytest.raises(NotFound):
            service.dashboard(s, gp, VILLAGE_C)
        with pytest.raises(Forbidden):
            service.dashboard(s, built.principal("sysadmin"))


def test_people_behind_a_number(database: Database, built: Population) -> None:
    with database.unit_of_work() as s:
        listed = people.people(s, built.principal("gpdoc"), COVERAGE, VILLAGE_A, "2026", "numerator")
        assert not listed.deidentified
        assert {p.id for p in listed.items} == {built.ids["a1"], built.ids["a3"]}
        assert {p.name for p in listed.items} == {"居民甲", "居民丙"}
        gap = people.people(s, built.principal("gpdoc"), COVERAGE, TOWNSHIP_1, "2026", "gap")
        assert {p.id for p in gap.items} == {built.ids["a2"], built.ids["a4"], built.ids["b1"]}
        masked = people.people(s, built.principal("supervisor"), COVERAGE, VILLAGE_A, "2026", "denominator")
        assert masked.deidentified
        assert sorted(p.name for p in masked.items) == ["居**", "居**", "居**", "居**"]
        assert all(p.id is None and len(p.birth) == 4 for p in masked.items)
        page = people.people(s, CONSOLE, COVERAGE, COUNTY, "2026", "denominator", offset=0, limit=5)
        rest = people.people(s, CONSOLE, COVERAGE, COUNTY, "2026", "denominator", offset=5, limit=5)
        assert (len(page.items), page.more, len(rest.items), rest.more) == (5, True, 3, False)
        with pytest.raises(ValidationFailed) as refused:
            people.people(s, CONSOLE, COVERAGE, COUNTY, "2026", "everyone")
        assert refused.value.errors[0].field == "which"
        with pytest.raises(NotFound):
            people.people(s, built.principal("doctor_a"), COVERAGE, VILLAGE_B, "2026")
        with pytest.raises(NotFound):
            people.people(s, CONSOLE, "no.such.indicator", COUNTY)
        events = [e for e in audit.search(s, CONSOLE, audit.AuditFilter(object_type="indicator_people"))]
        assert len(events) >= 4


def test_targets_and_colours(database: Database, built: Population) -> None:
    definitions = state.definitions()
    with database.unit_of_work() as s:
        targets.save(s, CONSOLE, {COVERAGE: {"": 0.5, "411202100": 0.3}, "records.filing_rate": 0.55}, definitions)
    with database.unit_of_work() as s:
        county = service.dashboard(s, CONSOLE, COUNTY)
        cell = county.division.cells[COVERAGE]  # 3/8 = 37.5 % against 50 %
        assert (cell.target, cell.status) == (0.5, "below")
        township = service.dashboard(s, CONSOLE, TOWNSHIP_1)
        assert (township.division.cells[COVERAGE].target, township.division.cells[COVERAGE].status) == (0.3, "met")  # 3/6
        filing = county.division.cells["records.filing_rate"]  # 4/8 against 55 %: within 90 %
        assert (filing.target, filing.status) == (0.55, "near")
        default = county.division.cells["elderly_health_management_rate"]
        assert default.target is None and default.status == "none"
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as refused:
        targets.save(s, CONSOLE, {COVERAGE: 1.5, "nope": 0.5, "records.use_rate": {"41x": 0.5}}, definitions)
    fields = sorted(e.field for e in refused.value.errors)
    assert fields == ["targets.contracts.coverage", "targets.nope", "targets.records.use_rate"]
    with database.unit_of_work() as s:
        assert targets.load(s)[COVERAGE] == {"": 0.5, "411202100": 0.3}  # nothing half-saved


def test_before_the_first_rebuild(database: Database, population: Population) -> None:
    with database.unit_of_work() as s:
        board = service.dashboard(s, population.principal("supervisor"))
        assert board.period is None and board.periods == []
        assert board.division.division == COUNTY and board.division.cells[COVERAGE].numerator == 0
        assert service.dashboard(s, CONSOLE).division.division == ""
        assert people.people(s, population.principal("supervisor"), COVERAGE).items == []
        status = service.state_status(s, CONSOLE)
        assert not status.built and status.log_head > 0


def test_a_region_chooses_the_periods_it_keeps(database: Database, built: Population) -> None:
    from jiceng.core.region_config import set_setting
    from jiceng.indicators import incremental, rebuild
    from tests.indicators.population import TODAY

    with database.unit_of_work() as s:
        set_setting(s, CONSOLE, "indicators.periods", ["2025-06"])
    with database.unit_of_work() as s:
        report = incremental.step(s, today=TODAY)  # the kept set changed: build the new, drop the rest
        assert report.rebuilt == ["2025-06"]
        assert [p.key for p in rebuild.stored_periods(s)] == ["2025-06", "2025", "2026"]
        assert [p.key for p in service.dashboard(s, CONSOLE, COUNTY).periods] == ["2025-06", "2025", "2026"]
