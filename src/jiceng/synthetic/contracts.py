"""Family-doctor teams, service packages, contracts and population marks.

Teams sit at every township hospital and community health centre (a physician,
a nurse, a public-health physician, the village doctors of the villages they
serve). About 70% of residents are under contract, more in key populations; some
households sign together; a sample of last year's contracts is kept, most of them
renewed, some lapsed (about 85% renewal). Deliveries are generated for items already
due, most of them on time. Residents are read per township (bulk loading only).
"""

from __future__ import annotations

import math
import random
import uuid
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, text

from jiceng.contracts.codes import CHILD_MAX_AGE, ELDERLY_AGE
from jiceng.contracts.key_populations import years_before
from jiceng.contracts.models import Contract, ContractPackage, Delivery, Package, PackageItem, PopulationMark, Team, TeamMember
from jiceng.contracts.signing import add_years, period_end
from jiceng.core.durability import raw_cursor
from jiceng.residents.models import Resident
from jiceng.synthetic.context import GenerationContext, Village
from jiceng.synthetic.run import register_step

BASE_RATE = 0.62  # everyone else
KEY_RATE = 0.86  # key populations
HOUSEHOLD_SHARE = 0.35  # of signing heads, the whole household signs together
# Last year's contracts are generated for 15% of today's (which are then renewals)
# and for some residents without a contract now (lapsed): about 85% of last year's
# signers renewed. Only a sample of the history is kept, to bound the rows at city scale.
RENEWED_SHARE = 0.15
LAPSED_RATE = 0.065
PERSONALISED_RATE = 0.3  # chronic and elderly signers who add the county package
ON_TIME = 0.85  # share of due deliveries that happened
PANEL_TARGET = 1800  # residents per team the generator aims at

BASIC_ITEMS = [
    ("A01", "建立/更新健康档案与年度健康评估", "public_health", 1, None, "none"),
    ("A02", "健康教育与健康咨询", "public_health", 0, None, "none"),
    ("A03", "常见病多发病诊疗与用药指导", "basic_medical", 0, None, "none"),
    ("A04", "预约转诊与优先就诊", "basic_medical", 0, None, "none"),
    ("A05", "高血压患者健康管理（季度随访）", "public_health", 4, "hypertension", "chronic_followup"),
    ("A06", "2型糖尿病患者健康管理（季度随访）", "public_health", 4, "diabetes", "chronic_followup"),
    ("A07", "65岁及以上老年人健康体检", "public_health", 1, "elderly", "health_check"),
    ("A08", "老年人中医药健康管理", "public_health", 1, "elderly", "elderly_tcm"),
    ("A09", "0～6岁儿童健康管理", "public_health", 2, "children", "none"),
    ("A10", "孕产妇健康管理", "public_health", 2, "pregnant", "none"),
    ("A11", "严重精神障碍患者随访", "public_health", 4, "severe_mental_disorder", "none"),
    ("A12", "肺结核患者督导服务", "public_health", 6, "tuberculosis", "none"),
]
PERSONAL_ITEMS = [
    ("P01", "家庭医生上门随访", "personalised", 2, None, "none"),
    ("P02", "慢病长处方与用药提醒", "personalised", 0, None, "none"),
    ("P03", "中医适宜技术（针灸、推拿等）", "personalised", 0, None, "none"),
]
MARKS = [  # group, share of eligible residents, source, list
    ("pregnant", 0.06, "县妇幼保健院", "孕产妇保健手册登记"),
    ("poverty_alleviated", 0.04, "县乡村振兴局", "脱贫人口监测名单"),
    ("family_planning_special", 0.01, "县卫生健康委员会", "计划生育特殊家庭名单"),
]


def _package(
    ctx: GenerationContext, code: str, kind: str, name: str, county: str | None, fees: tuple[int, int, int], effective: date
) -> dict[str, Any]:
    return {
        "id": ctx.new_id(),
        "code": code,
        "revision": 1,
        "kind": kind,
        "name": name,
        "county_code": county,
        "description": "",
        "fee_total": sum(fees),
        "fee_insurance": fees[0],
        "fee_government": fees[1],
        "fee_resident": fees[2],
        "target_groups": ["hypertension", "diabetes", "elderly"] if kind == "personalised" else [],
        "status": "published",
        "effective_from": effective,
        "effective_to": None,
    }


