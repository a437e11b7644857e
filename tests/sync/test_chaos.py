"""The fault-injection suite: real processes on loopback, randomized schedules of edits
and faults (see tests/sync/chaos/schedule.py), a fixed set of seeds.

One cluster (region on PostgreSQL when available, two township nodes, two village
nodes, fault proxies in front of each parent; two nodes' clocks a day off) serves all
schedules; each schedule heals and is checked before the next begins.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.conftest import IN_CI, POSTGRES_URL
from tests.sync.chaos.cluster import DAY_MS, Cluster, start_cluster
from tests.sync.chaos.schedule import Runner, summary
from tests.sync.chaos.world import PLACES, prepare

SCHEDULES = int(os.environ.get("JICENG_CHAOS_SCHEDULES", "50"))
SEEDS = list(range(1, SCHEDULES + 1))
SKEWS = {"t2": DAY_MS, "v1": -DAY_MS}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    if IN_CI and not POSTGRES_URL:
        pytest.fail("PostgreSQL is required for the chaos suite when CI=true")
    running = start_cluster(POSTGRES_URL, prepare, PLACES, SKEWS)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def runner(cluster: Cluster) -> Runner:
    return Runner(cluster, seed=20261122)


@pytest.mark.parametrize("seed", SEEDS)
def test_schedule_heals_without_loss(runner: Runner, seed: int) -> None:
    runner.rng.seed(seed)
    report = runner.run()
    assert report.as_dict() == {"schedules": 1, "lost": 0, "duplicated": 0, "diverged": 0, "conflicts_missing": 0}, report.problems


def test_every_fault_happened(runner: Runner, cluster: Cluster) -> None:
    """The schedules above really cut, duplicated and replayed traffic and killed processes."""
    proxies = [s.proxy for s in cluster.servers() if s.proxy is not None]
    assert sum(p.counters.cuts for p in proxies) > 0
    assert sum(p.counters.duplicates for p in proxies) > 0
    assert sum(p.counters.replays for p in proxies) > 0
    assert sum(p.counters.refused for p in proxies) > 0
    assert sum(s.kills for s in cluster.servers()) > 0
    assert cluster.region.kills > 0 and any(n.kills for n in cluster.nodes)


__all__ = ["summary"]
