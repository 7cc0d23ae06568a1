"""Where CPU-bound requests run: a process pool, so a compare (~50-150 ms of Python) never holds the
event loop or the GIL of the process that serves pages.

Requests queue for a free worker; only when ``max_pending`` are already waiting is a new one refused
(503 with Retry-After), so a burst of clients slows down instead of failing. ``processes=0`` runs the
jobs in the server's thread pool instead (tests, tiny machines).
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context

from starlette.concurrency import run_in_threadpool

from . import jobs


class Busy(Exception):
    """Too many requests are already waiting for a worker."""


class Workers:
    def __init__(self, processes: int = 2, max_pending: int = 256) -> None:
        self.processes = max(0, processes)
        self.max_pending = max_pending
        self.pending = 0
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _get_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # spawn, not fork: the server process runs threads (and the tokenizer's pool), which a
                # fork would copy in an unknown state.
                self._pool = ProcessPoolExecutor(
                    self.processes, mp_context=get_context("spawn"), initializer=jobs.warm
                )
            return self._pool

    def start(self) -> None:
        """Start the workers now (they load the model) rather than on the first request."""
        if self.processes:
            pool = self._get_pool()
            for _ in range(self.processes):
                pool.submit(int)

    def _reset(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is broken:
                self._pool = None
        broken.shutdown(wait=False, cancel_futures=True)

    async def run(self, fn, *args):
        if self.pending >= self.max_pending:
            raise Busy()
        self.pending += 1
        try:
            if not self.processes:
                return await run_in_threadpool(fn, *args)
            loop = asyncio.get_running_loop()
            for attempt in (1, 2):
                pool = self._get_pool()
                try:
                    return await loop.run_in_executor(pool, fn, *args)
                except BrokenProcessPool:  # a worker died (killed, out of memory): new pool, one retry
                    self._reset(pool)
                    if attempt == 2:
                        raise
            raise AssertionError("unreachable")
        finally:
            self.pending -= 1

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