def _items(ctx: GenerationContext, package_id: uuid.UUID, specs: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [
        {"id": ctx.new_id(), "package_id": package_id, "seq": n, "code": code, "name": name, "category": category,
         "times_per_year": times, "applies_to": group, "link_kind": link}
        for n, (code, name, category, times, group, link) in enumerate(specs, start=1)
    ]  # fmt: skip


class ContractFactory:
    def __init__(self, ctx: GenerationContext) -> None:
        self.ctx = ctx
        self.rng = ctx.child_rng("contracts")
        self.today = ctx.today
        self.effective = date(ctx.today.year - 2, 1, 1)
        self.due_items: dict[uuid.UUID, list[tuple[uuid.UUID, int, str | None]]] = {}
        self.basic: dict[str, Any] = {}
        self.personal: dict[str, dict[str, Any]] = {}

    def packages(self) -> None:
        self.basic = _package(self.ctx, "BASIC", "basic", "家庭医生签约基础服务包", None, (5000, 3000, 0), self.effective)
        rows, items = [self.basic], _items(self.ctx, self.basic["id"], BASIC_ITEMS)
        for county in self.ctx.scale.counties:
            code = county.code.ljust(12, "0")
            row = _package(
                self.ctx,
                f"P{county.code}-01",
                "personalised",
                f"{county.name}慢病与老年人个性化服务包",
                code,
                (6000, 2000, 4000),
                self.effective,
            )
            self.personal[code] = row
            rows.append(row)
            items += _items(self.ctx, row["id"], PERSONAL_ITEMS)
        self.ctx.loader.load(Package, rows)
        self.ctx.loader.load(PackageItem, items)
        for item in items:
            if item["times_per_year"]:
                self.due_items.setdefault(item["package_id"], []).append((item["id"], item["times_per_year"], item["applies_to"]))
        for row in rows:
            self.due_items.setdefault(row["id"], [])

    def teams(self) -> dict[str, dict[str, Any]]:
        """Teams at each township hospital / community centre; village code -> its team."""
        by_hospital: dict[uuid.UUID, list[Village]] = defaultdict(list)
        for village in self.ctx.villages:
            by_hospital[village.township_hospital_id].append(village)
        team_rows, member_rows, village_team = [], [], {}
        for hospital_id, villages in by_hospital.items():
            staff = self.ctx.staff.get(hospital_id, {})
            doctors = staff.get("physician", [])
            if not doctors:
                continue
            nurses = staff.get("nurse") or doctors
            public_health = staff.get("public_health_physician") or doctors
            expected = len(villages) * self.ctx.scale.residents_per_village * 0.7
            count = max(1, min(len(doctors), math.ceil(expected / PANEL_TARGET)))
            for n in range(count):
                served = villages[n::count]
                # Villages hold at most 115% of the scale's residents each: the limit is never reached.
                limit = max(2000, math.ceil(len(served) * self.ctx.scale.residents_per_village * 1.15 / 100) * 100)
                team_id = self.ctx.new_id()
                team = {
                    "id": team_id, "code": f"T{villages[0].township_code[:9]}-{n + 1:02d}", "name": f"家庭医生团队{n + 1}号",
                    "institution_id": hospital_id, "doctor_staff_id": doctors[n], "doctor_kind": "gp", "panel_limit": limit,
                    "status": "active", "established_on": date(2021, 1, 1), "dissolved_on": None, "notes": "",
                }  # fmt: skip
                team_rows.append(team)
                for staff_id, role in (
                    (doctors[n], "family_doctor"),
                    (nurses[n % len(nurses)], "nurse"),
                    (public_health[n % len(public_health)], "public_health"),
                ):
                    member_rows.append(self._member(team_id, staff_id, role))
                for village in served:
                    village_team[village.code] = team
                    clinic = self.ctx.staff.get(village.clinic_id, {})
                    for staff_id in (clinic.get("village_doctor") or clinic.get("physician") or [])[:1]:
                        member_rows.append(self._member(team_id, staff_id, "village_doctor"))
        self.ctx.loader.load(Team, team_rows)
        self.ctx.loader.load(TeamMember, member_rows)
        return village_team

    def _member(self, team_id: uuid.UUID, staff_id: uuid.UUID, role: str) -> dict[str, Any]:
        return {
            "id": self.ctx.new_id(),
            "team_id": team_id,
            "staff_id": staff_id,
            "role": role,
            "joined_on": date(2021, 1, 1),
            "left_on": None,
        }

    def template(self, team: dict[str, Any]) -> dict[str, Any]:
        """The columns every contract of a team shares."""
        return {
            "team_id": team["id"], "doctor_staff_id": team["doctor_staff_id"], "institution_id": team["institution_id"],
            "basic_package_id": self.basic["id"], "sign_mode": "individual", "sign_group_id": None, "continuity": "new",
            "previous_contract_id": None, "status": "active", "terminated_on": None, "termination_reason": None, "termination_note": "",
            "consent_kind": "paper_on_file", "consent_id": None, "signatory_relation": "self", "fee_resident": 0, "signed_by": "generator",
        }  # fmt: skip

    def contract(self, base: dict[str, Any], person: tuple[Any, ...], start: date, end: date | None = None) -> dict[str, Any]:
        contract_id = self.ctx.new_id()
        end = end or period_end(start)
        row = dict(base)
        row.update(
            id=contract_id, contract_number=f"QY{start:%Y}{contract_id.hex[-16:].upper()}", resident_id=person[0], household_id=person[4],
            signatory_name=person[1], signed_on=start, start_date=start, end_date=end, ended_on=end,
        )  # fmt: skip
        return row


def _residents(ctx: GenerationContext, township_code: str) -> list[tuple[Any, ...]]:
    """(id, name, birth date, sex, household, status, village, hypertension, diabetes, TB, SMD, disability) per resident."""
    columns = (Resident.id, Resident.name, Resident.birth_date, Resident.sex, Resident.household_id, Resident.status, Resident.village_code,
               Resident.has_hypertension, Resident.has_diabetes, Resident.has_tuberculosis, Resident.has_severe_mental_disorder, Resident.has_disability)  # fmt: skip
    prefix = township_code[:9]
    stmt = select(*columns).where(Resident.village_code.between(prefix + "000", prefix + "999"), Resident.deleted_at.is_(None))
    if ctx.loader.is_postgres:
        # psycopg already returns UUIDs, dates and booleans; skipping the ORM's row objects
        # halves the time to read a city's residents.
        sql = str(stmt.compile(dialect=ctx.session.get_bind().dialect, compile_kwargs={"literal_binds": True}))
        cursor = raw_cursor(ctx.session.connection())
        cursor.execute(sql)
        return list(cursor.fetchall())
    return [tuple(row) for row in ctx.session.execute(stmt)]


def generate_contracts(ctx: GenerationContext) -> None:
    factory = ContractFactory(ctx)
    factory.packages()
    village_team = factory.teams()
    townships = sorted({v.township_code for v in ctx.villages if v.code in village_team})
    for done, township in enumerate(townships, start=1):
        _township(ctx, factory, village_team, _residents(ctx, township))
        ctx.progress("contracts", done, len(townships))
    if ctx.loader.is_postgres:
        # Freshly COPYed tables have no planner statistics until autovacuum runs; the
        # indicator queries join millions of rows and need them at once.
        for table in ("resident", *(m.__tablename__ for m in (Contract, PopulationMark, Delivery, ContractPackage, Team, TeamMember))):
            ctx.session.execute(text(f'ANALYZE "{table}"'))


class Groups:
    """Key populations of a generated resident, without building a list per person."""

    def __init__(self, today: date) -> None:
        self.elderly = years_before(today, ELDERLY_AGE)
        self.child = years_before(today, CHILD_MAX_AGE + 1)
        self.adult = years_before(today, 18)

    def of(self, person: tuple[Any, ...], marked: list[str] | None) -> set[str]:
        found = set(marked) if marked else set()
        if person[2] <= self.elderly:
            found.add("elderly")
        elif person[2] > self.child:
            found.add("children")
        for index, group in FLAGS:
            if person[index]:
                found.add(group)
        return found


FLAGS = ((7, "hypertension"), (8, "diabetes"), (9, "tuberculosis"), (10, "severe_mental_disorder"), (11, "disabled"))
PERSONALISED_FOR = {"hypertension", "diabetes", "elderly"}


def _township(
    ctx: GenerationContext, factory: ContractFactory, village_team: dict[str, dict[str, Any]], people: list[tuple[Any, ...]]
) -> None:
    rng, today, groups_of = factory.rng, factory.today, Groups(factory.today)
    marks: list[dict[str, Any]] = []
    contracts: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    deliveries: list[dict[str, Any]] = []
    marked: dict[uuid.UUID, list[str]] = {}
    households: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
    for person in people:
        if person[5] != "active":
            continue
        households[person[4] or person[0]].append(person)
        for group, share, source, list_name in MARKS:
            if rng.random() < share and _eligible(group, person, today):
                since = today - timedelta(days=rng.randrange(30, 240))
                marks.append({"id": ctx.new_id(), "resident_id": person[0], "group_code": group, "source": source, "list_name": list_name,
                              "valid_from": since, "valid_to": None, "note": "", "recorded_by": "generator"})  # fmt: skip
                marked.setdefault(person[0], []).append(group)
    templates = {team["id"]: factory.template(team) for team in village_team.values()}
    for members in households.values():
        team = village_team.get(members[0][6])
        if team is None:
            continue
        base = templates[team["id"]]
        personal = factory.personal.get(members[0][6][:6].ljust(12, "0"))
        together = len(members) > 1 and rng.random() < HOUSEHOLD_SHARE
        shared_start = today - timedelta(days=rng.randrange(365))
        group_id = ctx.new_id() if together else None
        for person in members:
            groups = groups_of.of(person, marked.get(person[0]))
            if rng.random() >= (KEY_RATE if groups else BASE_RATE):
                if rng.random() < LAPSED_RATE:
                    start = today - timedelta(days=365 + rng.randrange(300))
                    contracts.append(factory.contract(base, person, start) | {"status": "expired"})
                continue
            start = shared_start if together else today - timedelta(days=rng.randrange(365))
            row = factory.contract(base, person, start)
            if together:
                row.update(sign_mode="household", sign_group_id=group_id)
            if rng.random() < RENEWED_SHARE:
                previous = factory.contract(base, person, add_years(start, -1), start - timedelta(days=1))
                previous["status"] = "renewed"
                contracts.append(previous)
                row.update(continuity="renewal", previous_contract_id=previous["id"])
            if person[2] > groups_of.adult:
                row["signatory_relation"] = "guardian"
            package_ids = [factory.basic["id"]]
            if personal and groups & PERSONALISED_FOR and rng.random() < PERSONALISED_RATE:
                row["fee_resident"] = personal["fee_resident"]
                package_ids.append(personal["id"])
                links.append({"id": ctx.new_id(), "contract_id": row["id"], "package_id": personal["id"]})
            contracts.append(row)
            _deliveries(ctx, rng, factory, row, package_ids, groups, deliveries)
    ctx.loader.load(PopulationMark, marks)
    ctx.loader.load(Contract, contracts)
    ctx.loader.load(ContractPackage, links)
    ctx.loader.load(Delivery, deliveries)


def _eligible(group: str, person: tuple[Any, ...], today: date) -> bool:
    age = today.year - person[2].year
    if group == "pregnant":
        return person[3] == "2" and 20 <= age <= 40
    if group == "family_planning_special":
        return age >= 50
    return True


def _deliveries(
    ctx: GenerationContext,
    rng: random.Random,
    factory: ContractFactory,
    contract: dict[str, Any],
    package_ids: list[uuid.UUID],
    groups: set[str],
    rows: list[dict[str, Any]],
) -> None:
    start, days = contract["start_date"], (contract["end_date"] - contract["start_date"]).days + 1
    elapsed = (factory.today - start).days + 1
    for package_id in package_ids:
        for item_id, times, applies_to in factory.due_items[package_id]:
            if applies_to and applies_to not in groups:
                continue
            for k in range(1, times * elapsed // days + 1):
                if rng.random() < ON_TIME:
                    when = start + timedelta(days=(2 * k - 1) * days // (2 * times))
                    rows.append({"id": ctx.new_id(), "contract_id": contract["id"], "item_id": item_id, "resident_id": contract["resident_id"],
                                 "delivered_on": when, "staff_id": contract["doctor_staff_id"], "status": "delivered", "amends_id": None,
                                 "source_kind": "none", "source_record_id": None, "note": "", "recorded_by": "generator"})  # fmt: skip


register_step("contracts", generate_contracts, 30)
