"""`fhir`: Patient read throughput and p95 under 16 concurrent clients (with
``ratio_to_trivial``), search by identifier p95, and transaction-bundle ingest in
resources/s (bundles of 100 Observations)."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import httpx
import orjson
from sqlalchemy import select

from bench._http import default_server_count, latency, load, servers
from bench.common import parser as base_parser
from bench.common import percentiles, prepared_region
from bench.resident_read import _setup
from jiceng.accounts import service as accounts
from jiceng.core.db import Database
from jiceng.core.security import Principal
from jiceng.residents.models import Resident

ID_SYSTEM = "http://jiceng.org/fhir/sid/cn-resident-id-number"


def _ingest_token(db: Database) -> str:
    with db.unit_of_work() as s:
        user = s.scalars(select(accounts.User).where(accounts.User.username == "bench_lab")).first()
        if user is None:
            user = accounts.create_user(
                s, Principal.console_operator(), username="bench_lab", password=accounts.generate_password(), role="integration_client"
            )
        token, _ = accounts.issue_token(s, user, hours=4, scopes="system/*.*")
        return token


def _bundle(patient_ids: list[str], size: int) -> bytes:
    entries = []
    for _ in range(size):
        value = round(random.uniform(3.5, 12.0), 1)
        resource = {
            "resourceType": "Observation",
            "status": "final",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": "1558-6", "display": "Fasting glucose"}]},
            "subject": {"reference": f"Patient/{random.choice(patient_ids)}"},
            "effectiveDateTime": "2026-11-01T08:30:00+08:00",
            "valueQuantity": {"value": value, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"},
        }
        entries.append({"resource": resource, "request": {"method": "POST", "url": "Observation"}})
    return orjson.dumps({"resourceType": "Bundle", "type": "transaction", "entry": entries})


def _ingest(bases: list[str], token: str, patient_ids: list[str], clients: int, seconds: float, size: int) -> dict[str, Any]:
    bundles = [_bundle(patient_ids, size) for _ in range(40)]
    created, errors, latencies = [0], [0], []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(base: str) -> None:
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"}, timeout=60
        ) as client:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = client.post("/fhir", content=random.choice(bundles))
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    if response.status_code == 200:
                        created[0] += size
                    else:
                        errors[0] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(bases[i % len(bases)],)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "resources_per_s": round(created[0] / elapsed, 1),
        "bundles": len(latencies),
        "bundle_size": size,
        "errors": errors[0],
        "clients": clients,
        **{f"bundle_{k}": v for k, v in percentiles(latencies).items()},
    }


def main(argv: list[str]) -> dict[str, Any]:
    p = base_parser("FHIR read, search and bundle ingest")
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--ingest-clients", type=int, default=4)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--workers", type=int, default=None, help="server processes (default: one per core)")
    args = p.parse_args(argv)
    args.workers = args.workers or default_server_count(args.clients)
    random.seed(args.seed)
    with prepared_region(args) as db, servers(db.url, args.workers) as bases:
        token, ids, _initials, numbers = _setup(db)
        lab = _ingest_token(db)
        with db.unit_of_work() as s:
            everywhere = [str(i) for i in s.scalars(select(Resident.id).limit(5000))]
        trivial = load(bases, ["/api/v1/me"], token, args.clients, args.seconds)
        read = load(bases, [f"/fhir/Patient/{i}" for i in ids], token, args.clients, args.seconds)
        identifiers = random.sample(numbers, min(200, len(numbers)))
        by_identifier = latency(bases[0], token, [f"/fhir/Patient?identifier={ID_SYSTEM}|{n}" for n in identifiers])
        ingest = _ingest(bases, lab, everywhere, args.ingest_clients, args.seconds, 100)
    return {
        "scale": args.scale,
        "db": args.db,
        "server_workers": args.workers,
        "patient_read": read,
        "trivial": trivial,
        "ratio_to_trivial": round(read["requests_per_s"] / trivial["requests_per_s"], 2),
        "search_identifier": by_identifier,
        "bundle_ingest": ingest,
    }
