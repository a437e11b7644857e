from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jiceng.api.app import create_app
from jiceng.core.config import Settings
from jiceng.core.db import Database
from tests.contracts.helpers import World, build_world
from tests.factories import PASSWORD


@pytest.fixture
def world(database: Database) -> World:
    return build_world(database)


@pytest.fixture
def client(database: Database, world: World, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path, database_url=database.url), database)
    with TestClient(app) as test_client:
        yield test_client


def bearer(client: TestClient, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
