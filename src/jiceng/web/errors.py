"""How web pages answer errors: sign-in redirects and bilingual error pages."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from jiceng.core.errors import DomainError
from jiceng.web.deps import CsrfFailed, LoginRequired, PasswordChangeRequired, render


def is_web(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/fhir", "/healthz", "/static/", "/assets/"))


def login_redirect(exc: LoginRequired) -> Response:
    target = f"/login?next={quote(exc.next_path)}" + ("&expired=1" if exc.expired else "")
    return RedirectResponse(target, status_code=303)


def password_redirect(_exc: PasswordChangeRequired) -> Response:
    return RedirectResponse("/account/password", status_code=303)


def csrf_page(request: Request, _exc: CsrfFailed) -> Response:
    return render(request, "error.html", status_code=403, message_key="csrf_failed")


def domain_error_page(request: Request, exc: DomainError) -> Response:
    keys = {404: "not_found", 403: "forbidden"}
    return render(request, "error.html", status_code=exc.status_code, message_key=keys.get(exc.status_code), error=exc)


def http_error_page(request: Request, status_code: int) -> Response:
    key = "page_not_found" if status_code == 404 else None
    return render(request, "error.html", status_code=status_code, message_key=key)
