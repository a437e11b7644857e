"""Benchmarks: ``python bench/run.py NAME [options]``; each prints one JSON object last.

NAME maps to ``bench/<name with - as _>.py``, which defines ``main(argv) -> dict``.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "src"))


def machine() -> dict[str, object]:
    memory_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    return {"cpus": os.cpu_count(), "memory_gib": memory_gib, "python": platform.python_version()}


def available() -> list[str]:
    return sorted(p.stem.replace("_", "-") for p in HERE.glob("*.py") if p.stem not in ("run", "common") and not p.stem.startswith("_"))


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(f"usage: python bench/run.py NAME [options]\nbenchmarks: {', '.join(available())}")
        return
    name = sys.argv[1]
    if name not in available():
        sys.exit(f"unknown benchmark {name!r}; choose from {', '.join(available())}")
    module = importlib.import_module(f"bench.{name.replace('-', '_')}")
    result = module.main(sys.argv[2:])
    result = {"benchmark": name, **result, "machine": machine()}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
