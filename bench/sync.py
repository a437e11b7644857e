"""Sync throughput: ``python bench/run.py sync --changes N``.

A region (``jiceng serve`` in its own process, PostgreSQL by default) with a generated
village-scale region (one village, ~1,500 residents with a year of records); a village
node bootstrapped from it over HTTP. Then, with real HTTP on loopback:

- ``bootstrap_s``: ``jiceng node init`` from the region's snapshot;
- ``push_changes_per_s``: N new records made on the node, pushed and applied at the region;
- ``pull_changes_per_s``: N new records made at the region, pulled and applied at the node;
- ``bytes_per_change_push`` / ``_pull``: compressed request / response bodies per record;
- ``converge_s``: N/2 edits on each side (half of them to the same records), one sync;
- ``ratio_to_bulk_insert``: push throughput / a bulk insert (``outbox.bulk_insert``, with
  its change-log rows) of the same rows into the same region database, in this run;
- ``user_read_*``: latency of a resident search at the region before and during the push.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from tests.sync.chaos.cluster import PASSWORD, Server, _env

from bench.common import DEFAULT_POSTGRES, fresh_database
from jiceng.accounts import service as accounts
from jiceng.core.db import Database
from jiceng.core.outbox import bulk_insert
from jiceng.core.security import Principal
from jiceng.core.validators import id_check_digit
from jiceng.registry.models import Institution
from jiceng.residents.models import Resident
from jiceng.sync import client
from jiceng.sync import service as sync
from jiceng.sync.transport import Link, decode_token
from jiceng.synthetic.run import generate

CONSOLE = Principal.console_operator()
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="sync throughput")
    p.add_argument("--changes", type=int, default=10_000)
    p.add_argument("--db", default="postgresql", choices=["postgresql", "sqlite"])
    p.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    p.add_argument("--seed", type=int, default=1)
    return p


def _residents(template: dict[str, Any], village: str, count: int, serial_from: int, born_from: int) -> list[dict[str, Any]]:
    """New residents like ``template`` with their own keys (valid ID and record numbers) and
    varied names, phones and addresses (so compression is not flattered)."""
    rng = random.Random(born_from)
    rows = []
    for i in range(count):
        n = born_from + i
        rest = n // 900  # mixed radix: a distinct birth date and sequence for every n
        body = f"411299{1930 + rest // 336 % 70}{rest // 28 % 12 + 1:02d}{rest % 28 + 1:02d}{n % 900 + 1:03d}"
        row = {k: v for k, v in template.items() if k not in ("id", "version", "updated_at", "origin_node")}
        row.update(
            id_number=body + id_check_digit(body),
            record_number=f"{village}{serial_from + i:05d}",
            name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            address=f"{rng.randrange(1, 300)}号{rng.choice(GIVEN)}家巷",
            sex=rng.choice("12"),
            birth_date=date(1930 + n % 80, 1 + n % 12, 1 + n % 28),
            village_code=village,
        )
        rows.append(row)
    return rows


def _template(db: Database) -> dict[str, Any]:
    with db.unit_of_work() as s:
        resident = s.scalars(select(Resident).where(Resident.deleted_at.is_(None)).limit(1)).one()
        return {c.name: getattr(resident, c.key) for c in Resident.__table__.columns}


@dataclass
class Probe:
    """A user searching residents at the region, every 20 ms, while sync runs."""

    url: str
    token: str
    samples: list[float] = field(default_factory=list)
    errors: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(headers={"Authorization": f"Bearer {self.token}"}, timeout=30) as http:
            while not self._stop.is_set():
                started = time.perf_counter()
                answer = http.get(self.url + "/api/v1/residents", params={"q": "测"})
                self.samples.append((time.perf_counter() - started) * 1000)
                self.errors += answer.status_code != 200
                self._stop.wait(0.02)

    def during(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, daemon=True)
        thread.start()
        return thread

    def stop(self, thread: threading.Thread) -> dict[str, float]:
        self._stop.set()
        thread.join()
        ordered = sorted(self.samples) or [0.0]
        return {
            "p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
            "max_ms": round(ordered[-1], 1),
            "requests": len(ordered),
            "errors": self.errors,
        }


def _region_user(db: Database, institution_id: uuid.UUID) -> None:
    with db.unit_of_work() as s:
        accounts.create_user(s, CONSOLE, username="benchdoc", password=PASSWORD, role="family_doctor", institution_id=institution_id)


def _latency(server: Server, seconds: float) -> dict[str, float]:
    probe = Probe(server.url, _login(server))
    thread = probe.during()
    time.sleep(seconds)  # a baseline of user latency with no sync running (measurement, not synchronization)
    return probe.stop(thread)


def _login(server: Server) -> str:
    answer = httpx.post(server.url + "/api/v1/auth/token", json={"username": "benchdoc", "password": PASSWORD}, timeout=30)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def main(argv: list[str]) -> dict[str, Any]:
    args = _parser().parse_args(argv)
    n = args.changes
    if not 0 < n < 30_000:
        raise SystemExit("--changes must be between 1 and 29,999 (record-number serials per village)")
    with fresh_database(args.db, args.postgres_url) as region_db:
        generated = time.perf_counter()
        generate(region_db, "village", args.seed, today=date(2026, 11, 22))
        generate_s = time.perf_counter() - generated
        with region_db.unit_of_work() as s:
            clinic = s.scalars(select(Institution).where(Institution.kind == "village_clinic")).first()
            township = s.scalars(select(Institution).where(Institution.kind == "township_hospital")).first()
            assert clinic is not None and township is not None
            clinic_code, village, township_id = clinic.code, clinic.division_code, township.id
            scoped = s.scalar(select(func.count()).select_from(Resident).where(Resident.village_code == village))
            _peer, token = sync.issue_node(s, CONSOLE, clinic_code)
        _region_user(region_db, township_id)
        folder = Path(tempfile.mkdtemp(prefix="jiceng-bench-sync-"))
        env = _env(folder / "region", region_db.url, 0) | {"JICENG_SYNC_BACKGROUND": "false"}
        (folder / "region").mkdir()
        server = Server("region", folder / "region", env)
        server.start()
        try:
            return {"changes": n, "scoped_residents": scoped, "generate_s": round(generate_s, 1)} | _measure(
                server, region_db, folder, token, village, n
            )
        finally:
            server.stop()


def _measure(server: Server, region_db: Database, folder: Path, token: str, village: str, n: int) -> dict[str, Any]:
    client_id, secret = decode_token(token)
    node_url = f"sqlite:///{folder / 'node' / 'jiceng.sqlite'}"
    (folder / "node").mkdir()
    link = Link(server.url, client_id, secret)
    done = sync.init_node(node_url, server.url, token, link=link)
    node = Database(node_url)
    template = _template(node)
    with node.unit_of_work() as s:
        parent_id = client.link_for(node)[1]
        bulk_insert(s, Resident, _residents(template, village, n, 10_000, 0))
    baseline = _latency(server, 2.0)

    probe = Probe(server.url, _login(server))
    thread = probe.during()
    result = client.Result()
    sent_before = link.sent_bytes
    started = time.perf_counter()
    client._push_all(node, link, parent_id, result)
    push_s = time.perf_counter() - started
    during = probe.stop(thread)
    push_bytes = link.sent_bytes - sent_before

    with region_db.unit_of_work() as s:
        arrived = s.scalar(select(func.count()).select_from(Resident).where(Resident.record_number >= f"{village}10000"))
        bulk_insert(s, Resident, _residents(template, village, n, 40_000, 200_000))
    received_before = link.received_bytes
    started = time.perf_counter()
    pulled = client.Result()
    client._pull_all(node, link, parent_id, pulled)
    pull_s = time.perf_counter() - started
    pull_bytes = link.received_bytes - received_before

    converge_s = _converge(node, region_db, link, village, n // 2)
    bulk_s = _bulk(region_db, template, village, n)
    node.dispose()
    link.close()
    push_rate, bulk_rate = n / push_s, n / bulk_s
    return {
        "bootstrap_s": round(done.seconds, 2),
        "snapshot_bytes": done.bytes_downloaded,
        "push_s": round(push_s, 2),
        "push_changes_per_s": round(push_rate),
        "pushed_arrived": arrived,
        "pull_s": round(pull_s, 2),
        "pull_changes_per_s": round(pulled.pulled / pull_s),
        "pulled_records": pulled.pulled,
        "bytes_per_change_push": round(push_bytes / max(result.pushed, 1)),
        "bytes_per_change_pull": round(pull_bytes / max(pulled.pulled, 1)),
        "converge_s": round(converge_s, 2),
        "bulk_insert_s": round(bulk_s, 2),
        "ratio_to_bulk_insert": round(push_rate / bulk_rate, 2),
        "user_read_idle": baseline,
        "user_read_during_push": during,
    }


def _converge(node: Database, region_db: Database, link: Link, village: str, count: int) -> float:
    """Edits on both sides (half of them of the same records), then one full sync."""
    with region_db.unit_of_work() as s:
        ids = list(s.scalars(select(Resident.id).where(Resident.village_code == village).order_by(Resident.id).limit(count)))
    shared = ids[: count // 2]
    for db, phone in ((node, "13900000001"), (region_db, "13900000002")):
        with db.unit_of_work() as s:
            mine = shared + (ids[count // 2 :] if db is node else [])
            for part in range(0, len(mine), 500):
                for resident in s.scalars(select(Resident).where(Resident.id.in_(mine[part : part + 500]))):
                    resident.phone = phone
    started = time.perf_counter()
    client.run_once(node, link)
    elapsed = time.perf_counter() - started
    with node.unit_of_work() as s, region_db.unit_of_work() as r:
        here = dict(s.execute(select(Resident.id, Resident.phone).where(Resident.id.in_(ids))).all())
        there = dict(r.execute(select(Resident.id, Resident.phone).where(Resident.id.in_(ids))).all())
    assert here == there, "node and region differ after the sync"
    return elapsed


def _bulk(region_db: Database, template: dict[str, Any], village: str, n: int) -> float:
    """The same kind of rows, inserted with their change-log rows in one transaction."""
    rows = _residents(template, village, n, 70_000, 400_000)
    started = time.perf_counter()
    with region_db.unit_of_work() as s:
        bulk_insert(s, Resident, rows)
    return time.perf_counter() - started
