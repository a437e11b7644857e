"""Sign-in, sign-out, password change and language switch."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jiceng.accounts import service as accounts
from jiceng.api.deps import DbSession, client_address
from jiceng.core.errors import ValidationFailed
from jiceng.web.deps import (
    LANG_COOKIE,
    PRELOGIN_COOKIE,
    SESSION_COOKIE,
    SignedInPage,
    new_prelogin_token,
    render,
    web_public,
)
from jiceng.web.i18n import LANGUAGES

router = APIRouter(include_in_schema=False)
Public = Depends(web_public)


def _safe_next(value: str | None) -> str:
    """Only redirect to paths on this site (no open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _login_page(request: Request, error: str = "", status_code: int = 200, next_path: str = "/") -> HTMLResponse:
    token = new_prelogin_token()
    response = render(request, "auth/login.html", status_code=status_code, error=error, prelogin=token, next_path=_safe_next(next_path))
    response.set_cookie(
        PRELOGIN_COOKIE, token, httponly=True, samesite="strict", secure=request.app.state.settings.cookie_secure, max_age=3600
    )
    return response


@router.get("/login", dependencies=[Public])
def login_form(request: Request, next: str = "/", expired: int = 0) -> HTMLResponse:
    return _login_page(request, "session_expired" if expired else "", next_path=next)


@router.post("/login", dependencies=[Public])
async def login(request: Request, session: DbSession) -> Response:
    form = await request.form()
    cookie = request.cookies.get(PRELOGIN_COOKIE, "")
    sent = str(form.get("prelogin", ""))
    next_path = _safe_next(str(form.get("next", "/")))
    if not cookie or not hmac.compare_digest(cookie, sent):
        return _login_page(request, "csrf_failed", 403, next_path)
    outcome = accounts.authenticate(session, str(form.get("username", "")), str(form.get("password", "")), "web", client_address(request))
    if not outcome.ok or outcome.user is None:
        return _login_page(request, "login_locked" if outcome.reason == "locked" else "login_failed", 401, next_path)
    token, _csrf = accounts.start_session(session, outcome.user, client_address(request))
    response = RedirectResponse(next_path, status_code=303)
    settings = request.app.state.settings
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=settings.cookie_secure, max_age=settings.session_absolute_hours * 3600
    )
    response.delete_cookie(PRELOGIN_COOKIE)
    return response


@router.post("/logout")
async def logout(ctx: SignedInPage, session: DbSession) -> Response:
    await ctx.form()
    accounts.end_session(session, ctx.request.cookies.get(SESSION_COOKIE, ""), ctx.principal)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account/password")
def password_form(ctx: SignedInPage) -> HTMLResponse:
    return ctx.render("auth/password.html")


@router.post("/account/password")
async def change_password(ctx: SignedInPage, session: DbSession) -> Response:
    form = await ctx.form()
    try:
        with session.begin_nested():
            accounts.change_password(session, ctx.principal, str(form.get("current_password", "")), str(form.get("new_password", "")))
    except ValidationFailed as failed:
        return ctx.render("auth/password.html", status_code=422, errors=failed.errors)
    return ctx.render("auth/password.html", done=True)


@router.get("/lang/{code}", dependencies=[Public])
def switch_language(code: str, request: Request, next: Annotated[str, "path"] = "/") -> Response:
    response = RedirectResponse(_safe_next(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, samesite="lax", max_age=365 * 24 * 3600)
    return response
