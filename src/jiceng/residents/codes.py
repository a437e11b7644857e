"""Code lists of the 个人基本信息表 (规范 第三版, spec §6.1)."""

from __future__ import annotations

from jiceng.core.codes import CodeList

SEX = CodeList(
    "性别",
    "Sex",
    {"0": ("未知的性别", "Unknown"), "1": ("男", "Male"), "2": ("女", "Female"), "9": ("未说明的性别", "Unstated")},
)

RESIDENCE_TYPE = CodeList("常住类型", "Residence type", {"1": ("户籍", "Registered"), "2": ("非户籍", "Not registered")})

ETHNICITY = CodeList("民族", "Ethnicity", {"1": ("汉族", "Han"), "2": ("少数民族", "Minority")})

BLOOD_ABO = CodeList(
    "血型",
    "ABO blood type",
    {"1": ("A型", "A"), "2": ("B型", "B"), "3": ("O型", "O"), "4": ("AB型", "AB"), "5": ("不详", "Unknown")},
)

BLOOD_RH = CodeList("RH血型", "Rh", {"1": ("RH阴性", "Rh negative"), "2": ("RH阳性", "Rh positive"), "3": ("不详", "Unknown")})

EDUCATION = CodeList(
    "文化程度",
    "Education",
    {
        "10": ("研究生", "Postgraduate"),
        "20": ("大学本科", "Bachelor"),
        "30": ("大学专科和专科学校", "College"),
        "40": ("中等专业学校", "Vocational secondary"),
        "50": ("技工学校", "Technical school"),
        "60": ("高中", "High school"),
        "70": ("初中", "Junior high school"),
        "80": ("小学", "Primary school"),
        "90": ("文盲或半文盲", "Illiterate or semi-literate"),
        "99": ("不详", "Unknown"),
    },
)

OCCUPATION = CodeList(
    "职业",
    "Occupation",
    {
        "0": ("国家机关、党群组织、企业、事业单位负责人", "Heads of government, party, enterprise or institution"),
        "1": ("专业技术人员", "Professional and technical staff"),
        "2": ("办事人员和有关人员", "Clerical staff"),
        "3": ("商业、服务业人员", "Commerce and service workers"),
        "4": ("农、林、牧、渔、水利业生产人员", "Farming, forestry, husbandry, fishery, water works"),
        "5": ("生产、运输设备操作人员及有关人员", "Production and transport equipment operators"),
        "6": ("军人", "Military"),
        "7": ("不便分类的其他从业人员", "Other, not classifiable"),
        "8": ("无职业", "No occupation"),
    },
)

MARITAL_STATUS = CodeList(
    "婚姻状况",
    "Marital status",
    {
        "10": ("未婚", "Single"),
        "20": ("已婚", "Married"),
        "30": ("丧偶", "Widowed"),
        "40": ("离婚", "Divorced"),
        "90": ("未说明的婚姻状况", "Unstated"),
    },
)

PAYMENT_METHOD = CodeList(
    "医疗费用支付方式",
    "Payment method",
    {
        "1": ("城镇职工基本医疗保险", "Urban employee basic medical insurance"),
        "2": ("城镇居民基本医疗保险", "Urban resident basic medical insurance"),
        "3": ("新型农村合作医疗", "New rural cooperative medical scheme"),
        "4": ("贫困救助", "Poverty relief"),
        "5": ("商业医疗保险", "Commercial insurance"),
        "6": ("全公费", "Fully state-paid"),
        "7": ("全自费", "Self-pay"),
        "8": ("其他", "Other"),
    },
)

DRUG_ALLERGY = CodeList(
    "药物过敏史",
    "Drug allergy",
    {
        "1": ("无", "None"),
        "2": ("青霉素", "Penicillin"),
        "3": ("磺胺", "Sulfonamides"),
        "4": ("链霉素", "Streptomycin"),
        "5": ("其他", "Other"),
    },
)

EXPOSURE = CodeList(
    "暴露史",
    "Exposure",
    {"1": ("无", "None"), "2": ("化学品", "Chemicals"), "3": ("毒物", "Poisons"), "4": ("射线", "Radiation")},
)

