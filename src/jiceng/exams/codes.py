"""Code lists of the 健康体检表 (health-check form, 规范 第三版; spec §6.2).

Codes and labels follow the printed form, item by item, so a paper form and the
screen read the same. English labels are ours.
"""

from __future__ import annotations

from jiceng.core.codes import CodeList


def _codes(name_zh: str, name_en: str, *labels: tuple[str, str]) -> CodeList:
    """A list coded 1, 2, 3 … in the form's order."""
    return CodeList(name_zh, name_en, {str(i): label for i, label in enumerate(labels, start=1)})


NORMAL_ABNORMAL = (("正常", "Normal"), ("异常", "Abnormal"))
NO_YES = (("无", "No"), ("有", "Yes"))
NOT_SEEN = (("未见异常", "Nothing abnormal"), ("异常", "Abnormal"))
NEG_POS = (("阴性", "Negative"), ("阳性", "Positive"))

VISIT_MODE = CodeList(
    "服务方式",
    "Visit mode",
    {
        "clinic": ("机构内", "At the clinic"),
        "home": ("入户（卧床/行动不便）", "Home visit (bedridden or housebound)"),
        "outreach": ("集中体检/体检车", "Outreach / health-check van"),
    },
)

SYMPTOM = _codes(
    "症状",
    "Symptoms",
    ("无症状", "None"),
    ("头痛", "Headache"),
    ("头晕", "Dizziness"),
    ("心悸", "Palpitations"),
    ("胸闷", "Chest tightness"),
    ("胸痛", "Chest pain"),
    ("慢性咳嗽", "Chronic cough"),
    ("咳痰", "Sputum"),
    ("呼吸困难", "Dyspnoea"),
    ("多饮", "Polydipsia"),
    ("多尿", "Polyuria"),
    ("体重下降", "Weight loss"),
    ("乏力", "Fatigue"),
    ("关节肿痛", "Joint swelling or pain"),
    ("视力模糊", "Blurred vision"),
    ("手脚麻木", "Numb hands or feet"),
    ("尿急", "Urinary urgency"),
    ("尿痛", "Dysuria"),
    ("便秘", "Constipation"),
    ("腹泻", "Diarrhoea"),
    ("恶心呕吐", "Nausea or vomiting"),
    ("眼花", "Dim vision"),
    ("耳鸣", "Tinnitus"),
    ("乳房胀痛", "Breast distension"),
    ("其他", "Other"),
)

SELF_RATED_HEALTH = _codes(
    "老年人健康状态自我评估",
    "Self-rated health (65+)",
    ("满意", "Satisfied"),
    ("基本满意", "Mostly satisfied"),
    ("说不清楚", "Not sure"),
    ("不太满意", "Not very satisfied"),
    ("不满意", "Dissatisfied"),
)

SELF_CARE_LEVEL = _codes(
    "老年人生活自理能力自我评估",
    "Self-care ability (65+)",
    ("可自理（0～3分）", "Independent (0-3)"),
    ("轻度依赖（4～8分）", "Mild dependence (4-8)"),
    ("中度依赖（9～18分）", "Moderate dependence (9-18)"),
    ("不能自理（≥19分）", "Unable to care for self (≥19)"),
)

SCREEN = _codes("粗筛结果", "Quick screen", ("粗筛阴性", "Negative"), ("粗筛阳性", "Positive"))

EXERCISE_FREQUENCY = _codes(
    "锻炼频率",
    "Exercise frequency",
    ("每天", "Daily"),
    ("每周一次以上", "More than once a week"),
    ("偶尔", "Occasionally"),
    ("不锻炼", "Never"),
)

DIET = _codes(
    "饮食习惯",
    "Diet",
    ("荤素均衡", "Balanced"),
    ("荤食为主", "Mostly meat"),
    ("素食为主", "Mostly vegetarian"),
    ("嗜盐", "Salty"),
    ("嗜油", "Oily"),
    ("嗜糖", "Sweet"),
)

SMOKING_STATUS = _codes("吸烟状况", "Smoking", ("从不吸烟", "Never smoked"), ("已戒烟", "Quit"), ("吸烟", "Smokes"))

