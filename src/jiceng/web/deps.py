"""Web request context: signed-in user from the session cookie, language, CSRF."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from jiceng.accounts import service as accounts
from jiceng.api.deps import AUTHENTICATED, PUBLIC, DbSession, client_address
from jiceng.core.permissions import ROLES
from jiceng.core.security import Principal
from jiceng.web import extensions
from jiceng.web.i18n import LANGUAGES, translator

SESSION_COOKIE = "jiceng_session"
LANG_COOKIE = "jiceng_lang"
PRELOGIN_COOKIE = "jiceng_prelogin"

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals.update(
    extra_nav=extensions.nav_for,
    home_panels=extensions.panels_for,
    resident_panels=extensions.resident_panels_for,
    roles_by_code=lambda code, lang: (ROLES[code].name_zh if lang == "zh" else ROLES[code].name_en) if code in ROLES else code,
    utc=UTC,
)


class LoginRequired(Exception):
    def __init__(self, next_path: str, expired: bool = False) -> None:
        self.next_path = next_path
        self.expired = expired


class CsrfFailed(Exception):
    pass


class PasswordChangeRequired(Exception):
    pass


def language(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE) or request.app.state.settings.default_language
    return lang if lang in LANGUAGES else "zh"


@dataclass
class WebContext:
    request: Request
    principal: Principal
    csrf_token: str
    lang: str

    def render(self, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        return render(self.request, template, status_code=status_code, principal=self.principal, csrf_token=self.csrf_token, **values)

    async def form(self) -> FormData:
        """The posted form, after checking its CSRF token against the session's."""
        form = await self.request.form()
        sent = str(form.get("csrf_token", ""))
        if not sent or not hmac.compare_digest(sent, self.csrf_token):
            raise CsrfFailed()
        return form


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    lang = language(request)
    values.setdefault("principal", None)
    values.setdefault("csrf_token", "")
    role = ROLES.get(values["principal"].role) if values["principal"] else None
    return templates.TemplateResponse(
        request, template, {"t": translator(lang), "lang": lang, "role": role, **values}, status_code=status_code
    )


def signed_in_context(request: Request, session: DbSession) -> WebContext:
    token = request.cookies.get(SESSION_COOKIE, "")
    active = accounts.resume_session(session, token, client_address(request))
    if active is None:
        raise LoginRequired(request.url.path, expired=bool(token))
    if active.must_change_password and request.url.path not in ("/account/password", "/logout"):
        raise PasswordChangeRequired()
    return WebContext(request, active.principal, active.csrf_token, language(request))


def web_requires(permission: str) -> Callable[..., Awaitable[WebContext]]:
    """A page that needs sign-in and one permission (declared for the matrix test)."""

    async def dependency(ctx: Annotated[WebContext, Depends(signed_in_context)]) -> WebContext:
        ctx.principal.require(permission)
        return ctx

    dependency.required_permission = permission  # type: ignore[attr-defined]
    return dependency


async def web_signed_in(ctx: Annotated[WebContext, Depends(signed_in_context)]) -> WebContext:
    return ctx


web_signed_in.required_permission = AUTHENTICATED  # type: ignore[attr-defined]
SignedInPage = Annotated[WebContext, Depends(web_signed_in)]


async def web_public() -> None:
    """A page anyone may open (sign-in, language switch)."""


web_public.required_permission = PUBLIC  # type: ignore[attr-defined]


def new_prelogin_token() -> str:
    return secrets.token_urlsafe(24)


def form_dict(form: FormData, multi: tuple[str, ...] = ()) -> dict[str, Any]:
    """Single values as strings, the named multi-select fields as lists."""
    data: dict[str, Any] = {k: v for k, v in form.items() if k != "csrf_token" and isinstance(v, str)}
    for key in multi:
        data[key] = [str(v) for v in form.getlist(key) if str(v)]
    return data
