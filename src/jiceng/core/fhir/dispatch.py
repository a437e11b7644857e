"""Map one FHIR REST interaction (method + URL) onto a resource handler.

Used by the HTTP router and by Bundle entries alike, so both behave the same.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from jiceng.core import audit
from jiceng.core.errors import Forbidden
from jiceng.core.fhir import resources
from jiceng.core.fhir.bundle import split_url
from jiceng.core.fhir.outcome import FhirError, invalid, not_supported
from jiceng.core.fhir.search import MAX_INCLUDES, SearchRequest, encode_page, parse
from jiceng.core.security import Principal

PATH = re.compile(r"^(?P<type>[A-Z][A-Za-z]+)(?:/(?P<id>[^/]+))?(?:/(?P<op>_history|\$everything)(?:/(?P<vid>[^/]+))?)?$")


def interact(
    session: Session, principal: Principal, method: str, url: str, resource: dict[str, Any] | None, headers: dict[str, str]
) -> tuple[int, dict[str, Any] | None, dict[str, str]]:
    path, query = split_url(url)
    match = PATH.fullmatch(path)
    if not match:
        raise invalid(f"无法识别的地址：{url}", f"Unrecognised URL: {url}", "request.url")
    handler = resources.handler(match["type"])
    resource_id = resources.check_id(match["id"]) if match["id"] else None
    op, base = match["op"], headers.get("base", "")
    if method == "GET" and resource_id is None:
        return 200, search(session, principal, handler, query, base, headers.get("prefer", "")), {}
    if method == "GET" and op == "$everything":
        return 200, everything(session, principal, handler, resource_id or "", base), {}
    if method == "GET" and op == "_history" and match["vid"]:
        resources.require_scope(principal, handler.resource_type, "read")
        return _with_etag(200, handler.vread(session, principal, resource_id or "", match["vid"]))
    if method == "GET" and op == "_history":
        resources.require_scope(principal, handler.resource_type, "read")
        return 200, _bundle("history", handler.history(session, principal, resource_id or ""), base), {}
    if method == "GET":
        resources.require_scope(principal, handler.resource_type, "read")
        return _with_etag(200, handler.read(session, principal, resource_id or ""))
    if method == "POST" and resource_id is None:
        return _create(session, principal, handler, resource, headers)
    if method == "PUT" and resource_id:
        return _update(session, principal, handler, resource_id, resource, headers)
    if method == "DELETE" and resource_id:
        resources.require_scope(principal, handler.resource_type, "write")
        handler.delete(session, principal, resource_id)
        return 204, None, {}
    raise not_supported(f"不支持的操作：{method} {path}", f"Unsupported interaction: {method} {path}")


def _with_etag(status: int, body: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
    version = body.get("meta", {}).get("versionId")
    headers = {"etag": f'W/"{version}"', "location": f"{body['resourceType']}/{body['id']}/_history/{version}"} if version else {}
    return status, body, headers


def _create(
    session: Session, principal: Principal, handler: resources.ResourceHandler, resource: dict[str, Any] | None, headers: dict[str, str]
) -> tuple[int, dict[str, Any], dict[str, str]]:
    resources.require_scope(principal, handler.resource_type, "write")
    if resource is None:
        raise invalid("缺少资源内容", "Missing resource body", handler.resource_type)
    condition = headers.get("if-none-exist")
    if condition:
        existing = _conditional_matches(session, principal, handler, condition)
        if len(existing) > 1:
            raise FhirError(
                412,
                f"条件创建匹配到 {len(existing)} 条记录",
                f"Conditional create matched {len(existing)} resources",
                "If-None-Exist",
                "duplicate",
            )
        if existing:
            return _with_etag(200, existing[0])
    return _with_etag(201, handler.create(session, principal, resource))


def _update(
    session: Session,
    principal: Principal,
    handler: resources.ResourceHandler,
    resource_id: str,
    resource: dict[str, Any] | None,
    headers: dict[str, str],
) -> tuple[int, dict[str, Any], dict[str, str]]:
    resources.require_scope(principal, handler.resource_type, "write")
    if resource is None:
        raise invalid("缺少资源内容", "Missing resource body", handler.resource_type)
    if resource.get("id") != resource_id:
        raise invalid("资源 id 必须与地址中的 id 一致", "The resource id must match the id in the URL", f"{handler.resource_type}.id")
    return _with_etag(200, handler.update(session, principal, resource_id, resource, if_match(headers.get("if-match"))))


def if_match(value: str | None) -> int | None:
    if not value:
        return None
    match = re.fullmatch(r'\s*(?:W/)?"?(\d+)"?\s*', value)
    if not match:
        raise invalid('If-Match 应为版本，如 W/"3"', 'If-Match must be a version such as W/"3"', "If-Match")
    return int(match[1])


def _conditional_matches(
    session: Session, principal: Principal, handler: resources.ResourceHandler, condition: str
) -> list[dict[str, Any]]:
    _path, query = split_url("?" + condition.lstrip("?"))
    request = parse(query, set(handler.search_params), strict=True)
    if not request.params:
        raise invalid("If-None-Exist 需要至少一个检索条件", "If-None-Exist needs at least one search criterion", "If-None-Exist")
    request.count = 2
    return handler.search(session, principal, request).resources


def search(
    session: Session, principal: Principal, handler: resources.ResourceHandler, query: list[tuple[str, str]], base: str, prefer: str = ""
) -> dict[str, Any]:
    resources.require_scope(principal, handler.resource_type, "read")
    if "search-type" not in handler.interactions:
        raise not_supported(f"{handler.resource_type} 不支持检索", f"search is not supported for {handler.resource_type}")
    request = parse(query, set(handler.search_params), strict="handling=strict" in prefer)
    page = handler.search(session, principal, request)
    included = _includes(session, principal, handler, request, page.resources)
    audit.record(session, principal, "search", handler.resource_type.lower(), detail={"results": len(page.resources), "interface": "fhir"})
    bundle = _bundle("searchset", page.resources, base, included)
    self_query = [(k, v) for k, v in query if k != "_page"]
    bundle["link"] = [{"relation": "self", "url": f"{base}/{handler.resource_type}?{urlencode(query)}"}]
    if page.next_position is not None:
        bundle["link"].append(
            {
                "relation": "next",
                "url": f"{base}/{handler.resource_type}?{urlencode([*self_query, ('_page', encode_page(page.next_position))])}",
            }
        )
    if request.ignored:
        bundle["entry"].append(_ignored(request))
    return bundle


def _ignored(request: SearchRequest) -> dict[str, Any]:
    names = ", ".join(request.ignored)
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "warning",
                "code": "not-supported",
                "details": {"text": f"已忽略不支持的参数：{names}"},
                "diagnostics": f"Ignored unsupported parameters: {names}",
            }
        ],
    }
    return {"resource": outcome, "search": {"mode": "outcome"}}


def _includes(
    session: Session, principal: Principal, handler: resources.ResourceHandler, request: SearchRequest, found: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """_include and _revinclude, capped at MAX_INCLUDES resources per page."""
    extra: dict[str, dict[str, Any]] = {}
    for spec in request.include:
        source, _, param = spec.partition(":")
        include = handler.includes.get(param) if source == handler.resource_type else None
        if include is None:
            raise invalid(f"不支持的 _include：{spec}", f"Unsupported _include: {spec}", "_include")
        target = resources.handler(include.target)
        for ref in {r for res in found for r in include.references(res)}:
            if len(extra) >= MAX_INCLUDES:
                break
            try:
                extra.setdefault(ref, target.read(session, principal, ref.split("/")[-1]))
            except FhirError:
                continue  # not visible to the caller: leave it out, as if absent
    for spec in request.revinclude:
        source, _, param = spec.partition(":")
        other = resources.handler(source)
        if param not in other.search_params or not found:
            raise invalid(f"不支持的 _revinclude：{spec}", f"Unsupported _revinclude: {spec}", "_revinclude")
        refs = ",".join(f"{handler.resource_type}/{r['id']}" for r in found)
        sub = SearchRequest({param: [refs]}, count=MAX_INCLUDES - len(extra))
        for res in other.search(session, principal, sub).resources:
            extra.setdefault(f"{res['resourceType']}/{res['id']}", res)
    return list(extra.values())


def everything(session: Session, principal: Principal, handler: resources.ResourceHandler, resource_id: str, base: str) -> dict[str, Any]:
    if handler.resource_type != "Patient":
        raise not_supported("$everything 仅支持 Patient", "$everything is only supported on Patient")
    resources.require_scope(principal, "Patient", "read")
    patient = handler.read(session, principal, resource_id)
    related = [r for h in resources.handlers().values() if h is not handler for r in _visible_part(session, principal, h, resource_id)]
    return _bundle("searchset", [patient, *related], base)


def _visible_part(session: Session, principal: Principal, handler: resources.ResourceHandler, resource_id: str) -> list[dict[str, Any]]:
    """A domain's part of $everything, or nothing if the caller may not read that domain."""
    if principal.token_scopes is not None and not principal.token_scopes & {
        f"system/{handler.resource_type}.read",
        "system/*.read",
        f"system/{handler.resource_type}.*",
        "system/*.*",
    }:
        return []
    try:
        return handler.everything(session, principal, resource_id)
    except Forbidden:
        return []


def _bundle(kind: str, found: list[dict[str, Any]], base: str, included: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    entries = [
        {
            "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
            "resource": r,
            **({"search": {"mode": "match"}} if kind == "searchset" else {}),
        }
        for r in found
    ]
    entries += [{"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": "include"}} for r in included or []]
    return {"resourceType": "Bundle", "type": kind, "entry": entries}
