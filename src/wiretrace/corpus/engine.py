"""Where corpus mode's parallel work runs: the embedded engine (a process pool on this machine) or Dask
(``corpus/dask_engine.py``: a LocalCluster or an existing cluster).

Both run the same stage functions on the same batches: the per-article analysis of an ingest batch
(``verify.ingest_chunk``), the relation of a chunk of candidate pairs (``verify.relate_chunk``) and the
full comparison of verified pairs (``verify.diff_chunk``). The indexer submits them and consumes the
results in submission order, committing each batch itself, so what lands in the corpus file does not
depend on the engine, the number of workers or which worker ran what: the same input gives the same
index, byte for byte.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any, Protocol

INFLIGHT = 2  # batches being analysed (or pages verified) while the indexer commits the one before


class Pool(Protocol):
    """What the indexer needs of a pool: submit a stage function, get a future, shut it down."""

    def submit(self, fn: Callable, *args: Any) -> Any: ...

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None: ...


class Engine(Protocol):
    name: str

    def parallel(self, enough_work: bool) -> bool:
        """Whether to use a pool for this much work (else the indexer works in its own process)."""
        ...

    def pool(self, initializer: Callable, initargs: tuple = ()) -> Pool:
        """Workers that have each run ``initializer(*initargs)`` before their first task."""
        ...

    def inflight(self) -> int:
        """Batches to keep submitted ahead of the one being committed."""
        ...

    def close(self) -> None: ...


def fork_context():
    """Fork where it exists (workers start at once); the tokenizer's thread pool is told not to run in
    the children, which is what it asks for after a fork."""
    import multiprocessing

    if "fork" in multiprocessing.get_all_start_methods():
        os.environ["TOKENIZERS_PARALLELISM"] = "false"
        return get_context("fork")
    return get_context("spawn")


class Embedded:
    """A process pool on this machine, ``workers`` processes (one: everything in the indexer's process)."""

    name = "embedded"

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def parallel(self, enough_work: bool) -> bool:
        return self.workers > 1 and enough_work

    def pool(self, initializer: Callable, initargs: tuple = ()) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers, mp_context=fork_context(), initializer=initializer, initargs=initargs
        )

    def inflight(self) -> int:
        return INFLIGHT

    def close(self) -> None:
        pass


def make_engine(engine: str | Engine | None, workers: int, client: Any = None, scheduler: str | None = None):
    """An engine from its name (``embedded`` or ``dask``) or as given."""
    if engine is None or engine == "embedded":
        return Embedded(workers)
    if engine == "dask":
        from .dask_engine import DaskEngine

        return DaskEngine(client=client, scheduler=scheduler, workers=workers)
    if isinstance(engine, str):
        raise ValueError(f"unknown engine {engine!r} (embedded or dask)")
    return engine
