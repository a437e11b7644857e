"""Registry code lists."""

from __future__ import annotations

from jiceng.core.codes import CodeList

DIVISION_LEVEL = CodeList(
    "区划级别",
    "Division level",
    {
        "province": ("省", "Province"),
        "city": ("市", "City"),
        "county": ("县/区", "County/district"),
        "township": ("乡镇/街道", "Township/sub-district"),
        "village": ("村/社区", "Village/community"),
    },
)


INSTITUTION_KIND = CodeList(
    "机构类别",
    "Institution type",
    {
        "village_clinic": ("村卫生室", "Village clinic"),
        "community_station": ("社区卫生服务站", "Community health station"),
        "township_hospital": ("乡镇卫生院", "Township hospital"),
        "community_center": ("社区卫生服务中心", "Community health centre"),
        "county_general": ("县级综合医院", "County general hospital"),
        "county_tcm": ("县级中医医院", "County TCM hospital"),
        "county_mch": ("县级妇幼保健院", "County maternal and child health hospital"),
        "city_general": ("市级综合医院", "City general hospital"),
        "city_tcm": ("市级中医医院", "City TCM hospital"),
        "city_mch": ("市级妇幼保健院", "City maternal and child health hospital"),
        "cdc": ("疾病预防控制中心", "Centre for disease control"),
        "other": ("其他", "Other"),
    },
)

PRIMARY_KINDS = ("village_clinic", "community_station", "township_hospital", "community_center")
# How the commissions group primary institutions when they count staff (seed 001).
TOWNSHIP_LEVEL_KINDS = ("township_hospital", "community_center")
VILLAGE_LEVEL_KINDS = ("village_clinic", "community_station")

GRADE = CodeList(
    "医院等级",
    "Hospital grade",
    {
        "3A": ("三级甲等", "Tertiary A"),
        "3B": ("三级乙等", "Tertiary B"),
        "2A": ("二级甲等", "Secondary A"),
        "2B": ("二级乙等", "Secondary B"),
        "1A": ("一级甲等", "Primary A"),
        "1": ("一级", "Primary"),
        "unrated": ("未定级", "Unrated"),
    },
)

ALLIANCE_KIND = CodeList(
    "联合体类型",
    "Alliance type",
    {
        "urban_alliance": ("城市医疗集团（医联体）", "Urban medical group (医联体)"),
        "county_community": ("县域医共体", "County medical community (医共体)"),
        "specialist_alliance": ("专科联盟", "Specialist alliance"),
        "telemedicine_network": ("远程医疗协作网", "Telemedicine network"),
    },
)

PROFESSION = CodeList(
    "人员类别",
    "Profession",
    {
        "physician": ("执业（助理）医师", "Physician"),
        "public_health_physician": ("公共卫生医师", "Public-health physician"),
        "village_doctor": ("乡村医生", "Village doctor"),
        "nurse": ("注册护士", "Registered nurse"),
        "pharmacist": ("药师", "Pharmacist"),
        "technician": ("技师", "Technician"),
        "other_technical": ("其他卫生技术人员", "Other health technical staff"),
        "manager": ("管理人员", "Manager"),
        "support": ("工勤技能人员", "Support staff"),
    },
)

PRACTICE_CATEGORY = CodeList(
    "执业类别",
    "Practice category",
    {
        "": ("—", "—"),
        "clinical": ("临床", "Clinical"),
        "tcm": ("中医", "TCM"),
        "dental": ("口腔", "Dental"),
        "public_health": ("公共卫生", "Public health"),
    },
)

QUALIFICATION = CodeList(
    "执业资格",
    "Practising qualification",
    {
        "licensed_physician": ("执业医师", "Licensed physician"),
        "assistant_physician": ("执业助理医师", "Licensed assistant physician"),
        "village_doctor_certificate": ("乡村医生执业证书", "Village doctor certificate"),
        "registered_nurse": ("护士执业证书", "Registered nurse licence"),
        "pharmacist": ("执业药师", "Licensed pharmacist"),
        "none": ("无", "None"),
    },
)

STAFF_EDUCATION = CodeList(
    "学历",
    "Education",
    {
        "postgraduate": ("研究生", "Postgraduate"),
        "bachelor": ("大学本科", "Bachelor"),
        "college": ("大专", "College diploma"),
        "secondary": ("中专", "Vocational secondary"),
        "high_school_or_less": ("高中及以下", "High school or less"),
    },
)
EDUCATION_BACHELOR_OR_ABOVE = ("postgraduate", "bachelor")

TITLE = CodeList(
    "专业技术职称",
    "Professional title",
    {
        "senior": ("正高级", "Senior (full)"),
        "associate_senior": ("副高级", "Associate senior"),
        "intermediate": ("中级", "Intermediate"),
        "junior": ("初级（师级）", "Junior"),
        "assistant": ("初级（士级）", "Assistant"),
        "none": ("未评", "None"),
    },
)
TITLE_INTERMEDIATE_OR_ABOVE = ("senior", "associate_senior", "intermediate")

STAFF_SEX = CodeList("性别", "Sex", {"1": ("男", "Male"), "2": ("女", "Female")})
