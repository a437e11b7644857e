"""Key populations are derived, not typed: ages at the boundaries (64/65, 6/7), the
record's condition flags, and population marks with their validity. The Python rule
and the SQL rule agree."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from jiceng.contracts import marks, views
from jiceng.contracts.key_populations import age_on, derived_groups, group_clause, is_child, is_elderly, years_before
from jiceng.core.db import Database
from jiceng.core.errors import ValidationFailed
from jiceng.residents import service as residents
from tests.contracts.helpers import CONSOLE, TODAY, build_world, resident

ON = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("birth", "elderly"),
    [
        (date(1961, 11, 22), True),
        (date(1961, 11, 23), False),
        (date(1961, 11, 21), True),
        (date(1940, 1, 1), True),
        (date(1962, 1, 1), False),
    ],
)
def test_65_and_over_at_the_boundary(birth: date, elderly: bool) -> None:
    assert is_elderly(birth, ON) is elderly
    assert (age_on(birth, ON) >= 65) is elderly


@pytest.mark.parametrize(
    ("birth", "child"),
    [
        (date(2019, 11, 23), True),  # 6 years old, 7 tomorrow
        (date(2019, 11, 22), False),  # 7 today
        (date(2026, 11, 22), True),  # born today
        (date(2020, 6, 1), True),
        (date(2026, 11, 23), False),  # not born yet
    ],
)
def test_children_0_to_6_at_the_boundary(birth: date, child: bool) -> None:
    assert is_child(birth, ON) is child


def test_29_february() -> None:
    assert years_before(date(2028, 2, 29), 65) == date(1963, 2, 28)
    assert is_elderly(date(1963, 2, 28), date(2028, 2, 29)) and not is_elderly(date(1963, 3, 1), date(2028, 2, 29))
    # Born on 29 February: 65 on 1 March in a common year, as the age arithmetic says.
    assert not is_elderly(date(1960, 2, 29), date(2025, 2, 28)) and is_elderly(date(1960, 2, 29), date(2025, 3, 1))
    assert age_on(date(1960, 2, 29), date(2025, 2, 28)) == 64


def test_flags_and_marks() -> None:
    flags = {"has_hypertension": True, "has_diabetes": False, "has_disability": True}
    assert derived_groups(date(1950, 1, 1), flags, ON, ["pregnant", "elderly"]) == ["elderly", "pregnant", "disabled", "hypertension"]


def test_sql_rule_matches_python_rule(database: Database) -> None:
    build_world(database)
    births = ["19611122", "19611123", "20191123", "20191122", "20261122", "19800101"]
    with database.unit_of_work() as s:
        people = {b: resident(s, birth=b).id for b in births}
        sick = resident(
            s, birth="19700101", past_diseases=[{"code": "2", "diagnosed_on": "2019-05"}, {"code": "9", "diagnosed_on": "2024-01"}]
        )
        rr = residents.readable_residents(CONSOLE)
        for group in ("elderly", "children", "hypertension", "tuberculosis", "diabetes"):
            found = set(s.scalars(select(rr.c.id).where(group_clause(group, rr.c, ON))))
            expected = set()
            for row in s.execute(select(rr)):
                if group in derived_groups(row.birth_date, row._mapping, ON):
                    expected.add(row.id)
            assert found == expected, group
        elderly = set(s.scalars(select(rr.c.id).where(group_clause("elderly", rr.c, ON))))
        children = set(s.scalars(select(rr.c.id).where(group_clause("children", rr.c, ON))))
        assert elderly == {people["19611122"]}
        assert children == {people["20191123"], people["20261122"]}
        assert views.resident_status(s, CONSOLE, sick.id, today=TODAY).key_groups == ["hypertension", "tuberculosis"]


def test_population_marks_hold_only_while_valid(database: Database) -> None:
    build_world(database)
    with database.unit_of_work() as s:
        woman = resident(s, birth="19950301", sex="2")
        mark = marks.add_mark(
            s,
            CONSOLE,
            {
                "resident_id": woman.id,
                "group_code": "孕产妇",
                "source": "县妇幼保健院",
                "list_name": "孕产妇保健手册登记",
                "valid_from": "2026-05-01",
                "valid_to": "2027-02-28",
            },
        )
        assert mark.group_code == "pregnant"
        rr = residents.readable_residents(CONSOLE)
        assert set(s.scalars(select(rr.c.id).where(group_clause("pregnant", rr.c, ON)))) == {woman.id}
        assert set(s.scalars(select(rr.c.id).where(group_clause("pregnant", rr.c, date(2027, 3, 1))))) == set()
        assert views.resident_status(s, CONSOLE, woman.id, today=TODAY).key_groups == ["pregnant"]
        marks.end_mark(s, CONSOLE, mark.id, "2026-11-01")
        assert views.resident_status(s, CONSOLE, woman.id, today=TODAY).key_groups == []
    with database.unit_of_work() as s, pytest.raises(ValidationFailed) as failed:
        marks.add_mark(s, CONSOLE, {"resident_id": woman.id, "group_code": "elderly", "valid_from": "2026-01-01", "valid_to": "2025-01-01"})
    assert {e.field for e in failed.value.errors} == {"group_code", "source", "valid_to"}


def test_marks_import_from_a_spreadsheet(database: Database) -> None:
    build_world(database)
    with database.unit_of_work() as s:
        person = resident(s, name="脱贫户甲", birth="19580101")
        s.flush()
        assert person.id_number is not None
        csv = (
            "身份证号,姓名,人群,来源单位,名单/文件,有效期起,有效期止\n"
            f"{person.id_number},脱贫户甲,脱贫人口,县乡村振兴局,2025年脱贫人口名单,2025-01-01,\n"
            f"{person.id_number},别人,脱贫人口,县乡村振兴局,2025年脱贫人口名单,2025-01-01,\n"
            "110101199001011234,无此人,计生特殊家庭,县卫健委,,2025-01-01,\n"
        ).encode()
        report = marks.import_marks(s, CONSOLE, "list.csv", csv)
        assert (report.rows, report.imported, [n for n, _ in report.rejected]) == (3, 1, [3, 4])
        assert "ID number" in report.lines("en")[0] and "身份证号" in report.lines("zh")[0]
        assert views.resident_status(s, CONSOLE, person.id, today=TODAY).key_groups == ["elderly", "poverty_alleviated"]
