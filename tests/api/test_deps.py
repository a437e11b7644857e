"""The request's unit of work: it ends before the answer goes out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from jiceng.accounts.models import ApiToken
from jiceng.api.app import create_app
from jiceng.core.config import Settings
from jiceng.core.db import Database
from tests.factories import PASSWORD, Region


def _recording(app: Any, log: list[str], describe: Callable[[int], str] = lambda status: f"response {status}") -> Any:
    """The app, noting in ``log`` (as ``describe`` puts it) when each response starts going out."""

    async def wrapper(scope: Any, receive: Any, send: Any) -> None:
        async def noting(message: Any) -> None:
            if message["type"] == "http.response.start":
                log.append(describe(message["status"]))
            await send(message)

        await app(scope, receive, noting)

    return wrapper


def _tokens(database: Database) -> int:
    with database.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(ApiToken)).scalar_one())


def test_the_transaction_commits_before_the_response_is_sent(database: Database, region: Region, tmp_path: Path) -> None:
    log: list[str] = []
    app = create_app(Settings(data_dir=tmp_path, database_url=database.url), database)
    before = _tokens(database)

    def describe(status: int) -> str:
        # Counted on another connection, as the client's next request would use.
        return f"response {status} with {_tokens(database) - before} new token(s) committed"

    with TestClient(_recording(app, log, describe)) as client:
        response = client.post("/api/v1/auth/token", json={"username": "doctor_a", "password": PASSWORD})
    assert response.status_code == 200, response.text
    # A client that holds the answer can use its token at once, on any connection.
    assert log == ["response 200 with 1 new token(s) committed"]


def test_a_refused_request_rolls_back_before_its_error_is_sent(database: Database, region: Region, tmp_path: Path) -> None:
    log: list[str] = []

    def rolled_back(_session: Any) -> None:
        log.append("rollback")

    event.listen(database.session_factory, "after_rollback", rolled_back)
    try:
        app = create_app(Settings(data_dir=tmp_path, database_url=database.url), database)
        with TestClient(_recording(app, log)) as client:
            log.clear()
            response = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    finally:
        event.remove(database.session_factory, "after_rollback", rolled_back)
    assert response.status_code == 401
    assert log[0] == "rollback" and log[-1] == "response 401"
