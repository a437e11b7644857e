"""The one-page printable result for the older person (PDF, Chinese): key findings of the
health check, the constitution table with the 2009 converted scores for reference,
and the guidance text for the main constitution."""

from __future__ import annotations

from typing import Any

from reportlab.lib.styles import ParagraphStyle

from jiceng.core import pdf
from jiceng.elderly import guidance as g
from jiceng.elderly import tcm
from jiceng.exams import codes as ec

# Other constitutions' guidance lines: smaller, so the result stays on one page.
SMALL_BODY = ParagraphStyle("small_body", fontName=pdf.FONT, fontSize=9, leading=12)

SEX = {"1": "男", "2": "女"}


def _value(value: Any, unit: str = "") -> str:
    if value is None or value == "":
        return "—"
    return f"{value:g}{unit}" if isinstance(value, float) else f"{value}{unit}"


def _check_rows(check: Any) -> list[list[str]]:
    if check is None:
        return [["体检", "本年度尚无健康体检记录"]]
    bp = "；".join(
        f"{side} {getattr(check, f'sbp_{key}')}/{getattr(check, f'dbp_{key}')} mmHg"
        for side, key in (("左", "left"), ("右", "right"))
        if getattr(check, f"sbp_{key}") is not None
    )
    rows = [
        ["体检日期", str(check.exam_date)],
        ["血压", bp or "—"],
        ["身高 / 体重 / BMI", f"{_value(check.height_cm, ' cm')} / {_value(check.weight_kg, ' kg')} / {_value(check.bmi)}"],
        ["腰围", _value(check.waist_cm, " cm")],
    ]
    if check.self_care_score is not None:
        rows.append(["生活自理能力", f"{check.self_care_score} 分，{ec.SELF_CARE_LEVEL.label(check.self_care_level)}"])
    screens = []
    if check.cognition_screen:
        screens.append(
            "认知功能" + ec.SCREEN.label(check.cognition_screen) + ("，建议行简易智力状态检查" if check.cognition_screen == "2" else "")
        )
    if check.mood_screen:
        screens.append("情感状态" + ec.SCREEN.label(check.mood_screen) + ("，建议行老年抑郁量表检查" if check.mood_screen == "2" else ""))
    if screens:
        rows.append(["认知与情感", "；".join(screens)])
    assessment = ec.ASSESSMENT.label(check.assessment) or "—"
    if check.abnormalities:
        assessment += "：" + "；".join(check.abnormalities)
    rows.append(["健康评价", assessment])
    advice = [ec.GUIDANCE.label(c) for c in check.guidance] + [ec.RISK_FACTOR.label(c) for c in check.risk_factors]
    if check.target_weight_kg:
        advice.append(f"减重目标 {check.target_weight_kg:g} kg")
    rows.append(["健康指导", "、".join(advice) or "—"])
    return rows


def _constitution_rows(record: Any) -> list[list[str]]:
    rows = [["体质类型", "得分", "判定结果", "转化分（2009标准，仅供参考）"]]
    for code, (zh, _en, items) in tcm.CONSTITUTIONS.items():
        raw = record.scores[code]
        result = record.results[code]
        rows.append([zh, str(raw), tcm.RESULT_LABELS[result][0], f"{tcm.converted(raw, len(items)):g}"])
    return rows


def _conclusion(record: Any) -> str:
    if record.undeterminable:
        return "暂无法判定体质类型，需核对回答或2周后重新采集。"
    main = tcm.name(record.main_type) if record.main_type else "待中医师判定"
    parts = [f"主要体质：{main}"]
    if record.main_type == tcm.PINGHE and record.results[tcm.PINGHE] == tcm.BASICALLY:
        parts = ["基本是平和质"]
    others = [tcm.name(c) for c in record.positive_types if c != record.main_type]
    if others:
        parts.append("兼夹体质：" + "、".join(others))
    if record.tendency_types:
        parts.append("倾向：" + "、".join(tcm.name(c) for c in record.tendency_types))
    return "；".join(parts) + "。"


def _guidance_paragraphs(record: Any) -> list[Any]:
    """Full texts for the main constitution (guidance follows the main type, 填表说明);
    one line for each other identified constitution."""
    story: list[Any] = []
    main = record.main_type
    if main in record.guidance:
        story.append(pdf.paragraph(f"【{tcm.name(main)}】{g.summary(main)}", pdf.BODY))
        for option in record.guidance[main]:
            body = g.text(main, option) if option in g.TEXT_OPTIONS else record.guidance_other.get(main, "")
            story.append(pdf.paragraph(f"　{g.OPTIONS.label(option)}：{body}", pdf.BODY))
    for code, options in record.guidance.items():
        if code == main:
            continue
        chosen = "、".join(g.OPTIONS.label(o) if o in g.TEXT_OPTIONS else record.guidance_other.get(code, "") for o in options)
        story.append(pdf.paragraph(f"【{tcm.name(code)}】{g.summary(code)} 指导：{chosen}", SMALL_BODY))
    return story


def _pairs(rows: list[list[str]]) -> list[list[str]]:
    """Two label/value pairs per table row, to keep the result on one page."""
    flat = rows + ([["", ""]] if len(rows) % 2 else [])
    return [flat[i] + flat[i + 1] for i in range(0, len(flat), 2)]


def result_pdf(resident: Any, check: Any, record: Any, institution_name: str = "") -> bytes:
    """One A4 page: findings, constitution and guidance, for the resident to keep."""
    year = record.assessed_on.year
    story: list[Any] = [
        pdf.paragraph(f"{year}年度老年人健康管理服务结果", pdf.TITLE),
        pdf.paragraph(
            f"姓名：{resident.name}　性别：{SEX.get(resident.sex, '—')}　出生日期：{resident.birth_date}　"
            f"服务日期：{record.assessed_on}　{institution_name}",
            pdf.BODY,
        ),
        pdf.paragraph("一、健康体检主要结果", pdf.HEADING),
        pdf.table(_pairs(_check_rows(check)), widths=[25 * pdf.mm, 65 * pdf.mm, 25 * pdf.mm, 65 * pdf.mm]),
        pdf.paragraph("二、中医体质辨识", pdf.HEADING),
        pdf.table(_constitution_rows(record), widths=[40 * pdf.mm, 25 * pdf.mm, 35 * pdf.mm, 80 * pdf.mm]),
        pdf.Spacer(1, 2 * pdf.mm),
        pdf.paragraph(_conclusion(record), pdf.BODY),
        pdf.paragraph("三、中医药保健指导", pdf.HEADING),
        *_guidance_paragraphs(record),
        pdf.Spacer(1, 3 * pdf.mm),
        pdf.paragraph(f"医生：{record.doctor_name or record.signed_by or '—'}　日期：{record.assessed_on}", pdf.BODY),
        pdf.paragraph(
            "说明：体质辨识依据近一年的体验和感觉，结果用于健康指导，不作为疾病诊断；如有不适请及时就医。"
            "转化分按《中医体质分类与判定》（ZYYXH/T157-2009）公式计算，仅供参考。",
            pdf.SMALL,
        ),
    ]
    return pdf.render(story, f"{resident.name} {year} 老年人健康管理服务结果")
