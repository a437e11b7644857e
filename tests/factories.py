"""A small hand-built region for tests: two villages under one township, a county
hospital, and a user for the main roles. Values are fixed so tests can assert them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jiceng.accounts import service as accounts
from jiceng.core.db import Database
from jiceng.core.security import Principal
from jiceng.core.validators import id_check_digit
from jiceng.registry import service as registry
from jiceng.residents import service as residents

PASSWORD = "Test-Password-2026"
CITY, COUNTY, TOWNSHIP = "411200000000", "411202000000", "411202100000"
VILLAGE_A, VILLAGE_B = "411202100201", "411202100202"
OTHER_TOWNSHIP, VILLAGE_C = "411202101000", "411202101201"


def id_number(birth: str = "19800101", sequence: str = "123", place: str = "411202") -> str:
    body = f"{place}{birth}{sequence}"
    return body + id_check_digit(body)


@dataclass
class Region:
    clinic_a: uuid.UUID
    clinic_b: uuid.UUID
    clinic_c: uuid.UUID
    township_hospital: uuid.UUID
    county_hospital: uuid.UUID
    users: dict[str, Principal]

    def principal(self, username: str, interface: str = "web") -> Principal:
        return self.users[username].via(interface)


def build_region(db: Database) -> Region:
    console = Principal.console_operator()
    with db.unit_of_work() as s:
        for code, name in [
            ("410000000000", "河南省"),
            (CITY, "三门峡市"),
            (COUNTY, "湖滨区"),
            (TOWNSHIP, "交口镇"),
            (VILLAGE_A, "东坡村"),
            (VILLAGE_B, "西河村"),
            (OTHER_TOWNSHIP, "磁钟镇"),
            (VILLAGE_C, "南岭村"),
        ]:
            registry.create_division(s, console, {"code": code, "name": name})
        th = registry.create_institution(
            s, console, {"code": "T411202100", "name": "交口镇卫生院", "kind": "township_hospital", "division_code": TOWNSHIP}
        )
        ca = registry.create_institution(
            s,
            console,
            {"code": "V411202100201", "name": "东坡村卫生室", "kind": "village_clinic", "division_code": VILLAGE_A, "parent_id": th.id},
        )
        cb = registry.create_institution(
            s,
            console,
            {"code": "V411202100202", "name": "西河村卫生室", "kind": "village_clinic", "division_code": VILLAGE_B, "parent_id": th.id},
        )
        cc = registry.create_institution(
            s, console, {"code": "V411202101201", "name": "南岭村卫生室", "kind": "village_clinic", "division_code": VILLAGE_C}
        )
        ch = registry.create_institution(
            s, console, {"code": "H411202GEN", "name": "湖滨区人民医院", "kind": "county_general", "grade": "2A", "division_code": COUNTY}
        )
        registry.set_catchment(s, console, ca.id, [VILLAGE_A])
        registry.set_catchment(s, console, cb.id, [VILLAGE_B])
        registry.set_catchment(s, console, cc.id, [VILLAGE_C])
        registry.set_catchment(s, console, th.id, [VILLAGE_A, VILLAGE_B])
        plan: list[tuple[str, str, Any, str | None]] = [
            ("doctor_a", "village_doctor", ca.id, None),
            ("doctor_b", "village_doctor", cb.id, None),
            ("doctor_c", "village_doctor", cc.id, None),
            ("gpdoc", "family_doctor", th.id, None),
            ("nurse", "nurse", th.id, None),
            ("specialist", "specialist", ch.id, None),
            ("admin_th", "institution_admin", th.id, None),
            ("supervisor", "supervisor_county", None, COUNTY),
            ("sysadmin", "system_admin", None, None),
        ]
        users = {}
        for username, role, institution_id, division in plan:
            user = accounts.create_user(
                s,
                console,
                username=username,
                password=PASSWORD,
                role=role,
                institution_id=institution_id,
                division_code=division,
                display_name=username,
            )
            users[username] = accounts.principal_for(user)
        return Region(ca.id, cb.id, cc.id, th.id, ch.id, users)


def resident_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": "张三丰", "id_number": id_number(), "village_code": VILLAGE_A, "phone": "13812345678"}
    data.update(overrides)
    return data


def add_resident(session: Session, principal: Principal, **overrides: Any) -> Any:
    return residents.create_resident(session, principal, resident_data(**overrides), today=date(2026, 11, 22))
