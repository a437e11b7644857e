"""API shapes of the dashboard (/api/v1/indicators)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import BaseModel

from jiceng.core.indicators import IndicatorDefinition
from jiceng.indicators.people import People
from jiceng.indicators.periods import PeriodSpec
from jiceng.indicators.service import Cell, Dashboard, Row
from jiceng.indicators.workforce import DivisionWorkforce


class DefinitionView(BaseModel):
    code: str
    name_zh: str
    name_en: str
    numerator_zh: str
    numerator_en: str
    denominator_zh: str
    denominator_en: str
    period: str
    source: str
    version: str
    domain: str
    notes_zh: str
    notes_en: str
    default_target: float | None
    scaled_denominator: bool  # the denominator is an estimate from the denominator people (e.g. × prevalence)

    @classmethod
    def of(cls, d: IndicatorDefinition) -> DefinitionView:
        fields = {k: getattr(d, k) for k in cls.model_fields if k != "scaled_denominator"}
        return cls(**fields, scaled_denominator=d.denominator_scale is not None)


class PeriodView(BaseModel):
    key: str
    start: date
    end: date
    open: bool
    label_zh: str
    label_en: str

    @classmethod
    def of(cls, p: PeriodSpec) -> PeriodView:
        return cls(key=p.key, start=p.start, end=p.end, open=p.open, label_zh=p.label("zh"), label_en=p.label("en"))


class CellView(BaseModel):
    code: str
    numerator: int
    denominator: int
    rate: float | None
    target: float | None
    status: str  # met | near | below | none

    @classmethod
    def of(cls, c: Cell) -> CellView:
        return cls(code=c.code, numerator=c.numerator, denominator=c.denominator, rate=c.rate, target=c.target, status=c.status)


class RowView(BaseModel):
    division_code: str
    name: str
    level: str
    values: list[CellView]

    @classmethod
    def of(cls, r: Row) -> RowView:
        return cls(division_code=r.division, name=r.name, level=r.level, values=[CellView.of(c) for c in r.cells.values()])


class DashboardView(BaseModel):
    built: bool
    period: PeriodView | None
    periods: list[PeriodView]
    division: RowView
    children: list[RowView]
    path: list[dict[str, str]]

    @classmethod
    def of(cls, b: Dashboard) -> DashboardView:
        return cls(
            built=b.period is not None,
            period=PeriodView.of(b.period) if b.period else None,
            periods=[PeriodView.of(p) for p in b.periods],
            division=RowView.of(b.division),
            children=[RowView.of(r) for r in b.children],
            path=[{"code": c, "name": n} for c, n in b.path],
        )


class TrendPoint(BaseModel):
    period: PeriodView
    value: CellView


class TrendView(BaseModel):
    code: str
    division_code: str
    points: list[TrendPoint]
    ranking: list[RowView]


class PersonView(BaseModel):
    id: uuid.UUID | None
    name: str
    sex: str
    birth: str
    age: int
    village_code: str
    village: str
    status: str


class PeopleView(BaseModel):
    code: str
    period: str | None
    division_code: str
    which: str
    deidentified: bool
    offset: int
    more: bool
    items: list[PersonView]

    @classmethod
    def of(cls, p: People) -> PeopleView:
        return cls(
            code=p.definition.code,
            period=p.period.key if p.period else None,
            division_code=p.division,
            which=p.which,
            deidentified=p.deidentified,
            offset=p.offset,
            more=p.more,
            items=[PersonView(**vars(i)) for i in p.items],
        )


class WorkforceRow(BaseModel):
    division_code: str
    name: str
    institutions_by_kind: dict[str, int]
    primary_institutions: int
    township_level: dict[str, Any]
    village_level: dict[str, Any]
    primary_staff: int
    residents: int
    staff_per_1000: float | None

    @classmethod
    def of(cls, w: DivisionWorkforce) -> WorkforceRow:
        s = w.statistics

        def group(g: Any) -> dict[str, Any]:
            return {
                "total": g.total,
                "by_profession": g.by_profession,
                "by_education": g.by_education,
                "by_title": g.by_title,
                "by_qualification": g.by_qualification,
                "bachelor_or_above": g.bachelor_or_above,
                "intermediate_title_or_above": g.intermediate_title_or_above,
                "licensed_or_assistant_physicians": g.licensed_or_assistant,
            }

        return cls(
            division_code=w.division,
            name=w.name,
            institutions_by_kind=s.institutions_by_kind,
            primary_institutions=s.primary_institutions,
            township_level=group(s.township_level),
            village_level=group(s.village_level),
            primary_staff=s.primary_staff,
            residents=w.residents,
            staff_per_1000=w.staff_per_1000,
        )


class TargetsWrite(BaseModel):
    """indicator code → a fraction (0–1) for the whole region, or {division code: fraction}
    ("" for the region); replaces every target."""

    targets: dict[str, float | dict[str, float]]


class StatusView(BaseModel):
    built: bool
    periods: list[dict[str, Any]]
    position: int | None
    log_head: int
    behind: int
