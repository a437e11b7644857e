from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jiceng.api.app import create_app
from jiceng.core.config import Settings
from jiceng.core.db import Database
from jiceng.indicators import rebuild
from tests.indicators.population import TODAY, Population, build


@pytest.fixture
def population(database: Database) -> Population:
    return build(database)


@pytest.fixture
def built(database: Database, population: Population) -> Population:
    with database.unit_of_work() as s:
        rebuild.rebuild(s, TODAY)
    return population


@pytest.fixture
def client(database: Database, built: Population, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    # The background updater is tested on its own (test_background.py); here requests see
    # the state exactly as the test left it.
    monkeypatch.setenv("JICENG_INDICATORS_INTERVAL_SECONDS", "0")
    app = create_app(Settings(data_dir=tmp_path, database_url=database.url), database)
    with TestClient(app) as test_client:
        yield test_client
