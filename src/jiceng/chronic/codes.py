"""Code lists of the 高血压/2型糖尿病患者随访服务记录表 (规范 第三版, spec §1)."""

from __future__ import annotations

from jiceng.core.codes import CodeList

HTN = "htn"
T2DM = "t2dm"

DISEASE = CodeList("管理病种", "Condition", {HTN: ("高血压", "Hypertension"), T2DM: ("2型糖尿病", "Type 2 diabetes")})

DIAGNOSIS_BASIS = CodeList(
    "诊断依据",
    "Diagnosis basis",
    {
        "1": ("上级医院确诊", "Confirmed at a higher-level hospital"),
        "2": ("本机构诊断（非同日三次测量）", "Diagnosed here (three measurements on different days)"),
        "3": ("既往已确诊", "Diagnosed previously"),
    },
)

SOURCE = CodeList(
    "发现来源",
    "Source",
    {
        "screening": ("筛查", "Screening"),
        "clinic": ("门诊就诊", "Clinic visit"),
        "hospital": ("上级医院/住院", "Higher-level hospital / admission"),
        "health_check": ("健康体检", "Health check"),
        "other": ("其他", "Other"),
    },
)

ENROLMENT_STATUS = CodeList(
    "管理状态",
    "Management status",
    {
        "managed": ("在管", "Managed"),
        "moved": ("迁出", "Moved away"),
        "deceased": ("死亡", "Deceased"),
        "lost": ("失访", "Lost to follow-up"),
    },
)

VISIT_MODE = CodeList("随访方式", "Visit mode", {"1": ("门诊", "Clinic"), "2": ("家庭", "Home"), "3": ("电话", "Phone")})
FACE_TO_FACE_MODES = ("1", "2")

HTN_SYMPTOM = CodeList(
    "症状",
    "Symptoms",
    {
        "1": ("无症状", "None"),
        "2": ("头痛头晕", "Headache, dizziness"),
        "3": ("恶心呕吐", "Nausea, vomiting"),
        "4": ("眼花耳鸣", "Blurred vision, tinnitus"),
        "5": ("呼吸困难", "Dyspnoea"),
        "6": ("心悸胸闷", "Palpitations, chest tightness"),
        "7": ("鼻衄出血不止", "Nosebleed that does not stop"),
        "8": ("四肢发麻", "Numb limbs"),
        "9": ("下肢水肿", "Leg oedema"),
        "10": ("其他", "Other"),
    },
)

DM_SYMPTOM = CodeList(
    "症状",
    "Symptoms",
    {
        "1": ("无症状", "None"),
        "2": ("多饮", "Polydipsia"),
        "3": ("多食", "Polyphagia"),
        "4": ("多尿", "Polyuria"),
        "5": ("视力模糊", "Blurred vision"),
        "6": ("感染", "Infection"),
        "7": ("手脚麻木", "Numb hands or feet"),
        "8": ("下肢浮肿", "Leg oedema"),
        "9": ("体重明显下降", "Marked weight loss"),
        "10": ("其他", "Other"),
    },
)

# 危急情况 (critical signs that call for an urgent referral), spec §1.1 and §1.2.
CRITICAL_SIGN = CodeList(
    "危急情况",
    "Critical signs",
    {
        "consciousness": ("意识或行为改变", "Altered consciousness or behaviour"),
        "severe_headache": ("剧烈头痛或头晕", "Severe headache or dizziness"),
        "nausea_vomiting": ("恶心呕吐", "Nausea or vomiting"),
        "blurred_vision": ("视力模糊", "Blurred vision"),
        "eye_pain": ("眼痛", "Eye pain"),
        "palpitations": ("心悸", "Palpitations"),
        "chest_tightness": ("胸闷", "Chest tightness"),
        "orthopnoea": ("喘憋不能平卧", "Breathless, cannot lie flat"),
        "precordial_pain": ("心前区疼痛", "Precordial pain"),
        "acetone_breath": ("呼气有烂苹果样丙酮味", "Acetone (rotten-apple) breath"),
        "sweating": ("出汗", "Sweating"),
        "poor_appetite": ("食欲减退", "Poor appetite"),
        "polydipsia_polyuria": ("多饮、多尿", "Polydipsia, polyuria"),
        "abdominal_pain": ("腹痛", "Abdominal pain"),
        "deep_breathing": ("深大呼吸", "Deep rapid breathing"),
        "flushed_skin": ("皮肤潮红", "Flushed skin"),
        "sudden_vision_loss": ("视力骤降", "Sudden fall in vision"),
    },
)

SALT = CodeList("摄盐情况", "Salt intake", {"1": ("轻", "Light"), "2": ("中", "Moderate"), "3": ("重", "Heavy")})
RATING = CodeList("评价", "Rating", {"1": ("良好", "Good"), "2": ("一般", "Fair"), "3": ("差", "Poor")})
ADHERENCE = CodeList(
    "服药依从性", "Medication adherence", {"1": ("规律", "Regular"), "2": ("间断", "Intermittent"), "3": ("不服药", "Not taking")}
)
HYPOGLYCAEMIA = CodeList("低血糖反应", "Hypoglycaemia", {"1": ("无", "None"), "2": ("偶尔", "Occasional"), "3": ("频繁", "Frequent")})
PEDAL_PULSE = CodeList(
    "足背动脉搏动", "Dorsalis pedis pulse", {"1": ("触及正常", "Normal"), "2": ("减弱", "Weakened"), "3": ("消失", "Absent")}
)
SIDE = CodeList("侧别", "Side", {"both": ("双侧", "Both"), "left": ("左侧", "Left"), "right": ("右侧", "Right")})

