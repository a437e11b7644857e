"""Spreadsheet import and export of residents (Excel .xlsx or CSV).

Counties migrate from spreadsheets, so the columns are the 个人基本信息表 fields with
Chinese headers; English field names are accepted too. Export writes the same
columns, so an export can be imported elsewhere.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session

from jiceng.core import audit
from jiceng.core.errors import FieldError, ValidationFailed
from jiceng.core.masking import mask_id_number, mask_phone
from jiceng.core.permissions import Perm
from jiceng.core.security import Principal
from jiceng.residents import codes, repository
from jiceng.residents import service as residents
from jiceng.residents.models import Resident
from jiceng.residents.validation import LABELS

# Columns in file order: (field, Chinese header).
COLUMNS = [
    ("record_number", "档案编号"),
    ("name", "姓名"),
    ("sex", "性别"),
    ("birth_date", "出生日期"),
    ("id_number", "身份证号"),
    ("no_id_reason", "无身份证号原因"),
    ("phone", "本人电话"),
    ("employer", "工作单位"),
    ("contact_name", "联系人姓名"),
    ("contact_phone", "联系人电话"),
    ("residence_type", "常住类型"),
    ("ethnicity", "民族"),
    ("ethnicity_name", "少数民族名称"),
    ("blood_abo", "血型"),
    ("blood_rh", "RH血型"),
    ("education", "文化程度"),
    ("occupation", "职业"),
    ("marital_status", "婚姻状况"),
    ("payment_methods", "医疗费用支付方式"),
    ("drug_allergies", "药物过敏史"),
    ("exposures", "暴露史"),
    ("past_diseases", "既往疾病"),
    ("disabilities", "残疾情况"),
    ("village_code", "村（居）委会代码"),
    ("address", "现住址"),
    ("record_date", "建档日期"),
    ("status", "档案状态"),
]
CODED = {
    "sex": codes.SEX,
    "no_id_reason": codes.NO_ID_REASON,
    "residence_type": codes.RESIDENCE_TYPE,
    "ethnicity": codes.ETHNICITY,
    "blood_abo": codes.BLOOD_ABO,
    "blood_rh": codes.BLOOD_RH,
    "education": codes.EDUCATION,
    "occupation": codes.OCCUPATION,
    "marital_status": codes.MARITAL_STATUS,
    "status": codes.RECORD_STATUS,
}
MULTI = {
    "payment_methods": codes.PAYMENT_METHOD,
    "drug_allergies": codes.DRUG_ALLERGY,
    "exposures": codes.EXPOSURE,
    "disabilities": codes.DISABILITY,
}
HEADER_TO_FIELD = {zh: f for f, zh in COLUMNS} | {f: f for f, _ in COLUMNS} | {zh: f for f, (zh, _en) in LABELS.items()}
IMPORT_IGNORED = {"record_number", "status"}


@dataclass
class RejectedRow:
    row_number: int
    errors: list[FieldError]
    values: dict[str, Any]


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    committed: bool = True
    rejected: list[RejectedRow] = field(default_factory=list)

    def lines(self, language: str = "zh") -> list[str]:
        out = []
        for row in self.rejected:
            for error in row.errors:
                out.append(f"第{row.row_number}行 {error.message_zh}" if language == "zh" else f"Row {row.row_number}: {error.message_en}")
        return out


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(spreadsheet row number, {field: value}) for every non-empty data row."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    elif suffix == ".csv":
        rows = _csv_rows(path)
    else:
        raise ValidationFailed(
            [
                FieldError(
                    "file",
                    "unsupported_format",
                    f"文件：不支持的格式“{suffix}”，请使用 .xlsx 或 .csv",
                    f"File: unsupported format “{suffix}”; use .xlsx or .csv",
                )
            ]
        )
    header: list[str | None] | None = None
    for number, values in rows:
        if header is None:
            header = [HEADER_TO_FIELD.get(str(v).strip()) if v is not None else None for v in values]
            _check_header(header)
            continue
        record = {name: value for name, value in zip(header, values, strict=False) if name and value not in (None, "")}
        if record:
            yield number, record


def _check_header(header: list[str | None]) -> None:
    missing = [zh for f, zh in COLUMNS if f in ("name", "village_code") and f not in header]
    if missing:
        raise ValidationFailed(
            [
                FieldError(
                    "file",
                    "missing_columns",
                    f"文件：缺少必需的列 {'、'.join(missing)}",
                    f"File: required columns missing: {', '.join(missing)}",
                )
            ]
        )


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        for number, row in enumerate(workbook.active.iter_rows(values_only=True), start=1):
            yield number, list(row)
    finally:
        workbook.close()


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationFailed(
            [FieldError("file", "encoding", "文件：无法识别编码（请使用 UTF-8 或 GBK）", "File: unknown text encoding (use UTF-8 or GBK)")]
        )
    yield from enumerate(csv.reader(io.StringIO(text)), start=1)


def _cell_text(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return value


def row_to_data(record: dict[str, Any]) -> dict[str, Any]:
    """Spreadsheet cells to a ResidentWrite-shaped dict (labels → codes, lists split)."""
    data: dict[str, Any] = {}
    for name, value in record.items():
        if name in IMPORT_IGNORED:
            continue
        value = _cell_text(value)
        if name in MULTI:
            data[name] = [p for p in re.split(r"[,，、;；\s]+", str(value)) if p]
        elif name == "past_diseases":
            data[name] = _parse_diseases(str(value))
        elif isinstance(value, datetime):
            data[name] = value.date()
        else:
            data[name] = value if isinstance(value, date) else str(value).strip()
    return data


def _parse_diseases(text: str) -> list[dict[str, Any]]:
    items = []
    for part in re.split(r"[,，;；、]+", text):
        match = re.fullmatch(r"\s*(.+?)\s*(\d{4}[-/.年]\d{1,2}月?)?\s*", part)
        if match and match[1]:
            items.append({"code": match[1], "diagnosed_on": match[2]})
    return items


def import_residents(
    session: Session, principal: Principal, path: Path, *, all_or_nothing: bool = False, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Create a resident per valid row; each bad row is reported with its reasons.

    With ``all_or_nothing`` any bad row means nothing is kept. Either way the
    caller's transaction commits only what the report says was imported.
    """
    principal.require(Perm.RESIDENT_IMPORT)
    report = ImportReport()
    outer = session.begin_nested()
    for number, record in read_rows(path):
        report.rows += 1
        data = row_to_data(record)
        try:
            with session.begin_nested():
                residents.create_resident(session, principal, data)
            report.imported += 1
        except ValidationFailed as failed:
            report.rejected.append(RejectedRow(number, failed.errors, record))
        if progress:
            progress(report.rows)
    if all_or_nothing and report.rejected:
        outer.rollback()
        report.committed, report.imported = False, 0
    else:
        outer.commit()
    audit.record(
        session,
        principal,
        "import",
        "resident",
        path.name,
        detail={"rows": report.rows, "imported": report.imported, "rejected": len(report.rejected), "all_or_nothing": all_or_nothing},
    )
    return report


