"""A small contracts world on top of tests.factories.build_region: staff, two teams at
the township hospital, the basic package and a county's personalised package."""

from __future__ import annotations

import base64
import io
import re
import uuid
import zlib
from dataclasses import dataclass
from datetime import date
from itertools import count
from typing import Any

from PIL import Image
from sqlalchemy.orm import Session

from jiceng.accounts import service as accounts
from jiceng.contracts import consent, packages, teams
from jiceng.contracts import service as contracts
from jiceng.core.db import Database
from jiceng.core.security import Principal
from jiceng.registry import service as registry
from jiceng.residents import service as residents
from tests.factories import COUNTY, PASSWORD, Region, add_resident, build_region, id_number

TODAY = date(2026, 11, 22)
CONSOLE = Principal.console_operator()
_serial = count(1)


def png(width: int = 60, height: int = 24) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def unique_id_number(birth: str, sex: str = "1") -> str:
    """A valid ID number for a birth date (YYYYMMDD) and sex, unique within the test run."""
    return id_number(birth, f"{(2 * next(_serial) + (1 if sex == '1' else 2)) % 1000:03d}")


@dataclass
class World:
    region: Region
    team_a: uuid.UUID
    team_b: uuid.UUID
    basic: uuid.UUID
    personalised: uuid.UUID
    staff: dict[str, uuid.UUID]
    users: dict[str, Principal]

    def principal(self, username: str) -> Principal:
        if username in self.users:
            return self.users[username]
        return self.region.principal(username)


BASIC_ITEMS = [
    {"code": "A01", "name": "年度健康评估", "category": "public_health", "times_per_year": 1},
    {
        "code": "A02",
        "name": "高血压患者随访",
        "category": "public_health",
        "times_per_year": 4,
        "applies_to": "hypertension",
        "link_kind": "chronic_followup",
    },
    {
        "code": "A03",
        "name": "老年人健康体检",
        "category": "public_health",
        "times_per_year": 1,
        "applies_to": "elderly",
        "link_kind": "health_check",
    },
    {"code": "A04", "name": "常见病诊疗", "category": "basic_medical", "times_per_year": 0},
]


def _staff(s: Session, institution: uuid.UUID, code: str, name: str, profession: str, category: str = "") -> uuid.UUID:
    member = registry.create_staff(
        s,
        CONSOLE,
        {
            "staff_code": code,
            "name": name,
            "sex": "1",
            "institution_id": institution,
            "profession": profession,
            "practice_category": category,
            "education": "bachelor",
        },
    )
    return member.id


def build_world(db: Database, basic_from: date = date(2025, 1, 1)) -> World:
    region = build_region(db)
    with db.unit_of_work() as s:
        th = region.township_hospital
        staff = {
            "doc1": _staff(s, th, "S-DOC1", "李医生", "physician", "clinical"),
            "nurse1": _staff(s, th, "S-NUR1", "王护士", "nurse"),
            "ph1": _staff(s, th, "S-PH1", "赵公卫", "public_health_physician", "public_health"),
            "doc2": _staff(s, th, "S-DOC2", "钱医生", "physician", "tcm"),
            "nurse2": _staff(s, th, "S-NUR2", "孙护士", "nurse"),
            "ph2": _staff(s, th, "S-PH2", "周公卫", "public_health_physician", "public_health"),
            "vdoc": _staff(s, region.clinic_a, "S-VDOC", "吴村医", "village_doctor"),
        }
        users = {}
        for username, staff_key in (("teamdoc", "doc1"), ("teamdoc2", "doc2")):
            user = accounts.create_user(
                s, CONSOLE, username=username, password=PASSWORD, role="family_doctor", institution_id=th, staff_id=staff[staff_key]
            )
            users[username] = accounts.principal_for(user)
        user = accounts.create_user(
            s, CONSOLE, username="outsider", password=PASSWORD, role="family_doctor", institution_id=region.clinic_c
        )
        users["outsider"] = accounts.principal_for(user)
        admin = region.principal("admin_th")
        team_a = teams.create_team(
            s,
            admin,
            {
                "name": "李医生团队",
                "doctor_staff_id": staff["doc1"],
                "doctor_kind": "gp",
                "members": [
                    {"staff_id": staff["nurse1"], "role": "nurse"},
                    {"staff_id": staff["ph1"], "role": "public_health"},
                    {"staff_id": staff["vdoc"], "role": "village_doctor"},
                ],
            },
            today=TODAY,
        )
        team_b = teams.create_team(
            s,
            admin,
            {
                "name": "钱医生团队",
                "doctor_staff_id": staff["doc2"],
                "doctor_kind": "tcm",
                "members": [{"staff_id": staff["nurse2"], "role": "nurse"}, {"staff_id": staff["ph2"], "role": "public_health"}],
            },
            today=TODAY,
        )
        basic = packages.create_package(
            s,
            CONSOLE,
            {"code": "BASIC", "kind": "basic", "name": "基础服务包", "fee_government": "30", "fee_insurance": "50", "items": BASIC_ITEMS},
        )
        packages.publish_package(s, CONSOLE, basic.id, basic_from)
        personal = packages.create_package(
            s,
            CONSOLE,
            {
                "code": "HB-CHRONIC",
                "kind": "personalised",
                "county_code": COUNTY,
                "name": "慢病个性化服务包",
                "fee_insurance": "60",
                "fee_government": "20",
                "fee_resident": "40",
                "items": [{"code": "P01", "name": "上门随访", "category": "personalised", "times_per_year": 2}],
            },
        )
        packages.publish_package(s, CONSOLE, personal.id, basic_from)
        return World(region, team_a.id, team_b.id, basic.id, personal.id, staff, users)


def new_consent(s: Session, principal: Principal = CONSOLE) -> uuid.UUID:
    return consent.store_consent(s, principal, "signature", png(), "sign.png").id


def resident(s: Session, principal: Principal = CONSOLE, birth: str = "19800101", **overrides: Any) -> Any:
    return add_resident(s, principal, id_number=unique_id_number(birth, str(overrides.get("sex", "1"))), **overrides)


def sign(s: Session, world: World, resident_id: uuid.UUID, principal: Principal = CONSOLE, today: date = TODAY, **data: Any) -> Any:
    values = {"team_id": world.team_a, "consent_id": new_consent(s, principal), **data}
    return contracts.sign_contract(s, principal, resident_id, values, today=today)


def household(s: Session, head_id: uuid.UUID, members: list[uuid.UUID], principal: Principal = CONSOLE) -> uuid.UUID:
    created = residents.create_household(s, principal, head_id)
    for member in members:
        residents.add_household_member(s, principal, created.id, member, "20")
    return created.id


def pdf_contains(pdf: bytes, text: str) -> bool:
    """Whether text drawn with the CJK font (UCS-2 codes in a PDF string) is on a page.

    ReportLab writes page streams ASCII85- and Flate-encoded; strings escape
    non-printable bytes as octal and the characters ``( ) \\``.
    """
    wanted = text.encode("utf-16-be")
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        raw = match[1].strip()
        try:
            if raw.endswith(b"~>"):
                raw = base64.a85decode(raw[:-2])
            raw = zlib.decompress(raw)
        except (ValueError, zlib.error):
            continue
        for literal in re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", raw, re.S):
            decoded = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m[1], 8)]) if m[1][:1].isdigit() else m[1], literal, flags=re.S)
            if wanted in decoded:
                return True
    return False
