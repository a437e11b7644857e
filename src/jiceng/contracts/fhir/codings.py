"""Identifier systems, code systems and small building blocks of the contracts FHIR mapping."""

from __future__ import annotations

from datetime import date
from typing import Any

from jiceng.contracts import codes
from jiceng.core.codes import CodeList
from jiceng.core.fhir import systems
from jiceng.core.fhir.search import token

CONTRACT_NUMBER = f"{systems.BASE}/sid/contract-number"  # 签约协议编号
TEAM_CODE = f"{systems.BASE}/sid/family-doctor-team"  # 团队编号
PACKAGE_CODE = f"{systems.BASE}/sid/service-package"  # 服务包编码
LOINC_CARE_TEAM = ("LA28865-6", "Longitudinal care-coordination focused care team")
FEE_PAYERS = CodeList(
    "费用承担方",
    "Payer",
    {
        "insurance": ("医保基金", "Medical insurance"),
        "government": ("财政补助", "Government subsidy"),
        "resident": ("居民自付", "Resident"),
    },
)
PARTY_ROLE = CodeList(
    "签约方",
    "Contract party",
    {"resident": ("签约居民", "Resident"), "family-doctor": ("家庭医生", "Family doctor"), "institution": ("签约机构", "Institution")},
)
# Jiceng's status (effective on the day) → FHIR contract-status.
CONTRACT_STATUS = {"active": "executed", "expired": "terminated", "renewed": "renewed", "changed": "revoked", "terminated": "revoked"}
CODE_SYSTEMS: dict[int, str] = {
    id(codes.DOCTOR_KIND): "family-doctor-kind",
    id(codes.MEMBER_ROLE): "team-member-role",
    id(codes.PACKAGE_KIND): "service-package-kind",
    id(codes.ITEM_CATEGORY): "service-item-category",
    id(codes.KEY_GROUP): "key-population",
    id(codes.LINK_KIND): "service-item-evidence",
    id(codes.CONTRACT_STATUS): "contract-status",
    id(codes.CONTINUITY): "contract-continuity",
    id(codes.SIGN_MODE): "contract-sign-mode",
    id(codes.SIGNATORY_RELATION): "contract-signatory",
    id(codes.CONSENT_KIND): "contract-consent",
    id(codes.TERMINATION_REASON): "contract-termination-reason",
    id(FEE_PAYERS): "contract-fee-payer",
    id(PARTY_ROLE): "contract-party-role",
}


def coding(codelist: CodeList, code: str) -> dict[str, Any]:
    return {"system": systems.code_system(CODE_SYSTEMS[id(codelist)]), "code": code, "display": codelist.label(code)}


def concept(codelist: CodeList, code: str) -> dict[str, Any]:
    return {"coding": [coding(codelist, code)], "text": codelist.label(code)}


def money(fen: int) -> dict[str, Any]:
    return {"value": round(fen / 100, 2), "currency": "CNY"}


def period(start: date | None, end: date | None) -> dict[str, str]:
    return {k: v.isoformat() for k, v in (("start", start), ("end", end)) if v is not None}


def identifier_values(value: str, system: str) -> list[str]:
    """The values of an identifier token parameter in our system (or without one)."""
    return [code for s, code in (token(v) for v in value.split(",")) if s in (None, system)]
