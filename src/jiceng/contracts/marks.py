"""Population marks: key populations that other authorities list.

Pregnant women (妇幼: until a maternal domain exists), people lifted out of poverty
(乡村振兴/民政: 脱贫人口) and family-planning special families (卫健/计生:
计生特殊家庭) are not derivable from the health record. Each mark keeps where it
came from (source authority, list or document) and when it holds (valid from/to),
and lists are imported from the spreadsheets those authorities send.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from jiceng.contracts import codes, repository
from jiceng.contracts.models import PopulationMark
from jiceng.contracts.permissions import MARKS
from jiceng.contracts.service import resident_row
from jiceng.core import audit
from jiceng.core import validators as v
from jiceng.core.clock import local_today
from jiceng.core.errors import ErrorCollector, FieldError, NotFound, ValidationFailed
from jiceng.core.security import Principal
from jiceng.residents import service as residents

HEADERS = {
    "身份证号": "id_number",
    "姓名": "name",
    "人群": "group_code",
    "人群类别": "group_code",
    "来源单位": "source",
    "名单/文件": "list_name",
    "名单": "list_name",
    "文件": "list_name",
    "有效期起": "valid_from",
    "有效期止": "valid_to",
    "备注": "note",
}
MAX_ROWS = 50_000


def _validate(errors: ErrorCollector, data: Mapping[str, Any], today: date) -> dict[str, Any]:
    group = v.check_code(errors, "group_code", codes.MARK_GROUP, data.get("group_code"), required=True)
    source = v.text(data.get("source"))
    if not source or len(source) > 100:
        errors.add(
            "source",
            "required",
            "来源单位：必填（如 县乡村振兴局、县卫健委），最多100字",
            "Source: required (the authority that keeps the list), at most 100 characters",
        )
    start = v.check_date(errors, "valid_from", ("有效期起", "Valid from"), data.get("valid_from") or today, required=True)
    end = v.check_date(errors, "valid_to", ("有效期止", "Valid to"), data.get("valid_to"), required=False)
    if start and end and end < start:
        errors.add("valid_to", "before_start", "有效期止：不能早于有效期起", "Valid to: must not be before valid from")
    return {
        "group_code": group,
        "source": source[:100],
        "list_name": v.text(data.get("list_name"))[:200],
        "valid_from": start,
        "valid_to": end,
        "note": v.text(data.get("note"))[:300],
    }


def add_mark(session: Session, principal: Principal, data: Mapping[str, Any], *, today: date | None = None) -> PopulationMark:
    principal.require(MARKS)
    resident_id = uuid.UUID(str(data.get("resident_id")))
    resident_row(session, principal, resident_id)
    errors = ErrorCollector()
    values = _validate(errors, data, today or local_today())
    errors.raise_if_any()
    mark = PopulationMark(resident_id=resident_id, recorded_by=principal.username, **values)
    session.add(mark)
    session.flush()
    audit.record(session, principal, "create", "population_mark", mark.id, resident_id=resident_id, detail={"group": values["group_code"]})
    return mark


def end_mark(session: Session, principal: Principal, mark_id: uuid.UUID, valid_to: Any = None) -> PopulationMark:
    """The person left the list (delivery, end of monitoring): the mark stops on ``valid_to``."""
    principal.require(MARKS)
    mark = repository.mark(session, mark_id)
    if mark is None:
        raise NotFound("人群标记", "population mark")
    resident_row(session, principal, mark.resident_id)
    errors = ErrorCollector()
    end = v.check_date(errors, "valid_to", ("有效期止", "Valid to"), valid_to or local_today(), required=True, not_before=mark.valid_from)
    errors.raise_if_any()
    mark.valid_to = end
    session.flush()
    audit.record(session, principal, "update", "population_mark", mark.id, resident_id=mark.resident_id)
    return mark


@dataclass
class MarkImport:
    rows: int = 0
    imported: int = 0
    rejected: list[tuple[int, list[FieldError]]] = field(default_factory=list)

    def lines(self, language: str = "zh") -> list[str]:
        return [
            f"第{n}行 {e.message_zh}" if language == "zh" else f"Row {n}: {e.message_en}" for n, errors in self.rejected for e in errors
        ]


def read_table(filename: str, content: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows of an .xlsx or .csv list, keyed by field (Chinese or English headers)."""
    suffix = filename.lower().rsplit(".", 1)[-1]
    if suffix == "xlsx":
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        assert sheet is not None
        raw: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
    elif suffix == "csv":
        raw = (tuple(r) for r in csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        raise ValidationFailed(
            [
                FieldError(
                    "file",
                    "unsupported_format",
                    f"文件：不支持的格式“.{suffix}”，请使用 .xlsx 或 .csv",
                    f"File: unsupported format “.{suffix}”; use .xlsx or .csv",
                )
            ]
        )
    header: list[str | None] | None = None
    for number, values in enumerate(raw, start=1):
        if header is None:
            header = [HEADERS.get(str(h).strip(), str(h).strip() if h else None) for h in values]
            continue
        row = {key: value for key, value in zip(header, values, strict=False) if key}
        if any(not v.blank(value) for value in row.values()):
            yield number, row


def _find_resident(session: Session, principal: Principal, id_number: str, name: str) -> uuid.UUID | None:
    if not re.fullmatch(r"\d{17}[\dX]", id_number):
        return None
    found = residents.search_residents(session, principal, id_number, status=None, limit=2).items
    match = [r for r in found if not name or r.name == name]
    return match[0].id if len(match) == 1 else None


def import_marks(
    session: Session, principal: Principal, filename: str, content: bytes, defaults: Mapping[str, Any] | None = None
) -> MarkImport:
    """Import a list; each good row becomes a mark, bad rows are reported (nothing else is saved for them)."""
    principal.require(MARKS)
    report = MarkImport()
    today = local_today()
    for number, row in read_table(filename, content):
        report.rows += 1
        if report.rows > MAX_ROWS:
            report.rejected.append(
                (number, [FieldError("file", "too_many_rows", f"文件：最多 {MAX_ROWS} 行", f"File: at most {MAX_ROWS} rows")])
            )
            break
        data = {**(defaults or {}), **{k: val for k, val in row.items() if not v.blank(val)}}
        errors = ErrorCollector()
        id_number = v.text(data.get("id_number")).upper()
        resident_id = _find_resident(session, principal, id_number, v.text(data.get("name")))
        if resident_id is None:
            errors.add(
                "id_number",
                "unknown_resident",
                f"身份证号：“{id_number}”在您的服务范围内没有与姓名相符的档案",
                f"ID number: “{id_number}” matches no record with that name in your scope",
            )
        values = _validate(errors, data, today)
        if errors.errors:
            report.rejected.append((number, errors.errors))
            continue
        assert resident_id is not None
        session.add(PopulationMark(resident_id=resident_id, recorded_by=principal.username, **values))
        report.imported += 1
    session.flush()
    audit.record(session, principal, "import", "population_mark", detail={"rows": report.rows, "imported": report.imported})
    return report
