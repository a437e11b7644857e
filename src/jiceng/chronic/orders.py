"""Orders that follow from a visit: the active follow-up of a referral, and long
prescriptions (长处方) for stable, controlled patients."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from jiceng.chronic import access, codes, repository
from jiceng.chronic.form import Field
from jiceng.chronic.models import LongPrescription, Referral
from jiceng.chronic.settings import load_rules
from jiceng.chronic.validation import boolean, number, parse_disease
from jiceng.core import audit
from jiceng.core import validators as v
from jiceng.core.clock import local_today
from jiceng.core.errors import ErrorCollector, FieldError, NotFound, ValidationFailed
from jiceng.core.security import Principal


def _text(data: Mapping[str, Any], key: str, limit: int) -> str:
    return v.text(data.get(key))[:limit]


def _resident_in_scope(session: Session, principal: Principal, resident_id: uuid.UUID) -> None:
    if repository.resident(session, principal, resident_id) is None:
        raise NotFound("居民档案", "resident record")


# ---- referrals -----------------------------------------------------------------------


def follow_up_referral(
    session: Session, principal: Principal, referral_id: uuid.UUID, data: Mapping[str, Any], *, today: date | None = None
) -> Referral:
    """Record the active follow-up of a referral (result and outcome), or cancel it."""
    principal.require(access.WRITE)
    referral = repository.referral(session, principal, referral_id)
    if referral is None:
        raise NotFound("转诊记录", "referral")
    today = today or local_today()
    errors = ErrorCollector()
    if referral.status != "open":
        errors.add("status", "not_open", "转诊状态：已随访或已取消", "Referral status: already followed up or cancelled")
    cancel = boolean(errors, Field("cancel", "取消转诊", "Cancel the referral", "bool"), data.get("cancel"))
    followed_on = v.check_date(
        errors,
        "followed_up_on",
        ("随访日期", "Follow-up date"),
        data.get("followed_up_on") or today,
        required=True,
        not_after=today,
        not_before=referral.raised_on,
    )
    result = None if cancel else v.check_code(errors, "result", codes.REFERRAL_RESULT, data.get("result"), required=True)
    outcome = _text(data, "outcome", 500)
    if not outcome:
        errors.add(
            "outcome",
            "required",
            "转诊结局：必填（如上级医院诊断、用药调整）",
            "Outcome: required (e.g. diagnosis and treatment at the hospital)",
        )
    errors.raise_if_any()
    referral.status = "cancelled" if cancel else "followed_up"
    referral.followed_up_on, referral.result, referral.outcome = followed_on, result, outcome
    session.flush()
    audit.record(
        session,
        principal,
        "follow_up",
        "chronic_referral",
        referral.id,
        resident_id=referral.resident_id,
        detail={"status": referral.status},
    )
    return referral


# ---- long prescriptions (长处方) ---------------------------------------------------------

RX_FIELDS = {
    "frequency_per_day": Field("frequency_per_day", "每日次数", "Times a day", "int", low=1, high=6),
    "quantity": Field("quantity", "总量", "Quantity", "int", low=1, high=2000),
    "days": Field("days", "用药天数", "Days", "int", low=1, high=366),
}


def create_prescription(
    session: Session, principal: Principal, resident_id: uuid.UUID, data: Mapping[str, Any], *, today: date | None = None
) -> LongPrescription:
    """A long prescription for a stable patient whose latest visit was controlled."""
    principal.require(access.PRESCRIBE)
    _resident_in_scope(session, principal, resident_id)
    today = today or local_today()
    rules = load_rules(session)
    errors = ErrorCollector()
    disease = parse_disease(errors, data.get("disease"))
    enrolment = repository.enrolment(session, principal, resident_id, disease) if disease else None
    if disease and (enrolment is None or enrolment.status != "managed"):
        errors.add("disease", "not_managed", "管理病种：该居民未纳入此病种管理", "Condition: the resident is not managed for it")
    values = {key: number(errors, f, data.get(key)) for key, f in RX_FIELDS.items()}
    for key, f in RX_FIELDS.items():
        if values[key] is None and not errors.has(key):
            errors.add(key, "required", f"{f.zh}：必填", f"{f.en}: required")
    if values["days"] is not None and values["days"] > rules.long_rx_max_days:
        errors.add(
            "days",
            "too_long",
            f"用药天数：长处方最长 {rules.long_rx_max_days} 天（{rules.long_rx_max_days // 7} 周）",
            f"Days: a long prescription covers at most {rules.long_rx_max_days} days",
        )
    drug, dose = _text(data, "drug_name", 100), _text(data, "dose", 60)
    if not drug:
        errors.add("drug_name", "required", "药物名称：必填", "Drug name: required")
    if not dose:
        errors.add("dose", "required", "每次剂量：必填", "Dose: required")
    start = v.check_date(
        errors,
        "start_date",
        ("开始日期", "Start date"),
        data.get("start_date") or today,
        required=True,
        not_before=today - timedelta(days=7),
    )
    attest = Field("condition_controlled", "病情控制满意", "Condition controlled", "bool")
    controlled = boolean(errors, attest, data.get("condition_controlled"))
    stable = boolean(errors, Field("condition_stable", "病情稳定", "Condition stable", "bool"), data.get("condition_stable"))
    if not (controlled and stable):
        errors.add(
            "condition_stable",
            "not_stable",
            "病情：长处方仅用于病情稳定、控制满意的患者",
            "Condition: long prescriptions are for stable, controlled patients only",
        )
    basis = None
    if enrolment is not None:
        latest = next(iter(repository.effective_visits(session, enrolment.id, limit=1)), None)
        recent = latest is not None and latest.visit_date >= today - timedelta(days=31 * rules.routine_interval_months + 1)
        if latest is None or not recent or latest.category != codes.CONTROLLED or latest.urgent:
            errors.add(
                "disease",
                "not_controlled",
                "管理病种：最近一次随访须在常规随访间隔内且分类为“控制满意”",
                "Condition: the latest visit must be recent and classified as controlled",
            )
        basis = latest.id if latest else None
    errors.raise_if_any()
    assert enrolment is not None and start is not None
    rx = LongPrescription(
        resident_id=resident_id,
        enrolment_id=enrolment.id,
        drug_name=drug,
        specification=_text(data, "specification", 100),
        dose=dose,
        frequency_per_day=values["frequency_per_day"],
        quantity=values["quantity"],
        quantity_unit=_text(data, "quantity_unit", 10) or "片",
        days=values["days"],
        start_date=start,
        end_date=start + timedelta(days=values["days"] - 1),
        condition_controlled=controlled,
        condition_stable=stable,
        basis_visit_id=basis,
        prescriber_id=principal.staff_id,
        prescriber_name=principal.display_name or principal.username,
        institution_id=principal.institution_id,
        status="active",
        notes=_text(data, "notes", 300),
    )
    session.add(rx)
    session.flush()
    audit.record(session, principal, "create", "chronic_long_prescription", rx.id, resident_id=resident_id, detail={"days": rx.days})
    return rx


def stop_prescription(session: Session, principal: Principal, prescription_id: uuid.UUID, reason: str) -> LongPrescription:
    principal.require(access.PRESCRIBE)
    rx = repository.prescription(session, principal, prescription_id)
    if rx is None:
        raise NotFound("长处方", "long prescription")
    if not (reason or "").strip():
        raise ValidationFailed([FieldError("reason", "required", "停用原因：必填", "Reason for stopping: required")])
    if rx.status != "stopped":
        rx.status, rx.notes = "stopped", f"{rx.notes} 停用：{reason.strip()}"[:300].strip()
        session.flush()
        audit.record(session, principal, "stop", "chronic_long_prescription", rx.id, resident_id=rx.resident_id)
    return rx
