"""Validation of the 老年人中医药健康管理服务记录表 and the form-instruction rules.

- All questions must be answered (填表说明 3); Q9 and Q28 come from the measured BMI
  and waist and are never asked.
- Q14 / Q17 may be given as yearly counts; an answer and a count must agree.
- Signing needs an identified constitution (undeterminable → re-check or re-collect
  after 2 weeks), a main type chosen by a TCM physician when scores tie, a
  physician's confirmation of contradictory results, and guidance for the main type.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from jiceng.core import validators as v
from jiceng.core.errors import ErrorCollector, FieldError
from jiceng.elderly import guidance as g
from jiceng.elderly import tcm
from jiceng.exams.codes import VISIT_MODE
from jiceng.exams.service import in_elderly_cohort

ACCEPTED = frozenset(
    {
        "assessed_on",
        "answers",
        "colds_per_year",
        "allergies_per_year",
        "height_cm",
        "weight_kg",
        "waist_cm",
        "health_check_id",
        "guidance",
        "guidance_other",
        "main_type",
        "physician_confirmed",
        "doctor_name",
        "visit_mode",
        "sign",
        "amends_id",
        "resident_id",
    }
)


def _count(errors: ErrorCollector, key: str, raw: Any, high: int, zh: str, en: str) -> int | None:
    if v.blank(raw):
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = -1
    if value < 0 or value > high:
        errors.add(key, "invalid_count", f"{zh}：应为 0–{high} 的整数", f"{en}: must be a whole number 0-{high}")
        return None
    return value


def _answers(errors: ErrorCollector, raw: Any) -> dict[int, int]:
    if raw is None:
        raw = {}
    if isinstance(raw, list | tuple):
        raw = {str(i + 1): a for i, a in enumerate(raw)}
    if not isinstance(raw, Mapping):
        errors.add("answers", "invalid", "问卷回答：格式无效", "Answers: invalid format")
        return {}
    answers: dict[int, int] = {}
    for key, value in raw.items():
        question = int(key) if str(key).isdigit() else 0
        if question not in tcm.QUESTIONS:
            errors.add(f"answers.{key}", "unknown_question", f"问卷：没有第{key}题", f"Questionnaire: there is no question {key}")
            continue
        if v.blank(value):
            continue
        try:
            answer = int(str(value).strip())
        except ValueError:
            answer = 0
        if answer not in tcm.SCALE:
            errors.add(f"answers.{question}", "invalid_answer", f"第{question}题：回答应为 1–5", f"Question {question}: answer must be 1-5")
            continue
        answers[question] = answer
    return answers


def _agree(
    errors: ErrorCollector, question: int, answers: dict[int, int], derived: int | None, count: int | None, unit: tuple[str, str]
) -> None:
    if derived is None:
        return
    given = answers.get(question)
    if given is None or given == derived or (question == 17 and given == 5 and derived == 4):
        answers[question] = given or derived
        return
    errors.add(
        f"answers.{question}",
        "count_mismatch",
        f"第{question}题：回答 {given} 与 {count} {unit[0]}（计 {derived} 分）不符",
        f"Question {question}: answer {given} does not match {count} {unit[1]} (scores {derived})",
    )


def _measured(errors: ErrorCollector, answers: dict[int, int], bmi: float | None, waist: float | None) -> None:
    for question, value, derive, key, zh, en in (
        (9, bmi, tcm.score_bmi, "weight_kg", "需测量身高、体重（BMI）", "needs measured height and weight (BMI)"),
        (28, waist, tcm.score_waist, "waist_cm", "需测量腰围", "needs a measured waist"),
    ):
        if value is None:
            if not errors.has(key) and not errors.has("height_cm"):
                errors.add(key, "required", f"第{question}题：{zh}", f"Question {question}: {en}")
            continue
        scored = derive(value)
        if question in answers and answers[question] != scored:
            errors.add(
                f"answers.{question}",
                "measured_item",
                f"第{question}题：由测量值计算为 {scored} 分，不需询问",
                f"Question {question}: scored {scored} from the measurement; it is not asked",
            )
        answers[question] = scored


def _guidance(errors: ErrorCollector, data: Mapping[str, Any], result: tcm.Determination) -> tuple[dict[str, list[str]], dict[str, str]]:
    raw = data.get("guidance") or {}
    others_raw = data.get("guidance_other") or {}
    if not isinstance(raw, Mapping) or not isinstance(others_raw, Mapping):
        errors.add("guidance", "invalid", "中医药保健指导：格式无效", "TCM guidance: invalid format")
        return {}, {}
    chosen: dict[str, list[str]] = {}
    others: dict[str, str] = {}
    for code, options in raw.items():
        if code not in tcm.CONSTITUTIONS:
            errors.add(
                f"guidance.{code}", "unknown_constitution", f"中医药保健指导：没有体质“{code}”", f"TCM guidance: no constitution “{code}”"
            )
            continue
        picked = v.check_codes(errors, f"guidance.{code}", g.OPTIONS, options)
        if not picked:
            continue
        if result.results[code].result == tcm.NO:
            errors.add(
                f"guidance.{code}",
                "not_identified",
                f"中医药保健指导·{tcm.name(code)}：该体质判定为“否”，无需指导",
                f"TCM guidance, {tcm.name(code, 'en')}: this constitution was not identified",
            )
            continue
        chosen[code] = picked
        other = v.text(others_raw.get(code))[:200]
        if "6" in picked and not other:
            errors.add(
                f"guidance_other.{code}",
                "required",
                f"{tcm.name(code)}·其他指导：请注明",
                f"{tcm.name(code, 'en')}, other guidance: specify",
            )
        if other:
            others[code] = other
    return chosen, others


def _collect(
    errors: ErrorCollector, data: Mapping[str, Any], bmi: float | None, waist_cm: float | None
) -> tuple[dict[int, int], int | None, int | None]:
    """All 33 answers (measured and counted items scored), with the yearly counts."""
    answers = _answers(errors, data.get("answers"))
    colds = _count(errors, "colds_per_year", data.get("colds_per_year"), 60, "每年感冒次数", "Colds a year")
    allergies = _count(errors, "allergies_per_year", data.get("allergies_per_year"), 365, "每年过敏次数", "Allergic episodes a year")
    _agree(errors, 14, answers, None if colds is None else tcm.score_colds(colds), colds, ("次感冒/年", "colds a year"))
    _agree(
        errors,
        17,
        answers,
        None if allergies is None else tcm.score_allergies(allergies),
        allergies,
        ("次过敏/年", "allergic episodes a year"),
    )
    _measured(errors, answers, bmi, waist_cm)
    for question in tcm.ASKED:
        if question not in answers and not errors.has(f"answers.{question}"):
            errors.add(
                f"answers.{question}",
                "required",
                f"第{question}题：不能空项，须询问填写",
                f"Question {question}: every question must be asked and answered",
            )
    return answers, colds, allergies


def preview(data: Mapping[str, Any]) -> tcm.Determination:
    """The determination for answers and measurements, without saving anything."""
    errors = ErrorCollector()
    answers, _colds, _allergies = _collect(errors, data, data.get("bmi"), data.get("waist_cm"))
    errors.raise_if_any()
    return tcm.determine(answers)


def validate_tcm(
    data: Mapping[str, Any],
    *,
    birth_date: date,
    today: date,
    signing: bool,
    bmi: float | None,
    waist_cm: float | None,
    measurement_errors: list[FieldError] | None = None,
) -> dict[str, Any]:
    """Storage values of a TCM service record, or :class:`ValidationFailed` listing every problem
    (including ``measurement_errors`` found while reading height, weight and waist)."""
    errors = ErrorCollector()
    errors.errors.extend(measurement_errors or [])
    for key in sorted(set(data) - ACCEPTED):
        errors.add(key, "unknown_field", f"{key}：不是服务记录表的字段", f"{key}: is not a field of the TCM service record")
    assessed_on = v.check_date(errors, "assessed_on", ("填表日期", "Date"), data.get("assessed_on"), required=True, not_after=today)
    if assessed_on and assessed_on < birth_date:
        errors.add("assessed_on", "before_birth", "填表日期：早于出生日期", "Date: before the date of birth")
    elif assessed_on and not in_elderly_cohort(birth_date, assessed_on):
        errors.add(
            "resident_id",
            "not_elderly",
            "服务对象：中医体质辨识服务对象为当年65岁及以上的老年人",
            "Resident: TCM constitution identification is for people aged 65 and over in the year",
        )
    answers, colds, allergies = _collect(errors, data, bmi, waist_cm)
    visit_mode = v.check_code(errors, "visit_mode", VISIT_MODE, data.get("visit_mode"), required=False) or "clinic"
    doctor = v.text(data.get("doctor_name"))
    if len(doctor) > 50:
        errors.add("doctor_name", "too_long", "医生签名：不能超过 50 个字", "Doctor: at most 50 characters")
    errors.raise_if_any()

    result = tcm.determine(answers)
    chosen, others = _guidance(errors, data, result)
    main_type = result.main_type
    picked_main = v.text(data.get("main_type")) or None
    confirmed = bool(data.get("physician_confirmed"))
    if result.tied:
        if picked_main in result.tied:
            main_type = picked_main
        elif picked_main or signing:
            names = "、".join(tcm.name(c) for c in result.tied)
            errors.add(
                "main_type",
                "tie",
                f"主要体质：{names} 得分相同，请由中医师判定",
                f"Main constitution: equal scores ({names}); a TCM physician decides",
            )
    elif picked_main and picked_main != main_type:
        errors.add("main_type", "not_tied", "主要体质：按得分最高者确定，不能另选", "Main constitution: set by the highest score")
    if signing:
        if result.undeterminable:
            errors.add(
                "answers",
                "undeterminable",
                "体质辨识：无法判定体质类型，请核对回答，或2周后重新采集",
                "Constitution: cannot be determined; check the answers or collect again in 2 weeks",
            )
        if result.contradictions and not confirmed:
            pairs = "；".join("与".join(tcm.name(c) for c in pair) for pair in result.contradictions)
            errors.add(
                "physician_confirmed",
                "contradiction",
                f"体质辨识：{pairs}同时为“是”，请核对回答后由中医师确认",
                "Constitution: contradictory results (e.g. yin and yang deficiency); re-check the answers and have a TCM physician confirm",
            )
        if main_type and not chosen.get(main_type) and not errors.has(f"guidance.{main_type}"):
            errors.add(
                f"guidance.{main_type}",
                "required",
                f"中医药保健指导：请为主要体质（{tcm.name(main_type)}）选择指导内容",
                f"TCM guidance: choose guidance for the main constitution ({tcm.name(main_type, 'en')})",
            )
    errors.raise_if_any()
    assert assessed_on is not None and bmi is not None and waist_cm is not None
    return {
        "assessed_on": assessed_on,
        "age_at_assessment": assessed_on.year
        - birth_date.year
        - ((assessed_on.month, assessed_on.day) < (birth_date.month, birth_date.day)),
        "doctor_name": doctor,
        "visit_mode": visit_mode,
        "answers": {str(q): answers[q] for q in sorted(answers)},
        "bmi": bmi,
        "waist_cm": waist_cm,
        "colds_per_year": colds,
        "allergies_per_year": allergies,
        "scores": {c: r.raw for c, r in result.results.items()},
        "results": {c: r.result for c, r in result.results.items()},
        "main_type": main_type,
        "positive_types": list(result.positive),
        "tendency_types": list(result.tendencies),
        "tied_types": list(result.tied),
        "contradiction": bool(result.contradictions),
        "undeterminable": result.undeterminable,
        "physician_confirmed": (bool(result.tied) and main_type is not None) or (bool(result.contradictions) and confirmed),
        "guidance": chosen,
        "guidance_other": others,
        "complete": signing,
    }
