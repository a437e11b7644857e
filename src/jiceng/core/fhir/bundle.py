"""``transaction`` and ``batch`` Bundles (rule 3 of spec fhir.md).

A transaction is the caller's single database transaction: any failing entry raises and
everything rolls back. A batch runs each entry in its own savepoint and reports each
entry's outcome. Inside a transaction, references to another entry's ``fullUrl``
(``urn:uuid:…``) and conditional references (``Patient?identifier=…``) are resolved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy.orm import Session

from jiceng.core.errors import DomainError
from jiceng.core.fhir import resources
from jiceng.core.fhir.outcome import FhirError, fhir_error, from_domain_error, invalid
from jiceng.core.fhir.search import parse
from jiceng.core.security import Principal

METHOD_ORDER = {"DELETE": 0, "POST": 1, "PUT": 2, "PATCH": 2, "GET": 3, "HEAD": 3}
MAX_ENTRIES = 1000

Interaction = Callable[
    [Session, Principal, str, str, dict[str, Any] | None, dict[str, str]], tuple[int, dict[str, Any] | None, dict[str, str]]
]


def process(session: Session, principal: Principal, bundle: dict[str, Any], interact: Interaction) -> dict[str, Any]:
    kind = bundle.get("type")
    entries = bundle.get("entry") or []
    if bundle.get("resourceType") != "Bundle" or kind not in ("transaction", "batch"):
        raise invalid(
            "应提交 type 为 transaction 或 batch 的 Bundle", "POST /fhir takes a Bundle of type transaction or batch", "Bundle.type"
        )
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise invalid(
            f"Bundle.entry 应为最多 {MAX_ENTRIES} 条的列表", f"Bundle.entry must be a list of at most {MAX_ENTRIES} entries", "Bundle.entry"
        )
    for index, entry in enumerate(entries):
        _check_entry(entry, index)
    if kind == "transaction":
        return _transaction(session, principal, entries, interact)
    return _batch(session, principal, entries, interact)


def _check_entry(entry: Any, index: int) -> None:
    request = entry.get("request") if isinstance(entry, dict) else None
    if not isinstance(request, dict) or request.get("method") not in METHOD_ORDER or not isinstance(request.get("url"), str):
        raise invalid(
            f"Bundle.entry[{index}].request 需要 method 和 url",
            f"Bundle.entry[{index}].request needs a method and a url",
            f"Bundle.entry[{index}].request",
        )
    if request["method"] in ("POST", "PUT") and not isinstance(entry.get("resource"), dict):
        raise invalid(f"Bundle.entry[{index}] 缺少 resource", f"Bundle.entry[{index}] has no resource", f"Bundle.entry[{index}].resource")


def _prepare(session: Session, principal: Principal, entries: list[dict[str, Any]]) -> None:
    by_type: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        resource = entry.get("resource")
        if isinstance(resource, dict) and isinstance(resource.get("resourceType"), str):
            by_type.setdefault(resource["resourceType"], []).append(resource)
    for resource_type, incoming in by_type.items():
        handler = resources.handlers().get(resource_type)
        if handler is not None:
            handler.prepare(session, principal, incoming)


def _transaction(session: Session, principal: Principal, entries: list[dict[str, Any]], interact: Interaction) -> dict[str, Any]:
    _prepare(session, principal, entries)
    order = sorted(range(len(entries)), key=lambda i: METHOD_ORDER[entries[i]["request"]["method"]])
    created: dict[str, str] = {}  # fullUrl → "Type/id"
    posts = [i for i in order if entries[i]["request"]["method"] == "POST"]
    order = [i for i in order if entries[i]["request"]["method"] != "POST"]
    results: dict[int, dict[str, Any]] = {}
    for i in _dependency_order(entries, posts) + order:
        entry = entries[i]
        try:
            resource = _resolve(session, principal, entry.get("resource"), created) if entry.get("resource") else None
            status, body, headers = interact(
                session, principal, entry["request"]["method"], entry["request"]["url"], resource, _entry_headers(entry)
            )
        except FhirError as error:
            raise FhirError(
                error.status,
                f"第 {i + 1} 条失败，整个事务已回滚：{error.zh}",
                f"Entry {i + 1} failed, the whole transaction was rolled back: {error.en}",
                f"Bundle.entry[{i}]" + (f".{error.expression}" if error.expression else ""),
                error.code,
            ) from None
        except DomainError as error:
            failure = fhir_error(error)
            raise FhirError(
                failure.status,
                f"第 {i + 1} 条失败，整个事务已回滚：{failure.zh}",
                f"Entry {i + 1} failed, the whole transaction was rolled back: {failure.en}",
                f"Bundle.entry[{i}]",
                failure.code,
            ) from None
        if entry.get("fullUrl") and body and body.get("id"):
            created[entry["fullUrl"]] = f"{body['resourceType']}/{body['id']}"
        results[i] = _response_entry(status, body, headers)
    return {"resourceType": "Bundle", "type": "transaction-response", "entry": [results[i] for i in range(len(entries))]}


def _batch(session: Session, principal: Principal, entries: list[dict[str, Any]], interact: Interaction) -> dict[str, Any]:
    out = []
    for entry in entries:
        try:
            with session.begin_nested():
                status, body, headers = interact(
                    session, principal, entry["request"]["method"], entry["request"]["url"], entry.get("resource"), _entry_headers(entry)
                )
            out.append(_response_entry(status, body, headers))
        except FhirError as error:
            out.append({"response": {"status": str(error.status), "outcome": error.outcome()}})
        except DomainError as error:
            status, outcome = from_domain_error(error)
            out.append({"response": {"status": str(status), "outcome": outcome}})
    return {"resourceType": "Bundle", "type": "batch-response", "entry": out}


def _entry_headers(entry: dict[str, Any]) -> dict[str, str]:
    request = entry["request"]
    headers = {}
    if request.get("ifNoneExist"):
        headers["if-none-exist"] = request["ifNoneExist"]
    if request.get("ifMatch"):
        headers["if-match"] = request["ifMatch"]
    return headers


def _response_entry(status: int, body: dict[str, Any] | None, headers: dict[str, str]) -> dict[str, Any]:
    response: dict[str, Any] = {"status": f"{status} {'Created' if status == 201 else 'OK' if status == 200 else ''}".strip()}
    if "location" in headers:
        response["location"] = headers["location"]
    if "etag" in headers:
        response["etag"] = headers["etag"]
    if body and body.get("meta", {}).get("lastUpdated"):
        response["lastModified"] = body["meta"]["lastUpdated"]
    entry: dict[str, Any] = {"response": response}
    if body is not None:
        entry["resource"] = body
    return entry


def _references(value: Any, found: list[str] | None = None) -> list[str]:
    found = [] if found is None else found
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    if isinstance(value, dict) and isinstance(value.get("reference"), str):
        found.append(value["reference"])
    for child in children:
        if isinstance(child, dict | list):
            _references(child, found)
    return found


def _dependency_order(entries: list[dict[str, Any]], posts: list[int]) -> list[int]:
    """Create entries that others reference (by fullUrl) first."""
    by_url = {entries[i].get("fullUrl"): i for i in posts if entries[i].get("fullUrl")}
    if not by_url:
        return posts  # nothing to reference inside the bundle: keep the order
    done: list[int] = []
    seen: set[int] = set()
    visiting: set[int] = set()

    def visit(i: int) -> None:
        if i in seen:
            return
        if i in visiting:
            raise invalid("Bundle 内的引用形成循环", "References between bundle entries form a cycle", f"Bundle.entry[{i}]")
        visiting.add(i)
        for ref in _references(entries[i].get("resource")):
            if ref in by_url:
                visit(by_url[ref])
        visiting.discard(i)
        seen.add(i)
        done.append(i)

    for i in posts:
        visit(i)
    return done


def _resolve(session: Session, principal: Principal, value: Any, created: dict[str, str]) -> Any:
    """Replace bundle-internal and conditional references with ``Type/id``."""
    if not any(ref in created or ref.startswith("urn:uuid:") or "?" in ref for ref in _references(value)):
        return value  # only plain references: nothing to replace, no copy
    return _replace(session, principal, value, created)


def _replace(session: Session, principal: Principal, value: Any, created: dict[str, str]) -> Any:
    if isinstance(value, list):
        return [_replace(session, principal, v, created) if isinstance(v, dict | list) else v for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _replace(session, principal, v, created) if isinstance(v, dict | list) else v for k, v in value.items()}
    ref = out.get("reference")
    if isinstance(ref, str):
        if ref in created:
            out["reference"] = created[ref]
        elif ref.startswith("urn:uuid:"):
            raise invalid(f"引用 {ref} 未在 Bundle 中找到", f"Reference {ref} is not a fullUrl in this bundle", "reference")
        elif "?" in ref:
            out["reference"] = conditional_reference(session, principal, ref)
    return out


def conditional_reference(session: Session, principal: Principal, ref: str) -> str:
    resource_type, _, query = ref.partition("?")
    handler = resources.handler(resource_type)
    request = parse(parse_qsl(query), set(handler.search_params), strict=True)
    request.count = 2
    matches = handler.search(session, principal, request).resources
    if len(matches) != 1:
        raise FhirError(
            412,
            f"条件引用 {ref} 匹配 {len(matches)} 条（应为 1 条）",
            f"Conditional reference {ref} matched {len(matches)} resources (needs exactly 1)",
            "reference",
            "processing",
        )
    return f"{resource_type}/{matches[0]['id']}"


def split_url(url: str) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(url)
    return parts.path.strip("/"), parse_qsl(parts.query)
