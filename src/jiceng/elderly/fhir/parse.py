"""A posted ``QuestionnaireResponse`` read as the elderly service's fields (malformed → 400, unmapped → 422)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from jiceng.core.fhir import systems
from jiceng.core.fhir.outcome import FhirError, expect_dict, expect_list, expect_str, invalid, refused
from jiceng.core.ids import parse_id
from jiceng.elderly import tcm
from jiceng.elderly.fhir.codings import (
    AMENDS_EXT,
    CANONICAL,
    CHILDREN,
    CONSTITUTION_SYSTEM,
    GUIDANCE_SYSTEM,
    QR,
    QUESTIONNAIRE_URL,
    SCALE_SYSTEM,
    VISIT_MODE_EXT,
)


def _reference(value: Any, path: str, target: str) -> uuid.UUID | None:
    """``{"reference": "Target/<uuid>"}`` → the uuid (None when absent); anything else is refused."""
    ref = expect_dict(value, path)
    if not ref:
        return None
    unknown = sorted(set(ref) - {"reference", "display"})
    if unknown:
        raise _refused(f"{path}.{unknown[0]}")
    text = expect_str(ref.get("reference"), f"{path}.reference")
    key = parse_id(text.removeprefix(f"{target}/")) if text.startswith(f"{target}/") else None
    if key is None:
        raise FhirError(422, f"{path}：应引用 {target}/<id>", f"{path}: must reference {target}/<id>", path, "processing")
    return key


def _refused(path: str) -> FhirError:
    # One element: the issue names its whole path, whatever characters a client's key holds.
    return refused(path, path)


def _only(value: dict[str, Any], allowed: set[str], path: str) -> None:
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise _refused(f"{path}.{unknown[0]}")


def _one_answer(item: dict[str, Any], path: str) -> dict[str, Any] | None:
    answers = expect_list(item.get("answer"), f"{path}.answer")
    if len(answers) > 1:
        raise FhirError(422, f"{path}：只能有一个回答", f"{path}: takes one answer", f"{path}.answer", "processing")
    return expect_dict(answers[0], f"{path}.answer[0]") if answers else None


def _coding(answer: dict[str, Any], path: str, system: str) -> str:
    coding = expect_dict(answer.get("valueCoding"), f"{path}.valueCoding")
    _only(coding, {"system", "code", "display", "_display"}, f"{path}.valueCoding")
    if coding.get("system", system) != system:
        raise FhirError(
            422,
            f"{path}.valueCoding.system 应为 {system}",
            f"{path}.valueCoding.system must be {system}",
            f"{path}.valueCoding.system",
            "processing",
        )
    return expect_str(coding.get("code"), f"{path}.valueCoding.code")


def _number(answer: dict[str, Any], key: str, path: str) -> float | int:
    value = answer.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(f"{path}.{key} 应为数值", f"{path}.{key} must be a number", f"{path}.{key}")
    return value


class ResponseInput:
    """A response's content as the elderly service's fields (plus the measurements it declared)."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {"answers": {}, "guidance": {}, "guidance_other": {}}
        self.declared: dict[str, tuple[float | int, str]] = {}  # "bmi"/"waist-cm" → (value, path)


