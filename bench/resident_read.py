"""`resident-read`: the resident record endpoint under 16 concurrent clients, next to a
trivial endpoint of the same app (``ratio_to_trivial``) and an unscoped, unaudited read
(``scope_audit_ratio``); plus search latency by pinyin initials and by ID number."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select

from bench._http import default_server_count, latency, load, servers
from bench.common import parser as base_parser
from bench.common import prepared_region
from jiceng.accounts import service as accounts
from jiceng.core.db import Database
from jiceng.core.security import Principal
from jiceng.registry.models import Institution
from jiceng.residents.models import Resident


def _setup(db: Database) -> tuple[str, list[str], list[str], list[str]]:
    """A family doctor at the first township hospital, and residents in their catchment."""
    with db.unit_of_work() as s:
        hospital = s.scalars(select(Institution).where(Institution.kind == "township_hospital").order_by(Institution.code)).first()
        assert hospital is not None
        user = s.scalars(select(accounts.User).where(accounts.User.username == "bench_gp")).first()
        if user is None:
            user = accounts.create_user(
                s,
                Principal.console_operator(),
                username="bench_gp",
                password=accounts.generate_password(),
                role="family_doctor",
                institution_id=hospital.id,
            )
        token, _ = accounts.issue_token(s, user, hours=4)
        prefix = hospital.division_code[:9]
        rows = s.execute(
            select(Resident.id, Resident.name_initials, Resident.id_number)
            .where(Resident.village_code.between(prefix + "000", prefix + "999"))
            .limit(5000)
        ).all()
    random.seed(1)
    ids = [str(r.id) for r in rows]
    initials = sorted({r.name_initials for r in rows if len(r.name_initials) == 3})
    numbers = [r.id_number for r in rows if r.id_number]
    return token, ids, initials, numbers


def main(argv: list[str]) -> dict[str, Any]:
    p = base_parser("Resident record read under concurrent load")
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--workers", type=int, default=None, help="server processes (default: one per core)")
    args = p.parse_args(argv)
    args.workers = args.workers or default_server_count(args.clients)
    with prepared_region(args) as db, servers(db.url, args.workers) as bases:
        token, ids, initials, numbers = _setup(db)
        trivial = load(bases, ["/api/v1/me"], token, args.clients, args.seconds)
        read = load(bases, [f"/api/v1/residents/{i}" for i in ids], token, args.clients, args.seconds)
        unscoped = load(bases, [f"/bench/unscoped-resident/{i}" for i in ids], token, args.clients, args.seconds)
        by_initials = latency(bases[0], token, [f"/api/v1/residents?q={q}" for q in random.sample(initials, min(200, len(initials)))])
        by_id = latency(bases[0], token, [f"/api/v1/residents?q={q}" for q in random.sample(numbers, min(200, len(numbers)))])
    return {
        "scale": args.scale,
        "db": args.db,
        "clients": args.clients,
        "server_workers": args.workers,
        "resident_read": read,
        "trivial": trivial,
        "unscoped_unaudited_read": unscoped,
        "ratio_to_trivial": round(read["requests_per_s"] / trivial["requests_per_s"], 2),
        "scope_audit_ratio": round(read["requests_per_s"] / unscoped["requests_per_s"], 2),
        "search_initials": by_initials,
        "search_id_number": by_id,
    }
