"""Checks and building blocks shared by the contract life-cycle operations (service.py)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiceng.contracts import codes, packages, repository, teams
from jiceng.contracts.models import Contract, ContractPackage, Package, Team
from jiceng.core import audit
from jiceng.core import validators as v
from jiceng.core.errors import ErrorCollector, FieldError, NotFound, ValidationFailed
from jiceng.core.ids import new_id
from jiceng.core.permissions import ScopeKind
from jiceng.core.security import Principal
from jiceng.residents import service as residents

LATEST_START_DAYS = 90  # a contract may start at most this long after signing


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return date(day.year + years, 3, 1)


def period_end(start: date) -> date:
    """The last day of a one-year service period starting on ``start``."""
    return add_years(start, 1) - timedelta(days=1)


def effective_status(contract: Contract, on: date) -> str:
    if contract.status == "active" and contract.end_date < on:
        return "expired"
    return contract.status


def resident_row(session: Session, principal: Principal, resident_id: uuid.UUID) -> Any:
    """The in-scope resident's columns (readable_residents), or NotFound."""
    rr = residents.readable_residents(principal)
    row = session.execute(select(rr).where(rr.c.id == resident_id)).first()
    if row is None:
        raise NotFound("居民档案", "resident record")
    return row


def county_of(village_code: str) -> str:
    return village_code[:6].ljust(12, "0")


def may_sign_for(session: Session, principal: Principal, team: Team) -> bool:
    if principal.scope is ScopeKind.ALL:
        return True
    if principal.staff_id is not None and any(m.staff_id == principal.staff_id for m in repository.members(session, [team.id])):
        return True
    return principal.institution_id is not None and principal.institution_id in teams.related_institutions(session, team.institution_id)


def expire_lapsed(session: Session, contracts: Sequence[Contract], on: date) -> None:
    """Mark active contracts past their end date as expired (kept lazily, per resident)."""
    for contract in contracts:
        if contract.status == "active" and contract.end_date < on:
            contract.status = "expired"
    session.flush()


@dataclass
class Terms:
    """What a signing agrees to, after validation."""

    team: Team | None = None
    signed_on: date | None = None
    start: date | None = None
    basic: Package | None = None
    personalised: list[Package] = field(default_factory=list)
    consent_id: uuid.UUID | None = None
    consent_kind: str = "signature"
    signatory_name: str = ""
    signatory_relation: str = "self"

    @property
    def fee_resident(self) -> int:
        return sum(p.fee_resident for p in [self.basic, *self.personalised] if p is not None)


def check_team(session: Session, principal: Principal, errors: ErrorCollector, value: Any) -> Team | None:
    team = repository.team(session, uuid.UUID(str(value))) if value else None
    if team is None or team.status != "active":
        errors.add("team_id", "unknown_team", "签约团队：必填，须为在岗的家庭医生团队", "Team: required, an active family-doctor team")
        return None
    if not may_sign_for(session, principal, team):
        errors.add("team_id", "not_your_team", f"签约团队：您不能代表“{team.name}”签约", f"Team: you cannot sign for “{team.name}”")
        return None
    return team


def check_terms(
    session: Session,
    principal: Principal,
    data: Mapping[str, Any],
    errors: ErrorCollector,
    today: date,
    *,
    counties: set[str],
    resident_ids: set[uuid.UUID],
    start: date | None = None,
    default_relation: str = "self",
    fixed: tuple[Package | None, list[Package]] | None = None,
) -> Terms:
    terms = Terms()
    terms.team = check_team(session, principal, errors, data.get("team_id"))
    terms.signed_on = v.check_date(
        errors, "signed_on", ("签约日期", "Signed on"), data.get("signed_on") or today, required=True, not_after=today
    )
    if start is None and terms.signed_on:
        start = v.check_date(
            errors,
            "start_date",
            ("服务开始日期", "Start date"),
            data.get("start_date") or terms.signed_on,
            required=True,
            not_before=terms.signed_on,
            not_after=terms.signed_on + timedelta(days=LATEST_START_DAYS),
        )
    terms.start = start
    if fixed is not None:
        terms.basic, terms.personalised = fixed[0], list(fixed[1])
    elif start is not None:
        terms.basic = packages.basic_in_effect(session, start)
        if terms.basic is None:
            errors.add(
                "package_ids",
                "no_basic_package",
                "服务包：没有已发布的基础服务包，请先由管理员发布",
                "Packages: no basic package is published; an administrator must publish one",
            )
        terms.personalised = check_personalised(session, errors, data.get("package_ids") or [], counties, start)
    check_consent(session, errors, data.get("consent_id"), resident_ids, terms)
    relation = v.check_code(
        errors, "signatory_relation", codes.SIGNATORY_RELATION, data.get("signatory_relation") or default_relation, required=True
    )
    terms.signatory_relation = relation or default_relation
    terms.signatory_name = v.text(data.get("signatory_name"))[:50]
    return terms


