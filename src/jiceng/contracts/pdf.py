"""The printable contract (家庭医生签约服务协议书), in Chinese, with each member's
e-health card QR code and the signature image when consent was signed on screen."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.platypus import Flowable, Image, Table, TableStyle

from jiceng.contracts import codes
from jiceng.contracts.card import qr_matrix
from jiceng.contracts.schemas import ContractView, TeamView, yuan
from jiceng.core.masking import mask_id_number
from jiceng.core.pdf import BODY, HEADING, SMALL, TITLE, Spacer, mm, paragraph, render, table

SEX = {"1": "男", "2": "女"}
CLAUSES = (
    "一、乙方为甲方提供基础性签约服务（基本医疗服务和国家基本公共卫生服务）及甲方选择的个性化签约服务，服务内容与频次见服务包清单。",
    "二、服务期限为一年。期满前乙方提醒甲方续约；期满后甲方可续约或另选家庭医生团队。同一时期甲方只能选择一个家庭医生团队签约。",
    "三、甲方应如实提供健康信息，按约定接受随访、体检等服务；乙方应保护甲方个人信息，仅在诊疗和健康管理需要时调阅健康档案。",
    "四、签约期间，甲方可申请变更家庭医生团队或解约；迁出、死亡等情况协议自动终止。",
    "五、电子健康卡二维码仅限医联体（医共体）内医疗卫生机构在诊疗时扫码调阅档案，调阅过程全程留痕。",
)


@dataclass
class Member:
    contract: ContractView
    resident: Any  # the resident record (name, sex, birth date, ID number, address, phone)
    card_url: str


def _qr(text: str, size: float = 28 * mm) -> Drawing:
    matrix = qr_matrix(text)
    count = len(matrix)
    cell = size / count
    drawing = Drawing(size, size)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                drawing.add(Rect(x * cell, size - (y + 1) * cell, cell, cell, fillColor=colors.black, strokeColor=None, strokeWidth=0))
    return drawing


def _signature(image: bytes | None) -> Flowable | None:
    if not image:
        return None
    try:
        picture = Image(io.BytesIO(image))
    except OSError:
        return None
    ratio = picture.imageHeight / max(picture.imageWidth, 1)
    picture.drawWidth, picture.drawHeight = 50 * mm, 50 * mm * ratio
    return picture


def contract_pdf(members: Sequence[Member], team: TeamView, signature_image: bytes | None = None) -> bytes:
    """One agreement for one resident or a household signed together."""
    first = members[0].contract
    household = first.sign_mode == "household"
    story: list[Flowable] = [paragraph("家庭医生签约服务协议书", TITLE)]
    story.append(paragraph(f"协议编号：{'、'.join(m.contract.contract_number for m in members)}", SMALL))
    story.append(paragraph("甲方（签约居民）" + ("— 家庭签约" if household else ""), HEADING))
    rows = [["姓名", "性别", "出生日期", "身份证号", "重点人群"]]
    for m in members:
        r = m.resident
        groups = "、".join(codes.KEY_GROUP.label(g) for g in m.contract.key_groups) or "—"
        rows.append([r.name, SEX.get(r.sex, "—"), r.birth_date.isoformat(), mask_id_number(r.id_number) or "—", groups])
    story.append(table(rows, [28 * mm, 14 * mm, 26 * mm, 45 * mm, 67 * mm]))
    lead = members[0].resident
    story.append(paragraph(f"住址：{lead.address or '—'}　　联系电话：{lead.phone or '—'}"))
    story.append(paragraph("乙方（家庭医生团队）", HEADING))
    team_rows = [
        ["团队", team.name],
        ["所属机构", team.institution_name],
        ["家庭医生", f"{team.doctor_name}（{codes.DOCTOR_KIND.label(team.doctor_kind)}）"],
    ]
    for member in team.members:
        if member.role != "family_doctor":
            team_rows.append([codes.MEMBER_ROLE.label(member.role), member.name])
    story.append(table(team_rows, [35 * mm, 145 * mm]))
    story.append(paragraph("服务期限", HEADING))
    story.append(
        paragraph(f"自 {first.start_date:%Y年%m月%d日} 起至 {first.end_date:%Y年%m月%d日} 止（签约日期 {first.signed_on:%Y年%m月%d日}）")
    )
    story.append(paragraph("服务包与服务内容", HEADING))
    for package in first.packages:
        story.append(paragraph(f"{package.name}（{codes.PACKAGE_KIND.label(package.kind)}，版本 {package.revision}）"))
        item_rows = [["服务项目", "类别", "年服务次数", "适用人群"]]
        for item in package.items:
            times = str(item.times_per_year) if item.times_per_year else "按需"
            item_rows.append([item.name, codes.ITEM_CATEGORY.label(item.category), times, codes.KEY_GROUP.label(item.applies_to) or "全部"])
        story.append(table(item_rows, [80 * mm, 35 * mm, 25 * mm, 40 * mm]))
        story.append(
            paragraph(
                f"费用（每人每年）：合计 {yuan(package.fee_total)} 元，其中医保基金 {yuan(package.fee_insurance)} 元、"
                f"财政补助 {yuan(package.fee_government)} 元、个人支付 {yuan(package.fee_resident)} 元。",
                SMALL,
            )
        )
    story.append(paragraph(f"甲方每人每年个人支付合计：{yuan(first.fee_resident)} 元。"))
    story.append(paragraph("双方权利与义务", HEADING))
    story += [paragraph(clause) for clause in CLAUSES]
    story.append(Spacer(1, 4 * mm))
    relation = codes.SIGNATORY_RELATION.label(first.signatory_relation)
    signature = _signature(signature_image)
    signed = [
        [paragraph(f"甲方签字：{first.signatory_name}（{relation}）"), paragraph(f"乙方（家庭医生）签字：{team.doctor_name}")],
        [signature or paragraph(""), paragraph(f"{team.institution_name}（盖章）")],
        [paragraph(f"日期：{first.signed_on:%Y年%m月%d日}"), paragraph(f"日期：{first.signed_on:%Y年%m月%d日}")],
    ]
    grid = Table(signed, colWidths=[90 * mm, 90 * mm])
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(grid)
    story.append(paragraph("电子健康卡", HEADING))
    story.append(paragraph("就诊时出示此二维码，医联体（医共体）内机构的医务人员扫码后可调阅健康档案；二维码不含身份证号。", SMALL))
    cards = [[_qr(m.card_url), paragraph(f"{m.resident.name}\n电子健康卡", BODY)] for m in members]
    cells = [cell for pair in cards for cell in pair]
    while len(cells) % 4:
        cells.append(paragraph(""))
    layout = Table([cells[i : i + 4] for i in range(0, len(cells), 4)], colWidths=[32 * mm, 13 * mm] * 2)
    layout.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(layout)
    return render(story, title=f"家庭医生签约服务协议书 {members[0].resident.name}")
