"""A small population touching every indicator, with values worked out by hand.

Today is 2026-11-22; the open period "2026" runs 2026-01-01 – 2026-11-22 and "2025" is the
whole of 2025. Villages A and B are in 交口镇, C in 磁钟镇 (county 湖滨区, city 三门峡).

| who | village | born       | record           | 2026 (and 2025)                                                        |
|-----|---------|------------|------------------|------------------------------------------------------------------------|
| a1  | A       | 1950-03-01 | 2020, paper      | htn enrolled 2025-06-01; 4 clinic visits in 4 quarters, last 130/80;   |
|     |         |            |                  | 65+ check + TCM (2026-03-01); contract 2026-01-10 (team A)             |
| a2  | A       | 1980-05-05 | 2020             | htn enrolled 2025-06-01; one visit 2026-05-01 at 150/95                |
| a3  | A       | 1990-07-07 | 2026-02-01, paper| contract 2026-01-10                                                    |
| a4  | A       | 2012-01-01 | 2020             | (a child: no adult, key population "children" is 0–6 only: none)       |
| a5  | A       | 1955-01-01 | 2020, paper      | died 2026-09-01 (in no denominator)                                    |
| b1  | B       | 1960-06-01 | 2019, paper      | t2dm enrolled 2025-06-01; 4 visits FPG 6.2 in 4 quarters; 65+ check    |
| b2  | B       | 1970-08-08 | 2019             | contract 2025-03-01 (one year: ended 2026-02-28); signed again 2026-03-01 |
| c1  | C       | 1945-02-02 | 2018, paper      | nothing                                                                |
| c2  | C       | 1985-09-09 | 2018             | BP screening 2026-11-01 (a service record)                             |
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jiceng.chronic import service as chronic
from jiceng.contracts import service as contracts
from jiceng.core.db import Database
from jiceng.core.security import Principal
from jiceng.elderly import service as elderly
from jiceng.exams import service as exams
from jiceng.residents import service as residents
from tests.contracts.helpers import World, build_world, new_consent, sign
from tests.elderly.examples import SPEC_36_ANSWERS, asked
from tests.exams.helpers import elderly_check
from tests.factories import VILLAGE_A, VILLAGE_B, VILLAGE_C, add_resident, id_number

TODAY = date(2026, 11, 22)
CONSOLE = Principal.console_operator()
CITY, COUNTY = "411200000000", "411202000000"
TOWNSHIP_1, TOWNSHIP_2 = "411202100000", "411202101000"
MEASURED = {"height_cm": 160, "weight_kg": 65.3, "waist_cm": 88}
TCM = {"answers": asked(SPEC_36_ANSWERS), "guidance": {"qixu": ["1"]}}

PLAN = [  # key, village, born, record date, paper record
    ("a1", VILLAGE_A, "19500301", "2020-01-01", True),
    ("a2", VILLAGE_A, "19800505", "2020-01-01", False),
    ("a3", VILLAGE_A, "19900707", "2026-02-01", True),
    ("a4", VILLAGE_A, "20120101", "2020-01-01", False),
    ("a5", VILLAGE_A, "19550101", "2020-01-01", True),
    ("b1", VILLAGE_B, "19600601", "2019-01-01", True),
    ("b2", VILLAGE_B, "19700808", "2019-01-01", False),
    ("c1", VILLAGE_C, "19450202", "2018-01-01", True),
    ("c2", VILLAGE_C, "19850909", "2018-01-01", False),
]


@dataclass
class Population:
    world: World
    ids: dict[str, uuid.UUID]

    def principal(self, username: str) -> Principal:
        return self.world.principal(username)


def visit(s: Session, resident_id: uuid.UUID, disease: str, day: str, **fields: Any) -> None:
    data: dict[str, Any] = {"visit_date": day, "mode": "1", "adherence": "1"}
    data.update({"sbp": 130, "dbp": 80} if disease == "htn" else {"fpg": 6.2})
    data.update(fields)
    chronic.sign_visit(s, CONSOLE, resident_id, disease, data, today=TODAY)


def enrol(s: Session, resident_id: uuid.UUID, disease: str) -> None:
    data = {"disease": disease, "diagnosis_date": "2020-05-01", "source": "clinic", "enrolled_on": "2025-06-01"}
    chronic.enrol(s, CONSOLE, resident_id, data, today=TODAY)


def build(db: Database) -> Population:
    world = build_world(db, basic_from=date(2024, 1, 1))
    ids: dict[str, uuid.UUID] = {}
    with db.unit_of_work() as s:
        for n, (key, village, born, recorded, paper) in enumerate(PLAN):
            ids[key] = add_resident(
                s,
                CONSOLE,
                name="居民" + "甲乙丙丁戊己庚辛壬"[n],
                village_code=village,
                id_number=id_number(born, f"{300 + 2 * n + 1:03d}"),
                record_date=recorded,
                paper_record=paper,
            ).id
    with db.unit_of_work() as s:
        enrol(s, ids["a1"], "htn")
        for day in ("2026-02-01", "2026-05-01", "2026-08-01", "2026-11-01"):
            visit(s, ids["a1"], "htn", day)
        enrol(s, ids["a2"], "htn")
        visit(s, ids["a2"], "htn", "2026-05-01", sbp=150, dbp=95)
        enrol(s, ids["b1"], "t2dm")
        for day in ("2026-02-02", "2026-05-02", "2026-08-02", "2026-11-02"):
            visit(s, ids["b1"], "t2dm", day)
        elderly.record_elderly_visit(s, CONSOLE, ids["a1"], elderly_check(exam_date="2026-03-01", **MEASURED), TCM, today=TODAY)
        exams.create_health_check(s, CONSOLE, ids["b1"], elderly_check(exam_date="2026-04-01"), today=TODAY)
        chronic.record_screening(s, CONSOLE, ids["c2"], {"screened_on": "2026-11-01", "sbp": 126, "dbp": 78}, today=TODAY)
        sign(s, world, ids["a1"], today=date(2026, 1, 10), start_date="2026-01-10")
        sign(s, world, ids["a3"], today=date(2026, 1, 10), start_date="2026-01-10")
        first = sign(s, world, ids["b2"], today=date(2025, 3, 1), start_date="2025-03-01")
        contracts.renew_contract(s, CONSOLE, first.id, {"consent_id": new_consent(s)}, today=date(2026, 2, 28))
    with db.unit_of_work() as s:
        residents.change_status(s, CONSOLE, ids["a5"], "deceased", "2026-09-01")
    return Population(world, ids)
