"""Fault-injection schedules beyond CI's fixed set: ``python bench/run.py sync-chaos --schedules N``.

Starts the same cluster as tests/sync/test_chaos.py (real processes, fault proxies,
skewed clocks) and runs N randomized schedules, each healed and checked before the next.
Prints ``schedules``, ``lost``, ``duplicated``, ``diverged`` (and the faults injected).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

from tests.sync.chaos.cluster import DAY_MS, start_cluster
from tests.sync.chaos.schedule import Runner, summary
from tests.sync.chaos.world import PLACES, prepare

from bench.common import DEFAULT_POSTGRES


def main(argv: list[str]) -> dict[str, Any]:
    p = argparse.ArgumentParser(description="sync fault-injection schedules")
    p.add_argument("--schedules", type=int, default=100)
    p.add_argument("--seed", type=int, default=1000, help="first seed (CI uses 1..50)")
    p.add_argument("--db", default="postgresql", choices=["postgresql", "sqlite"])
    p.add_argument("--postgres-url", default=os.environ.get("JICENG_BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    args = p.parse_args(argv)
    started = time.perf_counter()
    cluster = start_cluster(args.postgres_url if args.db == "postgresql" else "", prepare, PLACES, {"t2": DAY_MS, "v1": -DAY_MS})
    reports = []
    failures: list[str] = []
    try:
        runner = Runner(cluster, seed=args.seed)
        for seed in range(args.seed, args.seed + args.schedules):
            runner.rng.seed(seed)
            try:
                report = runner.run()
            except TimeoutError as timeout:  # did not converge: counted as diverged, and the run goes on
                failures.append(f"seed {seed}: {str(timeout)[:300]}")
                runner.heal()
                continue
            reports.append(report)
            if report.problems:
                failures.append(f"seed {seed}: {'; '.join(report.problems)[:300]}")
                print(f"seed {seed}: {report.as_dict()}\n" + "\n".join(report.problems), file=sys.stderr, flush=True)
        proxies = [s.proxy for s in cluster.servers() if s.proxy is not None]
        faults = {
            "connections_cut": sum(p.counters.cuts for p in proxies),
            "pushes_duplicated": sum(p.counters.duplicates for p in proxies),
            "pushes_replayed": sum(p.counters.replays for p in proxies),
            "connections_refused": sum(p.counters.refused for p in proxies),
            "processes_killed": sum(s.kills for s in cluster.servers()),
        }
    finally:
        cluster.stop()
    total = summary(reports)
    return {
        "schedules": args.schedules,
        "lost": total.get("lost", 0),
        "duplicated": total.get("duplicated", 0),
        "diverged": total.get("diverged", 0) + len([f for f in failures if "timed out" in f]),
        "conflicts_missing": total.get("conflicts_missing", 0),
        "faults": faults,
        "failures": failures[:10],
        "region_db": args.db,
        "seconds": round(time.perf_counter() - started, 1),
    }