DRINKING_FREQUENCY = _codes(
    "饮酒频率", "Drinking frequency", ("从不", "Never"), ("偶尔", "Occasionally"), ("经常", "Often"), ("每天", "Daily")
)

DRINKING_QUIT = _codes("是否戒酒", "Stopped drinking", ("未戒酒", "Still drinks"), ("已戒酒", "Stopped"))

YES_NO = _codes("是否", "Yes or no", ("是", "Yes"), ("否", "No"))

DRINK_TYPE = _codes(
    "饮酒种类", "Drinks", ("白酒", "Liquor (baijiu)"), ("啤酒", "Beer"), ("红酒", "Wine"), ("黄酒", "Yellow wine"), ("其他", "Other")
)

OCCUPATIONAL_EXPOSURE = _codes("职业病危害因素接触史", "Occupational hazard exposure", *NO_YES)

PROTECTION = _codes("防护措施", "Protective measures", *NO_YES)

LIPS = _codes("口唇", "Lips", ("红润", "Pink"), ("苍白", "Pale"), ("发绀", "Cyanotic"), ("皲裂", "Chapped"), ("疱疹", "Herpes"))

DENTITION = _codes("齿列", "Teeth", ("正常", "Normal"), ("缺齿", "Missing teeth"), ("龋齿", "Caries"), ("义齿(假牙)", "Dentures"))

PHARYNX = _codes("咽部", "Pharynx", ("无充血", "Not congested"), ("充血", "Congested"), ("淋巴滤泡增生", "Lymphoid follicle hyperplasia"))

HEARING = _codes("听力", "Hearing", ("听见", "Hears"), ("听不清或无法听见", "Cannot hear clearly or at all"))

MOTOR_FUNCTION = _codes(
    "运动功能", "Motor function", ("可顺利完成", "Completes smoothly"), ("无法独立完成任何一个动作", "Cannot complete any movement alone")
)

FUNDUS = _codes("眼底", "Eye fundus", *NORMAL_ABNORMAL)

SKIN = _codes(
    "皮肤",
    "Skin",
    ("正常", "Normal"),
    ("潮红", "Flushed"),
    ("苍白", "Pale"),
    ("发绀", "Cyanotic"),
    ("黄染", "Jaundiced"),
    ("色素沉着", "Pigmented"),
    ("其他", "Other"),
)

SCLERA = _codes("巩膜", "Sclera", ("正常", "Normal"), ("黄染", "Jaundiced"), ("充血", "Congested"), ("其他", "Other"))

LYMPH_NODES = _codes(
    "淋巴结", "Lymph nodes", ("未触及", "Not palpable"), ("锁骨上", "Supraclavicular"), ("腋窝", "Axillary"), ("其他", "Other")
)

BARREL_CHEST = _codes("桶状胸", "Barrel chest", ("否", "No"), ("是", "Yes"))

BREATH_SOUNDS = _codes("呼吸音", "Breath sounds", *NORMAL_ABNORMAL)

RALES = _codes("罗音", "Rales", ("无", "None"), ("干罗音", "Dry rales"), ("湿罗音", "Moist rales"), ("其他", "Other"))

HEART_RHYTHM = _codes("心律", "Heart rhythm", ("齐", "Regular"), ("不齐", "Irregular"), ("绝对不齐", "Absolutely irregular"))

MURMUR = _codes("杂音", "Murmur", *NO_YES)

ABDOMEN_TENDERNESS = _codes("压痛", "Abdominal tenderness", *NO_YES)
ABDOMEN_MASS = _codes("包块", "Abdominal mass", *NO_YES)
HEPATOMEGALY = _codes("肝大", "Enlarged liver", *NO_YES)
SPLENOMEGALY = _codes("脾大", "Enlarged spleen", *NO_YES)
SHIFTING_DULLNESS = _codes("移动性浊音", "Shifting dullness", *NO_YES)

LEG_EDEMA = _codes(
    "下肢水肿",
    "Leg oedema",
    ("无", "None"),
    ("单侧", "One side"),
    ("双侧不对称", "Both sides, asymmetric"),
    ("双侧对称", "Both sides, symmetric"),
)

