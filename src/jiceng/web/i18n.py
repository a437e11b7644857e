"""UI text in Simplified Chinese (default) and English."""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    "app_name": ("基层医疗卫生信息平台", "Jiceng primary-care platform"),
    "app_short": ("基层", "Jiceng"),
    "login": ("登录", "Sign in"),
    "logout": ("退出", "Sign out"),
    "username": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "login_failed": ("用户名或密码错误", "Wrong user name or password"),
    "login_locked": ("登录失败次数过多，账户已暂时锁定，请稍后再试", "Too many failed attempts; the account is locked for a while"),
    "session_expired": ("长时间未操作，请重新登录", "Your session timed out; please sign in again"),
    "home": ("工作台", "Home"),
    "residents": ("居民档案", "Residents"),
    "resident_search": ("居民查询", "Find a resident"),
    "search_placeholder": (
        "身份证号、档案号、姓名、拼音首字母（如 zsf）或电话",
        "ID number, record number, name, pinyin initials (e.g. zsf) or phone",
    ),
    "search": ("查询", "Search"),
    "new_resident": ("新建档案", "New record"),
    "institutions": ("机构", "Institutions"),
    "staff": ("人员", "Staff"),
    "statistics": ("机构与人员统计", "Institution and workforce statistics"),
    "alliances": ("医联体/医共体", "Medical alliances"),
    "language": ("English", "中文"),
    "save": ("保存", "Save"),
    "cancel": ("取消", "Cancel"),
    "edit": ("编辑", "Edit"),
    "name": ("姓名", "Name"),
    "sex": ("性别", "Sex"),
    "age": ("年龄", "Age"),
    "birth_date": ("出生日期", "Date of birth"),
    "id_number": ("身份证号", "ID number"),
    "record_number": ("档案编号", "Record number"),
    "phone": ("电话", "Phone"),
    "village": ("村（居）委会", "Village"),
    "status": ("状态", "Status"),
    "address": ("现住址", "Address"),
    "household": ("家庭户", "Household"),
    "household_members": ("家庭成员", "Household members"),
    "relation_to_head": ("与户主关系", "Relationship to head"),
    "no_results": ("没有找到符合条件的居民", "No matching residents"),
    "results_masked": (
        "列表中的身份证号和电话已脱敏；打开档案可查看完整信息（将被记录）",
        "ID and phone numbers are masked in lists; opening a record shows them (and is logged)",
    ),
    "basic_info": ("基本信息", "Basic information"),
    "medical_history": ("既往史与家族史", "History"),
    "living_environment": ("生活环境", "Living environment"),
    "saved": ("已保存", "Saved"),
    "fix_errors": ("请修改以下错误后再保存", "Please correct the errors below"),
    "not_found": ("未找到该记录，或您无权查看", "Not found, or outside your scope"),
    "forbidden": ("您没有执行此操作的权限", "You are not permitted to do this"),
    "csrf_failed": ("表单已过期，请刷新页面后重试", "The form expired; reload the page and try again"),
    "change_password": ("修改密码", "Change password"),
    "current_password": ("当前密码", "Current password"),
    "new_password": ("新密码", "New password"),
    "password_changed": ("密码已修改", "Password changed"),
    "must_change_password": ("首次登录或密码被重置，请先修改密码", "Please set a new password first"),
    "residents_in_scope": ("服务范围内在档居民", "Active residents in your scope"),
    "villages": ("村（居）委会数", "Villages"),
    "institution_tree": ("机构树", "Institution tree"),
    "kind": ("类别", "Type"),
    "grade": ("等级", "Grade"),
    "catchment": ("服务村（居）", "Catchment"),
    "profession": ("人员类别", "Profession"),
    "education": ("学历", "Education"),
    "title": ("职称", "Title"),
    "qualification": ("执业资格", "Qualification"),
    "institution": ("机构", "Institution"),
    "total": ("合计", "Total"),
    "count": ("数量", "Count"),
    "primary_institutions": ("基层医疗卫生机构", "Primary-care institutions"),
    "primary_staff": ("基层卫生技术人员", "Primary-care health workers"),
    "bachelor_or_above": ("本科及以上学历", "Bachelor or above"),
    "intermediate_or_above": ("中级及以上职称", "Intermediate title or above"),
    "licensed_physicians": ("执业（助理）医师", "Licensed (assistant) physicians"),
    "members": ("成员单位", "Members"),
    "lead": ("牵头医院", "Lead hospital"),
    "support_pairings": ("对口支援", "Counterpart support"),
    "version": ("版本", "Version"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "none": ("无", "None"),
    "role": ("角色", "Role"),
    "record_status_change": ("档案状态变更", "Change record status"),
    "more": ("更多", "More"),
    "previous_page": ("上一页", "Previous"),
    "next_page": ("下一页", "Next"),
    "welcome": ("欢迎", "Welcome"),
    "deidentified_notice": ("督导角色仅可查看去标识化信息", "Supervisors see de-identified data only"),
    "select": ("请选择", "Select"),
    "no_id_number_hint": ("无身份证号（如婴幼儿）时请选择原因", "Without an ID number (e.g. infants), give the reason"),
    "other_specify": ("其他（请注明）", "Other (specify)"),
    "diagnosed_on": ("确诊时间", "Diagnosed"),
    "event_name": ("名称", "Name"),
    "event_date": ("时间", "Date"),
    "page_not_found": ("页面不存在", "Page not found"),
    "users_admin": ("用户管理", "Users"),
    "audit_trail": ("审计日志", "Audit trail"),
    "roles_and_permissions": ("角色与权限", "Roles and permissions"),
    "create_user": ("新建用户", "New user"),
    "initial_password_for": ("初始密码", "Initial password for"),
    "shown_once": ("仅显示一次，请转交本人，首次登录须修改", "shown once; hand it over, it must be changed at first sign-in"),
    "active": ("启用", "Active"),
    "disabled": ("已停用", "Disabled"),
    "disable": ("停用", "Disable"),
    "enable": ("启用", "Enable"),
    "reset_password": ("重置密码", "Reset password"),
    "institution_code": ("机构代码", "Institution code"),
    "division_code": ("督导区划代码", "Supervised division code"),
    "scope": ("数据范围", "Scope"),
    "permissions": ("权限", "Permissions"),
    "action": ("操作", "Action"),
    "resident_id": ("居民ID", "Resident ID"),
    "since": ("起", "From"),
    "until": ("止", "To"),
    "export": ("导出", "Export"),
    "time": ("时间", "Time"),
    "object": ("对象", "Object"),
    "interface": ("途径", "Interface"),
    "access_log": ("档案查阅记录", "Who accessed this record"),
}


def translator(language: str) -> Callable[[str], str]:
    index = 0 if language == "zh" else 1

    def t(key: str) -> str:
        entry = MESSAGES.get(key)
        return entry[index] if entry else key

    return t


def register(messages: dict[str, tuple[str, str]]) -> None:
    """A domain's web module adds its UI texts (keys must be new, to avoid silent overrides)."""
    clashes = set(messages) & set(MESSAGES)
    if clashes and any(MESSAGES[k] != messages[k] for k in clashes):
        raise ValueError(f"UI text keys already defined differently: {sorted(clashes)}")
    MESSAGES.update(messages)
