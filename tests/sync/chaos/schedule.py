"""Randomized schedules of edits and faults on a running cluster, and the checks after
healing: nothing lost, nothing duplicated, every database equal to the region within its
scope, and every conflict the schedule provoked visible in the review queue.

One schedule, from one seed:
1. *offline* — every proxy refuses connections; each place edits: new residents, the
   same ID number registered at two places, the same field changed at two places, a
   delete at one place and an edit of the same record at another, a new household;
2. *faults* — the network comes back full of faults: connections cut mid-request or
   mid-answer, pushes delivered twice and old pushes delivered again, and a process
   (a node or the region, at random) killed with SIGKILL while a push is in flight; a few
   more edits are made meanwhile; clocks are skewed by a day on some nodes throughout;
3. *heal* — faults off, killed processes restarted; wait (polling) until every
   database agrees with the region, then check.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.factories import id_number
from tests.sync.chaos.check import Report, check, diverged, explain
from tests.sync.chaos.cluster import Cluster, Server, wait_for
from tests.sync.chaos.world import WRITERS, Writer

FIELDS = ("employer", "contact_name")


@dataclass
class Ledger:
    """What the harness did, to check against what the databases hold."""

    residents: dict[str, str] = field(default_factory=dict)  # id -> village
    gone: set[str] = field(default_factory=set)  # deleted or merged away
    households: set[str] = field(default_factory=set)
    serial: int = 0
    # this schedule's expectations
    singles: dict[tuple[str, str], str] = field(default_factory=dict)
    concurrent: list[tuple[str, str, set[str]]] = field(default_factory=list)
    deleted_edited: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, list[str]]] = field(default_factory=list)
    fresh: set[str] = field(default_factory=set)  # created in this schedule: not everywhere yet

    def new_schedule(self) -> None:
        self.singles, self.concurrent, self.deleted_edited, self.duplicates, self.fresh = {}, [], [], [], set()

    def next_id_number(self) -> str:
        self.serial += 1
        born = f"19{30 + self.serial // 360 % 60:02d}{1 + self.serial // 28 % 12:02d}{1 + self.serial % 28:02d}"
        return id_number(born, f"{self.serial % 997 + 1:03d}")


class Runner:
    def __init__(self, cluster: Cluster, seed: int) -> None:
        self.cluster = cluster
        self.rng = random.Random(seed)
        self.ledger = Ledger()
        self.servers = {s.name: s for s in cluster.servers()}
        self.killed: list[Server] = []
        self.victim: Server | None = None  # to be killed mid-push in this schedule
        self.lock = threading.Lock()

    # ---- edits through each place's own API ---------------------------------------------

    def _create(self, writer: Writer, number: str | None = None) -> str | None:
        assert writer.registers_in is not None
        body = {
            "name": "测试" + "甲乙丙丁戊己庚辛"[self.rng.randrange(8)],
            "id_number": number or self.ledger.next_id_number(),
            "village_code": writer.registers_in,
        }
        answer = self.servers[writer.server].api("POST", "/api/v1/residents", writer.user, json=body)
        if answer.status_code != 201:
            raise AssertionError(f"create at {writer.server}: {answer.status_code} {answer.text}")
        rid = answer.json()["id"].replace("-", "")
        self.ledger.residents[rid] = writer.registers_in
        self.ledger.fresh.add(rid)
        return rid

    def _patch(self, writer: Writer, rid: str, name: str, value: str) -> bool:
        answer = self.servers[writer.server].api("PATCH", f"/api/v1/residents/{rid}", writer.user, json={name: value})
        return answer.status_code == 200

    def _known(self, writer: Writer) -> list[str]:
        """Residents from earlier schedules this writer can see (every place has them now)."""
        ledger = self.ledger
        return sorted(r for r, village in ledger.residents.items() if village in writer.villages and r not in ledger.gone | ledger.fresh)

    def offline_edits(self) -> None:
        rng, ledger = self.rng, self.ledger
        registrars = [w for w in WRITERS if w.registers_in]
        for writer in rng.sample(registrars, 2):
            self._create(writer)
        if rng.random() < 0.5:  # the same person registered at two places
            a, b = rng.sample([w for w in registrars if w.server != "region"], 2)
            number = ledger.next_id_number()
            ids = [self._create(a, number), self._create(b, number)]
            ledger.duplicates.append((number, [i for i in ids if i]))
        used: set[tuple[str, str]] = set()
        for _ in range(rng.randrange(1, 4)):  # the same field changed at two places
            pair = self._pair()
            if pair is None:
                break
            (w1, w2), rid = pair
            name = rng.choice(FIELDS)
            if (rid, name) in used:
                continue
            used.add((rid, name))
            values = {f"{w1.server}-{rng.randrange(10**6)}", f"{w2.server}-{rng.randrange(10**6)}"}
            written = {value for writer, value in zip((w1, w2), sorted(values), strict=True) if self._patch(writer, rid, name, value)}
            assert written == values, f"an edit was refused: {rid} {name}"
            ledger.concurrent.append((rid, name, values))
        if rng.random() < 0.4:
            self._delete_and_edit(used)
        self._single_edits(used, rng.randrange(1, 3))
        if rng.random() < 0.3:
            self._household()

    def _pair(self) -> tuple[tuple[Writer, Writer], str] | None:
        for _ in range(10):
            w1, w2 = self.rng.sample([w for w in WRITERS if not w.deletes], 2)
            if w1.server == w2.server:
                continue
            shared = sorted(set(self._known(w1)) & set(self._known(w2)))
            if shared:
                return (w1, w2), self.rng.choice(shared)
        return None

    def _delete_and_edit(self, used: set[tuple[str, str]]) -> None:
        deleter = next(w for w in WRITERS if w.deletes)
        editors = [w for w in WRITERS if w.server not in (deleter.server,) and not w.deletes and set(w.villages) & set(deleter.villages)]
        editor = self.rng.choice(editors)
        candidates = sorted(set(self._known(deleter)) & set(self._known(editor)))
        if not candidates:
            return
        rid = self.rng.choice(candidates)
        answer = self.servers[deleter.server].api("DELETE", f"/api/v1/residents/{rid}", deleter.user, params={"reason": "重复建档"})
        assert answer.status_code == 204, answer.text
        self._patch(editor, rid, "employer", f"after-delete-{self.rng.randrange(10**6)}")
        used.add((rid, "employer"))
        self.ledger.gone.add(rid)
        self.ledger.deleted_edited.append(rid)

    def _single_edits(self, used: set[tuple[str, str]], count: int) -> None:
        up = [w for w in WRITERS if not w.deletes and (self.victim is None or w.server != self.victim.name)]
        for _ in range(count):
            writer = self.rng.choice(up)
            known = self._known(writer)
            if not known:
                continue
            rid, name = self.rng.choice(known), self.rng.choice(FIELDS)
            if (rid, name) in used:
                continue
            used.add((rid, name))
            value = f"single-{writer.server}-{self.rng.randrange(10**6)}"
            if self._patch(writer, rid, name, value):
                self.ledger.singles[(rid, name)] = value

    def _household(self) -> None:
        writer = self.rng.choice([w for w in WRITERS if w.registers_in])
        rid = self._create(writer)
        answer = self.servers[writer.server].api("POST", "/api/v1/households", writer.user, json={"head_resident_id": rid})
        assert answer.status_code == 201, answer.text
        self.ledger.households.add(answer.json()["id"].replace("-", ""))

    # ---- faults ---------------------------------------------------------------------------

    def _proxies(self) -> list[Any]:
        return [s.proxy for s in self.cluster.servers() if s.proxy is not None]

    def go_offline(self) -> None:
        """Cut every link, and wait until no request is still crossing one, so edits made
        now are concurrent with everything made elsewhere."""
        for proxy in self._proxies():
            proxy.faults.down = True
        wait_for(lambda: all(p.counters.active == 0 for p in self._proxies()), 60, "requests in flight to finish", 0.02)

    def faulty_network(self) -> None:
        rng = self.rng
        for proxy in self._proxies():
            faults = proxy.faults
            faults.down = False
            faults.cut, faults.duplicate, faults.replay = rng.choice([0.0, 0.1, 0.25]), rng.choice([0.0, 0.3]), rng.choice([0.0, 0.2])
            faults.rng = random.Random(rng.randrange(2**32))
        if rng.random() < 0.5:
            parent = rng.choice([s for s in self.cluster.servers() if s.proxy is not None])
            children = [n for n in self.cluster.nodes if self.cluster.parent_of(n) is parent]
            victim = self.victim = rng.choice([parent, *children])
            assert parent.proxy is not None
            parent.proxy.faults.on_push = lambda: self._kill(victim)

    def _kill(self, server: Server) -> None:
        with self.lock:
            server.kill()
            self.killed.append(server)

    def heal(self) -> None:
        for proxy in self._proxies():
            proxy.faults.down, proxy.faults.cut, proxy.faults.duplicate, proxy.faults.replay, proxy.faults.on_push = (
                False,
                0.0,
                0.0,
                0.0,
                None,
            )
        for server in self.cluster.servers():
            server.ensure_running()
        self.victim = None

    def wait_for_traffic(self, requests: int) -> None:
        """Let the nodes sync through the faults for a while (counted in requests, not time)."""
        start = sum(p.counters.requests for p in self._proxies())
        wait_for(lambda: sum(p.counters.requests for p in self._proxies()) >= start + requests, 60, "sync traffic", 0.05)

    # ---- one schedule -----------------------------------------------------------------------

    def run(self) -> Report:
        self.ledger.new_schedule()
        self.go_offline()
        self.offline_edits()
        self.faulty_network()
        self.wait_for_traffic(self.rng.randrange(10, 40))
        self._single_edits(
            set(self.ledger.singles)
            | {(r, f) for r, f, _ in self.ledger.concurrent}
            | {(r, "employer") for r in self.ledger.deleted_edited},
            1,
        )
        self.wait_for_traffic(self.rng.randrange(5, 20))
        self.heal()
        try:
            wait_for(lambda: diverged(self.cluster) == 0, 120, "the databases to converge", 0.25)
        except TimeoutError as timeout:
            raise TimeoutError(f"{timeout}\n{explain(self.cluster)}") from None
        report = check(self.cluster, self.ledger)
        self._note_merges()
        return report

    def _note_merges(self) -> None:
        for _number, ids in self.ledger.duplicates:
            self.ledger.gone |= set(sorted(ids)[1:])  # the larger id is retired


def summary(reports: list[Report]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for report in reports:
        total.update(report.as_dict())
    return dict(total)
