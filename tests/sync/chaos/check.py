"""Comparing every database of the cluster with the region after healing."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, select, text

from jiceng.core.db import Database
from jiceng.sync import scope, tables
from jiceng.sync.codec import codec
from tests.sync.chaos.cluster import Cluster, Server

if TYPE_CHECKING:
    from tests.sync.chaos.schedule import Ledger


@dataclass
class Report:
    schedules: int = 1
    lost: int = 0
    duplicated: int = 0
    diverged: int = 0
    conflicts_missing: int = 0
    problems: tuple[str, ...] = ()  # what was wrong, for the failure message

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if k != "problems"}


@cache
def _engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return Database(url).engine
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=10000")

    return engine


def _rows(server: Server, full: bool) -> dict[tuple[str, str], Any]:
    """Every synced row: (table, id) -> its encoded values (or just its HLC time)."""
    found: dict[tuple[str, str], Any] = {}
    with _engine(server.database_url).connect() as conn:
        for table in tables.registry().values():
            if full:
                encode = codec(table).encode
                for row in conn.execute(select(table.table)):
                    found[(table.name, row.id.hex)] = (encode(row._mapping), int(row.updated_at))
            else:
                for rid, updated in conn.execute(select(table.table.c.id, table.table.c.updated_at)):
                    found[(table.name, rid.hex)] = int(updated)
    return found


def _identity(server: Server) -> tuple[str, uuid.UUID]:
    with _engine(server.database_url).connect() as conn:
        node_id = conn.execute(text("SELECT node_id FROM core_node_identity")).scalar_one()
        institution = conn.execute(text("SELECT institution_id FROM sync_peer WHERE kind = 'parent'")).scalar_one()
    return str(node_id), uuid.UUID(str(institution))


@cache
def _database(url: str) -> Database:
    return Database(url)


def _in_scope(cluster: Cluster, node: Server, region: dict[tuple[str, str], Any]) -> set[tuple[str, str]]:
    """The region's rows that ``node`` should hold (the region computes its scope)."""
    node_id, institution = _identity(node)
    with _database(cluster.region.database_url).session() as session:
        known = scope.compute(session, node_id, institution)
    keep = set()
    for key, (values, _hlc) in region.items():
        table = tables.get(key[0])
        if table is not None and known.includes(table, key[1], values):
            keep.add(key)
    return keep


def diverged(cluster: Cluster, full: bool = False) -> int:
    """Rows that differ between a node and the region (in the node's scope), or that a
    node holds and the region does not. Polling compares HLC times; ``full`` every value."""
    region = _rows(cluster.region, True)
    count = 0
    for node in cluster.nodes:
        mine = _rows(node, full)
        for key in _in_scope(cluster, node, region) | set(mine):
            theirs = region.get(key)
            if theirs is None or (theirs if full else theirs[1]) != mine.get(key):
                count += 1
    return count


def explain(cluster: Cluster) -> str:
    """What still differs, and each node's recent sync errors (for a timeout's message)."""
    region = _rows(cluster.region, True)
    lines = []
    for node in cluster.nodes:
        mine = _rows(node, True)
        for key in sorted(_in_scope(cluster, node, region) | set(mine))[:2000]:
            if region.get(key) != mine.get(key):
                theirs, ours = region.get(key), mine.get(key)
                fields = sorted(k for k in (theirs or ({}, 0))[0] if (ours or ({}, 0))[0].get(k) != (theirs or ({}, 0))[0].get(k))
                lines.append(
                    f"{node.name} {key}: region={'present' if theirs else 'missing'} node={'present' if ours else 'missing'} fields={fields}"
                )
        with _engine(node.database_url).connect() as conn:
            errors = conn.execute(
                text("SELECT occurred_at, code, message_en, detail FROM sync_error WHERE cleared = 0 ORDER BY id DESC LIMIT 3")
            ).all()
        lines += [f"{node.name} error: {e.code} {e.message_en} {e.detail[:300]}" for e in errors]
    return "\n".join(lines[:60])


def check(cluster: Cluster, ledger: Ledger) -> Report:
    report = Report(diverged=diverged(cluster, full=True))
    region = _rows(cluster.region, True)
    residents = {k[1]: v[0] for k, v in region.items() if k[0] == "resident"}
    report.lost += sum(1 for rid in ledger.residents if rid not in residents)
    report.lost += sum(1 for hid in ledger.households if ("resident_household", hid) not in region)
    for (rid, name), value in ledger.singles.items():
        if rid in residents and residents[rid][name] != value:
            report.lost += 1
    for server in cluster.servers():
        live = Counter(v[0]["id_number"] for k, v in _rows(server, True).items() if k[0] == "resident" and v[0]["deleted_at"] is None)
        report.duplicated += sum(n - 1 for n in live.values() if n > 1)
    conflicts = [v[0] for k, v in region.items() if k[0] == "sync_conflict"]
    problems: list[str] = [explain(cluster)] if report.diverged else []
    report.conflicts_missing += _missing_conflicts(ledger, conflicts, residents, problems)
    report.problems = tuple(problems)
    return report


def _missing_conflicts(ledger: Ledger, conflicts: list[dict[str, Any]], residents: dict[str, dict[str, Any]], problems: list[str]) -> int:
    missing = 0
    for rid, name, values in ledger.concurrent:
        if residents.get(rid, {}).get("deleted_at") is not None:
            continue
        seen = {c[side].get("value") for c in conflicts if c["record_id"] == rid and c["field"] == name for side in ("winner", "loser")}
        if not values <= seen:
            missing += 1
            problems.append(f"concurrent {name} of {rid}: {values} vs queue {seen}")
    for rid in ledger.deleted_edited:
        if not any(c["record_id"] == rid and c["kind"] == "edit_after_delete" for c in conflicts):
            missing += 1
            problems.append(f"edit after delete of {rid} not flagged")
    for _number, ids in ledger.duplicates:
        survivor = min(ids)
        if not any(c["record_id"] == survivor and c["kind"] == "identity_merge" for c in conflicts):
            missing += 1
            kinds = [(c["kind"], c["record_id"]) for c in conflicts if c["record_id"] in ids]
            problems.append(f"merge of {ids} not in the queue: {kinds}")
    return missing
