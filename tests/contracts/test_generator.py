"""The contracts generator step: ~70% coverage, more in key populations, households,
renewals, valid contracts the services accept, and the worklist on generated data."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, select

from jiceng.contracts import fulfilment, indicators, views
from jiceng.contracts.models import Contract, ContractPackage, Delivery, Team
from jiceng.core.db import Database
from jiceng.core.indicators import IndicatorQuery
from jiceng.core.security import Principal
from jiceng.synthetic.context import GenerationContext
from jiceng.synthetic.contracts import generate_contracts
from jiceng.synthetic.loader import BulkLoader
from jiceng.synthetic.registry import generate_registry
from jiceng.synthetic.residents import generate_residents
from jiceng.synthetic.scales import SCALES

TODAY = date(2026, 11, 22)
CONSOLE = Principal.console_operator()


def _generate(db: Database) -> None:
    with db.unit_of_work() as s:
        ctx = GenerationContext(s, SCALES["village"], 7, TODAY, random.Random(7), BulkLoader(s), lambda *_: None)
        for step in (generate_registry, generate_residents, generate_contracts):
            step(ctx)


def test_generated_contracts(database: Database) -> None:
    _generate(database)
    with database.unit_of_work() as s:
        query = IndicatorQuery(date(2026, 1, 1), TODAY, "county")
        coverage = indicators.COVERAGE.compute(s, query)[0]
        key = indicators.KEY_COVERAGE.compute(s, query)[0]
        renewal = indicators.RENEWAL.compute(s, query)[0]
        assert 0.65 < coverage.rate < 0.78 and coverage.denominator > 1000  # type: ignore[operator]
        assert key.rate > coverage.rate + 0.1  # type: ignore[operator]
        assert 0.7 < renewal.rate < 0.98  # type: ignore[operator]
        modes = dict(s.execute(select(Contract.sign_mode, func.count()).group_by(Contract.sign_mode)).all())
        assert modes["household"] > 100 and modes["individual"] > 100
        assert (s.scalar(select(func.count()).select_from(ContractPackage)) or 0) > 10
        assert (s.scalar(select(func.count()).select_from(Delivery)) or 0) > 100
        live = int(s.scalar(select(func.count()).where(Contract.status == "active", Contract.end_date >= TODAY)) or 0)
        assert live == coverage.numerator
        team = s.scalars(select(Team)).first()
        assert team is not None and team.panel_limit >= live
        sample = s.scalars(select(Contract).where(Contract.status == "active").limit(20)).all()
        for contract in sample:
            view = views.get_contract(s, CONSOLE, contract.id, today=TODAY)
            assert view.items and view.packages[0].code == "BASIC"
        work = fulfilment.worklist(s, CONSOLE, today=TODAY)
        assert work.expiring_total > 0 and work.overdue_total < live