def _question_item(q: int, item: dict[str, Any], path: str, found: ResponseInput) -> None:
    _only(item, {"linkId", "text", "_text", "answer"}, path)
    answer = _one_answer(item, path)
    if answer is None:
        return
    apath = f"{path}.answer[0]"
    _only(answer, {"valueCoding", "valueInteger", "item"}, apath)
    found.data["answers"][str(q)] = answer["valueInteger"] if "valueInteger" in answer else _coding(answer, apath, SCALE_SYSTEM)
    for index, child in enumerate(expect_list(answer.get("item"), f"{apath}.item")):
        cpath = f"{apath}.item[{index}]"
        child = expect_dict(child, cpath)
        _only(child, {"linkId", "text", "_text", "answer"}, cpath)
        link = expect_str(child.get("linkId"), f"{cpath}.linkId")
        if q not in CHILDREN or CHILDREN[q][0] != link:
            raise FhirError(
                422, f"{cpath}：问卷中没有此项“{link}”", f"{cpath}: the questionnaire has no item “{link}” here", cpath, "processing"
            )
        value = _one_answer(child, cpath)
        if value is None:
            continue
        kind = "valueDecimal" if q in tcm.MEASURED else "valueInteger"
        _only(value, {kind}, f"{cpath}.answer[0]")
        number = _number(value, kind, f"{cpath}.answer[0]")
        if q in tcm.MEASURED:
            found.declared[link] = (number, f"{cpath}.answer[0].{kind}")
        else:
            found.data["colds_per_year" if q == 14 else "allergies_per_year"] = number


def _guidance_item(item: dict[str, Any], path: str, found: ResponseInput) -> None:
    _only(item, {"linkId", "text", "_text", "item"}, path)
    for index, group in enumerate(expect_list(item.get("item"), f"{path}.item")):
        gpath = f"{path}.item[{index}]"
        group = expect_dict(group, gpath)
        _only(group, {"linkId", "text", "_text", "item"}, gpath)
        code = expect_str(group.get("linkId"), f"{gpath}.linkId").removeprefix("guidance.")
        if code not in tcm.CONSTITUTIONS:
            raise FhirError(422, f"{gpath}：没有体质“{code}”", f"{gpath}: no constitution “{code}”", f"{gpath}.linkId", "processing")
        for part_index, part in enumerate(expect_list(group.get("item"), f"{gpath}.item")):
            ppath = f"{gpath}.item[{part_index}]"
            part = expect_dict(part, ppath)
            _only(part, {"linkId", "text", "_text", "answer"}, ppath)
            link = expect_str(part.get("linkId"), f"{ppath}.linkId")
            answers = [expect_dict(a, f"{ppath}.answer") for a in expect_list(part.get("answer"), f"{ppath}.answer")]
            if link == f"guidance.{code}.options":
                for a_index, answer in enumerate(answers):
                    _only(answer, {"valueCoding"}, f"{ppath}.answer[{a_index}]")
                found.data["guidance"][code] = [_coding(a, f"{ppath}.answer[{i}]", GUIDANCE_SYSTEM) for i, a in enumerate(answers)]
            elif link == f"guidance.{code}.other":
                text = _one_answer(part, ppath)
                if text is not None:
                    _only(text, {"valueString"}, f"{ppath}.answer[0]")
                    found.data["guidance_other"][code] = expect_str(text.get("valueString"), f"{ppath}.answer[0].valueString")
            else:
                raise FhirError(
                    422, f"{ppath}：问卷中没有此项“{link}”", f"{ppath}: the questionnaire has no item “{link}”", ppath, "processing"
                )


def _items(items: Any, found: ResponseInput) -> None:
    seen: set[str] = set()
    for index, raw in enumerate(expect_list(items, f"{QR}.item")):
        path = f"{QR}.item[{index}]"
        item = expect_dict(raw, path)
        link = expect_str(item.get("linkId"), f"{path}.linkId")
        if link in seen:
            raise FhirError(422, f"{path}：重复的问题“{link}”", f"{path}: item “{link}” appears twice", f"{path}.linkId", "processing")
        seen.add(link)
        if link.isdigit() and int(link) in tcm.QUESTIONS:
            _question_item(int(link), item, path, found)
        elif link == "guidance":
            _guidance_item(item, path, found)
        elif link in ("main-type", "physician-confirmed"):
            _only(item, {"linkId", "text", "_text", "answer"}, path)
            answer = _one_answer(item, path)
            if answer is None:
                continue
            if link == "main-type":
                _only(answer, {"valueCoding"}, f"{path}.answer[0]")
                found.data["main_type"] = _coding(answer, f"{path}.answer[0]", CONSTITUTION_SYSTEM)
            else:
                _only(answer, {"valueBoolean"}, f"{path}.answer[0]")
                if not isinstance(answer.get("valueBoolean"), bool):
                    raise invalid(f"{path}.answer[0].valueBoolean 应为布尔值", f"{path}.answer[0].valueBoolean must be a boolean", path)
                found.data["physician_confirmed"] = answer["valueBoolean"]
        else:
            raise FhirError(
                422, f"{path}：问卷中没有此项“{link}”", f"{path}: the questionnaire has no item “{link}”", f"{path}.linkId", "processing"
            )


