"""OperationOutcome errors: the right HTTP status, Chinese and English text, the element at fault."""

from __future__ import annotations

from typing import Any

from jiceng.core.errors import DomainError, ValidationFailed

# FHIR issue types (http://hl7.org/fhir/valueset-issue-type.html) by HTTP status.
ISSUE_FOR_STATUS = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    409: "conflict",
    410: "deleted",
    412: "conflict",
    422: "processing",
}


class FhirError(Exception):
    def __init__(
        self,
        status: int,
        zh: str,
        en: str,
        expression: str | None = None,
        code: str | None = None,
        issues: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(en)
        self.status = status
        self.zh = zh
        self.en = en
        self.expression = expression
        self.code = code or ISSUE_FOR_STATUS.get(status, "processing")
        self.issues = issues  # several issues (e.g. one per invalid field), when known

    def outcome(self) -> dict[str, Any]:
        return operation_outcome(self.issues or [issue("error", self.code, self.zh, self.en, self.expression)])


def issue(severity: str, code: str, zh: str, en: str, expression: str | None = None) -> dict[str, Any]:
    """One issue: ``details.text`` in Chinese, ``diagnostics`` in English (see docs/fhir.md)."""
    entry: dict[str, Any] = {"severity": severity, "code": code, "details": {"text": zh}, "diagnostics": en}
    if expression:
        entry["expression"] = [expression]
    return entry


def operation_outcome(issues: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "OperationOutcome", "issue": issues}


def from_domain_error(
    error: DomainError, paths: dict[str, str] | None = None, resource_type: str | None = None
) -> tuple[int, dict[str, Any]]:
    """A service's bilingual error as an OperationOutcome, naming each field as a FHIR path."""
    status = error.status_code
    if isinstance(error, ValidationFailed):

        def path(field: str) -> str:
            return (paths or {}).get(field) or (f"{resource_type}.{field}" if resource_type else field)

        return status, operation_outcome([issue("error", "processing", e.message_zh, e.message_en, path(e.field)) for e in error.errors])
    return status, operation_outcome([issue("error", ISSUE_FOR_STATUS.get(status, "processing"), error.message_zh, error.message_en)])


def fhir_error(error: DomainError, paths: dict[str, str] | None = None, resource_type: str | None = None) -> FhirError:
    status, outcome = from_domain_error(error, paths, resource_type)
    first = outcome["issue"][0]
    return FhirError(status, error.message_zh, error.message_en, (first.get("expression") or [None])[0], first["code"], outcome["issue"])


def invalid(zh: str, en: str, expression: str | None = None) -> FhirError:
    return FhirError(400, zh, en, expression, "invalid")


def refused(names: str, expression: str | None = None) -> FhirError:
    """Elements Jiceng does not map (``Patient.photo, Patient.link``), refused so nothing
    the client sent is lost silently; the issue's expression is the first unless given."""
    return FhirError(
        422,
        f"不支持的元素（为避免丢失数据而拒绝）：{names}",
        f"Elements Jiceng does not map (refused so nothing is lost silently): {names}",
        expression or names.split(", ")[0],
        "not-supported",
    )


def not_found(resource_type: str, resource_id: str) -> FhirError:
    return FhirError(404, f"未找到 {resource_type}/{resource_id}", f"{resource_type}/{resource_id} not found", code="not-found")


def not_supported(zh: str, en: str) -> FhirError:
    return FhirError(405, zh, en, code="not-supported")


def expect_list(value: Any, path: str) -> list[Any]:
    """A repeating element, or a 400 naming it (malformed input never becomes a 500)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid(f"{path} 应为数组", f"{path} must be an array", path)
    return value


def expect_dict(value: Any, path: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid(f"{path} 应为对象", f"{path} must be an object", path)
    return value


def expect_str(value: Any, path: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise invalid(f"{path} 应为字符串", f"{path} must be a string", path)
    return value
