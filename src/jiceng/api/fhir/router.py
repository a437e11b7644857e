"""``/fhir``: HL7 FHIR R4 over HTTP, JSON (``application/fhir+json``)."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool

from jiceng.api.deps import DbSession, bearer_principal, public
from jiceng.api.fhir.capability import capability_statement
from jiceng.core.fhir import bundle, dispatch
from jiceng.core.fhir.outcome import invalid
from jiceng.core.security import Principal

FHIR_JSON = "application/fhir+json"
FHIR_ACCESS = "fhir"  # each interaction checks the resource type's own permission in its service

router = APIRouter(prefix="/fhir", tags=["FHIR R4"])


async def fhir_principal(principal: Annotated[Principal, Depends(bearer_principal)]) -> Principal:
    return principal


fhir_principal.required_permission = FHIR_ACCESS  # type: ignore[attr-defined]
Caller = Annotated[Principal, Depends(fhir_principal)]


def prune(value: Any) -> Any:
    """Drop empty strings, lists and objects: FHIR forbids them (mappers may produce them)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if isinstance(v, dict | list):
                v = prune(v)
            if v is not None and v != "" and v != [] and v != {}:
                out[k] = v
        return out
    if isinstance(value, list):
        kept = []
        for v in value:
            if isinstance(v, dict | list):
                v = prune(v)
            if v is not None and v != "" and v != [] and v != {}:
                kept.append(v)
        return kept
    return value


def respond(status: int, body: dict[str, Any] | None, headers: dict[str, str] | None = None, base: str = "") -> Response:
    out = {k: v for k, v in (headers or {}).items() if k in ("etag", "location", "last-modified")}
    if "location" in out:
        out["location"] = f"{base}/{out['location']}"
    content = orjson.dumps(prune(body)) if body is not None else b""
    return Response(content, status_code=status, media_type=FHIR_JSON, headers=out)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        value = orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError as error:
        raise invalid(f"请求体不是有效的 JSON：{error}", f"The request body is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise invalid("请求体应为一个 FHIR 资源（JSON 对象）", "The body must be a FHIR resource (a JSON object)")
    return value


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/fhir"


def _headers(request: Request) -> dict[str, str]:
    wanted = ("if-none-exist", "if-match", "prefer")
    return {k: request.headers[k] for k in wanted if k in request.headers} | {"base": _base(request)}


def _url(request: Request, path: str) -> str:
    return path + (f"?{request.url.query}" if request.url.query else "")


@router.get("/metadata", dependencies=[Depends(public)])
def metadata(request: Request) -> Response:
    """The CapabilityStatement: what this server supports, generated from the handlers."""
    return respond(200, capability_statement(_base(request)))


@router.post("")
async def transaction(request: Request, session: DbSession, principal: Caller) -> Response:
    """A ``transaction`` (atomic) or ``batch`` Bundle."""
    body = await _body(request)
    # Off the event loop: a bundle of a hundred entries keeps the CPU busy for a while.
    return await run_in_threadpool(lambda: respond(200, bundle.process(session, principal, body, dispatch.interact)))


@router.get("/{resource_type}")
def search(resource_type: str, request: Request, session: DbSession, principal: Caller) -> Response:
    return respond(
        *dispatch.interact(session, principal, "GET", _url(request, resource_type), None, _headers(request)), base=_base(request)
    )


@router.post("/{resource_type}/_search")
async def search_post(resource_type: str, request: Request, session: DbSession, principal: Caller) -> Response:
    form = await request.form()
    query = "&".join(f"{k}={v}" for k, v in form.multi_items())
    return respond(*dispatch.interact(session, principal, "GET", f"{resource_type}?{query}", None, _headers(request)), base=_base(request))


@router.post("/{resource_type}")
async def create(resource_type: str, request: Request, session: DbSession, principal: Caller) -> Response:
    body = await _body(request)
    return respond(*dispatch.interact(session, principal, "POST", resource_type, body, _headers(request)), base=_base(request))


@router.get("/{resource_type}/{resource_id}")
def read(resource_type: str, resource_id: str, request: Request, session: DbSession, principal: Caller) -> Response:
    return respond(
        *dispatch.interact(session, principal, "GET", f"{resource_type}/{resource_id}", None, _headers(request)), base=_base(request)
    )


@router.put("/{resource_type}/{resource_id}")
async def update(resource_type: str, resource_id: str, request: Request, session: DbSession, principal: Caller) -> Response:
    body = await _body(request)
    return respond(
        *dispatch.interact(session, principal, "PUT", f"{resource_type}/{resource_id}", body, _headers(request)), base=_base(request)
    )


@router.delete("/{resource_type}/{resource_id}")
def delete(resource_type: str, resource_id: str, request: Request, session: DbSession, principal: Caller) -> Response:
    return respond(*dispatch.interact(session, principal, "DELETE", f"{resource_type}/{resource_id}", None, _headers(request)))


@router.get("/{resource_type}/{resource_id}/_history")
def history(resource_type: str, resource_id: str, request: Request, session: DbSession, principal: Caller) -> Response:
    return respond(*dispatch.interact(session, principal, "GET", f"{resource_type}/{resource_id}/_history", None, _headers(request)))


@router.get("/{resource_type}/{resource_id}/_history/{version}")
def vread(resource_type: str, resource_id: str, version: str, request: Request, session: DbSession, principal: Caller) -> Response:
    return respond(
        *dispatch.interact(session, principal, "GET", f"{resource_type}/{resource_id}/_history/{version}", None, _headers(request)),
        base=_base(request),
    )


@router.get("/{resource_type}/{resource_id}/$everything")
def everything(resource_type: str, resource_id: str, request: Request, session: DbSession, principal: Caller) -> Response:
    """Patient/$everything: one resident's whole record, the basis for sharing with a hospital."""
    return respond(*dispatch.interact(session, principal, "GET", f"{resource_type}/{resource_id}/$everything", None, _headers(request)))