def check_personalised(session: Session, errors: ErrorCollector, ids: Sequence[Any], counties: set[str], start: date) -> list[Package]:
    chosen: list[Package] = []
    available = {p.id: p for county in counties for p in packages.personalised_in_effect(session, county, start)}
    for raw in ids:
        package_id = uuid.UUID(str(raw)) if raw else None
        package = available.get(package_id) if package_id else None
        if package is None or any(package.county_code != county for county in counties):
            errors.add(
                "package_ids",
                "unknown_package",
                "服务包：所选个性化服务包不存在、未发布或不适用于该县（区）",
                "Packages: a chosen personalised package does not exist, is not published or is not offered in this county",
            )
        elif package not in chosen:
            chosen.append(package)
    return chosen


def check_consent(session: Session, errors: ErrorCollector, value: Any, resident_ids: set[uuid.UUID], terms: Terms) -> None:
    consent = repository.consent(session, uuid.UUID(str(value))) if value else None
    if consent is None:
        errors.add(
            "consent_id",
            "required",
            "知情同意：请上传签名图片或纸质协议扫描件",
            "Consent: upload a signature image or a scan of the signed paper contract",
        )
        return
    if repository.consent_resident_ids(session, consent.id) - resident_ids:
        errors.add(
            "consent_id", "used", "知情同意：该附件已用于其他居民的签约", "Consent: this attachment belongs to another resident's contract"
        )
        return
    terms.consent_id, terms.consent_kind = consent.id, consent.kind


def check_residents(session: Session, errors: ErrorCollector, rows: Sequence[Any], today: date, field_name: str) -> None:
    ids = [r.id for r in rows]
    expire_lapsed(session, list(repository.active_contracts(session, ids).values()), today)
    current = repository.live_contracts(session, ids, today)
    for row in rows:
        if row.status != "active":
            errors.add(
                field_name, "inactive", f"居民：{row.name} 的档案不是在档状态，不能签约", f"Resident: {row.name}'s record is not active"
            )
        existing = current.get(row.id)
        if existing is not None:
            team = repository.team(session, existing.team_id)
            errors.add(
                field_name,
                "already_contracted",
                f"居民：{row.name} 已与“{team.name if team else ''}”签约（至 {existing.end_date.isoformat()}），同一时期只能签约一个家庭医生团队；可续约或变更团队",
                f"Resident: {row.name} already has a contract with “{team.name if team else ''}” until {existing.end_date.isoformat()}; one family doctor at a time (renew or change team instead)",
            )


def check_capacity(session: Session, errors: ErrorCollector, team: Team | None, newcomers: int, on: date | None) -> None:
    if team is None or on is None or newcomers <= 0:
        return
    size = repository.panel_sizes(session, [team.id], on).get(team.id, 0)
    if size + newcomers > team.panel_limit:
        errors.add(
            "team_id",
            "panel_full",
            f"签约团队：“{team.name}”签约人数已达上限（{size}/{team.panel_limit}）",
            f"Team: “{team.name}” has reached its panel limit ({size}/{team.panel_limit})",
        )


def new_contract(principal: Principal, row: Any, terms: Terms, **extra: Any) -> Contract:
    assert terms.team is not None and terms.start is not None and terms.basic is not None and terms.signed_on is not None
    contract_id = new_id()
    end = extra.pop("end_date", None) or period_end(terms.start)
    contract = Contract(
        id=contract_id,
        contract_number=f"QY{terms.start:%Y}{contract_id.hex[-16:].upper()}",
        resident_id=row.id,
        team_id=terms.team.id,
        doctor_staff_id=terms.team.doctor_staff_id,
        institution_id=terms.team.institution_id,
        basic_package_id=terms.basic.id,
        signed_on=terms.signed_on,
        start_date=terms.start,
        end_date=end,
        ended_on=end,
        status="active",
        consent_kind=terms.consent_kind,
        consent_id=terms.consent_id,
        signatory_name=terms.signatory_name or row.name,
        signatory_relation=terms.signatory_relation,
        fee_resident=terms.fee_resident,
        signed_by=principal.username,
        termination_note="",
        **extra,
    )
    return contract


def save_contracts(session: Session, principal: Principal, contracts: list[Contract], terms: Terms, action: str) -> None:
    for contract in contracts:
        session.add(contract)
    session.flush()
    for contract in contracts:
        for package in terms.personalised:
            session.add(ContractPackage(contract_id=contract.id, package_id=package.id))
        audit.record(
            session, principal, action, "contract", contract.id, resident_id=contract.resident_id, detail={"team_id": str(contract.team_id)}
        )
    session.flush()


def live_contract(session: Session, principal: Principal, contract_id: uuid.UUID) -> tuple[Contract, Any]:
    found = repository.contract_row(session, principal, contract_id)
    if found is None:
        raise NotFound("签约记录", "contract")
    contract = found[0]
    return contract, resident_row(session, principal, contract.resident_id)


def status_error(field_name: str, zh: str, en: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field_name, "invalid_state", zh, en)])


def personalised_of(session: Session, contract: Contract) -> list[Package]:
    ids = repository.contract_packages(session, [contract.id]).get(contract.id, [])
    return [p for p in (repository.package(session, i) for i in ids) if p is not None]
