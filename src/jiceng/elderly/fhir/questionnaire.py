"""``Questionnaire/tcm-constitution``: the form Jiceng publishes (read-only)."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy.orm import Session

from jiceng.core.fhir import systems
from jiceng.core.fhir.outcome import not_found
from jiceng.core.fhir.resources import ResourceHandler, SearchPage, SearchParam
from jiceng.core.fhir.search import SearchRequest, token
from jiceng.core.security import Principal
from jiceng.elderly import guidance as g
from jiceng.elderly import tcm
from jiceng.elderly.fhir.codings import (
    CALCULATED,
    CHILDREN,
    GUIDANCE_SYSTEM,
    PUBLISHED,
    QUESTIONNAIRE_ID,
    QUESTIONNAIRE_URL,
    QUESTIONNAIRE_VERSION,
    answer_coding,
    answer_label,
    constitution_coding,
    english,
    guidance_option,
)


def _question(q: int) -> dict[str, Any]:
    zh, en = tcm.QUESTIONS[q]
    item: dict[str, Any] = {
        "linkId": str(q),
        "prefix": f"({q})",
        "text": zh,
        "_text": english(en),
        "type": "choice",
        "required": True,
        "answerOption": [{"valueCoding": {**answer_coding(q, a), "_display": english(answer_label(q, a)[1])}} for a in tcm.SCALE],
    }
    if q in CALCULATED:
        item["readOnly"] = True
        item["extension"] = [{"url": systems.extension("tcm-calculated"), "valueString": CALCULATED[q][0]}]
    if q in CHILDREN:
        link, kind, child_zh, child_en, read_only = CHILDREN[q]
        item["item"] = [
            {"linkId": link, "text": child_zh, "_text": english(child_en), "type": kind, **({"readOnly": True} if read_only else {})}
        ]
    return item


def questionnaire() -> dict[str, Any]:
    guidance = [
        {
            "linkId": f"guidance.{code}",
            "text": zh,
            "_text": english(en),
            "type": "group",
            "item": [
                {
                    "linkId": f"guidance.{code}.options",
                    "text": "指导内容",
                    "_text": english("Guidance given"),
                    "type": "choice",
                    "repeats": True,
                    "answerOption": [{"valueCoding": guidance_option(option)} for option in g.OPTIONS],
                },
                {
                    "linkId": f"guidance.{code}.other",
                    "text": "其他（请注明）",
                    "_text": english("Other (specify)"),
                    "type": "string",
                    "enableWhen": [
                        {"question": f"guidance.{code}.options", "operator": "=", "answerCoding": {"system": GUIDANCE_SYSTEM, "code": "6"}}
                    ],
                },
            ],
        }
        for code, (zh, en, _items) in tcm.CONSTITUTIONS.items()
    ]
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "meta": {"versionId": "1", "lastUpdated": f"{PUBLISHED}T00:00:00Z"},
        "url": QUESTIONNAIRE_URL,
        "version": QUESTIONNAIRE_VERSION,
        "name": "TcmConstitutionElderly",
        "title": "老年人中医药健康管理服务记录表",
        "_title": english("TCM health management service record for older people (constitution identification)"),
        "status": "active",
        "subjectType": ["Patient"],
        "date": PUBLISHED,
        "publisher": "Jiceng 基层",
        "description": (
            "国家基本公共卫生服务规范（第三版）老年人中医药健康管理服务记录表：33 个问题，按近一年的体验回答 1–5；"
            "第 9、28 题不询问，由同次健康体检的体质指数和腰围计分。体质判定结果见 Observation（code elderly-item#tcm-constitution）。"
        ),
        "item": [
            *(_question(q) for q in tcm.QUESTIONS),
            {"linkId": "guidance", "text": "中医药保健指导", "_text": english("TCM health guidance"), "type": "group", "item": guidance},
            {
                "linkId": "main-type",
                "text": "主要体质（得分相同时由中医师判定）",
                "_text": english("Main constitution (a TCM physician decides between equal scores)"),
                "type": "choice",
                "answerOption": [{"valueCoding": constitution_coding(code)} for code in tcm.CONSTITUTIONS],
            },
            {
                "linkId": "physician-confirmed",
                "text": "阴虚质与阳虚质同时为“是”：中医师已核对回答并确认",
                "_text": english("Yin and yang deficiency both 'yes': a TCM physician re-checked the answers and confirms"),
                "type": "boolean",
            },
        ],
    }


class QuestionnaireHandler(ResourceHandler):
    resource_type: ClassVar[str] = "Questionnaire"
    interactions: ClassVar[frozenset[str]] = frozenset({"read", "search-type"})
    documentation: ClassVar[str] = (
        f"The forms Jiceng publishes, read-only: {QUESTIONNAIRE_ID} = 老年人中医药健康管理服务记录表 (canonical {QUESTIONNAIRE_URL})."
    )
    search_params: ClassVar[dict[str, SearchParam]] = {
        "_id": SearchParam("token", "Resource id"),
        "url": SearchParam("uri", "Canonical URL"),
        "name": SearchParam("string", "Computable name, starts-with"),
        "status": SearchParam("token", "active"),
    }

    def read(self, session: Session, principal: Principal, resource_id: str) -> dict[str, Any]:
        if resource_id != QUESTIONNAIRE_ID:
            raise not_found("Questionnaire", resource_id)
        return questionnaire()

    def search(self, session: Session, principal: Principal, request: SearchRequest) -> SearchPage:
        form = questionnaire()
        tests = {
            "_id": lambda v: v == form["id"],
            "url": lambda v: v.split("|")[0] == form["url"] and ("|" not in v or v.split("|")[1] == form["version"]),
            "name": lambda v: form["name"].lower().startswith(v.lower()),
            "status": lambda v: token(v)[1] == form["status"],
        }
        for name, values in request.params.items():
            test = tests.get(name.split(":")[0])
            if test is None or not all(any(test(one) for one in value.split(",")) for value in values):
                return SearchPage([])
        return SearchPage([form] if request.count and not request.after else [])
