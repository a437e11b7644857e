"""`resident-read`: the resident record endpoint under 16 concurrent clients, next to a
trivial endpoint of the same app (``ratio_to_trivial``) and an unscoped, unaudited read
(``scope_audit_ratio``); plus search latency by pinyin initials and by ID number."""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from bench.common import parser as base_parser
from bench.common import percentiles, prepared_region
from jiceng.accounts import service as accounts
from jiceng.core.db import Database
from jiceng.core.security import Principal
from jiceng.registry.models import Institution
from jiceng.residents.models import Resident

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _setup(db: Database) -> tuple[str, list[str], list[str], list[str]]:
    """A family doctor at the first township hospital, and residents in their catchment."""
    with db.unit_of_work() as s:
        hospital = s.scalars(select(Institution).where(Institution.kind == "township_hospital").order_by(Institution.code)).first()
        assert hospital is not None
        user = s.scalars(select(accounts.User).where(accounts.User.username == "bench_gp")).first()  # type: ignore[attr-defined]
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


def _start_server(db_url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "JICENG_BENCH_URL": db_url, "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench._server:app_factory",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("server did not start")


def _load(base: str, paths: list[str], token: str, concurrency: int, seconds: float) -> dict[str, Any]:
    """Closed-loop load: wrk (C, from Debian) when installed, else a Python asyncio loader."""
    if shutil.which("wrk"):
        return _wrk(base, paths, token, concurrency, seconds)
    spec = {"base": base, "paths": paths, "headers": {"Authorization": f"Bearer {token}"}, "concurrency": concurrency, "seconds": seconds}
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py")], input=json.dumps(spec).encode(), capture_output=True, check=True
    )
    raw = json.loads(out.stdout)
    return {"requests_per_s": round(raw["requests"] / raw["seconds"], 1), "errors": raw["errors"], **percentiles(raw["samples"])}


def _wrk(base: str, paths: list[str], token: str, concurrency: int, seconds: float) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths))
    # A short warm-up, then the measured run; wrk uses one thread per core.
    warm = ["wrk", "-t1", f"-c{concurrency}", "-d2s", "-s", str(ROOT / "bench" / "paths.lua"), base, "--", handle.name, token]
    subprocess.run(warm, capture_output=True, check=True)
    command = [
        "wrk",
        "-t2",
        f"-c{concurrency}",
        f"-d{int(seconds)}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "paths.lua"),
        base,
        "--",
        handle.name,
        token,
    ]
    out = subprocess.run(command, capture_output=True, check=True, text=True).stdout
    raw = json.loads(out.strip().splitlines()[-1])
    Path(handle.name).unlink()
    return {
        "requests_per_s": round(raw["requests"] / raw["seconds"], 1),
        "errors": raw["errors"],
        **{k: raw[k] for k in ("p50_ms", "p95_ms", "p99_ms", "mean_ms")},
        "load": "wrk",
    }


def _latency(base: str, token: str, paths: list[str]) -> dict[str, float]:
    samples = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        for path in paths:
            started = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
    return percentiles(samples)


def main(argv: list[str]) -> dict[str, Any]:
    p = base_parser("Resident record read under concurrent load")
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args(argv)
    with prepared_region(args) as db:
        token, ids, initials, numbers = _setup(db)
        server, base = _start_server(db.url, args.workers)
        try:
            trivial = _load(base, ["/api/v1/me"], token, args.clients, args.seconds)
            read = _load(base, [f"/api/v1/residents/{i}" for i in ids], token, args.clients, args.seconds)
            unscoped = _load(base, [f"/bench/unscoped-resident/{i}" for i in ids], token, args.clients, args.seconds)
            by_initials = _latency(base, token, [f"/api/v1/residents?q={q}" for q in random.sample(initials, min(200, len(initials)))])
            by_id = _latency(base, token, [f"/api/v1/residents?q={q}" for q in random.sample(numbers, min(200, len(numbers)))])
        finally:
            server.terminate()
            server.wait(timeout=30)
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
