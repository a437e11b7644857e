"""Divisions, institutions, catchments, alliances, counterpart support and staff."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from jiceng.registry.models import (
    Alliance,
    AllianceMember,
    Division,
    Institution,
    InstitutionCatchment,
    Staff,
    SupportPairing,
)
from jiceng.synthetic.context import GenerationContext, Village
from jiceng.synthetic.names import COMMUNITY_SUFFIXES, TOWN_SUFFIXES, VILLAGE_SUFFIXES, NameMaker
from jiceng.synthetic.scales import CountySpec

HOSPITAL_KINDS = (("county_general", "人民医院", "2A"), ("county_tcm", "中医院", "2A"), ("county_mch", "妇幼保健院", "2B"))
CITY_HOSPITALS = (
    ("city_general", "三门峡市中心医院", "3A"),
    ("city_tcm", "三门峡市中医院", "3B"),
    ("city_mch", "三门峡市妇幼保健院", "3B"),
)


def generate_registry(ctx: GenerationContext) -> None:
    rng = ctx.child_rng("registry")
    names = NameMaker(rng)
    divisions: list[dict[str, Any]] = []
    institutions: list[dict[str, Any]] = []
    catchments: list[dict[str, Any]] = []
    province, city = ctx.scale.province, ctx.scale.city
    divisions.append(_division(ctx, province[0], province[1], "province", None))
    divisions.append(_division(ctx, city[0], city[1], "city", province[0]))
    if ctx.scale.city_hospitals:
        for kind, name, grade in CITY_HOSPITALS:
            institutions.append(_institution(ctx, f"H{city[0][:4]}{kind[-3:].upper()}", name, kind, grade, city[0], None))
    for county in ctx.scale.counties:
        _county(ctx, county, names, divisions, institutions, catchments)
    ctx.loader.load(Division, divisions)
    ctx.loader.load(Institution, institutions)
    ctx.loader.load(InstitutionCatchment, catchments)
    for row in institutions:
        ctx.institutions.setdefault(row["kind"], []).append(row["id"])
    _alliances(ctx, institutions)
    _staff(ctx, institutions, names)


def _division(
    ctx: GenerationContext, code: str, name: str, level: str, parent: str | None, urban_class: str | None = None
) -> dict[str, Any]:
    return {"id": ctx.new_id(), "code": code, "name": name, "level": level, "parent_code": parent, "urban_rural_class": urban_class}


def _institution(
    ctx: GenerationContext, code: str, name: str, kind: str, grade: str, division: str, parent: uuid.UUID | None, address: str = ""
) -> dict[str, Any]:
    phone = f"0398-{ctx.rng.randint(2000000, 8999999)}"
    return {
        "id": ctx.new_id(),
        "code": code,
        "name": name,
        "kind": kind,
        "grade": grade,
        "division_code": division,
        "parent_id": parent,
        "address": address,
        "phone": phone,
        "ownership": "public",
    }


def _county(ctx: GenerationContext, spec: CountySpec, names: NameMaker, divisions: list, institutions: list, catchments: list) -> None:
    county_code = spec.code.ljust(12, "0")
    divisions.append(_division(ctx, county_code, spec.name, "county", ctx.scale.city[0]))
    hospitals = {}
    for kind, suffix, grade in HOSPITAL_KINDS:
        row = _institution(ctx, f"H{spec.code}{kind[-3:].upper()}", f"{spec.name}{suffix}", kind, grade, county_code, None)
        institutions.append(row)
        hospitals[kind] = row["id"]
    ctx.county_hospitals[spec.code] = hospitals
    used: set[str] = set()
    plan = [("street", i + 1, spec.communities_per_street) for i in range(spec.streets)]
    # 镇 100-199 for the first half, 乡 200-399 for the rest (GB/T 10114).
    plan += [("town" if i < (spec.townships + 1) // 2 else "township", i, spec.villages_per_township) for i in range(spec.townships)]
    for kind, index, village_count in plan:
        part = index if kind == "street" else (100 + index if kind == "town" else 200 + index)
        township_code = f"{spec.code}{part:03d}000"
        township_name = names.place(used, (TOWN_SUFFIXES[kind],))
        divisions.append(_division(ctx, township_code, township_name, "township", county_code))
        hospital_kind = "community_center" if kind == "street" else "township_hospital"
        hospital_name = township_name + ("社区卫生服务中心" if kind == "street" else "卫生院")
        hospital = _institution(ctx, f"T{township_code[:9]}", hospital_name, hospital_kind, "unrated", township_code, None)
        institutions.append(hospital)
        for v in range(village_count):
            urban = kind == "street"
            village_part = (v + 1) if urban else (200 + v + 1)
            code = f"{township_code[:9]}{village_part:03d}"
            village_name = names.place(used, COMMUNITY_SUFFIXES if urban else VILLAGE_SUFFIXES)
            divisions.append(_division(ctx, code, village_name, "village", township_code, "111" if urban else "220"))
            clinic_kind = "community_station" if urban else "village_clinic"
            clinic_name = village_name + ("卫生服务站" if urban else "卫生室")
            clinic = _institution(
                ctx, f"V{code}", clinic_name, clinic_kind, "unrated", code, hospital["id"], address=f"{township_name}{village_name}"
            )
            institutions.append(clinic)
            catchments.append({"id": ctx.new_id(), "institution_id": clinic["id"], "village_code": code})
            catchments.append({"id": ctx.new_id(), "institution_id": hospital["id"], "village_code": code})
            ctx.villages.append(Village(code, village_name, township_code, spec.code, urban, clinic["id"], hospital["id"]))


def _alliances(ctx: GenerationContext, institutions: list[dict[str, Any]]) -> None:
    """One 医共体 per county led by the county general hospital; a city 医联体 if any."""
    alliances, members, pairings = [], [], []
    by_county: dict[str, list[dict[str, Any]]] = {}
    for row in institutions:
        by_county.setdefault(row["division_code"][:6], []).append(row)
    for county, hospitals in ctx.county_hospitals.items():
        lead = hospitals["county_general"]
        alliance_id = ctx.new_id()
        alliances.append(
            {
                "id": alliance_id,
                "name": f"{_county_name(ctx, county)}县域医共体",
                "kind": "county_community",
                "lead_institution_id": lead,
                "division_code": county.ljust(12, "0"),
                "established_on": date(2020, 6, 1),
            }
        )
        for row in by_county.get(county, []):
            members.append({"id": ctx.new_id(), "alliance_id": alliance_id, "institution_id": row["id"], "joined_on": date(2020, 6, 1)})
            if row["kind"] in ("township_hospital", "community_center"):
                pairings.append(
                    {
                        "id": ctx.new_id(),
                        "supporting_institution_id": lead,
                        "supported_institution_id": row["id"],
                        "start_date": date(2021, 1, 1),
                        "end_date": None,
                        "content": "专家坐诊、业务培训、远程会诊",
                    }
                )
    city_lead = [r for r in institutions if r["kind"] == "city_general"]
    if city_lead:
        alliance_id = ctx.new_id()
        alliances.append(
            {
                "id": alliance_id,
                "name": f"{ctx.scale.city[1]}城市医疗集团",
                "kind": "urban_alliance",
                "lead_institution_id": city_lead[0]["id"],
                "division_code": ctx.scale.city[0],
                "established_on": date(2019, 9, 1),
            }
        )
        urban = [r for r in institutions if r["kind"] in ("city_general", "city_tcm", "city_mch", "community_center", "community_station")]
        members += [
            {"id": ctx.new_id(), "alliance_id": alliance_id, "institution_id": r["id"], "joined_on": date(2019, 9, 1)} for r in urban
        ]
    ctx.loader.load(Alliance, alliances)
    ctx.loader.load(AllianceMember, members)
    ctx.loader.load(SupportPairing, pairings)


def _county_name(ctx: GenerationContext, county: str) -> str:
    return next(c.name for c in ctx.scale.counties if c.code == county)


# (profession, practice category, qualification) with weights, per institution level.
TOWNSHIP_MIX = [
    (("physician", "clinical", "licensed_physician"), 22),
    (("physician", "clinical", "assistant_physician"), 9),
    (("physician", "tcm", "licensed_physician"), 5),
    (("public_health_physician", "public_health", "licensed_physician"), 7),
    (("nurse", "", "registered_nurse"), 30),
    (("pharmacist", "", "pharmacist"), 6),
    (("technician", "", "none"), 10),
    (("other_technical", "", "none"), 6),
    (("manager", "", "none"), 5),
]
VILLAGE_MIX = [
    (("village_doctor", "", "village_doctor_certificate"), 62),
    (("physician", "clinical", "assistant_physician"), 24),
    (("physician", "clinical", "licensed_physician"), 10),
    (("nurse", "", "registered_nurse"), 4),
]
# Seed 001: 734 of 2,225 township-level staff hold a bachelor's degree or more, 657 an
# intermediate title or more.
TOWNSHIP_EDUCATION = [("postgraduate", 1), ("bachelor", 32), ("college", 42), ("secondary", 22), ("high_school_or_less", 3)]
VILLAGE_EDUCATION = [("bachelor", 4), ("college", 22), ("secondary", 58), ("high_school_or_less", 16)]
TOWNSHIP_TITLE = [("senior", 1), ("associate_senior", 6), ("intermediate", 23), ("junior", 40), ("assistant", 22), ("none", 8)]
VILLAGE_TITLE = [("intermediate", 2), ("junior", 14), ("assistant", 24), ("none", 60)]
HOSPITAL_MIX = [
    (("physician", "clinical", "licensed_physician"), 50),
    (("physician", "tcm", "licensed_physician"), 8),
    (("nurse", "", "registered_nurse"), 30),
    (("technician", "", "none"), 12),
]


def _pick(rng: Any, options: list) -> Any:
    return rng.choices([o for o, _ in options], [w for _, w in options])[0]


def _count(rng: Any, mean: float) -> int:
    low = int(mean)
    return low + (1 if rng.random() < mean - low else 0)


def _staff(ctx: GenerationContext, institutions: list[dict[str, Any]], names: NameMaker) -> None:
    rng = ctx.child_rng("staff")
    rows = []
    for institution in institutions:
        kind = institution["kind"]
        if kind in ("township_hospital", "community_center"):
            count, mix, education, title = (
                _count(rng, ctx.scale.staff_per_township_institution),
                TOWNSHIP_MIX,
                TOWNSHIP_EDUCATION,
                TOWNSHIP_TITLE,
            )
        elif kind in ("village_clinic", "community_station"):
            count, mix, education, title = (
                max(1, _count(rng, ctx.scale.staff_per_village_institution)),
                VILLAGE_MIX,
                VILLAGE_EDUCATION,
                VILLAGE_TITLE,
            )
        else:
            count, mix, education, title = (
                12,
                HOSPITAL_MIX,
                [("postgraduate", 30), ("bachelor", 60), ("college", 10)],
                [("senior", 10), ("associate_senior", 25), ("intermediate", 40), ("junior", 25)],
            )
        by_profession: dict[str, list[uuid.UUID]] = {}
        for n in range(count):
            profession, category, qualification = _pick(rng, mix) if n else _first_role(kind)
            sex = "2" if profession == "nurse" or rng.random() < 0.45 else "1"
            staff_id = ctx.new_id()
            birth_year = ctx.today.year - rng.randint(24, 60)
            rows.append(
                {
                    "id": staff_id,
                    "staff_code": f"{institution['code'][:14]}{n + 1:03d}",
                    "name": names.person(sex),
                    "sex": sex,
                    "birth_date": date(birth_year, rng.randint(1, 12), rng.randint(1, 28)),
                    "phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
                    "institution_id": institution["id"],
                    "profession": profession,
                    "practice_category": category,
                    "qualification": qualification,
                    "education": _pick(rng, education),
                    "title": _pick(rng, title),
                    "employment_status": "active",
                }
            )
            by_profession.setdefault(profession, []).append(staff_id)
        ctx.staff[institution["id"]] = by_profession
    ctx.loader.load(Staff, rows)


def _first_role(kind: str) -> tuple[str, str, str]:
    """Every institution has at least one doctor (the first staff member)."""
    if kind in ("village_clinic", "community_station"):
        return ("village_doctor", "", "village_doctor_certificate")
    return ("physician", "clinical", "licensed_physician")
