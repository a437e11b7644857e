"""Request-scoped dependencies: the database session (one transaction per request)
and the acting principal, with each endpoint's permission declared once."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any

import anyio.to_thread
from anyio import CancelScope, CapacityLimiter
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from jiceng.accounts import service as accounts
from jiceng.core.db import Database
from jiceng.core.errors import AuthenticationFailed, FieldError, ValidationFailed
from jiceng.core.security import Principal

PUBLIC = "public"
AUTHENTICATED = "authenticated"


def database(request: Request) -> Database:
    return request.app.state.database


async def db_session(request: Request) -> AsyncIterator[Session]:
    """One unit of work per request: committed after the endpoint returns, rolled
    back if it raises.

    Opening it does no I/O (the transaction begins with its first statement), so only
    the commit or rollback goes to a worker thread, with a limiter of its own so that it
    never waits behind requests that are themselves waiting for a connection."""
    work = database(request).unit_of_work()
    session = work.__enter__()
    ending = CapacityLimiter(1)
    try:
        yield session
    except BaseException as error:
        with CancelScope(shield=True):
            await anyio.to_thread.run_sync(work.__exit__, type(error), error, error.__traceback__, limiter=ending)
        raise
    with CancelScope(shield=True):
        await anyio.to_thread.run_sync(work.__exit__, None, None, None, limiter=ending)


# "function" scope: the unit of work ends *before* the answer is sent. FastAPI's default
# would commit after the response went out: a client could be told "saved" about a
# transaction that then failed, or read before the write it was just acknowledged.
DbSession = Annotated[Session, Depends(db_session, scope="function")]


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def bearer_principal(request: Request, session: DbSession) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationFailed("需要登录（缺少访问令牌）", "Authentication required (missing bearer token)")
    interface = "fhir" if request.url.path.startswith("/fhir") else "api"
    principal = accounts.token_principal(session, token.strip(), interface, client_address(request))
    if principal is None:
        raise AuthenticationFailed("访问令牌无效、已过期或已撤销", "The access token is invalid, expired or revoked")
    return principal


def requires(permission: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency that authenticates the caller and checks one permission.

    The permission is kept on the dependency so tests can list every endpoint's
    declared permission (see tests/api/test_permission_matrix.py).
    """

    # Pure checks are ``async``: FastAPI runs them on the event loop instead of handing
    # each to the thread pool (a hand-off per dependency costs more than the check).
    async def dependency(principal: Annotated[Principal, Depends(bearer_principal)]) -> Principal:
        principal.require(permission)
        return principal

    dependency.required_permission = permission  # type: ignore[attr-defined]
    return dependency


async def signed_in(principal: Annotated[Principal, Depends(bearer_principal)]) -> Principal:
    """Any signed-in caller (their own profile, password, token)."""
    return principal


signed_in.required_permission = AUTHENTICATED  # type: ignore[attr-defined]
SignedIn = Annotated[Principal, Depends(signed_in)]


async def public() -> None:
    """Marks an endpoint that needs no sign-in (health check, token endpoint)."""


public.required_permission = PUBLIC  # type: ignore[attr-defined]


def declared_permission(dependant: Any) -> str | None:
    """The permission an endpoint declared through :func:`requires` or :func:`public`."""
    for dep in dependant.dependencies:
        found = getattr(dep.call, "required_permission", None) or declared_permission(dep)
        if found:
            return found
    return None


def if_match_version(value: str | None) -> int | None:
    """The version an ``If-Match`` header names (``W/"3"``, ``"3"`` or ``3``); None without one."""
    if value is None:
        return None
    match = re.fullmatch(r'\s*(?:W/)?"?(\d+)"?\s*', value)
    if not match:
        raise ValidationFailed(
            [FieldError("If-Match", "invalid_format", 'If-Match：应为版本号，如 W/"3"', 'If-Match: must be a version such as W/"3"')]
        )
    return int(match[1])
