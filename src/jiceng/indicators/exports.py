"""Exports: the dashboard's tables as an Excel workbook in the layout commissions use
(title, period, 序号/单位, each indicator as 分子/分母/率 under a merged heading, the
division's own row as 合计, signature lines), and the printable monthly report (PDF)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from jiceng.core import pdf
from jiceng.core.clock import local_now
from jiceng.core.indicators import IndicatorDefinition
from jiceng.indicators.service import Dashboard, Row
from jiceng.indicators.workforce import Workforce
from jiceng.registry import codes as registry_codes

DOMAINS = {
    "chronic": ("慢病管理", "Chronic diseases"),
    "elderly": ("老年人健康管理", "Elderly care"),
    "contracts": ("家庭医生签约", "Family-doctor contracts"),
    "records": ("健康档案", "Health records"),
}
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
STATUS_ZH = {"met": "达标", "near": "接近", "below": "未达标", "none": "—"}
HEADLINE = (
    "contracts.coverage",
    "chronic.htn.standardized_rate",
    "chronic.t2dm.standardized_rate",
    "elderly_health_management_rate",
    "records.use_rate",
)


def pct(numerator: int, denominator: int) -> str:
    return "—" if not denominator else f"{100 * numerator / denominator:.1f}"


def by_domain(definitions: Sequence[IndicatorDefinition]) -> dict[str, list[IndicatorDefinition]]:
    found: dict[str, list[IndicatorDefinition]] = {}
    for d in definitions:
        found.setdefault(d.domain, []).append(d)
    return found


def _title(sheet: Worksheet, text: str, subtitle: str, width: int) -> None:
    sheet.append([text])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([subtitle])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)


def _indicator_sheet(sheet: Worksheet, board: Dashboard, definitions: list[IndicatorDefinition], subtitle: str) -> None:
    width = 2 + 3 * len(definitions)
    _title(sheet, f"{board.division.name} 基本公共卫生服务考核指标汇总表", subtitle, width)
    sheet.append(["序号", "单位", *(x for d in definitions for x in (d.name_zh, "", ""))])
    sheet.append(["", "", *(x for _ in definitions for x in ("分子", "分母", "率（%）"))])
    for column in (1, 2):
        sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    for i in range(len(definitions)):
        sheet.merge_cells(start_row=3, start_column=3 + 3 * i, end_row=3, end_column=5 + 3 * i)

    def values(row: Row) -> list[object]:
        cells = [row.cells[d.code] for d in definitions]
        return [x for c in cells for x in (c.numerator, c.denominator, pct(c.numerator, c.denominator))]

    for n, child in enumerate(board.children, 1):
        sheet.append([n, child.name, *values(child)])
    sheet.append(["合计", board.division.name, *values(board.division)])
    last = sheet.max_row
    for row in sheet.iter_rows(min_row=3, max_row=last, max_col=width):
        for cell in row:
            cell.border = BOX
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for cell in sheet[last]:
        cell.font = Font(bold=True)
    sheet.append([])
    sheet.append(["填报单位：", "", "", "填报人：", "", "", "审核人：", "", "", "填报日期：", local_now().date().isoformat()])
    sheet.freeze_panes = "C5"
    sheet.column_dimensions["B"].width = 18
    for column in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 10


def _workforce_sheet(sheet: Worksheet, staff: Workforce, subtitle: str) -> None:
    kinds = registry_codes.PRIMARY_KINDS
    headers = [
        "序号",
        "单位",
        "基层医疗卫生机构（个）",
        *(registry_codes.INSTITUTION_KIND.label(k, "zh") for k in kinds),
        "在职基层卫生技术人员（人）",
        "乡镇卫生院（社区卫生服务中心）",
        "其中本科以上学历",
        "其中中级以上职称",
        "村卫生室（社区卫生服务站）",
        "其中执业（助理）医师",
        "常住居民（在档）",
        "每千常住人口基层卫生人员",
    ]
    _title(sheet, f"{staff.division.name if staff.division else ''} 基层医疗卫生机构与人员情况", subtitle, len(headers))
    sheet.append(headers)
    rows = [*staff.children, *([staff.division] if staff.division else [])]
    for n, w in enumerate(rows, 1):
        s = w.statistics
        sheet.append(
            [
                n if w is not staff.division else "合计",
                w.name,
                s.primary_institutions,
                *(s.institutions_by_kind.get(k, 0) for k in kinds),
                s.primary_staff,
                s.township_level.total,
                s.township_level.bachelor_or_above,
                s.township_level.intermediate_title_or_above,
                s.village_level.total,
                s.village_level.licensed_or_assistant,
                w.residents,
                w.staff_per_1000 if w.staff_per_1000 is not None else "—",
            ]
        )
    for row in sheet.iter_rows(min_row=3, max_row=sheet.max_row, max_col=len(headers)):
        for cell in row:
            cell.border = BOX
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.column_dimensions["B"].width = 18


def workbook(board: Dashboard, staff: Workforce) -> bytes:
    book = Workbook()
    book.remove(book.active)
    period = board.period
    subtitle = (
        f"统计期：{period.label('zh')}（{period.start.isoformat()} 至 {period.end.isoformat()}）    数据来源：基层医疗卫生信息平台    导出：{local_now():%Y-%m-%d %H:%M}"
        if period
        else "尚未生成指标数据"
    )
    for domain, definitions in by_domain(board.definitions).items():
        _indicator_sheet(book.create_sheet(DOMAINS.get(domain, (domain, domain))[0]), board, definitions, subtitle)
    _workforce_sheet(book.create_sheet("机构与人员"), staff, subtitle)
    notes = book.create_sheet("指标说明")
    notes.append(["指标", "代码", "分子", "分母", "口径说明", "依据", "版本"])
    for d in board.definitions:
        notes.append([d.name_zh, d.code, d.numerator_zh, d.denominator_zh, d.notes_zh, d.source, d.version])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_pdf(board: Dashboard, staff: Workforce, generated: datetime | None = None) -> bytes:
    """The monthly report: the division's indicators against their targets, its child
    divisions on the headline indicators, the workforce, and the definitions."""
    generated = generated or local_now()
    period = board.period
    title = f"{board.division.name} 基本公共卫生服务考核指标月报"
    story: list[pdf.Flowable] = [pdf.paragraph(title, pdf.TITLE)]
    story.append(
        pdf.paragraph(
            f"统计期：{period.label('zh')}（{period.start.isoformat()} 至 {period.end.isoformat()}）　生成时间：{generated:%Y-%m-%d %H:%M}"
            if period
            else "尚未生成指标数据（请先运行 jiceng indicators rebuild）",
            pdf.SMALL,
        )
    )
    story.append(pdf.paragraph("一、指标完成情况", pdf.HEADING))
    rows = [["指标", "分子", "分母", "率（%）", "目标（%）", "完成情况"]]
    for d in board.definitions:
        c = board.division.cells.get(d.code)
        if c is None:
            continue
        target = "—" if c.target is None else f"{100 * c.target:.0f}"
        rows.append([d.name_zh, str(c.numerator), str(c.denominator), pct(c.numerator, c.denominator), target, STATUS_ZH[c.status]])
    story.append(pdf.table(rows, [70 * pdf.mm, 20 * pdf.mm, 20 * pdf.mm, 20 * pdf.mm, 20 * pdf.mm, 25 * pdf.mm]))
    if board.children:
        story.append(pdf.paragraph("二、下级单位主要指标（%）", pdf.HEADING))
        names = {d.code: d.name_zh for d in board.definitions}
        heads = [code for code in HEADLINE if code in names]
        table = [["单位", *(names[c] for c in heads)]]
        for child in board.children:
            table.append([child.name, *(pct(child.cells[c].numerator, child.cells[c].denominator) for c in heads)])
        story.append(pdf.table(table))
    if staff.division is not None:
        s = staff.division.statistics
        story.append(pdf.paragraph("三、基层医疗卫生机构与人员", pdf.HEADING))
        kinds = "，".join(
            f"{registry_codes.INSTITUTION_KIND.label(k, 'zh')} {s.institutions_by_kind.get(k, 0)} 个" for k in registry_codes.PRIMARY_KINDS
        )
        story.append(
            pdf.paragraph(
                f"基层医疗卫生机构 {s.primary_institutions} 个，其中{kinds}。在职基层卫生技术人员 {s.primary_staff} 人，"
                f"其中乡镇卫生院（社区卫生服务中心）{s.township_level.total} 人（本科以上学历 {s.township_level.bachelor_or_above} 人，"
                f"中级以上职称 {s.township_level.intermediate_title_or_above} 人），村卫生室（社区卫生服务站）{s.village_level.total} 人"
                f"（执业或执业助理医师 {s.village_level.licensed_or_assistant} 人）；每千常住人口基层卫生人员 "
                f"{staff.division.staff_per_1000 if staff.division.staff_per_1000 is not None else '—'} 人。"
            )
        )
    story.append(pdf.paragraph("四、指标口径", pdf.HEADING))
    for d in board.definitions:
        story.append(
            pdf.paragraph(f"{d.name_zh}（{d.code}，v{d.version}）：{d.numerator_zh} ÷ {d.denominator_zh} × 100%。{d.notes_zh}", pdf.SMALL)
        )
    return pdf.render(story, title)