DORSALIS_PEDIS = _codes(
    "足背动脉搏动",
    "Dorsalis pedis pulse",
    ("未触及", "Not palpable"),
    ("触及双侧对称", "Palpable, symmetric"),
    ("触及左侧弱或消失", "Left weak or absent"),
    ("触及右侧弱或消失", "Right weak or absent"),
)

DRE = _codes(
    "肛门指诊",
    "Digital rectal exam",
    ("未及异常", "Nothing abnormal"),
    ("触痛", "Tenderness"),
    ("包块", "Mass"),
    ("前列腺异常", "Prostate abnormal"),
    ("其他", "Other"),
)

BREAST = _codes(
    "乳腺",
    "Breast",
    ("未见异常", "Nothing abnormal"),
    ("乳房切除", "Mastectomy"),
    ("异常泌乳", "Abnormal lactation"),
    ("乳腺包块", "Breast mass"),
    ("其他", "Other"),
)

VULVA = _codes("外阴", "Vulva", *NOT_SEEN)
VAGINA = _codes("阴道", "Vagina", *NOT_SEEN)
CERVIX = _codes("宫颈", "Cervix", *NOT_SEEN)
UTERUS = _codes("宫体", "Uterus", *NOT_SEEN)
ADNEXA = _codes("附件", "Adnexa", *NOT_SEEN)

# Urine dipstick results as written on the form (填表说明 7): "－" negative, "＋" … "＋＋＋＋".
URINE_DIPSTICK = CodeList(
    "尿常规定性结果",
    "Urine dipstick",
    {
        "-": ("－", "negative"),
        "+-": ("±", "trace"),
        "1+": ("＋", "1+"),
        "2+": ("＋＋", "2+"),
        "3+": ("＋＋＋", "3+"),
        "4+": ("＋＋＋＋", "4+"),
    },
)

ECG = _codes("心电图", "ECG", *NORMAL_ABNORMAL)
FOBT = _codes("大便潜血", "Faecal occult blood", *NEG_POS)
HBSAG = _codes("乙型肝炎表面抗原", "HBsAg", *NEG_POS)
CHEST_XRAY = _codes("胸部X线片", "Chest X-ray", *NORMAL_ABNORMAL)
B_ULTRASOUND_ABDOMEN = _codes("腹部B超", "Abdominal ultrasound", *NORMAL_ABNORMAL)
B_ULTRASOUND_OTHER = _codes("其他B超", "Other ultrasound", *NORMAL_ABNORMAL)
CERVICAL_SMEAR = _codes("宫颈涂片", "Cervical smear", *NORMAL_ABNORMAL)

CEREBROVASCULAR = _codes(
    "脑血管疾病",
    "Cerebrovascular disease",
    ("未发现", "None found"),
    ("缺血性卒中", "Ischaemic stroke"),
    ("脑出血", "Cerebral haemorrhage"),
    ("蛛网膜下腔出血", "Subarachnoid haemorrhage"),
    ("短暂性脑缺血发作", "Transient ischaemic attack"),
    ("其他", "Other"),
)

RENAL = _codes(
    "肾脏疾病",
    "Kidney disease",
    ("未发现", "None found"),
    ("糖尿病肾病", "Diabetic nephropathy"),
    ("肾功能衰竭", "Renal failure"),
    ("急性肾炎", "Acute nephritis"),
    ("慢性肾炎", "Chronic nephritis"),
    ("其他", "Other"),
)

CARDIAC = _codes(
    "心脏疾病",
    "Heart disease",
    ("未发现", "None found"),
    ("心肌梗死", "Myocardial infarction"),
    ("心绞痛", "Angina"),
    ("冠状动脉血运重建", "Coronary revascularisation"),
    ("充血性心力衰竭", "Congestive heart failure"),
    ("心前区疼痛", "Precordial pain"),
    ("其他", "Other"),
)

VASCULAR = _codes(
    "血管疾病",
    "Vascular disease",
    ("未发现", "None found"),
    ("夹层动脉瘤", "Dissecting aneurysm"),
    ("动脉闭塞性疾病", "Arterial occlusive disease"),
    ("其他", "Other"),
)

