"""The region the chaos suite runs on, and who writes where.

Two townships: 交口镇 (T1: villages A and B, with clinic A as a village node) and 磁钟镇
(T2: villages C and D, with clinic C as a village node). Each village gets new records
from one place only (record numbers are per-village serials; see the report on
``residents.repository.next_record_serial``), while edits go everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from jiceng.accounts import service as accounts
from jiceng.core.db import Database
from jiceng.core.security import Principal
from jiceng.registry import service as registry
from jiceng.registry.models import Institution
from tests.factories import OTHER_TOWNSHIP, PASSWORD, VILLAGE_A, VILLAGE_B, VILLAGE_C, build_region

VILLAGE_D = "411202101202"
PLACES = {"t1": "T411202100", "t2": "T411202101", "v1": "V411202100201", "v2": "V411202101201"}


@dataclass(frozen=True)
class Writer:
    server: str  # "region", "t1", ...
    user: str
    villages: tuple[str, ...]  # where this writer's scope is
    registers_in: str | None  # the village it registers new residents in
    deletes: bool = False


WRITERS = [
    Writer("v1", "doctor_a", (VILLAGE_A,), VILLAGE_A),
    Writer("t1", "gpdoc", (VILLAGE_A, VILLAGE_B), VILLAGE_B),
    Writer("t1", "admin_th", (VILLAGE_A, VILLAGE_B), None, deletes=True),
    Writer("v2", "doctor_c", (VILLAGE_C,), VILLAGE_C),
    Writer("t2", "gp2", (VILLAGE_C, VILLAGE_D), VILLAGE_D),
    Writer("region", "gpdoc", (VILLAGE_A, VILLAGE_B), None),
    Writer("region", "gp2", (VILLAGE_C, VILLAGE_D), None),
]


def prepare(db: Database) -> None:
    """The factories' region plus the second township hospital and its clinic's parent."""
    build_region(db)
    console = Principal.console_operator()
    with db.unit_of_work() as s:
        registry.create_division(s, console, {"code": VILLAGE_D, "name": "北坡村"})
        t2 = registry.create_institution(
            s, console, {"code": PLACES["t2"], "name": "磁钟镇卫生院", "kind": "township_hospital", "division_code": OTHER_TOWNSHIP}
        )
        registry.set_catchment(s, console, t2.id, [VILLAGE_C, VILLAGE_D])
        clinic_c = registry.find_institution_by_code(s, PLACES["v2"])
        assert isinstance(clinic_c, Institution)
        clinic_c.parent_id = t2.id
        accounts.create_user(s, console, username="gp2", password=PASSWORD, role="family_doctor", institution_id=t2.id, display_name="gp2")
