"""Indexing throughput on real news: ``wiretrace index`` of every real article in ../shared/data beside
datasketch MinHashLSH on the same texts, in one run (the figure the product is judged by; the synthetic
corpora of ``corpus_bench.py --throughput`` are for scaling).

Usage: .venv/bin/python bench/realnews_bench.py [--workers 2] [--limit N] [--keep DB]

The corpus: Reuters-21578 (19,043 newswire texts of 1987, many updates of one story), BBC News 2004-05
(2,225), BuzzFeed-Webis 2016 (1,604), the ECB+ articles (independent reports of one event) and the FRANK
test and validation articles, written to one JSONL file. ``wiretrace index``'s work runs in a child
process that does nothing else (ingest, candidates, verification, stories; diffs left for later), with
its time and peak memory per phase; datasketch shingles and hashes every text (5-word shingles, 128
permutations, threshold 0.5) and queries each, in this process, on the same records.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench import datasets as ds  # noqa: E402
from bench.corpus_bench import datasketch_pairs, speed_probe  # noqa: E402

REAL_NEWS = ("reuters-21578.jsonl.gz", "bbc.jsonl", "buzzfeed-webis-2016.jsonl")
FIELDS = ("id", "source", "title", "text", "published")


def real_records(root: Path | None = None) -> list[dict]:
    """Every real article of the development data once, as ``wiretrace index`` reads a JSONL record."""
    base = ds.data_root(root)
    records: list[dict] = []
    for name in REAL_NEWS:
        path = base / "real-news" / name
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                records.append({k: row[k] for k in FIELDS if row.get(k)})
    for d in ds.ecbplus_documents(base):
        records.append({"id": f"ecb-{d.doc_id}", "source": "ecbplus", "text": d.text})
    arts = ds._frank_articles(base)
    for split in ("test", "validation"):
        for h in sorted(ds._frank_split_hashes(base, split)):
            records.append({"id": f"frank-{h}", "source": "frank", "text": ds._frank_source(arts[h])})
    return records


def run(workers: int | None, limit: int | None = None, keep: Path | None = None) -> list[str]:
    records = real_records()[:limit] if limit else real_records()
    by_source: dict[str, int] = {}
    for r in records:
        by_source[r["source"]] = by_source.get(r["source"], 0) + 1
    words = sorted(len(r["text"].split()) for r in records)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "real-news.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        db = keep or Path(tmp) / "real.wt"
        for f in db.parent.glob(db.name + "*"):
            f.unlink()
        cmd = [sys.executable, str(ROOT / "bench" / "corpus_bench.py"), "--index-child", str(path), str(db)]
        if workers is not None:
            cmd += ["--workers", str(workers)]
        before = speed_probe()
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        probe = (before + speed_probe()) / 2
        child = json.loads(done.stdout.strip().splitlines()[-1])
        disk = sum(f.stat().st_size for f in db.parent.glob(db.name + "*"))
        shape = story_shape(db, records)
    _, ds_seconds = datasketch_pairs(records)
    n, secs = child["indexed"], child["seconds"]
    rate, ds_rate = n / secs, len(records) / ds_seconds
    peaks = child["peaks_kb"] or {}
    mb = lambda kb: f"{kb / 1024:.0f}"  # noqa: E731
    sources = ", ".join(f"{k} {v:,}" for k, v in sorted(by_source.items(), key=lambda kv: -kv[1]))
    return [
        "## Corpus mode: indexing throughput on real news",
        "",
        f"{len(records):,} real articles ({sources}; median {words[len(words) // 2]} words), one JSONL file, "
        "indexed end to end by `wiretrace index` in a child process (ingest, candidates, verification, "
        "stories; diffs left lazy), and the same texts through datasketch MinHashLSH (5-word shingles, 128 "
        "permutations, threshold 0.5) in the same run.",
        "",
        "| system | articles/s | seconds | ingest s | verify s | stories s | candidates/article "
        "| verified pairs | peak RSS MB (ingest / verify / stories) | worker peak RSS MB "
        "| disk bytes/article |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        f"| wiretrace index | **{rate:.0f}** | {secs:.1f} | {child['ingest']:.1f} | {child['verify']:.1f} "
        f"| {child['stories_s']:.1f} | {child['candidates'] / max(1, n):.2f} | {child['verified']:,} "
        f"| {' / '.join(mb(peaks.get(k, 0)) for k in ('ingest', 'verify', 'stories'))} "
        f"| {mb(child['workers_peak_kb'])} | {disk / max(1, n):,.0f} |",
        f"| datasketch MinHashLSH | {ds_rate:.0f} | {ds_seconds:.1f} | | | | | | | | |",
        "",
        f"- wiretrace runs at {rate / ds_rate:.2f}x datasketch's rate (target: at least a third, and "
        f">= 500 articles/s); indexed {n:,}, skipped duplicates {len(records) - n:,}; "
        f"{child['edges']:,} edges kept, {child['stories']:,} stories",
        f"- speed probe {probe * 1000:.0f} ms (a fixed piece of pure-Python work timed before and after the "
        "run; see the synthetic table)",
        *shape,
    ]


def reuters_updates(records: list[dict]) -> list[tuple[str, str]]:
    """Reuters-21578 updates of one story: two texts whose titles name the same ticker, published within
    a week, sharing at least 60% of the shorter text's word 3-grams (``scripts/train_relation.py``'s
    rule)."""
    from scripts.train_relation import TICKER, _contain, _grams, _later

    by_ticker: dict[frozenset[str], list[dict]] = {}
    for r in records:
        if r["id"].startswith("reuters") and (ticks := TICKER.findall(r.get("title") or "")):
            by_ticker.setdefault(frozenset(t.split(".")[0] for t in ticks), []).append(r)
    pairs = []
    for items in by_ticker.values():
        items.sort(key=lambda r: r.get("published") or "")
        for i, x in enumerate(items):
            for y in items[i + 1 : i + 8]:
                if (y.get("published") or "")[:10] > _later(x.get("published")):
                    break
                if _contain(_grams(x["text"]), _grams(y["text"])) >= 0.6:
                    pairs.append((x["id"], y["id"]))
    return pairs


def story_shape(db: Path, records: list[dict]) -> list[str]:
    """What the stories of the real-news index look like: sizes, time spans, and whether Reuters'
    updates of one story end up together (issue: stories that are events, not chains)."""
    from datetime import date

    from wiretrace import Corpus

    with Corpus(db) as corpus:
        stories = corpus.stories()
    sizes = sorted((s["size"] for s in stories), reverse=True)
    bins = [(2, 2), (3, 5), (6, 10), (11, 50), (51, 100), (101, 10**9)]
    counts = [sum(lo <= n <= hi for n in sizes) for lo, hi in bins]

    def days(s: dict) -> int:
        span = s.get("time_span") or {}
        if not span.get("first"):
            return 0
        return (date.fromisoformat(span["last"][:10]) - date.fromisoformat(span["first"][:10])).days

    spans = sorted((days(s) for s in stories), reverse=True)
    widest = max(stories, key=days) if stories else None
    member = {a["id"]: s["id"] for s in stories for a in s["articles"]}
    updates = reuters_updates(records)
    together = sum(member.get(a) is not None and member.get(a) == member.get(b) for a, b in updates)
    largest = stories[0] if stories else None
    return [
        f"- stories: {len(stories):,}, largest {sizes[0] if sizes else 0} articles"
        + (f' ("{(largest["label"] or {}).get("title") or ""}")' if largest else "")
        + "; sizes "
        + ", ".join(
            f"{lo}{'' if lo == hi else ('+' if hi > 10**8 else f'-{hi}')}: {c:,}"
            for (lo, hi), c in zip(bins, counts, strict=True)
        ),
        f"- time spans (first to last member, days): widest {spans[0] if spans else 0}"
        + (f" ({widest['size']} articles)" if widest else "")
        + f", over 7 days {sum(d > 7 for d in spans):,}, over 30 days {sum(d > 30 for d in spans):,}",
        f"- Reuters-21578 updates of one story (same ticker, within a week, >= 60% shared 3-grams): "
        f"{together:,} of {len(updates):,} pairs ({together / max(1, len(updates)):.1%}) in one story",
    ]


def main(argv: list[str] | None = None) -> int:
    from bench.run import machine

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--limit", type=int, default=None, help="the first N records only")
    p.add_argument("--keep", type=Path, default=None, help="index into this file and keep it")
    args = p.parse_args(argv)
    shown = " ".join(argv if argv is not None else sys.argv[1:])
    lines = run(args.workers, args.limit, args.keep)
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines += [f"- command: `python bench/realnews_bench.py {shown}`; machine: {machine()}; date: {stamp}", ""]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