PAST_DISEASE = CodeList(
    "既往疾病",
    "Past disease",
    {
        "1": ("无", "None"),
        "2": ("高血压", "Hypertension"),
        "3": ("糖尿病", "Diabetes"),
        "4": ("冠心病", "Coronary heart disease"),
        "5": ("慢性阻塞性肺疾病", "COPD"),
        "6": ("恶性肿瘤", "Malignant tumour"),
        "7": ("脑卒中", "Stroke"),
        "8": ("严重精神障碍", "Severe mental disorder"),
        "9": ("结核病", "Tuberculosis"),
        "10": ("肝炎", "Hepatitis"),
        "11": ("其他法定传染病", "Other notifiable infectious disease"),
        "12": ("职业病", "Occupational disease"),
        "13": ("其他", "Other"),
    },
)

FAMILY_DISEASE = CodeList(
    "家族史疾病",
    "Family-history disease",
    {
        **{k: v for k, v in PAST_DISEASE.entries.items() if k not in ("11", "12", "13")},
        "11": ("先天畸形", "Congenital malformation"),
        "12": ("其他", "Other"),
    },
)

FAMILY_RELATIVE = CodeList(
    "家族成员",
    "Relative",
    {"father": ("父亲", "Father"), "mother": ("母亲", "Mother"), "siblings": ("兄弟姐妹", "Siblings"), "children": ("子女", "Children")},
)

DISABILITY = CodeList(
    "残疾情况",
    "Disability",
    {
        "1": ("无残疾", "None"),
        "2": ("视力残疾", "Visual"),
        "3": ("听力残疾", "Hearing"),
        "4": ("言语残疾", "Speech"),
        "5": ("肢体残疾", "Physical"),
        "6": ("智力残疾", "Intellectual"),
        "7": ("精神残疾", "Mental"),
        "8": ("其他残疾", "Other"),
    },
)

KITCHEN_EXHAUST = CodeList(
    "厨房排风设施",
    "Kitchen ventilation",
    {"1": ("无", "None"), "2": ("油烟机", "Range hood"), "3": ("换气扇", "Exhaust fan"), "4": ("烟囱", "Chimney")},
)

FUEL = CodeList(
    "燃料类型",
    "Cooking fuel",
    {
        "1": ("液化气", "LPG"),
        "2": ("煤", "Coal"),
        "3": ("天然气", "Natural gas"),
        "4": ("沼气", "Biogas"),
        "5": ("柴火", "Firewood"),
        "6": ("其他", "Other"),
    },
)

DRINKING_WATER = CodeList(
    "饮水",
    "Drinking water",
    {
        "1": ("自来水", "Tap water"),
        "2": ("经净化过滤的水", "Purified water"),
        "3": ("井水", "Well water"),
        "4": ("河湖水", "River or lake"),
        "5": ("塘水", "Pond"),
        "6": ("其他", "Other"),
    },
)

TOILET = CodeList(
    "厕所",
    "Toilet",
    {
        "1": ("卫生厕所", "Sanitary toilet"),
        "2": ("一格或二格粪池式", "One/two-compartment pit"),
        "3": ("马桶", "Bucket"),
        "4": ("露天粪坑", "Open pit"),
        "5": ("简易棚厕", "Simple shed"),
    },
)

LIVESTOCK_PEN = CodeList(
    "禽畜栏", "Livestock pen", {"1": ("无", "None"), "2": ("单设", "Separate"), "3": ("室内", "Indoors"), "4": ("室外", "Outdoors")}
)

# 与户主关系 (GB/T 4761 major groups).
RELATION_TO_HEAD = CodeList(
    "与户主关系",
    "Relationship to household head",
    {
        "02": ("户主", "Head"),
        "10": ("配偶", "Spouse"),
        "20": ("子", "Son"),
        "30": ("女", "Daughter"),
        "40": ("孙子、孙女或外孙子、外孙女", "Grandchild"),
        "50": ("父母", "Parent"),
        "60": ("祖父母或外祖父母", "Grandparent"),
        "70": ("兄、弟、姐、妹", "Sibling"),
        "80": ("其他", "Other"),
    },
)

RECORD_STATUS = CodeList(
    "档案状态",
    "Record status",
    {"active": ("在档", "Active"), "moved_out": ("已迁出", "Moved out"), "deceased": ("已死亡", "Deceased")},
)

NO_ID_REASON = CodeList(
    "无身份证号原因",
    "Reason for no ID number",
    {
        "infant": ("婴幼儿未办理", "Infant, not yet issued"),
        "not_issued": ("未办理", "Not issued"),
        "foreign": ("外籍/港澳台", "Foreign or HK/Macao/Taiwan"),
        "other": ("其他", "Other"),
    },
)

# Multi-select fields whose "none" code must not be combined with others.
NONE_CODES = {"drug_allergies": "1", "exposures": "1", "disabilities": "1"}
