"""Spreadsheet import (valid rows committed, every bad row reported) and export."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from jiceng.core.db import Database
from jiceng.core.errors import Forbidden, ValidationFailed
from jiceng.residents import transfer
from jiceng.residents.models import Resident
from tests.factories import VILLAGE_A, build_region, id_number

HEADER = ["姓名", "性别", "出生日期", "身份证号", "本人电话", "村（居）委会代码", "文化程度", "医疗费用支付方式", "既往疾病"]
GOOD = [
    ["张三丰", "男", "1980-01-01", id_number(), "13812345678", VILLAGE_A, "初中", "新型农村合作医疗", "高血压 2019-05"],
    ["李秀英", "", "", id_number("19560304", "246"), "", VILLAGE_A, "小学", "2、3", ""],
]
BAD = [
    ["王五", "男", "1980-01-01", "110105194912310021", "123", VILLAGE_A, "", "", ""],  # check digit, phone
    ["", "女", "1990-02-30", "", "", VILLAGE_A, "", "", ""],  # name, date, no reason
]


def _xlsx(path: Path, rows: list[list[str]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _count(db: Database) -> int:
    with db.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(Resident)) or 0)


def test_valid_rows_commit_and_each_bad_row_is_reported(database: Database, tmp_path: Path) -> None:
    region = build_region(database)
    path = _xlsx(tmp_path / "residents.xlsx", GOOD + BAD)
    with database.unit_of_work() as s:
        report = transfer.import_residents(s, region.principal("gpdoc"), path)
    assert (report.rows, report.imported, report.committed) == (4, 2, True)
    assert [r.row_number for r in report.rejected] == [4, 5]
    assert {e.field for e in report.rejected[0].errors} == {"id_number", "phone"}
    assert {e.field for e in report.rejected[1].errors} == {"name", "birth_date", "no_id_reason"}
    assert any(line.startswith("第4行 身份证号") for line in report.lines("zh"))
    assert any(line.startswith("Row 5: Name") for line in report.lines("en"))
    assert _count(database) == 2
    with database.unit_of_work() as s:
        zhang = s.scalars(select(Resident).where(Resident.name == "张三丰")).one()
        assert zhang.payment_methods == ["3"] and zhang.education == "70" and zhang.has_hypertension
        assert zhang.past_diseases == [{"code": "2", "diagnosed_on": "2019-05", "name": ""}]
        li = s.scalars(select(Resident).where(Resident.name == "李秀英")).one()
        assert li.sex == "2" and str(li.birth_date) == "1956-03-04"


def test_all_or_nothing_commits_nothing_when_a_row_is_bad(database: Database, tmp_path: Path) -> None:
    region = build_region(database)
    path = _xlsx(tmp_path / "residents.xlsx", GOOD + BAD)
    with database.unit_of_work() as s:
        report = transfer.import_residents(s, region.principal("gpdoc"), path, all_or_nothing=True)
    assert not report.committed and report.imported == 0 and len(report.rejected) == 2
    assert _count(database) == 0


def test_csv_in_gbk_is_read(database: Database, tmp_path: Path) -> None:
    region = build_region(database)
    path = tmp_path / "residents.csv"
    with path.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerow(GOOD[0])
    with database.unit_of_work() as s:
        report = transfer.import_residents(s, region.principal("gpdoc"), path)
    assert report.imported == 1


def test_missing_required_columns_is_a_clear_error(database: Database, tmp_path: Path) -> None:
    region = build_region(database)
    path = tmp_path / "bad.csv"
    path.write_text("名字,电话\n张三,13812345678\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        transfer.import_residents(s, region.principal("gpdoc"), path)
    assert failed.value.errors[0].field == "file" and "姓名" in failed.value.errors[0].message_zh


def test_rejections_report_is_a_spreadsheet(database: Database, tmp_path: Path) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        report = transfer.import_residents(s, region.principal("gpdoc"), _xlsx(tmp_path / "r.xlsx", BAD))
    transfer.write_rejections(report, tmp_path / "rejected.xlsx")
    sheet = load_workbook(tmp_path / "rejected.xlsx").active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == 2 and "校验位" in str(rows[1][1]) and "check digit" in str(rows[1][1])


def test_export_masks_unless_permitted_and_round_trips(database: Database, tmp_path: Path) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        transfer.import_residents(s, region.principal("gpdoc"), _xlsx(tmp_path / "in.xlsx", GOOD))
    with database.unit_of_work() as s:
        count = transfer.write_export(transfer.export_rows(s, region.principal("gpdoc")), tmp_path / "masked.xlsx")
    assert count == 2
    masked = list(load_workbook(tmp_path / "masked.xlsx").active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert "********" in str(masked[1][4]) and "****" in str(masked[1][6])
    with pytest.raises(Forbidden), database.unit_of_work() as s:
        list(transfer.export_rows(s, region.principal("gpdoc"), identifiable=True))
    with database.unit_of_work() as s:
        transfer.write_export(transfer.export_rows(s, region.principal("admin_th"), identifiable=True), tmp_path / "full.csv")
    with database.unit_of_work() as s:
        s.execute(Resident.__table__.delete())
    with database.unit_of_work() as s:
        report = transfer.import_residents(s, region.principal("gpdoc"), tmp_path / "full.csv")
    assert (report.imported, report.rejected) == (2, [])


def test_export_is_scoped(database: Database, tmp_path: Path) -> None:
    region = build_region(database)
    with database.unit_of_work() as s:
        transfer.import_residents(s, region.principal("gpdoc"), _xlsx(tmp_path / "in.xlsx", GOOD))
    with database.unit_of_work() as s:
        assert transfer.write_export(transfer.export_rows(s, region.principal("doctor_b")), tmp_path / "b.xlsx") == 0
