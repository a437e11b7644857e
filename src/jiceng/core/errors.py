"""Domain errors. Every message exists in Chinese and English and names its field.

Domains raise these; the API turns them into HTTP statuses with JSON bodies, the
web UI into form messages, and imports into one report line per bad row.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def text(self, language: str = "zh") -> str:
        return self.message_zh if language == "zh" else self.message_en


class DomainError(Exception):
    status_code = 400
    code = "domain_error"

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message_zh": self.message_zh, "message_en": self.message_en}


class ValidationFailed(DomainError):
    """One or more fields are invalid; nothing was saved."""

    status_code = 422
    code = "validation_failed"

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = list(errors)
        zh = "；".join(e.message_zh for e in self.errors) or "输入无效"
        en = "; ".join(e.message_en for e in self.errors) or "Invalid input"
        super().__init__(zh, en)

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "errors": [e.as_dict() for e in self.errors],
        }


class NotFound(DomainError):
    """Absent or outside the caller's scope: the two are deliberately indistinguishable."""

    status_code = 404
    code = "not_found"

    def __init__(self, what_zh: str = "记录", what_en: str = "record") -> None:
        super().__init__(f"未找到{what_zh}", f"{what_en.capitalize()} not found")


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"

    def __init__(self, action_zh: str = "此操作", action_en: str = "this action") -> None:
        super().__init__(f"无权执行{action_zh}", f"Not permitted: {action_en}")


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class VersionMismatch(DomainError):
    """The record changed since the caller read it (optimistic concurrency)."""

    status_code = 412
    code = "version_mismatch"

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(
            f"记录已被他人修改（您的版本 {expected}，当前版本 {actual}），请刷新后重试",
            f"The record was changed by someone else (your version {expected}, current {actual}); reload and try again",
        )
        self.expected = expected
        self.actual = actual


class AuthenticationFailed(DomainError):
    status_code = 401
    code = "authentication_failed"


class ErrorCollector:
    """Collects field errors so a form or row reports every problem at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field_name: str, code: str, zh: str, en: str) -> None:
        self.errors.append(FieldError(field_name, code, zh, en))

    def has(self, field_name: str) -> bool:
        return any(e.field == field_name for e in self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(errors=list(self.errors))
