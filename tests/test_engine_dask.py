"""The Dask engine: the same index from a LocalCluster of 1, 2 or 3 workers as from the embedded engine,
byte for byte; engines mixed across incremental additions; a worker killed with ``kill -9`` mid-run and
a client killed mid-run and rerun change nothing; Parquet in and out.

Input: the real texts of tests/data/corpus (the seed pair, FRANK articles and summaries, SummEdits,
ECB+ reports; see its README) and the one-article real texts of tests/data, in small batches so that
many tasks run on the workers. Clusters listen on 127.0.0.1 only."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import distributed
import pytest

from conftest import DATA
from test_corpus_incremental import BATCH, DAY1, DAY2, PARTS, WIRETRACE, build, snapshot
from wiretrace.corpus import Corpus


def local_cluster(workers: int) -> distributed.LocalCluster:
    """Worker processes of one thread, on loopback, without a dashboard (as the engine starts its own)."""
    return distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard": False},
    )


@pytest.fixture(scope="module")
def cluster():
    c = local_cluster(1)
    client = distributed.Client(c)
    yield c, client
    client.close()
    c.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    return build(tmp_path_factory.mktemp("embedded") / "c.wt", [DAY1 + DAY2], ["embedded"])


def test_one_two_and_three_workers_give_the_embedded_index(cluster, reference, tmp_path: Path) -> None:
    c, client = cluster
    assert json.loads(reference["stories"]) and reference["pairs"]
    for n in (1, 2, 3):
        c.scale(n)
        client.wait_for_workers(n, timeout=120)
        got = build(tmp_path / f"dask{n}.wt", [DAY1 + DAY2], ["dask"], client)
        for part in PARTS:
            assert got[part] == reference[part], f"{part} differ with {n} workers"


def test_engines_mix_across_incremental_additions(cluster, reference, tmp_path: Path) -> None:
    """A second day added on Dask to a corpus built on the embedded engine, and the other way round, is
    the index of both days added at once (``tests/test_corpus_incremental.py``: the same on one engine)."""
    _, client = cluster
    for engines in (["embedded", "dask"], ["dask", "embedded"]):
        got = build(tmp_path / f"{'-'.join(engines)}.wt", [DAY1, DAY2], engines, client)
        for part in PARTS:
            assert got[part] == reference[part], (engines, part)


def test_a_worker_killed_mid_run_is_survived(reference, tmp_path: Path) -> None:
    with local_cluster(2) as c, distributed.Client(c) as client:
        before = client.run(os.getpid)
        db = tmp_path / "killed.wt"
        done = threading.Event()
        errors: list[BaseException] = []

        def index() -> None:
            try:
                with Corpus(db, engine="dask", client=client) as corpus:
                    corpus.add(DAY1 + DAY2, batch=BATCH)
            except BaseException as e:  # reported below
                errors.append(e)
            finally:
                done.set()

        runner = threading.Thread(target=index)
        runner.start()
        deadline = time.monotonic() + 60
        while not any(client.processing().values()) and time.monotonic() < deadline:
            time.sleep(0.02)  # until a task runs on a worker
        victim = sorted(before.values())[0]
        os.kill(victim, signal.SIGKILL)
        assert not done.is_set(), "the run finished before the worker was killed"
        runner.join(300)
        assert not errors, errors
        client.wait_for_workers(1, timeout=60)
        assert victim not in client.run(os.getpid).values()
    assert snapshot(db) == reference


def test_a_client_killed_mid_run_and_rerun_loses_and_repeats_nothing(reference, tmp_path: Path) -> None:
    db = tmp_path / "client.wt"
    cmd = [
        WIRETRACE,
        "index",
        *DAY1,
        *DAY2,
        "--db",
        str(db),
        "--engine",
        "dask",
        "--workers",
        "2",
        "--batch",
        str(BATCH),
        "--quiet",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    count = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(db, timeout=1) as con:
                count = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.OperationalError:
            count = 0  # not created yet
        if count >= 2 * BATCH:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the client and the cluster it started
    proc.wait(30)
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert rerun.returncode in (0, 1), rerun.stderr  # 1: some inputs are not articles (reported)
    assert snapshot(db) == reference


def test_parquet_in_and_out(tmp_path: Path, reference) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "export"
    src = tmp_path / "src.wt"
    build(src, [DAY1 + DAY2], ["embedded"])
    r = subprocess.run(
        [WIRETRACE, "export", "--db", str(src), "--format", "parquet", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    articles = pq.read_table(out / "articles.parquet").to_pylist()
    pairs = pq.read_table(out / "pairs.parquet").to_pylist()
    stories = pq.read_table(out / "stories.parquet").to_pylist()
    assert len(articles) == len(reference["articles"]) and len(pairs) == len(reference["pairs"])
    assert {s["id"] for s in stories} == {s["id"] for s in json.loads(reference["stories"])}
    seed = next(p for p in pairs if p["source"] == "seed-ap" and p["derived"] == "seed-rewrite")
    assert seed["relation"] == "rewrite"
    # the articles table read back as input: the same articles (ids, titles, texts), nothing failed
    again = tmp_path / "again.wt"
    with Corpus(again, workers=1) as corpus:
        report = corpus.add([out / "articles.parquet"])
        assert not report.failed and report.indexed == len(articles)
    query = "SELECT id, title, text FROM articles ORDER BY n"
    assert sqlite3.connect(again).execute(query).fetchall() == sqlite3.connect(src).execute(query).fetchall()


def test_the_cluster_it_starts_listens_on_loopback_only() -> None:
    from wiretrace.corpus.dask_engine import DaskEngine

    engine = DaskEngine(workers=1)
    try:
        info = engine.client.scheduler_info()
        addresses = [engine.client.scheduler.address, *info["workers"]]
        assert addresses and all(a.startswith("tcp://127.0.0.1:") for a in addresses), addresses
    finally:
        engine.close()


def test_scheduler_needs_the_dask_engine(tmp_path: Path) -> None:
    r = subprocess.run(
        [
            WIRETRACE,
            "index",
            str(DATA / "seed_ap.txt"),
            "--db",
            str(tmp_path / "c.wt"),
            "--scheduler",
            "tcp://x:1",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and "--scheduler: needs --engine dask" in r.stderr
