"""The application: JSON API under /api/v1, web pages, static assets, health check."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import plotly
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jiceng import __version__
from jiceng.api import errors as api_errors
from jiceng.api import v1
from jiceng.api.deps import public
from jiceng.api.fhir import router as fhir_router
from jiceng.api.routing import SegmentGuard
from jiceng.core import audit, background
from jiceng.core.config import Settings, get_settings
from jiceng.core.db import Database
from jiceng.core.discovery import submodules
from jiceng.core.errors import DomainError
from jiceng.core.fhir.outcome import FhirError, fhir_error, invalid
from jiceng.web import errors as web_errors
from jiceng.web import routes
from jiceng.web.deps import CsrfFailed, LoginRequired, PasswordChangeRequired

STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"

# Every module in api/v1 and web/routes exposes ``router``; a new domain adds its
# files there and needs no change here.
API_ROUTERS = [m.router for m in submodules(v1)]
WEB_ROUTERS = [m.router for m in submodules(routes)]
FHIR_ROUTERS = [fhir_router.router]

SECURITY_HEADERS = {
    # No inline script or style anywhere: every asset is a file under /static.
    # Styles may be inline because Plotly's bundled charts inject a <style> element.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


background.register("audit_sealer", audit.sealer_factory)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    database = database or Database(settings.resolved_database_url(), settings.durable_view_audit)
    running = background.services(settings, database)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        for service in running:
            service.start()
        yield
        for service in reversed(running):
            service.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="Jiceng 基层 API",
        version=__version__,
        description="居民健康档案、机构与人员 — resident records and registry. 所有错误信息均含中英文。",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.database = database
    app.state.background = running
    # FastAPI tries routes in order, each at a cost: machine interfaces first (the most
    # requests, the tightest latency), pages last. No two of them share a path.
    # Each through a guard that skips all its routes at once for other paths (api.routing).
    for router in FHIR_ROUTERS:
        app.include_router(SegmentGuard(router))
    for router in API_ROUTERS:
        app.include_router(SegmentGuard(router, "/api/v1"))
    for router in WEB_ROUTERS:
        app.include_router(SegmentGuard(router))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _install_errors(app)
    _install_headers(app)

    @app.get("/assets/plotly.min.js", dependencies=[Depends(public)], include_in_schema=False)
    def plotly_js() -> FileResponse:
        """Plotly's bundled JavaScript, from the plotly Python package (no CDN: clinics may be offline)."""
        return FileResponse(PLOTLY_JS, media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/healthz", dependencies=[Depends(public)], tags=["health"])
    def healthz() -> dict[str, str]:
        with app.state.database.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__, "database": app.state.database.engine.dialect.name}

    return app


def _install_errors(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequired, lambda _r, e: web_errors.login_redirect(e))
    app.add_exception_handler(PasswordChangeRequired, lambda _r, e: web_errors.password_redirect(e))
    app.add_exception_handler(CsrfFailed, web_errors.csrf_page)  # type: ignore[arg-type]

    @app.exception_handler(FhirError)
    async def on_fhir_error(_request: Request, exc: FhirError) -> Response:
        return fhir_router.respond(exc.status, exc.outcome())

    @app.exception_handler(DomainError)
    async def on_domain_error(request: Request, exc: DomainError) -> Response:
        if _is_fhir(request):
            response = fhir_router.respond(exc.status_code, fhir_error(exc).outcome())
            if exc.status_code == 401:
                response.headers["WWW-Authenticate"] = "Bearer"
            return response
        if web_errors.is_web(request):
            return web_errors.domain_error_page(request, exc)
        return api_errors.domain_error_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_fhir(request):
            return fhir_router.respond(exc.status_code, FhirError(exc.status_code, "请求无法处理", str(exc.detail)).outcome())
        if web_errors.is_web(request):
            return web_errors.http_error_page(request, exc.status_code)
        return await api_errors.http_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def on_request_validation(request: Request, exc: RequestValidationError) -> Response:
        if _is_fhir(request):
            return fhir_router.respond(400, invalid("请求格式无效", f"Malformed request: {exc.errors()[:3]}").outcome())
        if web_errors.is_web(request):
            return web_errors.http_error_page(request, 404)
        return await api_errors.request_validation_response(exc)


def _is_fhir(request: Request) -> bool:
    return request.url.path == "/fhir" or request.url.path.startswith("/fhir/")


def _install_headers(app: FastAPI) -> None:
    app.add_middleware(SecurityHeaders)


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` (and ``no-store`` outside static assets) to every response.

    A plain ASGI middleware: it only touches the response-start message, where Starlette's
    ``BaseHTTPMiddleware`` would run each request through an extra task and stream."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = scope["path"].startswith(("/static/", "/assets/"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if not cacheable:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
