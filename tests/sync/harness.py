"""In-process region and nodes for sync tests: the region's app behind a TestClient, each
node a SQLite database talking to its parent through that client (no sockets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from jiceng.api.app import create_app
from jiceng.core.config import Settings
from jiceng.core.db import Database
from jiceng.core.security import Principal
from jiceng.sync import service as sync
from jiceng.sync.bootstrap import init_node
from jiceng.sync.client import Result, run_once
from jiceng.sync.transport import Link, decode_token

CONSOLE = Principal.console_operator()


@dataclass
class Server:
    """A database serving the sync API (the region, or a node acting as a parent)."""

    db: Database
    client: TestClient
    children: list[Node] = field(default_factory=list)

    def close(self) -> None:
        self.client.__exit__(None, None, None)  # stops the app's background services


@dataclass
class Node:
    db: Database
    link: Link
    server: Server | None = None  # set when this node is itself a parent

    def sync(self) -> Result:
        return run_once(self.db, self.link)


def serve(db: Database, data_dir: Path) -> Server:
    app = create_app(Settings(data_dir=data_dir, database_url=db.url), db)
    client = TestClient(app, base_url="http://parent")
    client.__enter__()
    return Server(db, client)


def add_node(parent: Server, institution_code: str, folder: Path, name: str = "") -> Node:
    with parent.db.unit_of_work() as session:
        _peer, token = sync.issue_node(session, CONSOLE, institution_code, name)
    client_id, secret = decode_token(token)
    link = Link("http://parent", client_id, secret, client=parent.client)
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'node.sqlite'}"
    init_node(url, "http://parent", token, link=link)
    node = Node(Database(url), link)
    parent.children.append(node)
    return node


def rows(db: Database, table: Any, **where: Any) -> list[Any]:
    with db.unit_of_work() as session:
        query = select(table)
        for key, value in where.items():
            query = query.where(getattr(table, key) == value)
        return list(session.scalars(query))