CATEGORY = CodeList(
    "此次随访分类",
    "Visit category",
    {
        "1": ("控制满意", "Controlled"),
        "2": ("控制不满意", "Uncontrolled"),
        "3": ("不良反应", "Adverse reaction"),
        "4": ("并发症", "Complication"),
    },
)
CONTROLLED, UNCONTROLLED, ADVERSE_REACTION, COMPLICATION = "1", "2", "3", "4"

NEXT_VISIT_KIND = CodeList(
    "下次随访",
    "Next visit",
    {
        "routine": ("常规随访", "Routine visit"),
        "two_weeks": ("2周内随访", "Visit within 2 weeks"),
        "referral": ("转诊后2周内主动随访", "Follow up the referral within 2 weeks"),
    },
)

REFERRAL_KIND = CodeList(
    "转诊类型", "Referral type", {"urgent": ("紧急转诊", "Urgent referral"), "suggested": ("建议转诊", "Referral suggested")}
)
REFERRAL_STATUS = CodeList(
    "转诊状态",
    "Referral status",
    {"open": ("待随访", "Awaiting follow-up"), "followed_up": ("已随访", "Followed up"), "cancelled": ("已取消", "Cancelled")},
)
REFERRAL_RESULT = CodeList("转诊结果", "Referral result", {"1": ("到位", "Arrived"), "2": ("不到位", "Did not arrive")})

# Why a visit's rules fired, for the alert and the worklist (rules.py produces these codes).
REASON = CodeList(
    "原因",
    "Reason",
    {
        "sbp_critical": ("收缩压≥180mmHg", "Systolic ≥180 mmHg"),
        "dbp_critical": ("舒张压≥110mmHg", "Diastolic ≥110 mmHg"),
        "glucose_high": ("血糖≥16.7mmol/L", "Glucose ≥16.7 mmol/L"),
        "glucose_low": ("血糖≤3.9mmol/L", "Glucose ≤3.9 mmol/L"),
        "tachycardia": ("持续性心动过速（心率>100次/分）", "Persistent tachycardia (>100/min)"),
        "fever": ("体温>39℃", "Temperature >39 °C"),
        "critical_sign": ("危急症状", "Critical sign"),
        "pregnancy": ("妊娠或哺乳期血压/血糖高于正常", "Pregnant or breastfeeding with raised BP or glucose"),
        "unmanageable": ("存在不能处理的其他疾病", "Another condition this unit cannot handle"),
        "sbp_high": ("收缩压未达标", "Systolic above target"),
        "dbp_high": ("舒张压未达标", "Diastolic above target"),
        "fpg_high": ("空腹血糖未达标", "Fasting glucose above target"),
        "ppg_high": ("餐后2小时血糖未达标", "2-hour glucose above target"),
        "hba1c_high": ("糖化血红蛋白未达标", "HbA1c above target"),
        "consecutive_uncontrolled": ("连续两次控制不满意", "Uncontrolled at two consecutive visits"),
        "adr_hard_to_control": ("药物不良反应难以控制", "Adverse reaction hard to control"),
        "new_complication": ("出现新的并发症或原有并发症加重", "New or worsening complication"),
        "first_uncontrolled": ("首次控制不满意", "First uncontrolled visit"),
        "adverse_reaction": ("药物不良反应", "Adverse drug reaction"),
        "doctor_decision": ("医生决定转诊", "Referred by the doctor"),
        "screening_suspected": ("筛查：非同日3次血压高于正常，需确诊", "Screening: raised BP on 3 different days, to be confirmed"),
    },
)

SCREENING_RISK = CodeList(
    "高危因素",
    "High-risk factors",
    {
        "high_normal_bp": ("血压高值（130-139/85-89mmHg）", "High-normal BP (130-139/85-89)"),
        "overweight": ("超重或肥胖（BMI≥24）", "Overweight or obese (BMI ≥24)"),
        "waist": ("腰围超标（男≥90cm，女≥85cm）", "Waist ≥90 cm (men) / ≥85 cm (women)"),
        "family_history": ("高血压家族史（一、二级亲属）", "Family history (1st/2nd degree)"),
        "high_salt": ("长期高盐膳食", "Long-term high-salt diet"),
        "heavy_drinking": ("长期过量饮酒", "Long-term heavy drinking"),
        "age": ("年龄≥55岁", "Age ≥55"),
    },
)

SCREENING_OUTCOME = CodeList(
    "筛查结论",
    "Screening outcome",
    {
        "normal": ("正常，每年测量1次血压", "Normal: measure BP once a year"),
        "high_risk": ("高危人群，至少每半年测量1次血压", "High risk: measure BP at least every 6 months"),
        "recheck": ("血压升高，去除诱因后预约复查", "Raised BP: remove causes and book a re-check"),
        "suspected": (
            "非同日3次血压高于正常，初步诊断高血压，建议转诊确诊，2周内随访",
            "Raised on 3 different days: preliminary diagnosis; refer to confirm, follow up within 2 weeks",
        ),
        "glucose_recheck": ("空腹血糖升高，建议复查/确诊", "Raised fasting glucose: re-test or confirm"),
    },
)

PRESCRIPTION_STATUS = CodeList("处方状态", "Prescription status", {"active": ("有效", "Active"), "stopped": ("已停用", "Stopped")})

WORKLIST_BUCKET = CodeList(
    "工作清单",
    "Worklist",
    {
        "urgent": ("紧急（危急值或连续两次控制不满意）", "Urgent (critical reading or two uncontrolled visits)"),
        "referrals": ("转诊待随访", "Referral follow-ups due"),
        "overdue": ("逾期未随访", "Overdue"),
        "due_this_week": ("本周应随访", "Due this week"),
        "upcoming": ("近期（8-21天内）", "Coming up (8-21 days)"),
        "not_seen_quarter": ("本季度未随访", "Not seen this quarter"),
    },
)
