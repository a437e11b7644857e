"""The app served for HTTP benchmarks, and closed-loop load against it.

One server process per core, each on its own port, and the load spread evenly over them:
wrk thread *i* talks only to server *i* (``paths.lua``), as a balancing proxy would.
Several processes sharing one listening socket (``uvicorn --workers``) instead split
the clients' connections as the kernel wakes them: measured here, 16 connections now all
went to one process (one core serving, about half the throughput) and now to both, so
one run could measure half the machine and the next all of it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench.common import percentiles

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(db_url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "JICENG_BENCH_URL": db_url, "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"}
    command = [sys.executable, "-m", "uvicorn", "bench._server:app_factory", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    return subprocess.Popen(command, env=env, cwd=ROOT), f"http://127.0.0.1:{port}"


def _wait_healthy(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {base} did not start")


def default_server_count(clients: int) -> int:
    """One per core, at most, and a number that shares ``clients`` evenly."""
    cores = os.cpu_count() or 1
    return max(n for n in range(1, min(cores, clients) + 1) if clients % n == 0)


@contextmanager
def servers(db_url: str, count: int) -> Iterator[list[str]]:
    """``count`` server processes; yields their base URLs."""
    started = [_start(db_url) for _ in range(count)]
    try:
        for _process, base in started:
            _wait_healthy(base)
        yield [base for _process, base in started]
    finally:
        for process, _base in started:
            process.terminate()
        for process, _base in started:
            process.wait(timeout=30)


def load(bases: list[str], paths: list[str], token: str, concurrency: int, seconds: float) -> dict[str, Any]:
    """Closed-loop GETs of random ``paths``: wrk (C, from Debian) when installed, else a
    Python asyncio loader; either way the connections are shared evenly by the servers."""
    if concurrency % len(bases):
        raise ValueError(f"{concurrency} clients cannot be shared evenly by {len(bases)} servers")
    if shutil.which("wrk"):
        return _wrk(bases, paths, token, concurrency, seconds)
    spec = {"bases": bases, "paths": paths, "headers": {"Authorization": f"Bearer {token}"}, "concurrency": concurrency, "seconds": seconds}
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "_load.py")], input=json.dumps(spec).encode(), capture_output=True, check=True
    )
    raw = json.loads(out.stdout)
    return {"requests_per_s": round(raw["requests"] / raw["seconds"], 1), "errors": raw["errors"], **percentiles(raw["samples"])}


def _wrk(bases: list[str], paths: list[str], token: str, concurrency: int, seconds: float) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths))
    env = {**os.environ, "JICENG_BENCH_PORTS": ",".join(b.rsplit(":", 1)[1] for b in bases)}

    def run(duration: str) -> str:
        command = ["wrk", f"-t{len(bases)}", f"-c{concurrency}", f"-d{duration}", "--timeout", "10s"]
        command += ["-s", str(ROOT / "bench" / "paths.lua"), bases[0], "--", handle.name, token]
        return subprocess.run(command, capture_output=True, check=True, text=True, env=env).stdout

    try:
        run("2s")  # warm-up: every process compiles its statements, fills its pools
        raw = json.loads(run(f"{int(seconds)}s").strip().splitlines()[-1])
    finally:
        Path(handle.name).unlink()
    rate = raw["requests"] / raw["seconds"]
    return {
        "requests_per_s": round(rate, 1),
        "errors": raw["errors"],
        **{k: raw[k] for k in ("p50_ms", "p95_ms", "p99_ms", "mean_ms")},
        # What the mean must be with every connection always busy (Little's law): a
        # check on wrk's latency figures, which some runs here report far above it.
        "mean_ms_from_rate": round(concurrency / rate * 1000, 2),
        "load": "wrk",
        "servers": len(bases),
    }


def latency(base: str, token: str, paths: list[str]) -> dict[str, float]:
    """One client, one request at a time: each path's latency on a quiet server."""
    samples = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        for path in paths:
            started = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
    return percentiles(samples)
