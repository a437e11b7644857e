"""``jiceng node init``: turn this install into a node, starting from the parent's snapshot."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.engine import make_url

from jiceng.core import migrate
from jiceng.core.db import Database, NodeIdentity
from jiceng.sync.codec import PROTOCOL
from jiceng.sync.models import SyncPeer
from jiceng.sync.transport import Link, SyncFailure, decode_token


@dataclass
class Bootstrapped:
    node_id: str
    name: str
    bytes_downloaded: int
    seconds: float
    database_file: Path


def _file_of(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise SyncFailure("not_sqlite", "节点必须使用 SQLite 数据库文件", "A node runs on a SQLite database file")
    return Path(url.database)


def _has_data(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    with sqlite3.connect(path) as conn:
        try:
            return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM core_change_log)").fetchone()[0])
        except sqlite3.DatabaseError:
            return True


def init_node(database_url: str, parent_url: str, token: str, force: bool = False, link: Link | None = None) -> Bootstrapped:
    """Download the snapshot, install it as this database, and remember the parent."""
    started = time.perf_counter()
    target = _file_of(database_url)
    if _has_data(target) and not force:
        raise SyncFailure(
            "not_empty",
            f"数据库 {target} 已有数据；确认要替换请加 --force",
            f"The database {target} already holds data; add --force to replace it",
        )
    client_id, secret = decode_token(token)
    link = link or Link(parent_url, client_id, secret)
    target.parent.mkdir(parents=True, exist_ok=True)
    packed = target.with_name(target.name + ".snapshot.gz")
    unpacked = target.with_name(target.name + ".snapshot")
    size = link.download("/api/v1/sync/snapshot", {"protocol": PROTOCOL, "node_id": ""}, packed)
    with gzip.open(packed, "rb") as source, unpacked.open("wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)
    packed.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    unpacked.replace(target)  # atomic: the old database or the new one, never half of each
    migrate.upgrade(f"sqlite:///{target}")
    db = Database(f"sqlite:///{target}")
    try:
        with db.unit_of_work() as session:
            session.execute(
                update(SyncPeer)
                .where(SyncPeer.kind == "parent")
                .values(url=parent_url.rstrip("/"), client_id=client_id, client_secret=secret)
            )
            identity = session.scalars(select(NodeIdentity)).one()
            node_id, name = identity.node_id, identity.name
    finally:
        db.dispose()
    return Bootstrapped(node_id, name, size, time.perf_counter() - started, target)
