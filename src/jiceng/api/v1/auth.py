"""/api/v1/auth: bearer tokens for users, OAuth2 client credentials for machines."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from jiceng.accounts import service as accounts
from jiceng.api.deps import DbSession, SignedIn, client_address, public

router = APIRouter(tags=["auth 认证"])


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str
    password: str


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str
    new_password: str


@router.post("/auth/token", dependencies=[Depends(public)])
def issue_token(body: Credentials, request: Request, session: DbSession) -> JSONResponse:
    """Exchange a user name and password for a bearer token."""
    outcome = accounts.authenticate(session, body.username, body.password, "api", client_address(request))
    if not outcome.ok or outcome.user is None:
        zh, en = (
            ("账户已锁定，请稍后再试", "Account locked; try again later")
            if outcome.reason == "locked"
            else ("用户名或密码错误", "Wrong user name or password")
        )
        return JSONResponse(
            {"code": "authentication_failed", "message_zh": zh, "message_en": en}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )
    token, expires = accounts.issue_token(session, outcome.user, name="api login")
    return JSONResponse({"access_token": token, "token_type": "bearer", "expires_at": expires.isoformat()})


@router.post("/auth/oauth/token", dependencies=[Depends(public)])
def oauth_token(
    request: Request,
    session: DbSession,
    grant_type: Annotated[str, Form()] = "",
    client_id: Annotated[str, Form()] = "",
    client_secret: Annotated[str, Form()] = "",
    scope: Annotated[str, Form()] = "",
) -> JSONResponse:
    """OAuth2 client-credentials grant (RFC 6749 §4.4) for sync nodes and integrations."""
    if grant_type != "client_credentials":
        return JSONResponse(
            {"error": "unsupported_grant_type", "error_description": "仅支持 client_credentials / only client_credentials is supported"},
            status_code=400,
        )
    issued = accounts.exchange_client_credentials(session, client_id, client_secret, scope, client_address(request))
    if issued is None:
        return JSONResponse(
            {"error": "invalid_client", "error_description": "客户端凭据无效或已撤销 / invalid or revoked client credentials"},
            status_code=401,
        )
    token, _expires, scopes = issued
    return JSONResponse(
        {"access_token": token, "token_type": "bearer", "expires_in": 3600, "scope": scopes}, headers={"Cache-Control": "no-store"}
    )


@router.post("/auth/revoke")
def revoke(request: Request, session: DbSession, principal: SignedIn) -> dict[str, Any]:
    """Revoke the token used for this request."""
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    return {"revoked": accounts.revoke_token(session, principal, token)}


@router.get("/me")
def me(principal: SignedIn) -> dict[str, Any]:
    return {
        "username": principal.username,
        "role": principal.role,
        "display_name": principal.display_name,
        "institution_id": str(principal.institution_id) if principal.institution_id else None,
        "permissions": sorted(principal.permissions),
    }


@router.post("/me/password", status_code=204)
def change_password(body: PasswordChange, session: DbSession, principal: SignedIn) -> None:
    accounts.change_password(session, principal, body.current_password, body.new_password)
