"""Code lists of the contracts domain (家庭医生签约服务, spec §7.2)."""

from __future__ import annotations

from jiceng.core.codes import CodeList

# 2022 guideline: family doctors may be GPs, other clinicians (including TCM),
# village doctors or retired clinicians (spec §7.2).
DOCTOR_KIND = CodeList(
    "家庭医生类别",
    "Family doctor type",
    {
        "gp": ("全科医生", "General practitioner"),
        "clinician": ("其他临床医生", "Other clinician"),
        "tcm": ("中医类别医生", "TCM doctor"),
        "village_doctor": ("乡村医生", "Village doctor"),
        "retired_clinician": ("退休临床医生", "Retired clinician"),
    },
)

MEMBER_ROLE = CodeList(
    "团队角色",
    "Team role",
    {
        "family_doctor": ("家庭医生（团队长）", "Family doctor (leader)"),
        "nurse": ("社区护士", "Community nurse"),
        "public_health": ("公共卫生医师", "Public-health physician"),
        "village_doctor": ("乡村医生（助手）", "Village doctor (helper)"),
        "specialist": ("专科医生", "Specialist"),
        "mch_doctor": ("妇幼保健医生", "Maternal and child health doctor"),
        "dietitian": ("营养师", "Dietitian"),
        "pharmacist": ("药师", "Pharmacist"),
        "helper": ("其他助手", "Other helper"),
    },
)
CORE_ROLES = ("family_doctor", "nurse", "public_health")

TEAM_STATUS = CodeList("团队状态", "Team status", {"active": ("在岗", "Active"), "dissolved": ("已解散", "Dissolved")})

PACKAGE_KIND = CodeList(
    "服务包类型",
    "Package type",
    {
        "basic": ("基础服务包（基本医疗+基本公共卫生）", "Basic package (basic care + basic public health)"),
        "personalised": ("个性化服务包", "Personalised package"),
    },
)

PACKAGE_STATUS = CodeList(
    "服务包状态",
    "Package status",
    {"draft": ("草稿", "Draft"), "published": ("已发布", "Published"), "retired": ("已停用", "Retired")},
)

ITEM_CATEGORY = CodeList(
    "服务项目类别",
    "Item category",
    {
        "basic_medical": ("基本医疗", "Basic medical care"),
        "public_health": ("基本公共卫生", "Basic public health"),
        "health_management": ("健康管理", "Health management"),
        "personalised": ("个性化服务", "Personalised service"),
    },
)

# Which other domain's record can show that an item was delivered.
LINK_KIND = CodeList(
    "履约来源",
    "Fulfilled by",
    {
        "none": ("人工登记", "Recorded here"),
        "chronic_followup": ("慢病随访记录", "Chronic-disease follow-up"),
        "health_check": ("健康体检记录", "Health check"),
        "elderly_tcm": ("中医药健康管理记录", "TCM health management"),
    },
)

CONTRACT_STATUS = CodeList(
    "签约状态",
    "Contract status",
    {
        "active": ("履约中", "Active"),
        "renewed": ("已续约", "Renewed"),
        "changed": ("已变更团队", "Team changed"),
        "terminated": ("已解约", "Terminated"),
        "expired": ("已到期", "Expired"),
    },
)
# Statuses whose contract can still be in force on some date (end not yet reached).
LIVE_STATUSES = ("active", "renewed")

CONTINUITY = CodeList(
    "签约类型",
    "Signing type",
    {
        "new": ("首次签约", "New contract"),
        "renewal": ("续约", "Renewal"),
        "team_change": ("变更团队", "Change of team"),
    },
)

SIGN_MODE = CodeList("签约方式", "Signed as", {"individual": ("个人签约", "Individual"), "household": ("家庭签约", "Household")})

TERMINATION_REASON = CodeList(
    "解约原因",
    "Termination reason",
    {
        "resident_request": ("居民申请解约", "Resident's request"),
        "moved_out": ("迁出服务区域", "Moved out of the service area"),
        "deceased": ("死亡", "Deceased"),
        "team_dissolved": ("团队解散", "Team dissolved"),
        "duplicate": ("重复签约", "Duplicate contract"),
        "other": ("其他", "Other"),
    },
)

SIGNATORY_RELATION = CodeList(
    "签字人身份",
    "Signatory",
    {
        "self": ("本人", "The resident"),
        "guardian": ("监护人", "Guardian"),
        "family": ("家属代签", "Family member"),
        "head": ("户主", "Household head"),
    },
)

CONSENT_KIND = CodeList(
    "知情同意方式",
    "Consent",
    {
        "signature": ("电子签名", "Signature image"),
        "paper_scan": ("纸质协议扫描件", "Scan of the signed paper contract"),
        "paper_on_file": ("纸质协议存档（历史数据）", "Paper contract on file (migrated data)"),
    },
)

# The 2022 key populations (重点人群, spec §7.2 and §2): the first six are derived from
# the record; the last three come from lists other authorities keep (population marks).
KEY_GROUP = CodeList(
    "重点人群",
    "Key population",
    {
        "elderly": ("65岁及以上老年人", "Aged 65 or over"),
        "children": ("0～6岁儿童", "Children aged 0–6"),
        "pregnant": ("孕产妇", "Pregnant and postpartum women"),
        "disabled": ("残疾人", "People with disabilities"),
        "poverty_alleviated": ("脱贫人口", "People lifted out of poverty"),
        "family_planning_special": ("计划生育特殊家庭成员", "Family-planning special families"),
        "hypertension": ("高血压患者", "Hypertension patients"),
        "diabetes": ("2型糖尿病患者", "Type 2 diabetes patients"),
        "tuberculosis": ("肺结核患者", "Tuberculosis patients"),
        "severe_mental_disorder": ("严重精神障碍患者", "Severe mental disorder patients"),
    },
)
MARKED_GROUPS = ("pregnant", "poverty_alleviated", "family_planning_special")
MARK_GROUP = CodeList("人群标记", "Population list", {code: KEY_GROUP.entries[code] for code in MARKED_GROUPS})

ELDERLY_AGE = 65  # 65 and over
CHILD_MAX_AGE = 6  # 0 to 6 years inclusive (under 7)
