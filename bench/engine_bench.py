"""The embedded engine beside the Dask engine (a LocalCluster of 1 and 2 workers) on the same real news,
in one run: articles/s, the ratio to the embedded engine, peak memory of the indexer and of each worker,
and whether the indexes are identical (stories, export and the verified pairs, byte for byte).

Usage: .venv/bin/python bench/engine_bench.py [--limit N] [--configs embedded:1,embedded:2,dask:1,dask:2]

The corpus is ``realnews_bench.real_records()`` (Reuters-21578, BBC, BuzzFeed-Webis, ECB+, FRANK). Each
configuration indexes it into a new file in a child process (ingest, verification, stories; diffs left
for later), which samples the resident memory of itself and of every worker process (its process tree)
every half second.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import platform
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def child(source: Path, db: Path, engine: str, workers: int) -> dict:
    import psutil

    from wiretrace.corpus import Corpus
    from wiretrace.corpus.export import export

    me = psutil.Process()
    peaks = {"indexer": 0, "worker": 0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peaks["indexer"] = max(peaks["indexer"], me.memory_info().rss)
            for p in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):  # a worker that just ended
                    peaks["worker"] = max(peaks["worker"], p.memory_info().rss)
            stop.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t = time.perf_counter()
    corpus = Corpus(db, workers=workers, engine=engine)
    report = corpus.add([source], diffs=False)
    seconds = time.perf_counter() - t
    stop.set()
    stories = corpus.stories(min_size=1)
    pairs = corpus.store.db.execute(
        "SELECT lo, hi, relation, src, dst, score, direction, credited, evidence FROM pairs ORDER BY hi, lo"
    ).fetchall()
    digest = {
        "stories": hashlib.sha1(json.dumps(stories, sort_keys=True).encode()).hexdigest(),
        "export": hashlib.sha1(export(corpus.stories(), "jsonl").encode()).hexdigest(),
        "pairs": hashlib.sha1(json.dumps(pairs).encode()).hexdigest(),
    }
    corpus.close()
    return {
        "seconds": seconds,
        "indexed": report.indexed,
        "phases": report.seconds,
        "peak_mb": {k: v / 2**20 for k, v in peaks.items()},
        "digest": digest,
    }


def run(limit: int | None, configs: list[tuple[str, int]]) -> list[str]:
    from bench.realnews_bench import real_records

    records = real_records()[:limit] if limit else real_records()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "real.jsonl"
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        for engine, workers in configs:
            db = Path(tmp) / f"{engine}-{workers}.wt"
            cmd = [sys.executable, __file__, "--child", str(src), str(db), engine, str(workers)]
            done = subprocess.run(cmd, check=True, capture_output=True, text=True)
            results.append((engine, workers, json.loads(done.stdout.strip().splitlines()[-1])))
    base = {w: r for e, w, r in results if e == "embedded"}
    first = results[0][2]
    lines = [
        "## Engines: embedded beside Dask (real news)",
        "",
        f"- command: `.venv/bin/python bench/engine_bench.py{f' --limit {limit}' if limit else ''}`; "
        f"machine: {platform.machine()}, {platform.system()}, Python {platform.python_version()}, "
        f"2 cores; {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- {len(records)} real articles (Reuters-21578, BBC, BuzzFeed-Webis, ECB+, FRANK), indexed end to "
        "end "
        "(ingest, verification, stories) into a new file by each configuration in turn; Dask: a LocalCluster "
        "on 127.0.0.1, one thread a worker",
        "",
        "| engine | workers | seconds | articles/s | vs embedded, same workers | indexer peak MB "
        "| largest worker peak MB | identical index |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for engine, workers, r in results:
        ref = base.get(workers)
        ratio = f"{r['seconds'] / ref['seconds']:.2f}x the time" if ref and engine != "embedded" else ""
        same = all(r["digest"][k] == first["digest"][k] for k in r["digest"])
        lines.append(
            f"| {engine} | {workers} | {r['seconds']:.1f} | {r['indexed'] / r['seconds']:.0f} | {ratio} "
            f"| {r['peak_mb']['indexer']:.0f} | {r['peak_mb']['worker']:.0f} "
            f"| {'yes' if same else '**no**'} |"
        )
    lines += [
        "",
        "- identical: the stories (`stories --format json` content), the JSONL export and every verified "
        "pair's row hash the same as the first configuration's. The embedded engine with 1 worker runs "
        "everything in the indexer's process (no pool), so its workers column is empty.",
        "",
    ]
    return lines


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--limit", type=int)
    p.add_argument("--configs", default="embedded:1,embedded:2,dask:1,dask:2")
    p.add_argument("--child", nargs=4, metavar=("JSONL", "DB", "ENGINE", "WORKERS"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        src, db, engine, workers = args.child
        print(json.dumps(child(Path(src), Path(db), engine, int(workers))))
        return
    configs = [(c.split(":")[0], int(c.split(":")[1])) for c in args.configs.split(",")]
    print("\n".join(run(args.limit, configs)))


if __name__ == "__main__":
    main()