def from_fhir(resource: dict[str, Any]) -> tuple[uuid.UUID, ResponseInput]:
    """The resident and the service's fields of a posted response (malformed → 400, unmapped → 422)."""
    questionnaire_ = expect_str(resource.get("questionnaire"), f"{QR}.questionnaire")
    if questionnaire_ not in (QUESTIONNAIRE_URL, CANONICAL):
        raise FhirError(
            422, f"{QR}.questionnaire 应为 {CANONICAL}", f"{QR}.questionnaire must be {CANONICAL}", f"{QR}.questionnaire", "processing"
        )
    if expect_str(resource.get("status"), f"{QR}.status") != "completed":
        raise FhirError(
            422,
            f"{QR}.status：只接受已完成（completed）的服务记录，草稿请在 Jiceng 中保存",
            f"{QR}.status: only completed records are accepted; keep drafts in Jiceng",
            f"{QR}.status",
            "processing",
        )
    resident_id = _reference(resource.get("subject"), f"{QR}.subject", "Patient")
    if resident_id is None:
        raise FhirError(422, f"{QR}.subject：必填", f"{QR}.subject: required", f"{QR}.subject", "required")
    source = _reference(resource.get("source"), f"{QR}.source", "Patient")
    if source is not None and source != resident_id:
        raise FhirError(422, f"{QR}.source：应为服务对象本人", f"{QR}.source: must be the subject", f"{QR}.source", "processing")
    check_id = _reference(resource.get("encounter"), f"{QR}.encounter", "Encounter")
    if check_id is None:
        raise FhirError(
            422,
            f"{QR}.encounter：必填，应引用同次随访的健康体检（其体质指数和腰围为第 9、28 题计分）",
            f"{QR}.encounter: required, the same visit's health check (its BMI and waist score Q9 and Q28)",
            f"{QR}.encounter",
            "required",
        )
    found = ResponseInput()
    found.data["health_check_id"] = str(check_id)
    authored = expect_str(resource.get("authored"), f"{QR}.authored")
    found.data["assessed_on"] = authored[:10] if re.match(r"^\d{4}-\d{2}-\d{2}(T|$)", authored) else authored
    author = expect_dict(resource.get("author"), f"{QR}.author")
    _only(author, {"display"}, f"{QR}.author")
    found.data["doctor_name"] = expect_str(author.get("display"), f"{QR}.author.display")
    for index, raw in enumerate(expect_list(resource.get("extension"), f"{QR}.extension")):
        path = f"{QR}.extension[{index}]"
        ext = expect_dict(raw, path)
        url = expect_str(ext.get("url"), f"{path}.url")
        if url == VISIT_MODE_EXT:
            _only(ext, {"url", "valueCoding"}, path)
            found.data["visit_mode"] = _coding(ext, path, systems.code_system("visit-mode"))
        elif url == AMENDS_EXT:
            _only(ext, {"url", "valueReference"}, path)
            amends = _reference(ext.get("valueReference"), f"{path}.valueReference", QR)
            found.data["amends_id"] = str(amends) if amends else None
        else:
            raise _refused(f"{QR}.extension('{url}')")
    _items(resource.get("item"), found)
    return resident_id, found
