"""A small closed-loop HTTP load generator (asyncio + httpx), run in its own process when
wrk is not installed; client *i* talks to server ``bases[i % len(bases)]``."""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time

import httpx


async def _client(base: str, paths: list[str], headers: dict[str, str], deadline: float, samples: list[float], errors: list[int]) -> None:
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        while time.perf_counter() < deadline:
            path = random.choice(paths)
            started = time.perf_counter()
            response = await client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                errors.append(response.status_code)


async def run(bases: list[str], paths: list[str], headers: dict[str, str], concurrency: int, seconds: float) -> dict[str, object]:
    for base in bases:
        await _warm(base, paths, headers)
    samples: list[float] = []
    errors: list[int] = []
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(_client(bases[i % len(bases)], paths, headers, deadline, samples, errors) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {"requests": len(samples), "seconds": elapsed, "samples": samples, "errors": len(errors)}


async def _warm(base: str, paths: list[str], headers: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        for path in paths[:50]:
            await client.get(path)


if __name__ == "__main__":
    spec = json.loads(sys.stdin.read())
    result = asyncio.run(run(spec["bases"], spec["paths"], spec["headers"], spec["concurrency"], spec["seconds"]))
    print(json.dumps(result))
