"""Divisions, institutions, alliances, staff and the commission-style statistics."""

from __future__ import annotations

from datetime import date

import pytest

from jiceng.core.db import Database
from jiceng.core.errors import Forbidden, ValidationFailed
from jiceng.core.security import Principal
from jiceng.registry import service as registry
from tests.factories import COUNTY, TOWNSHIP, VILLAGE_A, build_region

CONSOLE = Principal.console_operator()


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("410000000000", "province", None),
        ("411200000000", "city", "410000000000"),
        ("411202000000", "county", "411200000000"),
        ("411202100000", "township", "411202000000"),
        ("411202100201", "village", "411202100000"),
    ],
)
def test_division_levels(code: str, level: str, parent: str | None) -> None:
    assert registry.division_level_of(code) == level
    assert registry.parent_code_of(code) == parent


def test_division_validation(database: Database) -> None:
    build_region(database)
    cases = {
        "4112": "invalid_format",
        "411202700000": "invalid_township",  # township digits beyond 599
        "411203100000": "unknown_parent",
        TOWNSHIP: "duplicate",
    }
    for code, expected in cases.items():
        with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
            registry.create_division(s, CONSOLE, {"code": code, "name": "测试"})
        assert failed.value.errors[0].code == expected, code


def test_division_path_top_first(database: Database) -> None:
    build_region(database)
    with database.unit_of_work() as s:
        assert [d.name for d in registry.division_path(s, VILLAGE_A)] == ["河南省", "三门峡市", "湖滨区", "交口镇", "东坡村"]


def test_institution_validation_names_fields(database: Database) -> None:
    build_region(database)
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        registry.create_institution(s, CONSOLE, {"code": "!", "name": "", "kind": "clinic", "division_code": "999", "phone": "12"})
    assert {e.field for e in failed.value.errors} == {"code", "name", "kind", "division_code", "phone"}


def test_only_registry_managers_change_the_registry(database: Database) -> None:
    region = build_region(database)
    with pytest.raises(Forbidden), database.unit_of_work() as s:
        registry.create_division(s, region.principal("gpdoc"), {"code": "411202102000", "name": "新镇"})


def test_catchment_can_be_replaced(database: Database) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        assert registry.set_catchment(s, CONSOLE, region.township_hospital, [VILLAGE_A]) == [VILLAGE_A]
    with database.unit_of_work() as s:
        assert registry.catchment_villages(s, region.township_hospital) == [VILLAGE_A]
    with pytest.raises(ValidationFailed), database.unit_of_work() as s:
        registry.set_catchment(s, CONSOLE, region.township_hospital, [TOWNSHIP])


def test_alliance_and_support_pairing(database: Database) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        alliance = registry.create_alliance(
            s,
            CONSOLE,
            {"name": "湖滨区医共体", "kind": "county_community", "lead_institution_id": region.county_hospital},
            [region.township_hospital, region.clinic_a],
        )
        registry.create_pairing(s, CONSOLE, region.county_hospital, region.township_hospital, date(2024, 1, 1), "专家坐诊")
        members = registry.alliance_members(s, alliance.id)
        assert {m.name for m in members} == {"湖滨区人民医院", "交口镇卫生院", "东坡村卫生室"}
        assert [a.name for a in registry.alliances_of(s, region.clinic_a)] == ["湖滨区医共体"]
        assert len(registry.pairings_of(s, region.township_hospital)) == 1


def test_statistics_match_hand_counts(database: Database) -> None:
    region = build_region(database)
    staff = [
        (region.township_hospital, "physician", "licensed_physician", "bachelor", "intermediate"),
        (region.township_hospital, "nurse", "registered_nurse", "college", "junior"),
        (region.township_hospital, "physician", "assistant_physician", "postgraduate", "associate_senior"),
        (region.clinic_a, "village_doctor", "village_doctor_certificate", "secondary", "none"),
        (region.clinic_b, "physician", "assistant_physician", "college", "assistant"),
        (region.county_hospital, "physician", "licensed_physician", "postgraduate", "senior"),  # not primary care
    ]
    with database.unit_of_work() as s:
        for n, (institution, profession, qualification, education, title) in enumerate(staff):
            registry.create_staff(
                s,
                CONSOLE,
                {
                    "staff_code": f"S{n:03d}",
                    "name": f"医生{n}",
                    "sex": "1",
                    "institution_id": institution,
                    "profession": profession,
                    "qualification": qualification,
                    "education": education,
                    "title": title,
                },
            )
    with database.unit_of_work() as s:
        stats = registry.statistics(s, region.principal("supervisor"), COUNTY)
    assert stats.institutions_by_kind == {"township_hospital": 1, "village_clinic": 3, "county_general": 1}
    assert stats.primary_institutions == 4 and stats.primary_staff == 5
    township = stats.township_level
    assert (township.total, township.bachelor_or_above, township.intermediate_title_or_above, township.licensed_or_assistant) == (
        3,
        2,
        2,
        2,
    )
    village = stats.village_level
    assert (village.total, village.bachelor_or_above, village.licensed_or_assistant) == (2, 0, 1)
    assert village.by_profession == {"village_doctor": 1, "physician": 1}


def test_staff_validation(database: Database) -> None:
    build_region(database)
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        registry.create_staff(
            s, CONSOLE, {"staff_code": "x", "name": "", "sex": "3", "profession": "wizard", "education": "", "phone": "1"}
        )
    assert {e.field for e in failed.value.errors} == {"staff_code", "name", "sex", "institution_id", "profession", "education", "phone"}
