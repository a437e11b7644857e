"""Worklists for a doctor or a team: who is urgent, overdue, due, or not seen.

One indexed query reads the managed patients in the principal's scope with their names
(the schedule is kept on the enrolment row when a visit is signed, so no visit table is
scanned); a second reads the open referrals. Buckets overlap: an urgent patient may also be due.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiceng.chronic import access, codes
from jiceng.chronic.models import Enrolment, Referral
from jiceng.chronic.rules import age_on
from jiceng.chronic.settings import load_rules
from jiceng.core import audit
from jiceng.core.clock import local_today
from jiceng.core.scope import in_subquery
from jiceng.core.security import Principal
from jiceng.residents import service as residents

# The enrolment columns a worklist needs (no ORM objects: a township GP has thousands).
SCHEDULE = (
    Enrolment.id,
    Enrolment.resident_id,
    Enrolment.disease,
    Enrolment.next_due_date,
    Enrolment.next_visit_kind,
    Enrolment.last_visit_date,
    Enrolment.last_category,
    Enrolment.last_sbp,
    Enrolment.last_dbp,
    Enrolment.last_fpg,
    Enrolment.last_urgent,
    Enrolment.uncontrolled_streak,
)
BUCKETS = ("urgent", "referrals", "overdue", "due_this_week", "upcoming", "not_seen_quarter")


@dataclass(frozen=True)
class WorkItem:
    enrolment_id: uuid.UUID
    resident_id: uuid.UUID
    name: str
    sex: str
    age: int
    village_code: str
    disease: str
    due: date | None  # next visit, or the referral's follow-up date
    next_visit_kind: str | None
    last_visit_date: date | None
    last_category: str | None
    last_sbp: int | None
    last_dbp: int | None
    last_fpg: float | None
    urgent: bool
    streak: int
    days_overdue: int
    referral_id: uuid.UUID | None = None
    referral_kind: str | None = None
    reasons: tuple[str, ...] = ()


@dataclass
class Worklist:
    today: date
    week_end: date
    quarter_start: date
    mine: bool
    buckets: dict[str, list[WorkItem]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(items) for name, items in self.buckets.items()}

    def items(self) -> Iterable[tuple[str, WorkItem]]:
        for name in BUCKETS:
            for item in self.buckets.get(name, []):
                yield name, item


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def worklist(
    session: Session,
    principal: Principal,
    *,
    today: date | None = None,
    mine: bool = False,
    disease: str | None = None,
    audit_view: bool = True,
) -> Worklist:
    """Today's worklist for the principal's patients (``mine``: only those they are responsible for)."""
    principal.require(access.READ)
    today = today or local_today()
    rules = load_rules(session)
    mine = mine and principal.staff_id is not None
    result = Worklist(today, today + timedelta(days=6), quarter_start(today), mine, {name: [] for name in BUCKETS})
    by_enrolment: dict[uuid.UUID, Any] = {}
    for row in session.execute(_enrolments(principal, mine, disease)):
        by_enrolment[row.id] = row
        _file(result, row, _resident(row, today), today, rules)
    for row in session.execute(_referrals(principal, disease)):
        referral = row.Referral
        known = by_enrolment.get(referral.enrolment_id) if referral.enrolment_id else None
        if known is None and (referral.enrolment_id is not None or (mine and referral.institution_id != principal.institution_id)):
            continue  # another doctor's patient, or an enrolment that is no longer managed
        resident = _resident(row, today)
        base = _item(known, resident, today) if known else _screening_item(referral, resident)
        result.buckets["referrals"].append(
            _replace(
                base,
                today,
                due=referral.followup_due,
                referral_id=referral.id,
                referral_kind=referral.kind,
                reasons=tuple(referral.reasons),
            )
        )
    for name, items in result.buckets.items():
        items.sort(key=lambda i: (i.due or date.max, i.name) if name != "not_seen_quarter" else (i.last_visit_date or date.min, i.name))
    if audit_view:
        audit.record(session, principal, "view", "chronic_worklist", detail={"counts": result.counts, "mine": mine})
    return result


def _in_scope(principal: Principal, column: Any) -> tuple[Any, Any]:
    """The readable residents (joined for their names) and the test that keeps ``column``
    to the active ones among them: on PostgreSQL an array the planner looks up in the
    enrolment index, so a doctor's worklist never scans the region's enrolments."""
    r = residents.readable_residents(principal)
    return r, in_subquery(column, select(r.c.id).where(r.c.status == "active"))


def _enrolments(principal: Principal, mine: bool, disease: str | None) -> Any:
    r, in_scope = _in_scope(principal, Enrolment.resident_id)
    stmt = (
        select(*SCHEDULE, *_person_columns(r))
        .join(r, r.c.id == Enrolment.resident_id)
        .where(in_scope, r.c.status == "active", Enrolment.status == "managed", Enrolment.deleted_at.is_(None))
    )
    if mine:
        stmt = stmt.where(Enrolment.responsible_doctor_id == principal.staff_id)
    return stmt.where(Enrolment.disease == disease) if disease else stmt


def _referrals(principal: Principal, disease: str | None) -> Any:
    r, in_scope = _in_scope(principal, Referral.resident_id)
    stmt = (
        select(Referral, *_person_columns(r))
        .join(r, r.c.id == Referral.resident_id)
        .where(in_scope, r.c.status == "active", Referral.status == "open", Referral.deleted_at.is_(None))
    )
    return stmt.where(Referral.disease == disease) if disease else stmt


def _person_columns(r: Any) -> tuple[Any, ...]:
    return (r.c.name, r.c.sex, r.c.birth_date, r.c.village_code)


def _resident(row: Any, today: date) -> tuple[str, str, int, str]:
    return (row.name, row.sex, age_on(row.birth_date, today), row.village_code)


def _file(result: Worklist, enrolment: Any, resident: tuple[str, str, int, str], today: date, rules: Any) -> None:
    """Put a managed patient into every list that applies."""
    item = _item(enrolment, resident, today)
    if enrolment.last_urgent or enrolment.uncontrolled_streak >= rules.consecutive_uncontrolled_for_referral:
        result.buckets["urgent"].append(item)
    due = enrolment.next_due_date
    if due is not None and due < today:
        result.buckets["overdue"].append(item)
    elif due is not None and due <= result.week_end:
        result.buckets["due_this_week"].append(item)
    elif due is not None and due <= today + timedelta(days=21):
        result.buckets["upcoming"].append(item)
    if enrolment.last_visit_date is None or enrolment.last_visit_date < result.quarter_start:
        result.buckets["not_seen_quarter"].append(item)


def _item(enrolment: Any, resident: tuple[str, str, int, str], today: date) -> WorkItem:
    """A row of the list from an enrolment (or a row of its SCHEDULE columns)."""
    name, sex, age, village = resident
    due = enrolment.next_due_date
    return WorkItem(
        enrolment_id=enrolment.id,
        resident_id=enrolment.resident_id,
        name=name,
        sex=sex,
        age=age,
        village_code=village,
        disease=enrolment.disease,
        due=due,
        next_visit_kind=enrolment.next_visit_kind,
        last_visit_date=enrolment.last_visit_date,
        last_category=enrolment.last_category,
        last_sbp=enrolment.last_sbp,
        last_dbp=enrolment.last_dbp,
        last_fpg=enrolment.last_fpg,
        urgent=enrolment.last_urgent,
        streak=enrolment.uncontrolled_streak,
        days_overdue=max(0, (today - due).days) if due else 0,
    )


def _screening_item(referral: Referral, resident: tuple[str, str, int, str]) -> WorkItem:
    """A referral from screening: the resident is not enrolled (yet)."""
    name, sex, age, village = resident
    return WorkItem(
        enrolment_id=uuid.UUID(int=0),
        resident_id=referral.resident_id,
        name=name,
        sex=sex,
        age=age,
        village_code=village,
        disease=referral.disease,
        due=referral.followup_due,
        next_visit_kind=None,
        last_visit_date=None,
        last_category=None,
        last_sbp=None,
        last_dbp=None,
        last_fpg=None,
        urgent=False,
        streak=0,
        days_overdue=0,
    )


def _replace(item: WorkItem, today: date, **changes: Any) -> WorkItem:
    values = {**item.__dict__, **changes}
    values["days_overdue"] = max(0, (today - values["due"]).days) if values["due"] else 0
    return WorkItem(**values)


HEADERS = (
    ("姓名", "Name"),
    ("性别", "Sex"),
    ("年龄", "Age"),
    ("村（居）", "Village"),
    ("病种", "Condition"),
    ("应随访/转诊随访日期", "Due"),
    ("逾期天数", "Days overdue"),
    ("上次随访", "Last visit"),
    ("上次分类", "Last category"),
    ("血压", "BP"),
    ("空腹血糖", "Fasting glucose"),
    ("原因", "Reasons"),
)


def workbook(session: Session, principal: Principal, work: Worklist, village_names: dict[str, str], lang: str = "zh") -> bytes:
    """The worklist as an .xlsx file, one sheet per list; the export is audited."""
    principal.require(access.EXPORT)
    index = 0 if lang == "zh" else 1
    book = Workbook()
    book.remove(book.active)
    rows = 0
    for name in BUCKETS:
        sheet = book.create_sheet(codes.WORKLIST_BUCKET.label(name, lang)[:31].replace("/", "-"))
        sheet.append([h[index] for h in HEADERS])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for item in work.buckets.get(name, []):
            bp = f"{item.last_sbp}/{item.last_dbp}" if item.last_sbp is not None else ""
            reasons = "、".join(codes.REASON.label(code, lang) for code in item.reasons)
            sheet.append(
                [
                    item.name,
                    "男" if item.sex == "1" else "女" if item.sex == "2" else "",
                    item.age,
                    village_names.get(item.village_code, item.village_code),
                    codes.DISEASE.label(item.disease, lang),
                    item.due,
                    item.days_overdue,
                    item.last_visit_date,
                    codes.CATEGORY.label(item.last_category, lang),
                    bp,
                    item.last_fpg,
                    reasons,
                ]
            )
            rows += 1
        for column, width in zip("ABCDEFGHIJKL", (10, 5, 5, 14, 10, 12, 8, 12, 10, 9, 9, 30), strict=True):
            sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    audit.record(session, principal, "export", "chronic_worklist", detail={"rows": rows, "format": "xlsx"})
    return buffer.getvalue()
