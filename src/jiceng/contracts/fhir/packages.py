"""The service packages a contract was signed with, as its nested terms."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from jiceng.contracts import codes, repository
from jiceng.contracts.fhir.codings import FEE_PAYERS, PACKAGE_CODE, coding, concept, money
from jiceng.contracts.models import Package, PackageItem
from jiceng.core.fhir import systems


class Packages:
    """Package revisions and their items, loaded once per request (published revisions never change)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.packages: dict[uuid.UUID, Package | None] = {}
        self.items: dict[uuid.UUID, list[PackageItem]] = {}

    def load(self, package_ids: Iterable[uuid.UUID]) -> None:
        wanted = [i for i in dict.fromkeys(package_ids) if i not in self.packages]
        for package_id in wanted:
            self.packages[package_id] = repository.package(self.session, package_id)
            self.items[package_id] = []
        for item in repository.items(self.session, wanted):
            self.items[item.package_id].append(item)

    def of(self, package_ids: Sequence[uuid.UUID]) -> list[tuple[Package, list[PackageItem]]]:
        self.load(package_ids)
        return [(p, self.items[p.id]) for p in (self.packages[i] for i in package_ids) if p is not None]


def package_term(package: Package, items: Sequence[PackageItem], applies: dict[str, str]) -> dict[str, Any]:
    fees = [
        {"entityCodeableConcept": concept(FEE_PAYERS, payer), "net": money(int(getattr(package, f"fee_{payer}")))} for payer in FEE_PAYERS
    ]
    services = []
    for item in items:
        extensions = [
            {"url": systems.extension("service-item-category"), "valueCoding": coding(codes.ITEM_CATEGORY, item.category)},
            {"url": systems.extension("service-item-evidence"), "valueCoding": coding(codes.LINK_KIND, item.link_kind)},
        ]
        if item.applies_to and item.applies_to in codes.KEY_GROUP:
            extensions.append(
                {"url": systems.extension("service-item-population"), "valueCoding": coding(codes.KEY_GROUP, item.applies_to)}
            )
        service: dict[str, Any] = {
            "extension": extensions,
            "entityCodeableConcept": {
                "coding": [{"system": systems.code_system("service-package-item"), "code": item.code, "display": item.name}],
                "text": item.name,
            },
        }
        if item.times_per_year:
            service["quantity"] = {"value": item.times_per_year, "unit": "次/年", "system": systems.UCUM, "code": "/a"}
        services.append(service)
    return {
        "identifier": {"system": PACKAGE_CODE, "value": package.code},
        "type": concept(codes.PACKAGE_KIND, package.kind),
        "subType": {
            "coding": [
                {
                    "system": systems.code_system("service-package"),
                    "version": str(package.revision),
                    "code": package.code,
                    "display": package.name,
                }
            ],
            "text": package.name,
        },
        "text": package.description or package.name,
        "applies": applies,
        "offer": {"text": package.name},
        "asset": [{"text": f"{package.name}（每人每年）", "period": [applies], "valuedItem": fees + services}],
    }
