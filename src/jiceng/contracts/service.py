"""The contract life cycle: sign (a resident or a whole household), renew, change
team, terminate. One live contract (one family doctor) per resident at a time; a
service period of one year; consent recorded for every signing (spec §7.2).

Teams (teams.py), packages (packages.py), reading contracts (views.py),
fulfilment, key populations, population marks, consent files, the e-health card
and the indicators live in their own modules of this package.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from jiceng.contracts import codes, packages, repository, signing
from jiceng.contracts.key_populations import age_on
from jiceng.contracts.models import Contract
from jiceng.contracts.permissions import WRITE
from jiceng.contracts.signing import add_years, county_of, effective_status, expire_lapsed, period_end, resident_row
from jiceng.core import audit
from jiceng.core import validators as v
from jiceng.core.clock import local_today
from jiceng.core.errors import ErrorCollector
from jiceng.core.ids import new_id
from jiceng.core.region_config import get_setting
from jiceng.core.security import Principal
from jiceng.residents import service as residents

RENEWAL_WINDOW_DAYS = 60  # renewal opens this many days before the end date
RENEWAL_GRACE_DAYS = 90  # and stays open this long after it

__all__ = [
    "add_years",
    "change_team",
    "county_of",
    "effective_status",
    "period_end",
    "renew_contract",
    "resident_row",
    "sign_contract",
    "sign_household",
    "terminate_contract",
]


def sign_contract(
    session: Session, principal: Principal, resident_id: uuid.UUID, data: Mapping[str, Any], *, today: date | None = None
) -> Contract:
    """Sign one resident with a team for a year (the basic package plus chosen personalised ones)."""
    principal.require(WRITE)
    today = today or local_today()
    row = resident_row(session, principal, resident_id)
    errors = ErrorCollector()
    signing.check_residents(session, errors, [row], today, "resident_id")
    relation = "self" if age_on(row.birth_date, today) >= 18 else "guardian"
    terms = signing.check_terms(
        session, principal, data, errors, today, counties={county_of(row.village_code)}, resident_ids={row.id}, default_relation=relation
    )
    signing.check_capacity(session, errors, terms.team, 1, terms.start)
    errors.raise_if_any()
    contract = signing.new_contract(principal, row, terms, sign_mode="individual", household_id=row.household_id, continuity="new")
    signing.save_contracts(session, principal, [contract], terms, "sign")
    return contract


def sign_household(
    session: Session, principal: Principal, household_id: uuid.UUID, data: Mapping[str, Any], *, today: date | None = None
) -> list[Contract]:
    """Sign the chosen members of a household (default: every active member) together.

    All or nothing: if any member cannot sign, nothing is saved and every problem is reported.
    """
    principal.require(WRITE)
    today = today or local_today()
    household = residents.get_household(session, principal, household_id, today=today)
    wanted = data.get("member_ids")
    member_ids = {m.id for m in household.members if m.status == "active"} if not wanted else {uuid.UUID(str(i)) for i in wanted}
    errors = ErrorCollector()
    known = {m.id for m in household.members}
    if not member_ids:
        errors.add("member_ids", "required", "家庭成员：至少选择一人", "Household members: choose at least one")
    if member_ids - known:
        errors.add(
            "member_ids", "not_member", "家庭成员：所选居民不属于该家庭户", "Household members: a chosen resident is not in this household"
        )
        errors.raise_if_any()
    rows = [resident_row(session, principal, rid) for rid in sorted(member_ids)]
    signing.check_residents(session, errors, rows, today, "member_ids")
    terms = signing.check_terms(
        session,
        principal,
        data,
        errors,
        today,
        counties={county_of(r.village_code) for r in rows},
        resident_ids=member_ids,
        default_relation="head",
    )
    signing.check_capacity(session, errors, terms.team, len(rows), terms.start)
    errors.raise_if_any()
    group_id = new_id()
    head = next((m.name for m in household.members if m.id == household.head_resident_id), "")
    terms.signatory_name = terms.signatory_name or head
    contracts = [
        signing.new_contract(
            principal, row, terms, sign_mode="household", household_id=household.id, sign_group_id=group_id, continuity="new"
        )
        for row in rows
    ]
    signing.save_contracts(session, principal, contracts, terms, "sign")
    return contracts


def renew_contract(
    session: Session, principal: Principal, contract_id: uuid.UUID, data: Mapping[str, Any], *, today: date | None = None
) -> Contract:
    """Continue with a new one-year contract starting the day after this one ends."""
    principal.require(WRITE)
    today = today or local_today()
    old, row = signing.live_contract(session, principal, contract_id)
    expire_lapsed(session, [old], today)
    window = int(get_setting(session, "contracts.renewal_window_days", RENEWAL_WINDOW_DAYS))
    grace = int(get_setting(session, "contracts.renewal_grace_days", RENEWAL_GRACE_DAYS))
    if old.status not in ("active", "expired") or repository.successor(session, old.id) is not None:
        raise signing.status_error(
            "contract_id", "续约：只能续约当前有效或刚到期的签约", "Renewal: only a current or just-expired contract can be renewed"
        )
    if today < old.end_date - timedelta(days=window):
        raise signing.status_error(
            "contract_id", f"续约：到期前 {window} 天内才能续约", f"Renewal: opens {window} days before the end date"
        )
    if today > old.end_date + timedelta(days=grace):
        raise signing.status_error(
            "contract_id", "续约：已超过续约期限，请重新签约", "Renewal: the renewal period has passed; sign a new contract"
        )
    start = max(old.end_date + timedelta(days=1), today)
    values = dict(data)
    values.setdefault("team_id", old.team_id)
    if values.get("package_ids") is None:
        codes_before = {p.code for p in signing.personalised_of(session, old)}
        values["package_ids"] = [
            p.id for p in packages.personalised_in_effect(session, county_of(row.village_code), start) if p.code in codes_before
        ]
    errors = ErrorCollector()
    terms = signing.check_terms(
        session,
        principal,
        values,
        errors,
        today,
        counties={county_of(row.village_code)},
        resident_ids={row.id},
        start=start,
        default_relation=old.signatory_relation,
    )
    if row.status != "active":
        errors.add(
            "resident_id", "inactive", f"居民：{row.name} 的档案不是在档状态，不能续约", f"Resident: {row.name}'s record is not active"
        )
    if terms.team is not None and terms.team.id != old.team_id:
        signing.check_capacity(session, errors, terms.team, 1, start)
    errors.raise_if_any()
    old.status = "renewed"
    session.flush()
    contract = signing.new_contract(
        principal, row, terms, sign_mode=old.sign_mode, household_id=old.household_id, continuity="renewal", previous_contract_id=old.id
    )
    signing.save_contracts(session, principal, [contract], terms, "renew")
    return contract


def change_team(
    session: Session, principal: Principal, contract_id: uuid.UUID, data: Mapping[str, Any], *, today: date | None = None
) -> Contract:
    """Move to another team for the rest of the service year (the old contract ends the day before)."""
    principal.require(WRITE)
    today = today or local_today()
    old, row = signing.live_contract(session, principal, contract_id)
    expire_lapsed(session, [old], today)
    if old.status != "active":
        raise signing.status_error(
            "contract_id", "变更团队：只能变更当前有效的签约", "Change of team: only a current contract can change team"
        )
    errors = ErrorCollector()
    change = v.check_date(
        errors,
        "change_date",
        ("变更日期", "Change date"),
        data.get("change_date") or today,
        required=True,
        not_before=old.signed_on,
        not_after=old.end_date,
    )
    start = max(change, old.start_date) if change else None
    fixed = (repository.package(session, old.basic_package_id), signing.personalised_of(session, old))
    terms = signing.check_terms(
        session, principal, data, errors, today, counties={county_of(row.village_code)}, resident_ids={row.id}, start=start, fixed=fixed
    )
    if terms.team is not None and terms.team.id == old.team_id:
        errors.add("team_id", "same_team", "签约团队：与原团队相同", "Team: the same as the current team")
    signing.check_capacity(session, errors, terms.team, 1, start)
    errors.raise_if_any()
    assert start is not None
    old.status, old.ended_on = "changed", start - timedelta(days=1)
    old.termination_note = v.text(data.get("note"))[:300]
    session.flush()
    contract = signing.new_contract(
        principal,
        row,
        terms,
        sign_mode=old.sign_mode,
        household_id=old.household_id,
        continuity="team_change",
        previous_contract_id=old.id,
        end_date=old.end_date,
    )
    signing.save_contracts(session, principal, [contract], terms, "change_team")
    return contract


def terminate_contract(
    session: Session, principal: Principal, contract_id: uuid.UUID, data: Mapping[str, Any], *, today: date | None = None
) -> Contract:
    """End a contract early, with a reason; a renewal waiting to start ends with it."""
    principal.require(WRITE)
    today = today or local_today()
    contract, _row = signing.live_contract(session, principal, contract_id)
    if contract.status not in codes.LIVE_STATUSES or contract.ended_on < contract.start_date:
        raise signing.status_error("contract_id", "解约：该签约已结束", "Termination: this contract has already ended")
    errors = ErrorCollector()
    reason = v.check_code(errors, "reason", codes.TERMINATION_REASON, data.get("reason"), required=True)
    note = v.text(data.get("note"))[:300]
    if reason == "other" and not note:
        errors.add("note", "required", "解约说明：原因为“其他”时必填", "Note: required when the reason is “other”")
    ended = v.check_date(
        errors,
        "terminated_on",
        ("解约日期", "Terminated on"),
        data.get("terminated_on") or today,
        required=True,
        not_before=contract.signed_on,
        not_after=max(today, contract.signed_on),
    )
    errors.raise_if_any()
    assert ended is not None and reason is not None
    chain = [contract]
    follower = repository.successor(session, contract.id)
    while follower is not None and follower.status in codes.LIVE_STATUSES:
        chain.append(follower)
        follower = repository.successor(session, follower.id)
    for item in chain:
        item.status, item.terminated_on = "terminated", ended
        item.termination_reason, item.termination_note = reason, note
        item.ended_on = max(min(ended, item.end_date), item.start_date - timedelta(days=1))
        session.flush()
        audit.record(session, principal, "terminate", "contract", item.id, resident_id=item.resident_id, detail={"reason": reason})
    return contract
