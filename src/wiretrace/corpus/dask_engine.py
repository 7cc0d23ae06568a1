"""The Dask engine: corpus mode's stage functions run on Dask workers, the same results as the embedded
engine's (see ``corpus/engine.py``).

Without a client or scheduler address it starts a ``LocalCluster`` on this machine (worker processes,
one thread each, listening on 127.0.0.1 only, no dashboard); with ``scheduler="tcp://host:8786"`` it
joins an existing cluster (Kubernetes, YARN, Slurm/PBS, SSH: anything ``dask.distributed`` runs on),
and with ``client=`` it uses the caller's. A task is a pure function of its batch, so a worker that dies
mid-task (``kill -9``) costs a rerun of its tasks elsewhere, not a different index; Dask retries a task
up to ``distributed.scheduler.allowed-failures`` times.

The corpus file stays the one place results live, and the indexer (this process) the one writer: it
reads the input, looks up candidates in the index and commits every batch, while the workers analyse
articles and verify and compare pairs. Verification tasks read the two articles' stored records from
the corpus file, opened read-only, so on a cluster the file must sit on a path every worker can read
(a shared or network file system); ``Store`` paths are passed absolute. Each worker process keeps one
read-only connection and loaded models per thread, so threads never share a connection.

Per-worker memory is bounded by the batch, not the corpus: an ingest task holds one batch of articles
(``corpus.BATCH``, 1,024) and its analyses; a verification task 32 pairs and the records they read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from .verify import Verifier, diff_chunk, diff_stored, ingest_chunk, init_worker, relate_chunk

_LOCAL = threading.local()  # per worker thread: the verifier and the arguments it was made with


def _verifier(initargs: tuple) -> Verifier:
    if getattr(_LOCAL, "args", None) != initargs:
        from .store import Store

        db_path, n_docs, min_articles, min_share = initargs
        _LOCAL.verifier = Verifier(Store(db_path, readonly=True), n_docs, min_articles, min_share)
        _LOCAL.args = initargs
    return _LOCAL.verifier


def _relate(initargs: tuple, pairs: list[tuple[int, int]]) -> list[tuple[int, int, dict | None]]:
    return _verifier(initargs).relate_pairs(pairs)


def _diff(initargs: tuple, pairs: list[tuple[int, int]]) -> list[tuple[int, int, dict | None]]:
    v = _verifier(initargs)
    return [(lo, hi, diff_stored(v, lo, hi)) for lo, hi in pairs]


def _ingest(_: tuple, articles: list) -> Any:
    return ingest_chunk(articles)


# the embedded engine's pool entry points -> the same work on a Dask worker
TASKS: dict[Callable, Callable] = {relate_chunk: _relate, diff_chunk: _diff, ingest_chunk: _ingest}


class DaskPool:
    """``submit`` and ``shutdown`` over a Dask client, for the stage functions in ``TASKS``."""

    def __init__(self, client: Any, initializer: Callable, initargs: tuple) -> None:
        self.client = client
        self.initargs = initargs if initializer is init_worker else ()
        self.futures: list = []

    def submit(self, fn: Callable, *args: Any) -> Any:
        task = TASKS.get(fn)
        if task is None:
            raise ValueError(f"{fn.__name__} is not a stage function the Dask engine runs")
        future = self.client.submit(task, self.initargs, *args, pure=False)
        self.futures.append(future)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures:
            pending = [f for f in self.futures if not f.done()]
            if pending:
                self.client.cancel(pending)
        self.futures = []


class DaskEngine:
    name = "dask"

    def __init__(self, client: Any = None, scheduler: str | None = None, workers: int | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            from ..errors import InputError

            raise InputError(
                "--engine dask", "needs dask and distributed: pip install 'wiretrace[dask]'"
            ) from None
        self._own: list = []
        if client is None:
            if scheduler:
                client = Client(scheduler)
            else:
                cluster = LocalCluster(
                    n_workers=max(1, workers or 2),
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    scheduler_kwargs={"dashboard": False},
                )
                client = Client(cluster)
                self._own.append(cluster)
            self._own.insert(0, client)
        self.client = client

    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def parallel(self, enough_work: bool) -> bool:
        return True  # the cluster was asked for: use it, however little the work

    def pool(self, initializer: Callable, initargs: tuple = ()) -> DaskPool:
        return DaskPool(self.client, initializer, initargs)

    def inflight(self) -> int:
        return max(2, self.workers() + 1)

    def close(self) -> None:
        for thing in self._own:  # what this engine started: the client first, then its cluster
            thing.close()
        self._own = []
