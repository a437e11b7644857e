"""The fields of the follow-up form (随访服务记录表), declared once for validation,
the API schema, the web form and the printed record."""

from __future__ import annotations

from dataclasses import dataclass

from jiceng.chronic import codes
from jiceng.chronic.codes import HTN, T2DM
from jiceng.core.codes import CodeList

BOTH = (HTN, T2DM)


@dataclass(frozen=True)
class Field:
    key: str
    zh: str
    en: str
    kind: str  # int, number, code, codes, bool, text, date
    diseases: tuple[str, ...] = BOTH
    low: float | None = None
    high: float | None = None
    unit: str = ""
    places: int = 1
    codes: CodeList | None = None
    max_length: int = 200
    section: str = "signs"

    @property
    def label(self) -> tuple[str, str]:
        return self.zh, self.en


FIELDS: tuple[Field, ...] = (
    Field("visit_date", "随访日期", "Visit date", "date", section="visit"),
    Field("mode", "随访方式", "Visit mode", "code", codes=codes.VISIT_MODE, section="visit"),
    # 症状
    Field("symptoms", "症状", "Symptoms", "codes", section="symptoms"),
    Field("symptoms_other", "其他症状", "Other symptoms", "text", section="symptoms"),
    Field("critical_signs", "危急情况", "Critical signs", "codes", codes=codes.CRITICAL_SIGN, section="symptoms"),
    Field("pregnant_or_breastfeeding", "妊娠或哺乳期", "Pregnant or breastfeeding", "bool", section="symptoms"),
    Field("unmanageable_condition", "存在不能处理的其他疾病", "Another condition this unit cannot handle", "bool", section="symptoms"),
    # 体征
    Field("sbp", "收缩压", "Systolic BP", "int", low=50, high=300, unit="mmHg"),
    Field("dbp", "舒张压", "Diastolic BP", "int", low=30, high=200, unit="mmHg"),
    Field("height_cm", "身高", "Height", "number", low=80, high=230, unit="cm"),
    Field("weight_kg", "体重", "Weight", "number", low=20, high=250, unit="kg"),
    Field("target_weight_kg", "目标体重", "Target weight", "number", low=20, high=250, unit="kg"),
    Field("heart_rate", "心率", "Heart rate", "int", low=20, high=250, unit="次/分"),
    Field("temperature", "体温", "Temperature", "number", diseases=(T2DM,), low=34, high=43, unit="℃"),
    Field("pedal_pulse", "足背动脉搏动", "Dorsalis pedis pulse", "code", diseases=(T2DM,), codes=codes.PEDAL_PULSE),
    Field("pedal_pulse_side", "足背动脉搏动侧别", "Pulse side", "code", diseases=(T2DM,), codes=codes.SIDE),
    Field("other_signs", "其他体征", "Other signs", "text"),
    # 生活方式指导
    Field("smoking_per_day", "日吸烟量", "Cigarettes a day", "int", low=0, high=100, unit="支", section="lifestyle"),
    Field("smoking_target", "日吸烟量目标", "Cigarettes a day (target)", "int", low=0, high=100, unit="支", section="lifestyle"),
    Field("drinking_liang", "日饮酒量", "Liquor a day", "number", low=0, high=40, unit="两", section="lifestyle"),
    Field("drinking_target", "日饮酒量目标", "Liquor a day (target)", "number", low=0, high=40, unit="两", section="lifestyle"),
    Field("exercise_per_week", "运动次数", "Exercise sessions a week", "int", low=0, high=21, unit="次/周", section="lifestyle"),
    Field("exercise_minutes", "每次运动时间", "Minutes a session", "int", low=0, high=600, unit="分钟/次", section="lifestyle"),
    Field("exercise_target_per_week", "运动次数目标", "Sessions a week (target)", "int", low=0, high=21, unit="次/周", section="lifestyle"),
    Field(
        "exercise_target_minutes", "运动时间目标", "Minutes a session (target)", "int", low=0, high=600, unit="分钟/次", section="lifestyle"
    ),
    Field("salt", "摄盐情况", "Salt intake", "code", diseases=(HTN,), codes=codes.SALT, section="lifestyle"),
    Field("salt_target", "摄盐情况目标", "Salt intake (target)", "code", diseases=(HTN,), codes=codes.SALT, section="lifestyle"),
    Field("staple_g", "主食", "Staple food", "int", diseases=(T2DM,), low=0, high=2000, unit="克/天", section="lifestyle"),
    Field(
        "staple_target_g", "主食目标", "Staple food (target)", "int", diseases=(T2DM,), low=0, high=2000, unit="克/天", section="lifestyle"
    ),
    Field("psychology", "心理调整", "Psychological adjustment", "code", codes=codes.RATING, section="lifestyle"),
    Field("compliance", "遵医行为", "Compliance with advice", "code", codes=codes.RATING, section="lifestyle"),
    # 辅助检查
    Field("fpg", "空腹血糖", "Fasting glucose", "number", low=1.0, high=40.0, unit="mmol/L", section="tests"),
    Field("ppg", "餐后2小时血糖", "2-hour glucose", "number", diseases=(T2DM,), low=1.0, high=50.0, unit="mmol/L", section="tests"),
    Field("hba1c", "糖化血红蛋白", "HbA1c", "number", diseases=(T2DM,), low=3.0, high=20.0, unit="%", section="tests"),
    Field("hba1c_date", "糖化血红蛋白检查日期", "HbA1c date", "date", diseases=(T2DM,), section="tests"),
    Field("other_tests", "其他检查", "Other tests", "text", max_length=300, section="tests"),
    # 用药
    Field("adherence", "服药依从性", "Medication adherence", "code", codes=codes.ADHERENCE, section="drugs"),
    Field("adverse_reaction", "药物不良反应", "Adverse drug reaction", "bool", section="drugs"),
    Field("adverse_reaction_detail", "不良反应描述", "Adverse reaction (details)", "text", section="drugs"),
    Field("adr_hard_to_control", "不良反应难以控制", "Adverse reaction hard to control", "bool", section="drugs"),
    Field("new_complication", "新的并发症或原有并发症加重", "New or worsening complication", "bool", section="drugs"),
    Field("complication_detail", "并发症描述", "Complication (details)", "text", section="drugs"),
    Field("hypoglycaemia", "低血糖反应", "Hypoglycaemia", "code", diseases=(T2DM,), codes=codes.HYPOGLYCAEMIA, section="drugs"),
    Field("insulin_kind", "胰岛素种类", "Insulin type", "text", diseases=(T2DM,), max_length=100, section="drugs"),
    Field("insulin_usage", "胰岛素用法和用量", "Insulin use and dose", "text", diseases=(T2DM,), max_length=100, section="drugs"),
    # 分类、转诊、下次随访
    Field("category", "此次随访分类（医生调整）", "Visit category (doctor's choice)", "code", codes=codes.CATEGORY, section="plan"),
    Field("category_override_reason", "调整分类的理由", "Reason for changing the category", "text", max_length=300, section="plan"),
    Field("referral_reason", "转诊原因", "Referral reason", "text", max_length=300, section="plan"),
    Field("referral_to", "转诊机构及科别", "Referred to (institution, department)", "text", section="plan"),
    Field("referral_contact", "转诊联系人及电话", "Referral contact and phone", "text", max_length=100, section="plan"),
    Field("referral_result", "转诊结果", "Referral result", "code", codes=codes.REFERRAL_RESULT, section="plan"),
    Field("next_visit_date", "下次随访日期", "Next visit date", "date", section="plan"),
    Field("remarks", "备注", "Remarks", "text", max_length=300, section="plan"),
    Field("resident_signed", "居民签名确认", "Signed by the resident", "bool", section="plan"),
)

BY_KEY = {f.key: f for f in FIELDS}
MEDICATION_ROWS = 4


def symptom_codes(disease: str) -> CodeList:
    return codes.HTN_SYMPTOM if disease == HTN else codes.DM_SYMPTOM


def fields_for(disease: str, section: str | None = None) -> list[Field]:
    return [f for f in FIELDS if disease in f.diseases and (section is None or f.section == section)]
