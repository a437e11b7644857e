"""Registry statistics as the health commissions report them (seed 001): institutions by
kind, and primary-care staff by profession, education, title and qualification."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from jiceng.core.divisions import prefix_of
from jiceng.core.permissions import Perm
from jiceng.core.security import Principal
from jiceng.registry import codes, repository


@dataclass
class WorkforceGroup:
    label_zh: str
    label_en: str
    total: int
    by_profession: dict[str, int] = field(default_factory=dict)
    by_education: dict[str, int] = field(default_factory=dict)
    by_title: dict[str, int] = field(default_factory=dict)
    by_qualification: dict[str, int] = field(default_factory=dict)

    @property
    def bachelor_or_above(self) -> int:
        return sum(self.by_education.get(k, 0) for k in codes.EDUCATION_BACHELOR_OR_ABOVE)

    @property
    def intermediate_title_or_above(self) -> int:
        return sum(self.by_title.get(k, 0) for k in codes.TITLE_INTERMEDIATE_OR_ABOVE)

    @property
    def licensed_or_assistant(self) -> int:
        return self.by_qualification.get("licensed_physician", 0) + self.by_qualification.get("assistant_physician", 0)


@dataclass
class RegistryStatistics:
    division_code: str | None
    institutions_by_kind: dict[str, int]
    primary_institutions: int
    township_level: WorkforceGroup
    village_level: WorkforceGroup

    @property
    def primary_staff(self) -> int:
        return self.township_level.total + self.village_level.total


def _workforce(session: Session, under: str | None, kinds: Sequence[str], zh: str, en: str) -> WorkforceGroup:
    by_profession = repository.staff_breakdown(session, under, kinds, "profession")
    return WorkforceGroup(
        zh,
        en,
        sum(by_profession.values()),
        by_profession,
        repository.staff_breakdown(session, under, kinds, "education"),
        repository.staff_breakdown(session, under, kinds, "title"),
        repository.staff_breakdown(session, under, kinds, "qualification"),
    )


def statistics(session: Session, principal: Principal, division_code: str | None = None) -> RegistryStatistics:
    """Institution counts by type and primary staff by profession, education, title."""
    principal.require(Perm.REGISTRY_READ)
    under = prefix_of(division_code) if division_code else None
    counts = repository.institution_counts(session, under)
    return RegistryStatistics(
        division_code,
        counts,
        sum(counts.get(k, 0) for k in codes.PRIMARY_KINDS),
        _workforce(
            session, under, codes.TOWNSHIP_LEVEL_KINDS, "乡镇卫生院（社区卫生服务中心）", "Township hospitals and community health centres"
        ),
        _workforce(
            session, under, codes.VILLAGE_LEVEL_KINDS, "村卫生室（社区卫生服务站）", "Village clinics and community health stations"
        ),
    )
