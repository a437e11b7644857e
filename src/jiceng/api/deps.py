"""Request-scoped dependencies: the database session (one transaction per request)
and the acting principal, with each endpoint's permission declared once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Annotated, Any

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


def db_session(request: Request) -> Iterator[Session]:
    """One unit of work per request: committed after the endpoint returns, rolled
    back if it raises."""
    with database(request).unit_of_work() as session:
        yield session


DbSession = Annotated[Session, Depends(db_session)]


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


def requires(permission: str) -> Callable[..., Principal]:
    """A dependency that authenticates the caller and checks one permission.

    The permission is kept on the dependency so tests can list every endpoint's
    declared permission (see tests/api/test_permission_matrix.py).
    """

    def dependency(principal: Annotated[Principal, Depends(bearer_principal)]) -> Principal:
        principal.require(permission)
        return principal

    dependency.required_permission = permission  # type: ignore[attr-defined]
    return dependency


def signed_in(principal: Annotated[Principal, Depends(bearer_principal)]) -> Principal:
    """Any signed-in caller (their own profile, password, token)."""
    return principal


signed_in.required_permission = AUTHENTICATED  # type: ignore[attr-defined]
SignedIn = Annotated[Principal, Depends(signed_in)]


def public() -> None:
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
