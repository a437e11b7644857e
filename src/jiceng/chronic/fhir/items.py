"""The follow-up form's items that become Observations ``<visit id>-fu-<item>``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jiceng.chronic import codes
from jiceng.core.codes import CodeList

BP_PANEL = "Blood pressure panel with all children optional"


@dataclass(frozen=True)
class Item:
    """One Observation of a visit: local code (the id suffix after ``-fu-``), value, coding."""

    code: str
    field: str  # the Visit column holding the value
    category: str
    zh: str
    en: str
    loinc: str = ""
    loinc_display: str = ""
    ucum: str = ""  # quantities: the UCUM unit ("" when UCUM has none, then ``unit``)
    kind: str = "quantity"  # quantity | integer | coded | boolean | bp | exercise | symptoms | category
    codes: CodeList | None = None
    target: str = ""  # the Visit column of the target agreed at the visit (a component)
    unit: str = ""


def _lifestyle(code: str, field: str, zh: str, en: str, target: str, **extra: Any) -> Item:
    return Item(code, field, "social-history", zh, en, target=target, **extra)


ITEMS: tuple[Item, ...] = (
    Item("symptoms", "symptoms", "exam", "症状", "Symptoms", kind="symptoms"),
    Item("bp", "sbp", "vital-signs", "血压", "Blood pressure", "85354-9", BP_PANEL, "mm[Hg]", "bp"),
    Item("heart-rate", "heart_rate", "vital-signs", "心率", "Heart rate", "8867-4", "Heart rate", "/min", "integer"),
    Item("temperature", "temperature", "vital-signs", "体温", "Body temperature", "8310-5", "Body temperature", "Cel"),
    Item("height", "height_cm", "vital-signs", "身高", "Body height", "8302-2", "Body height", "cm"),
    Item("weight", "weight_kg", "vital-signs", "体重", "Body weight", "29463-7", "Body weight", "kg", target="target_weight_kg"),
    Item(
        "bmi", "bmi", "vital-signs", "体质指数", "Body mass index", "39156-5", "Body mass index (BMI) [Ratio]", "kg/m2", target="target_bmi"
    ),
    Item("dorsalis-pedis", "pedal_pulse", "exam", "足背动脉搏动", "Dorsalis pedis pulse", kind="coded", codes=codes.PEDAL_PULSE),
    _lifestyle("smoking", "smoking_per_day", "日吸烟量", "Cigarettes a day", "smoking_target", ucum="/d", kind="integer"),
    _lifestyle("drinking", "drinking_liang", "日饮酒量", "Liquor a day", "drinking_target", unit="两/天"),
    _lifestyle("exercise", "exercise_per_week", "运动", "Exercise", "exercise_target_per_week", ucum="/wk", kind="exercise"),
    _lifestyle("salt", "salt", "摄盐情况", "Salt intake", "salt_target", kind="coded", codes=codes.SALT),
    _lifestyle("staple-food", "staple_g", "主食", "Staple food", "staple_target_g", ucum="g/d", kind="integer"),
    Item("psychology", "psychology", "survey", "心理调整", "Psychological adjustment", kind="coded", codes=codes.RATING),
    Item("compliance", "compliance", "survey", "遵医行为", "Compliance with advice", kind="coded", codes=codes.RATING),
    Item(
        "fasting-glucose",
        "fpg",
        "laboratory",
        "空腹血糖",
        "Fasting glucose",
        "1558-6",
        "Fasting glucose [Moles/volume] in Serum or Plasma",
        "mmol/L",
    ),
    Item("postprandial-glucose", "ppg", "laboratory", "餐后2小时血糖", "2-hour postprandial glucose", ucum="mmol/L"),
    Item("hba1c", "hba1c", "laboratory", "糖化血红蛋白", "HbA1c", "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%"),
    Item("adherence", "adherence", "survey", "服药依从性", "Medication adherence", kind="coded", codes=codes.ADHERENCE),
    Item("adverse-reaction", "adverse_reaction", "exam", "药物不良反应", "Adverse drug reaction", kind="boolean"),
    Item("complication", "new_complication", "exam", "新的并发症或原有并发症加重", "New or worsening complication", kind="boolean"),
    Item("hypoglycaemia", "hypoglycaemia", "survey", "低血糖反应", "Hypoglycaemia", kind="coded", codes=codes.HYPOGLYCAEMIA),
    Item("category", "category", "survey", "此次随访分类", "Visit category", kind="category", codes=codes.CATEGORY),
)
BY_CODE: dict[str, Item] = {i.code: i for i in ITEMS}
# Fields only the diabetes form has: a hypertension visit never emits them.
T2DM_ONLY = {"temperature", "dorsalis-pedis", "staple-food", "postprandial-glucose", "hba1c", "hypoglycaemia"}
HTN_ONLY = {"salt"}
