"""API shapes for the health check, generated from the one field table (``form.FIELDS``).

Every value is checked by the service, not here, so that the API, the web form and
imports give the same bilingual messages; the shapes only forbid unknown fields.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, create_model

from jiceng.core.clinical import SignedEventView
from jiceng.exams.form import FIELDS, SECTIONS, Field
from jiceng.exams.validation import flat_values


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _annotation(f: Field) -> Any:
    return {
        "number": float | str | None,
        "int": int | str | None,
        "code": str | None,
        "codes": list[str] | str | None,
        "text": str | None,
        "date": date | str | None,
        "month": str | None,
        "texts": list[str] | str | None,
        "rows": list[dict[str, Any]] | None,
    }[f.kind]


_FIELDS: dict[str, Any] = {f.key: (_annotation(f), None) for f in FIELDS}

if TYPE_CHECKING:

    class HealthCheckWrite(_Strict):
        def provided(self) -> dict[str, Any]: ...

    class HealthCheckCreate(HealthCheckWrite):
        resident_id: uuid.UUID
        sign: bool
        amends_id: uuid.UUID | None

else:

    class _Provided(_Strict):
        def provided(self) -> dict[str, Any]:
            return self.model_dump(exclude_unset=True, exclude={"resident_id", "sign"})

    HealthCheckWrite = create_model("HealthCheckWrite", __base__=_Provided, **_FIELDS)
    HealthCheckCreate = create_model(
        "HealthCheckCreate",
        __base__=HealthCheckWrite,
        resident_id=(uuid.UUID, ...),
        sign=(bool, True),
        amends_id=(uuid.UUID | None, None),
    )


class HealthCheckView(SignedEventView):
    institution_id: uuid.UUID | None
    created_by: str
    exam_date: date
    age_at_exam: int
    elderly_cohort: bool
    elderly_complete: bool
    bmi: float | None
    self_care_score: int | None
    self_care_level: str | None
    daily_liquor_liang: float | None
    # Positive quick screens without their scale score yet: "mmse", "gds".
    follow_up_screens: list[str]
    values: dict[str, Any]

    @classmethod
    def of(cls, check: Any, corrected_by: uuid.UUID | None = None) -> HealthCheckView:
        return cls(
            **cls.signed_fields(check, corrected_by),
            institution_id=check.institution_id,
            created_by=check.created_by,
            exam_date=check.exam_date,
            age_at_exam=check.age_at_exam,
            elderly_cohort=check.elderly_cohort,
            elderly_complete=check.elderly_complete,
            bmi=check.bmi,
            self_care_score=check.self_care_score,
            self_care_level=check.self_care_level,
            daily_liquor_liang=check.daily_liquor_liang,
            follow_up_screens=check.follow_up_screens,
            values=flat_values(check),
        )


def form_description() -> dict[str, Any]:
    """The form's sections and fields with their code lists (for clients building a form)."""
    sections = []
    for key, zh, en in SECTIONS:
        fields = []
        for f in FIELDS:
            if f.section != key:
                continue
            item: dict[str, Any] = {"key": f.key, "label_zh": f.zh, "label_en": f.en, "kind": f.kind}
            if f.codes is not None:
                item["codes"] = [{"code": code, "zh": zh_, "en": en_} for code, (zh_, en_) in f.codes.entries.items()]
            if f.low is not None:
                item.update(low=f.low, high=f.high, unit=f.unit)
            if f.columns:
                item["columns"] = [{"key": c.key, "label_zh": c.zh, "label_en": c.en, "kind": c.kind} for c in f.columns]
            if f.sex:
                item["sex"] = f.sex
            fields.append(item)
        sections.append({"key": key, "label_zh": zh, "label_en": en, "fields": fields})
    return {"sections": sections}
