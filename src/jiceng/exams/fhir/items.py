"""The health check's items that become Observations ``<check id>-<item>``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jiceng.core.codes import CodeList
from jiceng.core.fhir import systems
from jiceng.core.fhir.query import coding
from jiceng.exams import codes
from jiceng.exams.form import BY_KEY

ITEM_SYSTEM = systems.code_system("health-check-item")
SNOMED = "http://snomed.info/sct"
CATEGORY = {
    "vital-signs": "Vital Signs",
    "laboratory": "Laboratory",
    "survey": "Survey",
    "social-history": "Social History",
    "exam": "Exam",
    "procedure": "Procedure",
    "imaging": "Imaging",
}
BP_PANEL = "Blood pressure panel with all children optional"
BP_SIDES = {"left": ("368208006", "Left upper arm structure"), "right": ("368209003", "Right upper arm structure")}


@dataclass(frozen=True)
class Item:
    """One Observation of a check: local code (also the id suffix), where its value is, its coding."""

    code: str
    field: str  # a HealthCheck attribute or a form field (jiceng.exams.form)
    category: str
    loinc: str = ""
    loinc_display: str = ""
    ucum: str = ""  # quantities: the UCUM unit; "" for coded values and scores
    kind: str = "quantity"  # quantity | integer | coded | bp | self-care
    zh: str = ""
    en: str = ""
    unit: str = ""  # a quantity's unit when UCUM has none (两)

    @property
    def label(self) -> tuple[str, str]:
        if self.zh:
            return self.zh, self.en
        f = BY_KEY[self.field]
        return f.zh, f.en


def _lab(code: str, field: str, loinc: str, display: str, ucum: str = "", kind: str = "quantity") -> Item:
    return Item(code, field, "laboratory", loinc, display, ucum, kind)


ITEMS: tuple[Item, ...] = (
    # 2 一般状况 (vital signs, as the FHIR vital-signs profile codes them)
    Item("temperature", "temperature", "vital-signs", "8310-5", "Body temperature", "Cel"),
    Item("pulse-rate", "pulse_rate", "vital-signs", "8867-4", "Heart rate", "/min"),
    Item("respiratory-rate", "respiratory_rate", "vital-signs", "9279-1", "Respiratory rate", "/min"),
    *(
        Item(
            f"bp-{side}", f"sbp_{side}", "vital-signs", "85354-9", BP_PANEL, "mm[Hg]", "bp", f"血压（{zh}）", f"Blood pressure, {side} arm"
        )
        for side, zh in (("left", "左侧"), ("right", "右侧"))
    ),
    Item("height", "height_cm", "vital-signs", "8302-2", "Body height", "cm"),
    Item("weight", "weight_kg", "vital-signs", "29463-7", "Body weight", "kg"),
    Item("bmi", "bmi", "vital-signs", "39156-5", "Body mass index (BMI) [Ratio]", "kg/m2", zh="体质指数", en="Body mass index"),
    Item("waist", "waist_cm", "vital-signs", "8280-0", "Waist Circumference at umbilicus by Tape measure", "cm"),
    # 65+: self-rated health, self-care ability, cognition and mood
    Item("self-rated-health", "self_rated_health", "survey", kind="coded"),
    Item("self-care", "self_care_score", "survey", kind="self-care", zh="老年人生活自理能力评估", en="Self-care ability (65+)"),
    Item("cognition-screen", "cognition_screen", "survey", kind="coded"),
    Item("mmse", "mmse_score", "survey", "72106-8", "Total score [MMSE]", kind="integer"),
    Item("mood-screen", "mood_screen", "survey", kind="coded"),
    Item("gds", "gds_score", "survey", kind="integer"),
    # 3 生活方式
    Item("exercise", "exercise_frequency", "social-history", kind="coded"),
    Item("smoking", "smoking_status", "social-history", "72166-2", "Tobacco smoking status", kind="coded"),
    Item("drinking", "drinking_frequency", "social-history", kind="coded"),
    Item("daily-liquor", "daily_liquor_liang", "social-history", zh="日饮酒量（折合白酒）", en="Alcohol a day (as liquor)", unit="两"),
    # 5 查体
    Item("heart-rate", "heart_rate", "exam", ucum="/min"),
    Item("dorsalis-pedis", "dorsalis_pedis", "exam", kind="coded"),
    # 6 辅助检查
    _lab("hemoglobin", "hemoglobin", "718-7", "Hemoglobin [Mass/volume] in Blood", "g/L"),
    _lab("wbc", "wbc", "6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*9/L"),
    _lab("platelets", "platelets", "777-3", "Platelets [#/volume] in Blood by Automated count", "10*9/L"),
    _lab("urine-protein", "urine_protein", "20454-5", "Protein [Presence] in Urine by Test strip", kind="coded"),
    _lab("urine-glucose", "urine_glucose", "25428-4", "Glucose [Presence] in Urine by Test strip", kind="coded"),
    _lab("urine-ketone", "urine_ketone", "2514-8", "Ketones [Presence] in Urine by Test strip", kind="coded"),
    _lab("urine-occult-blood", "urine_occult_blood", "5794-3", "Hemoglobin [Presence] in Urine by Test strip", kind="coded"),
    _lab("fasting-glucose", "fasting_glucose", "1558-6", "Fasting glucose [Moles/volume] in Serum or Plasma", "mmol/L"),
    Item("ecg", "ecg", "procedure", kind="coded"),
    _lab("urine-microalbumin", "urine_microalbumin", "14957-5", "Microalbumin [Mass/volume] in Urine", "mg/dL"),
    _lab("fobt", "fobt", "2335-8", "Hemoglobin.gastrointestinal [Presence] in Stool", kind="coded"),
    _lab("hba1c", "hba1c", "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%"),
    _lab("hbsag", "hbsag", "5196-1", "Hepatitis B virus surface Ag [Presence] in Serum or Plasma by Immunoassay", kind="coded"),
    _lab("alt", "alt", "1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "U/L"),
    _lab("ast", "ast", "1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "U/L"),
    _lab("albumin", "albumin", "1751-7", "Albumin [Mass/volume] in Serum or Plasma", "g/L"),
    _lab("total-bilirubin", "total_bilirubin", "14631-6", "Bilirubin.total [Moles/volume] in Serum or Plasma", "umol/L"),
    _lab("direct-bilirubin", "direct_bilirubin", "14629-0", "Bilirubin.direct [Moles/volume] in Serum or Plasma", "umol/L"),
    _lab("creatinine", "creatinine", "14682-9", "Creatinine [Moles/volume] in Serum or Plasma", "umol/L"),
    _lab("urea", "urea", "22664-7", "Urea [Moles/volume] in Serum or Plasma", "mmol/L"),
    _lab("potassium", "potassium", "2823-3", "Potassium [Moles/volume] in Serum or Plasma", "mmol/L"),
    _lab("sodium", "sodium", "2951-2", "Sodium [Moles/volume] in Serum or Plasma", "mmol/L"),
    _lab("total-cholesterol", "total_cholesterol", "14647-2", "Cholesterol [Moles/volume] in Serum or Plasma", "mmol/L"),
    _lab("triglycerides", "triglycerides", "14927-8", "Triglyceride [Moles/volume] in Serum or Plasma", "mmol/L"),
    _lab("ldl-c", "ldl_c", "22748-8", "Cholesterol in LDL [Moles/volume] in Serum or Plasma", "mmol/L"),
    _lab("hdl-c", "hdl_c", "14646-4", "Cholesterol in HDL [Moles/volume] in Serum or Plasma", "mmol/L"),
    Item("chest-xray", "chest_xray", "imaging", kind="coded"),
    Item("b-ultrasound-abdomen", "b_ultrasound_abdomen", "imaging", kind="coded"),
    Item("b-ultrasound-other", "b_ultrasound_other", "imaging", kind="coded"),
    _lab("cervical-smear", "cervical_smear", "", "", kind="coded"),
)
BY_CODE: dict[str, Item] = {i.code: i for i in ITEMS}
# Units shown with values (the form's), next to the UCUM code.
UNIT_TEXT = {"mm[Hg]": "mmHg", "Cel": "℃", "/min": "次/分钟", "kg/m2": "kg/m²", "10*9/L": "×10⁹/L", "umol/L": "μmol/L"}
# Computed values that are not form fields: the code list of their coded value.
SELF_CARE_LEVEL = codes.SELF_CARE_LEVEL


def value_system(item_code: str) -> str:
    """The code system of a coded item's value: the form's code list for that item."""
    return systems.code_system(f"health-check-{item_code}")


def concept(system: str, code: str, codelist: CodeList | None) -> dict[str, Any]:
    label = codelist.label(code) if codelist else code
    return {"coding": [coding(system, code, label)], "text": label}
