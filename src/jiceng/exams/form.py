"""The 健康体检表 as data: every field once, with its section, type, range and storage.

Validation, the web form and the API schema are all driven by this one table, so a
field cannot be accepted by one interface and refused by another.

Storage: fields marked ``store=COLUMN`` have their own column (indicators, rules and
other domains read them); the others are kept in the JSON column named by ``store``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jiceng.core.codes import CodeList
from jiceng.exams import codes as c

COLUMN = "column"


@dataclass(frozen=True)
class Field:
    key: str
    zh: str
    en: str
    kind: str  # number | int | code | codes | text | date | month | texts | rows
    section: str
    store: str = COLUMN
    codes: CodeList | None = None
    low: float | None = None
    high: float | None = None
    unit: str = ""
    places: int = 1
    max_length: int = 100
    none_code: str | None = None
    max_items: int = 0
    columns: tuple[Field, ...] = field(default_factory=tuple)
    sex: str | None = None  # "2": women only (gynaecological exam)

    @property
    def label(self) -> tuple[str, str]:
        return (self.zh, self.en)


SECTIONS: list[tuple[str, str, str]] = [
    ("header", "体检信息", "Check"),
    ("symptoms", "症状", "Symptoms"),
    ("general", "一般状况", "General status"),
    ("elderly", "老年人自评与筛查（65岁及以上）", "Older-adult assessment (65+)"),
    ("lifestyle", "生活方式", "Lifestyle"),
    ("organ", "脏器功能", "Organ function"),
    ("physical", "查体", "Physical examination"),
    ("tests", "辅助检查", "Tests"),
    ("problems", "现存主要健康问题", "Current main health problems"),
    ("care", "住院治疗情况与主要用药情况", "Hospital care and medication"),
    ("vaccination", "非免疫规划预防接种史", "Non-NIP vaccinations"),
    ("assessment", "健康评价与健康指导", "Assessment and guidance"),
]


def _num(key: str, zh: str, en: str, section: str, low: float, high: float, unit: str = "", places: int = 1, store: str = COLUMN) -> Field:
    return Field(key, zh, en, "number", section, store, low=low, high=high, unit=unit, places=places)


def _int(key: str, zh: str, en: str, section: str, low: int, high: int, unit: str = "", store: str = COLUMN) -> Field:
    return Field(key, zh, en, "int", section, store, low=low, high=high, unit=unit)


def _code(key: str, codes: CodeList, section: str, store: str = COLUMN, sex: str | None = None) -> Field:
    return Field(key, codes.name_zh, codes.name_en, "code", section, store, codes=codes, sex=sex)


def _multi(key: str, codes: CodeList, section: str, none_code: str | None = "1", store: str = COLUMN) -> Field:
    return Field(key, codes.name_zh, codes.name_en, "codes", section, store, codes=codes, none_code=none_code)


def _text(key: str, zh: str, en: str, section: str, store: str = COLUMN, max_length: int = 100, sex: str | None = None) -> Field:
    return Field(key, zh, en, "text", section, store, max_length=max_length, sex=sex)


def _rows(key: str, zh: str, en: str, section: str, max_items: int, *columns: Field) -> Field:
    return Field(key, zh, en, "rows", section, COLUMN, max_items=max_items, columns=columns)


def _sub(key: str, zh: str, en: str, kind: str = "text", codes: CodeList | None = None, max_length: int = 100) -> Field:
    return Field(key, zh, en, kind, "row", codes=codes, max_length=max_length)


LS, ORG, PE, TST, PRB = "lifestyle", "organ_function", "physical_exam", "tests", "problems"

FIELDS: list[Field] = [
    # 体检日期、责任医生、服务方式
    Field("exam_date", "体检日期", "Check date", "date", "header"),
    _text("doctor_name", "责任医生", "Responsible doctor", "header", max_length=50),
    _code("visit_mode", c.VISIT_MODE, "header"),
    # 1 症状
    _multi("symptoms", c.SYMPTOM, "symptoms"),
    _text("symptom_other", "其他症状", "Other symptoms", "symptoms", max_length=200),
    # 2 一般状况
    _num("temperature", "体温", "Temperature", "general", 34, 43, "℃"),
    _int("pulse_rate", "脉率", "Pulse", "general", 20, 250, "次/分钟"),
    _int("respiratory_rate", "呼吸频率", "Respiration", "general", 5, 60, "次/分钟"),
    _int("sbp_left", "血压左侧收缩压", "BP left, systolic", "general", 60, 300, "mmHg"),
    _int("dbp_left", "血压左侧舒张压", "BP left, diastolic", "general", 30, 200, "mmHg"),
    _int("sbp_right", "血压右侧收缩压", "BP right, systolic", "general", 60, 300, "mmHg"),
    _int("dbp_right", "血压右侧舒张压", "BP right, diastolic", "general", 30, 200, "mmHg"),
    _num("height_cm", "身高", "Height", "general", 80, 230, "cm"),
    _num("weight_kg", "体重", "Weight", "general", 20, 250, "kg"),
    _num("waist_cm", "腰围", "Waist", "general", 40, 200, "cm"),
    # 65+: 健康状态自评、生活自理能力、认知、情感
    _code("self_rated_health", c.SELF_RATED_HEALTH, "elderly"),
    *(
        Field(
            f"self_care_{item}",
            f"生活自理能力·{zh}",
            f"Self-care: {en}",
            "code",
            "elderly",
            "self_care",
            codes=CodeList(f"生活自理能力·{zh}", f"Self-care: {en}", {str(i + 1): texts[i] for i in range(4)}),
        )
        for item, ((zh, en), _points, texts) in c.SELF_CARE_ITEMS.items()
    ),
    _code("cognition_screen", CodeList("老年人认知功能", "Cognition (quick screen)", c.SCREEN.entries), "elderly"),
    _int("mmse_score", "简易智力状态检查总分", "MMSE total", "elderly", 0, 30, "分"),
    _code("mood_screen", CodeList("老年人情感状态", "Mood (quick screen)", c.SCREEN.entries), "elderly"),
    _int("gds_score", "老年人抑郁评分检查总分", "Geriatric depression score", "elderly", 0, 30, "分"),
    # 3 生活方式
    _code("exercise_frequency", c.EXERCISE_FREQUENCY, "lifestyle"),
    _int("exercise_minutes", "每次锻炼时间", "Minutes per session", "lifestyle", 1, 600, "分钟", store=LS),
    _int("exercise_years", "坚持锻炼时间", "Years exercising", "lifestyle", 0, 100, "年", store=LS),
    _text("exercise_type", "锻炼方式", "Type of exercise", "lifestyle", store=LS),
    _multi("diet", c.DIET, "lifestyle", none_code=None, store=LS),
    _code("smoking_status", c.SMOKING_STATUS, "lifestyle"),
    _int("cigarettes_per_day", "日吸烟量", "Cigarettes a day", "lifestyle", 0, 200, "支", store=LS),
    _int("smoking_start_age", "开始吸烟年龄", "Age started smoking", "lifestyle", 5, 120, "岁", store=LS),
    _int("smoking_quit_age", "戒烟年龄", "Age quit smoking", "lifestyle", 5, 120, "岁", store=LS),
    _code("drinking_frequency", c.DRINKING_FREQUENCY, "lifestyle"),
    _num("alcohol_baijiu", "日饮白酒量", "Liquor a day", "lifestyle", 0, 100, "两", store=LS),
    _num("alcohol_beer", "日饮啤酒量", "Beer a day", "lifestyle", 0, 200, "两", store=LS),
    _num("alcohol_wine", "日饮红酒量", "Wine a day", "lifestyle", 0, 100, "两", store=LS),
    _num("alcohol_huangjiu", "日饮黄酒量", "Yellow wine a day", "lifestyle", 0, 100, "两", store=LS),
    _code("drinking_quit", c.DRINKING_QUIT, "lifestyle", store=LS),
    _int("drinking_quit_age", "戒酒年龄", "Age stopped drinking", "lifestyle", 5, 120, "岁", store=LS),
    _int("drinking_start_age", "开始饮酒年龄", "Age started drinking", "lifestyle", 5, 120, "岁", store=LS),
    _code("drunk_past_year", CodeList("近一年内是否曾醉酒", "Drunk in the past year", c.YES_NO.entries), "lifestyle", store=LS),
    _multi("drink_types", c.DRINK_TYPE, "lifestyle", none_code=None, store=LS),
    _code("occupational_exposure", c.OCCUPATIONAL_EXPOSURE, "lifestyle", store=LS),
    _text("occupation_job", "工种", "Job", "lifestyle", store=LS),
    _int("occupation_years", "从业时间", "Years in the job", "lifestyle", 0, 80, "年", store=LS),
    *(
        f
        for kind, zh, en in (
            ("dust", "粉尘", "Dust"),
            ("radiation", "放射物质", "Radioactive material"),
            ("physical", "物理因素", "Physical factors"),
            ("chemical", "化学物质", "Chemicals"),
            ("other", "其他", "Other"),
        )
        for f in (
            _text(f"hazard_{kind}", f"毒物种类·{zh}", f"Hazard: {en}", "lifestyle", store=LS),
            _code(f"hazard_{kind}_protection", CodeList(f"{zh}防护措施", f"{en}: protection", c.PROTECTION.entries), "lifestyle", store=LS),
        )
    ),
    # 4 脏器功能
    _code("lips", c.LIPS, "organ", store=ORG),
    _multi("dentition", c.DENTITION, "organ", store=ORG),
    _code("pharynx", c.PHARYNX, "organ", store=ORG),
    _num("vision_left", "视力左眼", "Vision, left", "organ", 3.0, 5.3, store=ORG),
    _num("vision_right", "视力右眼", "Vision, right", "organ", 3.0, 5.3, store=ORG),
    _num("vision_corrected_left", "矫正视力左眼", "Corrected vision, left", "organ", 3.0, 5.3, store=ORG),
    _num("vision_corrected_right", "矫正视力右眼", "Corrected vision, right", "organ", 3.0, 5.3, store=ORG),
    _code("hearing", c.HEARING, "organ", store=ORG),
    _code("motor_function", c.MOTOR_FUNCTION, "organ", store=ORG),
    # 5 查体
    _code("fundus", c.FUNDUS, "physical", store=PE),
    _code("skin", c.SKIN, "physical", store=PE),
    _code("sclera", c.SCLERA, "physical", store=PE),
    _code("lymph_nodes", c.LYMPH_NODES, "physical", store=PE),
    _code("barrel_chest", c.BARREL_CHEST, "physical", store=PE),
    _code("breath_sounds", c.BREATH_SOUNDS, "physical", store=PE),
    _code("rales", c.RALES, "physical", store=PE),
    _int("heart_rate", "心率", "Heart rate", "physical", 20, 250, "次/分钟", store=PE),
    _code("heart_rhythm", c.HEART_RHYTHM, "physical", store=PE),
    _code("murmur", c.MURMUR, "physical", store=PE),
    _code("abdomen_tenderness", c.ABDOMEN_TENDERNESS, "physical", store=PE),
    _code("abdomen_mass", c.ABDOMEN_MASS, "physical", store=PE),
    _code("hepatomegaly", c.HEPATOMEGALY, "physical", store=PE),
    _code("splenomegaly", c.SPLENOMEGALY, "physical", store=PE),
    _code("shifting_dullness", c.SHIFTING_DULLNESS, "physical", store=PE),
    _code("leg_edema", c.LEG_EDEMA, "physical", store=PE),
    _code("dorsalis_pedis", c.DORSALIS_PEDIS, "physical"),
    _code("dre", c.DRE, "physical", store=PE),
    _multi("breast", c.BREAST, "physical", store=PE),
    _code("vulva", c.VULVA, "physical", store=PE, sex="2"),
    _code("vagina", c.VAGINA, "physical", store=PE, sex="2"),
    _code("cervix", c.CERVIX, "physical", store=PE, sex="2"),
    _code("uterus", c.UTERUS, "physical", store=PE, sex="2"),
    _code("adnexa", c.ADNEXA, "physical", store=PE, sex="2"),
    _text("physical_findings", "查体异常描述", "Abnormal findings (describe)", "physical", store=PE, max_length=500),
    # 6 辅助检查
    _num("hemoglobin", "血红蛋白", "Haemoglobin", "tests", 20, 250, "g/L", 0, store=TST),
    _num("wbc", "白细胞", "White cells", "tests", 0.1, 100, "×10⁹/L", 1, store=TST),
    _num("platelets", "血小板", "Platelets", "tests", 1, 2000, "×10⁹/L", 0, store=TST),
    _text("blood_other", "血常规其他", "Blood count, other", "tests", store=TST),
    _code("urine_protein", CodeList("尿蛋白", "Urine protein", c.URINE_DIPSTICK.entries), "tests", store=TST),
    _code("urine_glucose", CodeList("尿糖", "Urine glucose", c.URINE_DIPSTICK.entries), "tests", store=TST),
    _code("urine_ketone", CodeList("尿酮体", "Urine ketones", c.URINE_DIPSTICK.entries), "tests", store=TST),
    _code("urine_occult_blood", CodeList("尿潜血", "Urine occult blood", c.URINE_DIPSTICK.entries), "tests", store=TST),
    _text("urine_other", "尿常规其他", "Urine, other", "tests", store=TST),
    _num("fasting_glucose", "空腹血糖", "Fasting glucose", "tests", 1.0, 40.0, "mmol/L", 2),
    _code("ecg", c.ECG, "tests", store=TST),
    _num("urine_microalbumin", "尿微量白蛋白", "Urine microalbumin", "tests", 0, 1000, "mg/dL", 1, store=TST),
    _code("fobt", c.FOBT, "tests", store=TST),
    _num("hba1c", "糖化血红蛋白", "HbA1c", "tests", 3.0, 20.0, "%", 1),
    _code("hbsag", c.HBSAG, "tests", store=TST),
    _num("alt", "血清谷丙转氨酶", "ALT", "tests", 0, 5000, "U/L", 0, store=TST),
    _num("ast", "血清谷草转氨酶", "AST", "tests", 0, 5000, "U/L", 0, store=TST),
    _num("albumin", "白蛋白", "Albumin", "tests", 5, 80, "g/L", 1, store=TST),
    _num("total_bilirubin", "总胆红素", "Total bilirubin", "tests", 0, 1000, "μmol/L", 1, store=TST),
    _num("direct_bilirubin", "结合胆红素", "Direct bilirubin", "tests", 0, 1000, "μmol/L", 1, store=TST),
    _num("creatinine", "血清肌酐", "Serum creatinine", "tests", 10, 3000, "μmol/L", 0),
    _num("urea", "血尿素", "Blood urea", "tests", 0.5, 100, "mmol/L", 1, store=TST),
    _num("potassium", "血钾浓度", "Potassium", "tests", 1.0, 10.0, "mmol/L", 1, store=TST),
    _num("sodium", "血钠浓度", "Sodium", "tests", 100, 200, "mmol/L", 0, store=TST),
    _num("total_cholesterol", "总胆固醇", "Total cholesterol", "tests", 0.5, 30, "mmol/L", 2),
    _num("triglycerides", "甘油三酯", "Triglycerides", "tests", 0.1, 50, "mmol/L", 2),
    _num("ldl_c", "血清低密度脂蛋白胆固醇", "LDL cholesterol", "tests", 0.1, 20, "mmol/L", 2),
    _num("hdl_c", "血清高密度脂蛋白胆固醇", "HDL cholesterol", "tests", 0.1, 10, "mmol/L", 2),
    _code("chest_xray", c.CHEST_XRAY, "tests", store=TST),
    _code("b_ultrasound_abdomen", c.B_ULTRASOUND_ABDOMEN, "tests", store=TST),
    _code("b_ultrasound_other", c.B_ULTRASOUND_OTHER, "tests", store=TST),
    _code("cervical_smear", c.CERVICAL_SMEAR, "tests", store=TST, sex="2"),
    _text("test_findings", "辅助检查异常描述及其他", "Abnormal results and other tests", "tests", store=TST, max_length=500),
    # 7 现存主要健康问题
    _multi("cerebrovascular", c.CEREBROVASCULAR, "problems", store=PRB),
    _multi("renal", c.RENAL, "problems", store=PRB),
    _multi("cardiac", c.CARDIAC, "problems", store=PRB),
    _multi("vascular", c.VASCULAR, "problems", store=PRB),
    _multi("eye", c.EYE, "problems", store=PRB),
    _code("neurological", c.NEUROLOGICAL, "problems", store=PRB),
    _code("other_system", c.OTHER_SYSTEM, "problems", store=PRB),
    _text("problem_details", "健康问题说明（其他）", "Problems: details", "problems", store=PRB, max_length=300),
    # 8 住院治疗情况、主要用药情况
    _rows(
        "hospitalizations",
        "住院史",
        "Admissions (past year)",
        "care",
        2,
        _sub("admitted", "入院日期", "Admitted", "month"),
        _sub("discharged", "出院日期", "Discharged", "month"),
        _sub("reason", "原因", "Reason"),
        _sub("institution", "医疗机构名称", "Institution"),
        _sub("record_number", "病案号", "Case number", max_length=40),
    ),
    _rows(
        "home_beds",
        "家庭病床史",
        "Home-bed episodes (past year)",
        "care",
        2,
        _sub("opened", "建床日期", "Opened", "month"),
        _sub("closed", "撤床日期", "Closed", "month"),
        _sub("reason", "原因", "Reason"),
        _sub("institution", "医疗机构名称", "Institution"),
        _sub("record_number", "病案号", "Case number", max_length=40),
    ),
    _rows(
        "medications",
        "主要用药情况",
        "Main medications",
        "care",
        6,
        _sub("name", "药物名称", "Medicine"),
        _sub("usage", "用法", "Route"),
        _sub("dose", "用量", "Dose"),
        _sub("duration", "用药时间", "Duration"),
        _sub("adherence", "服药依从性", "Adherence", "code", c.ADHERENCE),
    ),
    # 9 非免疫规划预防接种史
    _rows(
        "vaccinations",
        "非免疫规划预防接种史",
        "Non-NIP vaccinations (past year)",
        "vaccination",
        3,
        _sub("name", "名称", "Vaccine"),
        _sub("date", "接种日期", "Date", "date"),
        _sub("institution", "接种机构", "Institution"),
    ),
    # 10 健康评价、健康指导
    _code("assessment", c.ASSESSMENT, "assessment"),
    Field("abnormalities", "异常", "Abnormal findings", "texts", "assessment", max_items=4, max_length=200),
    _multi("guidance", c.GUIDANCE, "assessment", none_code=None),
    _multi("risk_factors", c.RISK_FACTOR, "assessment", none_code=None),
    _num("target_weight_kg", "减体重目标", "Weight-loss target", "assessment", 20, 250, "kg"),
    _text("vaccine_advice", "建议接种疫苗", "Vaccine advised", "assessment"),
    _text("risk_other", "其他危险因素控制", "Other risk-factor advice", "assessment", max_length=200),
]

BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}

# Values computed by the service, never accepted from a client.
COMPUTED = ("bmi", "self_care_score", "self_care_level", "daily_liquor_liang", "age_at_exam", "elderly_cohort", "elderly_complete")

SELF_CARE_KEYS = tuple(f"self_care_{item}" for item in c.SELF_CARE_ITEMS)
ELDERLY_REQUIRED = ("self_rated_health", *SELF_CARE_KEYS, "cognition_screen", "mood_screen")
REQUIRED_ON_SIGN = ("exam_date", "symptoms", "height_cm", "weight_kg", "waist_cm", "assessment")
JSON_STORES = ("self_care", LS, ORG, PE, TST, PRB)


def section_fields(section: str) -> list[Field]:
    return [f for f in FIELDS if f.section == section]
