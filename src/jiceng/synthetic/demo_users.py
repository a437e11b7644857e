"""A sign-in for every human role on a generated region (the demo)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiceng.accounts import service as accounts
from jiceng.core.permissions import ROLES
from jiceng.core.security import Principal
from jiceng.registry.models import Division, Institution, Staff


@dataclass
class DemoLogin:
    username: str
    password: str
    role: str
    where: str


def _first(session: Session, kind: str) -> Institution:
    found = session.scalars(select(Institution).where(Institution.kind == kind).order_by(Institution.code)).first()
    if found is None:
        raise LookupError(kind)
    return found


def _staff(session: Session, institution: Institution, profession: str) -> Staff | None:
    stmt = select(Staff).where(Staff.institution_id == institution.id, Staff.profession == profession).order_by(Staff.staff_code)
    return session.scalars(stmt).first()


def create_demo_users(session: Session, password_for: dict[str, str] | None = None) -> list[DemoLogin]:
    """One user per human role, placed where that role works in the generated region."""
    console = Principal.console_operator()
    clinic = session.scalars(
        select(Institution).where(Institution.kind.in_(("village_clinic", "community_station"))).order_by(Institution.code)
    ).first()
    if clinic is None:
        raise LookupError("village clinic")
    township = session.get(Institution, clinic.parent_id) if clinic.parent_id else _first(session, "township_hospital")
    hospital = _first(session, "county_general")
    county = session.scalar(select(Division).where(Division.code == hospital.division_code))
    city = session.scalar(select(Division).where(Division.level == "city"))
    assert township is not None and county is not None and city is not None
    plan = [
        ("village_doctor", "cunyi", clinic, None, "village_doctor"),
        ("family_doctor", "jiating", township, None, "physician"),
        ("nurse", "hushi", township, None, "nurse"),
        ("public_health", "gongwei", township, None, "public_health_physician"),
        ("exam_operator", "tijian", township, None, "technician"),
        ("specialist", "zhuanke", hospital, None, "physician"),
        ("reader", "yingxiang", hospital, None, "technician"),
        ("institution_admin", "jigou", township, None, None),
        ("supervisor_county", "xianwei", None, county.code, None),
        ("supervisor_city", "shiwei", None, city.code, None),
        ("system_admin", "admin", None, None, None),
    ]
    logins = []
    for role, username, institution, division, profession in plan:
        password = (password_for or {}).get(username) or accounts.generate_password()
        staff = _staff(session, institution, profession) if institution and profession else None
        display = staff.name if staff else ROLES[role].name_zh
        accounts.create_user(
            session,
            console,
            username=username,
            password=password,
            role=role,
            display_name=display,
            institution_id=institution.id if institution else None,
            division_code=division,
            staff_id=staff.id if staff else None,
        )
        logins.append(DemoLogin(username, password, role, institution.name if institution else (division or "")))
    return logins