def write_rejections(report: ImportReport, path: Path) -> None:
    """The rejected rows with their reasons, as a spreadsheet the county can correct and re-import."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("rejected")
    sheet.append(["行号 Row", "错误 Errors", *[zh for _, zh in COLUMNS]])
    for row in report.rejected:
        reasons = "；".join(f"{e.message_zh} / {e.message_en}" for e in row.errors)
        sheet.append([row.row_number, reasons, *[_plain(row.values.get(f)) for f, _ in COLUMNS]])
    workbook.save(path)


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | date) or value is None else str(value)


def export_rows(
    session: Session, principal: Principal, *, identifiable: bool = False, village_code: str | None = None, batch: int = 2000
) -> Iterator[list[Any]]:
    """Rows for export, in scope; ID numbers and phones masked unless the user may export them."""
    principal.require(Perm.RESIDENT_EXPORT)
    if identifiable:
        principal.require(Perm.EXPORT_IDENTIFIABLE)
    audit.record(session, principal, "export", "resident", village_code or "", detail={"identifiable": identifiable})
    session.flush()
    last_id = None
    while True:
        stmt = repository.readable(principal).order_by(Resident.id).limit(batch)
        if village_code:
            stmt = stmt.where(Resident.village_code == village_code)
        if last_id is not None:
            stmt = stmt.where(Resident.id > last_id)
        chunk = session.scalars(stmt).all()
        if not chunk:
            return
        for resident in chunk:
            yield _export_row(resident, identifiable)
        last_id = chunk[-1].id
        for resident in chunk:
            # Keep memory flat on large exports.
            session.expunge(resident)


def _export_row(resident: Resident, identifiable: bool) -> list[Any]:
    out = []
    for name, _ in COLUMNS:
        value = getattr(resident, name)
        if name == "id_number" and not identifiable:
            value = mask_id_number(value)
        elif name in ("phone", "contact_phone") and not identifiable:
            value = mask_phone(value)
        elif name in CODED:
            value = CODED[name].label(value)
        elif name in MULTI:
            value = "、".join(MULTI[name].label(c) for c in value)
        elif name == "past_diseases":
            value = "；".join(
                f"{codes.PAST_DISEASE.label(d['code'])}{' ' + d['diagnosed_on'] if d.get('diagnosed_on') else ''}" for d in value
            )
        out.append(value)
    return out


def write_export(rows: Iterable[list[Any]], path: Path) -> int:
    count = 0
    header = [zh for _, zh in COLUMNS]
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                count += 1
        return count
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("居民档案")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
        count += 1
    workbook.save(path)
    return count
