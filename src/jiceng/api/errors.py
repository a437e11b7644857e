"""Error responses: JSON with Chinese and English text that names the field.

Bad input never becomes a 500: request-shape errors from FastAPI are translated
here into the same bilingual format the services use.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from jiceng.core.errors import DomainError, FieldError, ValidationFailed

log = logging.getLogger(__name__)

PYDANTIC_MESSAGES = {
    "missing": ("必填", "required"),
    "extra_forbidden": ("不是可接受的字段", "is not an accepted field"),
    "string_type": ("应为文本", "must be text"),
    "int_parsing": ("应为整数", "must be an integer"),
    "int_type": ("应为整数", "must be an integer"),
    "bool_parsing": ("应为是/否", "must be true or false"),
    "bool_type": ("应为是/否", "must be true or false"),
    "list_type": ("应为列表", "must be a list"),
    "dict_type": ("应为对象", "must be an object"),
    "uuid_parsing": ("应为有效的标识符（UUID）", "must be a valid identifier (UUID)"),
    "uuid_type": ("应为有效的标识符（UUID）", "must be a valid identifier (UUID)"),
    "date_from_datetime_parsing": ("应为日期", "must be a date"),
    "date_parsing": ("应为日期", "must be a date"),
    "json_invalid": ("不是有效的 JSON", "is not valid JSON"),
    "model_attributes_type": ("应为 JSON 对象", "must be a JSON object"),
    "greater_than_equal": ("数值过小", "is too small"),
    "less_than_equal": ("数值过大", "is too large"),
    "string_too_long": ("过长", "is too long"),
}


def field_errors_from_pydantic(errors: list[dict[str, Any]]) -> list[FieldError]:
    result = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "header")]
        field = ".".join(location) or "body"
        zh, en = PYDANTIC_MESSAGES.get(error.get("type", ""), ("无效", "is invalid"))
        result.append(FieldError(field, error.get("type", "invalid"), f"{field}：{zh}", f"{field}: {en}"))
    return result


def domain_error_response(exc: DomainError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
    return JSONResponse(exc.as_dict(), status_code=exc.status_code, headers=headers)


async def request_validation_response(exc: RequestValidationError) -> JSONResponse:
    return domain_error_response(ValidationFailed(field_errors_from_pydantic(list(exc.errors()))))


async def http_error_response(exc: StarletteHTTPException) -> JSONResponse:
    texts = {404: ("未找到", "Not found"), 405: ("不支持该请求方法", "Method not allowed")}
    zh, en = texts.get(exc.status_code, ("请求错误", str(exc.detail)))
    return JSONResponse({"code": f"http_{exc.status_code}", "message_zh": zh, "message_en": en}, status_code=exc.status_code)