EYE = _codes(
    "眼部疾病",
    "Eye disease",
    ("未发现", "None found"),
    ("视网膜出血或渗出", "Retinal haemorrhage or exudate"),
    ("视乳头水肿", "Papilloedema"),
    ("白内障", "Cataract"),
    ("其他", "Other"),
)

NEUROLOGICAL = _codes("神经系统疾病", "Neurological disease", ("未发现", "None found"), ("有", "Present"))
OTHER_SYSTEM = _codes("其他系统疾病", "Other system disease", ("未发现", "None found"), ("有", "Present"))

ADHERENCE = _codes("服药依从性", "Adherence", ("规律", "Regular"), ("间断", "Intermittent"), ("不服药", "Not taking"))

ASSESSMENT = _codes("健康评价", "Assessment", ("体检无异常", "No abnormality"), ("有异常", "Abnormal findings"))

GUIDANCE = _codes(
    "健康指导",
    "Guidance",
    ("纳入慢性病患者健康管理", "Enrol in chronic-disease management"),
    ("建议复查", "Re-check advised"),
    ("建议转诊", "Referral advised"),
)

RISK_FACTOR = _codes(
    "危险因素控制",
    "Risk-factor control",
    ("戒烟", "Stop smoking"),
    ("健康饮酒", "Drink sensibly"),
    ("饮食", "Diet"),
    ("锻炼", "Exercise"),
    ("减体重", "Lose weight"),
    ("建议接种疫苗", "Vaccination advised"),
    ("其他", "Other"),
)

EXAM_STATUS = CodeList("状态", "Status", {"draft": ("草稿", "Draft"), "signed": ("已签名", "Signed")})

# 老年人生活自理能力评估表: five items, each scored by its level (1 可自理 … 4 不能自理).
SELF_CARE_ITEMS: dict[str, tuple[tuple[str, str], tuple[int, int, int, int], tuple[tuple[str, str], ...]]] = {
    "eating": (
        ("进餐", "Eating"),
        (0, 0, 3, 5),
        (
            ("独立完成", "Independent"),
            ("—", "—"),
            ("需要协助，如切碎、搅拌食物等", "Needs help (cutting, mixing food)"),
            ("完全需要帮助", "Fully dependent"),
        ),
    ),
    "grooming": (
        ("梳洗", "Grooming"),
        (0, 1, 3, 7),
        (
            ("独立完成", "Independent"),
            ("能独立洗头、梳头、洗脸、刷牙、剃须等；洗澡需要协助", "Grooms alone; needs help to bathe"),
            ("在协助下和适当的时间内，能完成部分梳洗活动", "Partly, with help and time"),
            ("完全需要帮助", "Fully dependent"),
        ),
    ),
    "dressing": (
        ("穿衣", "Dressing"),
        (0, 0, 3, 5),
        (
            ("独立完成", "Independent"),
            ("—", "—"),
            ("需要协助，在适当的时间内完成部分穿衣", "Partly, with help and time"),
            ("完全需要帮助", "Fully dependent"),
        ),
    ),
    "toileting": (
        ("如厕", "Toileting"),
        (0, 1, 5, 10),
        (
            ("不需协助，可自控", "Independent, continent"),
            ("偶尔失禁，但基本上能如厕或使用便具", "Occasional incontinence"),
            ("经常失禁，在很多提示和协助下尚能如厕或使用便具", "Frequent incontinence, much help"),
            ("完全失禁，完全需要帮助", "Fully incontinent, dependent"),
        ),
    ),
    "activity": (
        ("活动", "Mobility"),
        (0, 1, 5, 10),
        (
            ("独立完成所有活动", "Independent"),
            ("借助较小的外力或辅助装置能完成站立、行走、上下楼梯等", "With slight help or an aid"),
            ("借助较大的外力才能完成站立、行走，不能上下楼梯", "With much help; no stairs"),
            ("卧床不起，活动完全需要帮助", "Bedridden"),
        ),
    ),
}
