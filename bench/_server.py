"""The app as a benchmark serves it, in its own process, plus one bench-only route that
reads a resident with no scope filter and no audit (to measure what those cost)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from fastapi import FastAPI

from jiceng.api.app import create_app
from jiceng.api.deps import DbSession
from jiceng.core.config import Settings
from jiceng.core.errors import NotFound
from jiceng.residents.models import Resident
from jiceng.residents.schemas import ResidentDetail


def app_factory() -> FastAPI:
    settings = Settings(
        database_url=os.environ["JICENG_BENCH_URL"], data_dir=Path(os.environ.get("JICENG_BENCH_DATA", "/tmp/jiceng-bench"))
    )
    app = create_app(settings)

    @app.get("/bench/unscoped-resident/{resident_id}", include_in_schema=False)
    def unscoped_resident(resident_id: uuid.UUID, session: DbSession) -> ResidentDetail:
        resident = session.get(Resident, resident_id)
        if resident is None:
            raise NotFound()
        return ResidentDetail.model_validate(resident)

    return app
