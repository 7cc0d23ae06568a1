"""``wiretrace watch`` against feeds served on this machine: how long from an item appearing in a feed to
its alert, and how many rounds a minute it sustains with 200 feeds of 20 items each.

Usage: .venv/bin/python bench/watch_bench.py [--feeds 200] [--items 20] [--rounds 3]

Every feed is its own site (its own server on 127.0.0.1, its own port: the politeness delay and
robots.txt are per site), serving real articles (BBC News, then BuzzFeed-Webis, then Reuters-21578 from
../shared/data/real-news) as HTML pages. Setup fills the corpus with every feed's items, fetched without
the politeness delay (setup only, not measured). The measured rounds run as ``wiretrace watch`` does:
a second between two requests to one site, at most 8 sites at a time, robots.txt read once per site.

- unchanged: every feed polled with its ETag and answering 304 (the steady state of a quiet hour);
- new items: ten feeds each gain one new real article (fetched, indexed, stories rebuilt, alerts);
- alert latency: the real AP story of tests/data is in the corpus, tracked by its site; its real
  content-farm rewrite appears in a feed on another site; one round later the alert is stored and
  POSTed to a local webhook. The time is that round's, phase by phase.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "tests")]

from bench import datasets as ds  # noqa: E402
from feedserver import Hook, Site, seed_texts  # noqa: E402
from wiretrace.corpus import Corpus  # noqa: E402
from wiretrace.ingest.fetch import Fetcher  # noqa: E402
from wiretrace.watch import WatchConfig, Watcher, WebhookSink  # noqa: E402
from wiretrace.watch.state import WatchState  # noqa: E402

SOURCES = ("bbc.jsonl", "buzzfeed-webis-2016.jsonl", "reuters-21578.jsonl.gz")


def real_articles(n: int) -> list[dict]:
    out: list[dict] = []
    base = ds.data_root(None) / "real-news"
    for name in SOURCES:
        opener = gzip.open if name.endswith(".gz") else open
        with opener(base / name, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if len(row.get("text", "").split()) >= 80:
                    out.append({"title": row.get("title") or None, "text": row["text"]})
                if len(out) >= n:
                    return out
    return out


def timed_rounds(w: Watcher, n: int, before=None) -> list:
    reports = []
    for i in range(n):
        if before:
            before(i)
        reports.append(w.round())
    return reports


def run(feeds: int, items: int, rounds: int) -> list[str]:
    texts = real_articles(feeds * items + feeds * rounds + 1)
    ap, rewrite, headline = seed_texts(ROOT / "tests" / "data")
    sites = [Site() for _ in range(feeds)]
    for s in sites:
        s.__enter__()
    hook = Hook().__enter__()
    try:
        pool = iter(texts)
        for s in sites:
            for j in range(items):
                t = next(pool)
                s.add(f"/news/{j}.html", t["text"], t["title"])
        sites[0].add("/world/kim-artillery.html", ap)
        urls = [s.base + "/feed.xml" for s in sites]
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Corpus(Path(tmp) / "watch.wt", workers=2)
            setup = Watcher(
                corpus,
                WatchConfig(feeds=urls, interval=0.0, max_pages=feeds * items + 1, delay=0.0),
                fetcher=Fetcher(delay=0.0),
            )
            t0 = time.perf_counter()
            filled = setup.round()
            fill_s = time.perf_counter() - t0
            WatchState(corpus.store).add_track("source", "127.0.0.1")
            cfg = WatchConfig(feeds=urls, interval=0.0, retry_base=0.0)  # the CLI's politeness: 1 s a site
            w = Watcher(corpus, cfg, [WebhookSink(hook.url, b"bench-secret")])
            warm = w.round()  # robots.txt of every site, then 304s
            quiet = timed_rounds(w, rounds)

            def add_news(i: int) -> None:
                for k in range(10):
                    t = next(pool)
                    sites[(i * 10 + k) % feeds].add(f"/news/new-{i}-{k}.html", t["text"], t["title"])

            busy = timed_rounds(w, rounds, add_news)
            sites[1].add("/farm/kim-surge.html", rewrite, headline, host="localhost")
            latency = w.round()
            posted = len(hook.accepted())
            articles = corpus.store.count()
            corpus.close()
    finally:
        hook.__exit__()
        for s in sites:
            s.__exit__()

    def per_min(rs) -> str:
        mean = sum(r.seconds for r in rs) / len(rs)
        return f"{mean:.2f} s a round, {60 / mean:.1f} rounds/min"

    phases = ", ".join(f"{k} {v:.2f} s" for k, v in latency.phases.items())
    busy_phases = {k: sum(r.phases[k] for r in busy) / len(busy) for k in busy[0].phases}
    return [
        "## Watch: feeds to alerts (local servers)",
        "",
        "- command: `.venv/bin/python bench/watch_bench.py "
        f"--feeds {feeds} --items {items} --rounds {rounds}`; "
        f"machine: {platform.machine()}, {platform.system()}, Python {platform.python_version()}; "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- {feeds} feeds of {items} real articles each, every feed its own site on 127.0.0.1 "
        "(its own port); "
        "rounds as `wiretrace watch` runs them: robots.txt per site, 1 s between two requests to a site, "
        "8 sites at a time, conditional GET",
        "",
        "| measure | value |",
        "|---|---|",
        f"| alert latency: one round from the rewrite appearing in a feed to its alert stored and POSTed "
        f"| **{latency.seconds:.2f} s** ({phases}); alerts {latency.alerts}, webhook deliveries {posted} |",
        f"| steady state: all {feeds} feeds unchanged (304) | {per_min(quiet)} |",
        f"| ten feeds gain one new article each round | {per_min(busy)} "
        f"(poll {busy_phases['poll']:.2f} s, fetch {busy_phases['fetch']:.2f} s, "
        f"index {busy_phases['index']:.2f} s, alerts {busy_phases['alerts']:.2f} s) |",
        f"| first round of the politeness run (robots.txt of {feeds} sites, then 304s) "
        f"| {warm.seconds:.2f} s |",
        f"| setup (not measured as a round): {filled.fetched} pages fetched without the delay and indexed | "
        f"{fill_s:.1f} s ({filled.fetched / fill_s:.0f} pages/s) |",
        f"| corpus at the end | {articles} articles |",
        "",
        f"- A round's time on a quiet hour is the polling itself: {feeds} conditional GETs answered 304, "
        "8 sites at a time; rounds run back to back here, so each feed waits out the second since its "
        "last poll (the politeness floor: no site is asked twice within a second). A round with news adds "
        "fetching (each new page waits out its site's delay), indexing and the story rebuild (the whole "
        "corpus's stories are recomputed after each index, so this part grows with the corpus: see the "
        "story phase in the real-news run above), and the alerts (the full comparison of each alerting "
        "pair).",
        "",
    ]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--feeds", type=int, default=200)
    p.add_argument("--items", type=int, default=20)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    print("\n".join(run(args.feeds, args.items, args.rounds)))


if __name__ == "__main__":
    main()
