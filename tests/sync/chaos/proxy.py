"""A fault-injecting HTTP/1.1 proxy in front of a parent server (asyncio, in a thread).

It understands just enough HTTP to see requests one by one on a kept-alive connection,
so it can cut a connection in the middle of a request or of its answer, refuse
connections (the network is down), send a push twice (duplicated delivery), resend an
old push later (reordered delivery), and call back when a push is in flight (so the
harness can kill a process mid-batch).
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

PUSH = b"POST /api/v1/sync/push"


@dataclass
class Faults:
    down: bool = False
    cut: float = 0.0  # probability that a request or its answer is cut part way
    duplicate: float = 0.0  # probability that a push is delivered twice
    replay: float = 0.0  # probability that an old push is delivered again before this one
    on_push: Callable[[], None] | None = None  # called once, while a push is in flight
    rng: random.Random = field(default_factory=random.Random)


@dataclass
class Counters:
    connections: int = 0
    requests: int = 0
    cuts: int = 0
    duplicates: int = 0
    replays: int = 0
    refused: int = 0
    active: int = 0  # requests being forwarded right now


class Cut(Exception):
    pass


async def _read_message(reader: asyncio.StreamReader, limit: int | None = None) -> bytes:
    """One HTTP message (headers and a Content-Length or chunked body), raw."""
    head = await reader.readuntil(b"\r\n\r\n")
    lowered = head.lower()
    body = b""
    if b"transfer-encoding: chunked" in lowered:
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            body += size_line + chunk
            if size == 0:
                break
    else:
        for line in lowered.split(b"\r\n"):
            if line.startswith(b"content-length:"):
                body = await reader.readexactly(int(line.split(b":")[1]))
    return head + body


class FaultProxy:
    def __init__(self, upstream_port: int, port: int = 0) -> None:
        self.upstream_port = upstream_port
        self.port = port
        self.faults = Faults()
        self.counters = Counters()
        self.pushes: list[bytes] = []
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.AbstractServer | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> FaultProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(10)
        return self

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            current = asyncio.current_task()
            for task in asyncio.all_tasks():
                if task is not current:
                    task.cancel()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.counters.connections += 1
        if self.faults.down:
            self.counters.refused += 1
            writer.close()
            return
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while True:
                request = await _read_message(reader)
                if self.faults.down:  # the network went down under a kept-alive connection
                    raise Cut()
                self.counters.requests += 1
                self.counters.active += 1
                try:
                    if upstream is None:
                        upstream = await asyncio.open_connection("127.0.0.1", self.upstream_port)
                    await self._exchange(request, upstream, writer)
                finally:
                    self.counters.active -= 1
        except (asyncio.IncompleteReadError, ConnectionError, Cut, OSError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()
            if upstream is not None:
                upstream[1].close()

    async def _exchange(
        self, request: bytes, upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter], writer: asyncio.StreamWriter
    ) -> None:
        faults, rng = self.faults, self.faults.rng
        is_push = request.startswith(PUSH)
        if is_push:
            if self.pushes and rng.random() < faults.replay:
                self.counters.replays += 1
                await self._deliver_again(rng.choice(self.pushes))
            self.pushes = [*self.pushes, request][-20:]
        up_reader, up_writer = upstream
        if rng.random() < faults.cut:
            self.counters.cuts += 1
            up_writer.write(request[: rng.randrange(1, len(request))])  # cut while sending
            await up_writer.drain()
            raise Cut()
        up_writer.write(request)
        await up_writer.drain()
        if is_push and rng.random() < faults.duplicate:
            self.counters.duplicates += 1  # the copy races the original
            asyncio.get_running_loop().create_task(self._deliver_again(request))
        if is_push and faults.on_push is not None:
            callback, faults.on_push = faults.on_push, None
            await asyncio.get_running_loop().run_in_executor(None, callback)
        response = await _read_message(up_reader)
        if rng.random() < faults.cut:
            self.counters.cuts += 1
            writer.write(response[: rng.randrange(0, len(response))])  # the answer is lost
            await writer.drain()
            raise Cut()
        writer.write(response)
        await writer.drain()

    async def _deliver_again(self, request: bytes) -> None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            writer.write(request)
            await writer.drain()
            await asyncio.wait_for(_read_message(reader), 30)
            writer.close()
        except (OSError, asyncio.IncompleteReadError, TimeoutError, asyncio.LimitOverrunError):
            pass
