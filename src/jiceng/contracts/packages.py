"""Service packages (服务包): the basic package (basic medical care + basic public
health) and personalised packages defined by each county. Versioned: a published
revision never changes; a change is a new revision, and contracts keep the revision
they were signed with.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from jiceng.contracts import codes, repository
from jiceng.contracts.models import Package, PackageItem
from jiceng.contracts.permissions import MANAGE_PACKAGES, READ
from jiceng.contracts.schemas import PackageItemView, PackageView
from jiceng.core import audit
from jiceng.core import validators as v
from jiceng.core.clock import local_today
from jiceng.core.errors import ErrorCollector, FieldError, NotFound, ValidationFailed
from jiceng.core.security import Principal
from jiceng.registry import service as registry

PAYERS = ("insurance", "government", "resident")
PAYER_LABELS = {
    "insurance": ("医保基金支付", "Paid by medical insurance"),
    "government": ("财政补助（基本公卫经费）", "Paid by government subsidy"),
    "resident": ("居民个人支付", "Paid by the resident"),
}
MAX_FEE_FEN = 10_000_00


def parse_yuan(value: Any) -> int | None:
    """Yuan (up to 2 decimals) as fen; None when not a valid amount."""
    if v.blank(value):
        return 0
    try:
        amount = Decimal(str(value).strip().replace("¥", "").replace("元", ""))
    except InvalidOperation:
        return None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")) or not amount.is_finite():
        return None
    return int(amount * 100)


def _validate(session: Session, data: Mapping[str, Any], errors: ErrorCollector, *, new: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if new:
        code = v.text(data.get("code")).upper()
        if not re.fullmatch(r"[0-9A-Z-]{2,32}", code):
            errors.add("code", "invalid_format", "服务包编号：2-32位字母、数字或-", "Package code: 2-32 letters, digits or -")
        elif repository.latest_revision(session, code) is not None:
            errors.add(
                "code",
                "duplicate",
                f"服务包编号：{code} 已存在（修改请发布新版本）",
                f"Package code: {code} exists (publish a new revision to change it)",
            )
        values["code"] = code
        values["kind"] = v.check_code(errors, "kind", codes.PACKAGE_KIND, data.get("kind"), required=True)
        county = v.text(data.get("county_code")) or None
        if values["kind"] == "personalised":
            division = registry.find_division(session, county) if county else None
            if division is None or division.level != "county":
                errors.add(
                    "county_code",
                    "unknown_county",
                    "所属县（区）：个性化服务包须由县（区）制定，请填写县级区划代码",
                    "County: a personalised package belongs to a county; give its division code",
                )
        elif county:
            errors.add(
                "county_code",
                "not_allowed",
                "所属县（区）：基础服务包适用于全区域，不填",
                "County: the basic package covers the whole region; leave it empty",
            )
        values["county_code"] = county if values["kind"] == "personalised" else None
    name = v.text(data.get("name"))
    if not name or len(name) > 100:
        errors.add("name", "required", "服务包名称：必填，最多100字", "Package name: required, at most 100 characters")
    values["name"] = name
    values["description"] = v.text(data.get("description"))[:4000]
    for payer in PAYERS:
        fen = parse_yuan(data.get(f"fee_{payer}"))
        zh, en = PAYER_LABELS[payer]
        if fen is None or fen > MAX_FEE_FEN:
            errors.add(
                f"fee_{payer}",
                "invalid_amount",
                f"{zh}：应为 0-10000 元的金额（最多两位小数）",
                f"{en}: must be an amount of 0-10000 yuan (at most 2 decimals)",
            )
            fen = 0
        values[f"fee_{payer}"] = fen
    values["fee_total"] = sum(values[f"fee_{p}"] for p in PAYERS)
    values["target_groups"] = v.check_codes(errors, "target_groups", codes.KEY_GROUP, data.get("target_groups") or [])
    values["items"] = _validate_items(errors, list(data.get("items") or []))
    return values


def _validate_items(errors: ErrorCollector, raw: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not raw:
        errors.add("items", "required", "服务项目：至少一项", "Service items: at least one")
    result, seen = [], set()
    for index, item in enumerate(raw):
        field = f"items.{index}"
        name = v.text(item.get("name"))
        code = v.text(item.get("code")).upper() or f"I{index + 1:02d}"
        if not name or len(name) > 200:
            errors.add(f"{field}.name", "required", f"服务项目第{index + 1}项：名称必填", f"Service item {index + 1}: name required")
        if code in seen:
            errors.add(
                f"{field}.code",
                "duplicate",
                f"服务项目第{index + 1}项：编号 {code} 重复",
                f"Service item {index + 1}: code {code} repeated",
            )
        seen.add(code)
        try:
            times = int(str(item.get("times_per_year") if not v.blank(item.get("times_per_year")) else 0))
        except ValueError:
            times = -1
        if not 0 <= times <= 52:
            errors.add(
                f"{field}.times_per_year",
                "out_of_range",
                f"服务项目第{index + 1}项：年服务次数应为 0-52（0 表示按需）",
                f"Service item {index + 1}: times per year must be 0-52 (0 = on demand)",
            )
        result.append(
            {
                "seq": index + 1,
                "code": code,
                "name": name,
                "category": v.check_code(errors, f"{field}.category", codes.ITEM_CATEGORY, item.get("category"), required=True),
                "times_per_year": times,
                "applies_to": v.check_code(errors, f"{field}.applies_to", codes.KEY_GROUP, item.get("applies_to"), required=False),
                "link_kind": v.check_code(errors, f"{field}.link_kind", codes.LINK_KIND, item.get("link_kind") or "none", required=True),
            }
        )
    return result


def _store(session: Session, package: Package, values: dict[str, Any]) -> None:
    for key in ("name", "description", "fee_total", "fee_insurance", "fee_government", "fee_resident", "target_groups"):
        setattr(package, key, values[key])
    session.add(package)
    session.flush()
    for old in repository.items(session, [package.id]):
        old.soft_delete()
    for item in values["items"]:
        session.add(PackageItem(package_id=package.id, **item))
    session.flush()


def create_package(session: Session, principal: Principal, data: Mapping[str, Any]) -> Package:
    """A new package code, as draft revision 1."""
    principal.require(MANAGE_PACKAGES)
    errors = ErrorCollector()
    values = _validate(session, data, errors, new=True)
    errors.raise_if_any()
    package = Package(code=values["code"], revision=1, kind=values["kind"], county_code=values["county_code"], status="draft")
    _store(session, package, values)
    audit.record(session, principal, "create", "contract_package", package.id, detail={"code": package.code, "revision": 1})
    return package


def _package(session: Session, package_id: uuid.UUID) -> Package:
    found = repository.package(session, package_id)
    if found is None:
        raise NotFound("服务包", "service package")
    return found


def update_draft(session: Session, principal: Principal, package_id: uuid.UUID, data: Mapping[str, Any]) -> Package:
    principal.require(MANAGE_PACKAGES)
    package = _package(session, package_id)
    if package.status != "draft":
        raise ValidationFailed(
            [
                FieldError(
                    "status",
                    "published",
                    "服务包：已发布的版本不能修改，请新建版本",
                    "Package: a published revision cannot change; create a new revision",
                )
            ]
        )
    errors = ErrorCollector()
    values = _validate(session, data, errors, new=False)
    errors.raise_if_any()
    _store(session, package, values)
    audit.record(session, principal, "update", "contract_package", package.id)
    return package


def revise_package(session: Session, principal: Principal, package_id: uuid.UUID) -> Package:
    """A new draft revision, copied from the latest one."""
    principal.require(MANAGE_PACKAGES)
    source = _package(session, package_id)
    latest = repository.latest_revision(session, source.code)
    assert latest is not None
    if latest.status == "draft":
        return latest
    package = Package(code=latest.code, revision=latest.revision + 1, kind=latest.kind, county_code=latest.county_code, status="draft")
    values = {k: getattr(latest, k) for k in ("name", "description", "fee_total", "fee_insurance", "fee_government", "fee_resident")}
    values["target_groups"] = list(latest.target_groups)
    values["items"] = [
        {k: getattr(i, k) for k in ("seq", "code", "name", "category", "times_per_year", "applies_to", "link_kind")}
        for i in repository.items(session, [latest.id])
    ]
    _store(session, package, values)
    audit.record(session, principal, "revise", "contract_package", package.id, detail={"code": package.code, "revision": package.revision})
    return package


def publish_package(session: Session, principal: Principal, package_id: uuid.UUID, effective_from: Any = None) -> Package:
    """Publish a draft; the revision it replaces stops the day before."""
    principal.require(MANAGE_PACKAGES)
    package = _package(session, package_id)
    errors = ErrorCollector()
    start = v.check_date(errors, "effective_from", ("生效日期", "Effective from"), effective_from or local_today(), required=True)
    if package.status != "draft":
        errors.add("status", "not_draft", "服务包：只能发布草稿版本", "Package: only a draft revision can be published")
    previous = [p for p in repository.packages(session, code=package.code, status="published") if p.id != package.id]
    if start and any(p.effective_from and p.effective_from >= start for p in previous):
        errors.add(
            "effective_from",
            "too_early",
            "生效日期：须晚于当前版本的生效日期",
            "Effective from: must be after the current revision's start",
        )
    errors.raise_if_any()
    assert start is not None
    for old in previous:
        old.status, old.effective_to = "retired", start - timedelta(days=1)
    package.status, package.effective_from = "published", start
    session.flush()
    audit.record(session, principal, "publish", "contract_package", package.id, detail={"effective_from": start.isoformat()})
    return package


def retire_package(session: Session, principal: Principal, package_id: uuid.UUID, last_day: Any = None) -> Package:
    principal.require(MANAGE_PACKAGES)
    package = _package(session, package_id)
    errors = ErrorCollector()
    end = v.check_date(errors, "effective_to", ("停用日期", "Last day"), last_day or local_today(), required=True)
    if package.status != "published":
        errors.add("status", "not_published", "服务包：只能停用已发布的版本", "Package: only a published revision can be retired")
    errors.raise_if_any()
    package.status, package.effective_to = "retired", end
    session.flush()
    audit.record(session, principal, "retire", "contract_package", package.id)
    return package


def views(session: Session, packages: Sequence[Package]) -> list[PackageView]:
    by_package: dict[uuid.UUID, list[PackageItem]] = {}
    for item in repository.items(session, [p.id for p in packages]):
        by_package.setdefault(item.package_id, []).append(item)
    return [
        PackageView(
            **{k: getattr(p, k) for k in PackageView.model_fields if k != "items"},
            items=[PackageItemView.model_validate(i) for i in by_package.get(p.id, [])],
        )
        for p in packages
    ]


def get_package(session: Session, principal: Principal, package_id: uuid.UUID) -> PackageView:
    if not (principal.can(READ) or principal.can(MANAGE_PACKAGES)):
        principal.require(READ)
    return views(session, [_package(session, package_id)])[0]


def list_packages(session: Session, principal: Principal, county: str | None = None, status: str | None = None) -> list[PackageView]:
    if not (principal.can(READ) or principal.can(MANAGE_PACKAGES)):
        principal.require(READ)
    return views(session, repository.packages(session, county_prefix=county[:6] if county else None, status=status))


def basic_in_effect(session: Session, on: date) -> Package | None:
    found = repository.in_effect(session, "basic", on)
    return found[0] if found else None


def personalised_in_effect(session: Session, county_code: str, on: date) -> list[Package]:
    return [p for p in repository.in_effect(session, "personalised", on, county_code.ljust(12, "0")[:12]) if p.county_code]
