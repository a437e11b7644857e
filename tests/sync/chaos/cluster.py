"""Real processes on loopback for the fault-injection suite.

A region (``jiceng serve`` on PostgreSQL, or SQLite without it), two township nodes
under it and a village node under each township, every node a ``jiceng serve`` on its
own SQLite file, bootstrapped with ``jiceng node init``. Each parent has a fault proxy
in front of it; children reach their parent only through it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from jiceng.core import migrate
from jiceng.core.db import Database
from jiceng.core.security import Principal
from jiceng.sync import service as sync
from tests.sync.chaos.proxy import FaultProxy

ROOT = Path(__file__).resolve().parents[3]
JICENG = [sys.executable, "-m", "jiceng.cli.main"]
DAY_MS = 86_400_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: Callable[[], bool], seconds: float, what: str, step: float = 0.1) -> None:
    """Poll until ``condition`` holds (no fixed sleeps: the deadline is the only wait)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(step)
    raise TimeoutError(f"timed out after {seconds:.0f} s waiting for {what}")


@dataclass
class Server:
    """One ``jiceng serve`` process: restartable, killable, with an API session."""

    name: str
    data_dir: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    proxy: FaultProxy | None = None  # in front of it, for its children
    tokens: dict[str, str] = field(default_factory=dict)
    kills: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return self.env.get("JICENG_DATABASE_URL") or f"sqlite:///{self.data_dir / 'jiceng.sqlite'}"

    def start(self) -> None:
        log = (self.data_dir / "server.log").open("ab")
        self.process = subprocess.Popen(
            [*JICENG, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for(self.healthy, 60, f"{self.name} to start")

    def healthy(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            return False
        try:
            return httpx.get(self.url + "/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        """kill -9: no chance to finish a transaction or answer a request."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            self.kills += 1

    def ensure_running(self) -> None:
        if not self.healthy():
            self.kill()
            self.start()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.proxy is not None:
            self.proxy.stop()

    def api(self, method: str, path: str, user: str, **kwargs: Any) -> httpx.Response:
        """A call to this server's JSON API as ``user`` (signing in once)."""
        token = self.tokens.get(user)
        if token is None:
            answer = httpx.post(self.url + "/api/v1/auth/token", json={"username": user, "password": PASSWORD}, timeout=30)
            answer.raise_for_status()
            token = self.tokens[user] = answer.json()["access_token"]
        return httpx.request(method, self.url + path, headers={"Authorization": f"Bearer {token}"}, timeout=30, **kwargs)


PASSWORD = "Test-Password-2026"


def _env(data_dir: Path, database_url: str | None, skew_ms: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JICENG_")}
    env.update(
        JICENG_DATA_DIR=str(data_dir),
        JICENG_SYNC_INTERVAL_SECONDS="0.3",
        JICENG_SYNC_MAX_BACKOFF_SECONDS="1.0",
        JICENG_SYNC_TIMEOUT_SECONDS="15",
        JICENG_SYNC_BATCH_SIZE="40",
        JICENG_SYNC_CLOCK_OFFSET_MS=str(skew_ms),
        PYTHONPATH=str(ROOT / "src"),
    )
    if database_url:
        env["JICENG_DATABASE_URL"] = database_url
    return env


@dataclass
class Cluster:
    root: Path
    region: Server
    townships: list[Server]
    villages: list[Server]
    schema: str | None = None
    postgres_url: str = ""

    @property
    def nodes(self) -> list[Server]:
        return self.townships + self.villages

    def parent_of(self, node: Server) -> Server:
        return self.region if node in self.townships else self.townships[self.villages.index(node)]

    def servers(self) -> list[Server]:
        return [self.region, *self.nodes]

    def stop(self) -> None:
        for server in reversed(self.servers()):
            server.stop()
        if self.schema:
            admin = Database(self.postgres_url)
            with admin.engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE"))
            admin.dispose()


def _region_database(root: Path, postgres_url: str) -> tuple[str, str | None]:
    if not postgres_url:
        return f"sqlite:///{root / 'region' / 'jiceng.sqlite'}", None
    schema = f"chaos_{uuid.uuid4().hex[:8]}"
    admin = Database(postgres_url)
    with admin.engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    separator = "&" if "?" in postgres_url else "?"
    return f"{postgres_url}{separator}options=-csearch_path%3D{schema}", schema


def _issue(database_url: str, institution_code: str) -> str:
    db = Database(database_url)
    try:
        with db.unit_of_work() as session:
            _peer, token = sync.issue_node(session, Principal.console_operator(), institution_code)
        return token
    finally:
        db.dispose()


def _bootstrap(node: Server, parent: Server) -> None:
    assert parent.proxy is not None
    token = _issue(parent.database_url, node.env["CHAOS_INSTITUTION"])
    done = subprocess.run(
        [*JICENG, "node", "init", "--parent", f"http://127.0.0.1:{parent.proxy.port}", "--token", token],
        env=node.env,
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"node init of {node.name} failed: {done.stdout.decode()} {done.stderr.decode()}")


def start_cluster(postgres_url: str, prepare: Callable[[Database], None], places: dict[str, str], skews: dict[str, int]) -> Cluster:
    """``places``: node name -> institution code; township names start with "t", villages with "v"."""
    root = Path(tempfile.mkdtemp(prefix="jiceng-chaos-"))
    region_url, schema = _region_database(root, postgres_url)
    (root / "region").mkdir()
    migrate.upgrade(region_url)
    db = Database(region_url)
    prepare(db)
    db.dispose()
    region = Server("region", root / "region", _env(root / "region", region_url if schema else None, 0))
    cluster = Cluster(root, region, [], [], schema, postgres_url)
    try:
        region.start()
        region.proxy = FaultProxy(region.port).start()
        for name, code in places.items():
            (root / name).mkdir()
            node = Server(name, root / name, {**_env(root / name, None, skews.get(name, 0)), "CHAOS_INSTITUTION": code})
            (cluster.townships if name.startswith("t") else cluster.villages).append(node)
        for node in cluster.nodes:
            _bootstrap(node, cluster.parent_of(node))
            node.start()
            if node in cluster.townships:
                node.proxy = FaultProxy(node.port).start()
    except BaseException:
        cluster.stop()
        raise
    return cluster
