"""The watch loop: poll feeds (and a drop folder), fetch and index what is new, raise and send alerts.

One round: every due feed is asked for with a conditional GET (each feed on its own interval; a feed
that fails is retried later, backing off, while the others go on); its new items are noted; at most
``max_pages`` item pages are fetched, politely (robots.txt for every URL, at least ``delay`` seconds
between two requests to one host, hosts in parallel), each written to the round's WARC file beside the
corpus before it is marked fetched; the WARC files and the folder's settled files are indexed into the
corpus; alerts are worked out for the new articles and sent. Every step's state is in the corpus file, so
a round killed anywhere is finished by the next one, with nothing lost and nothing repeated.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..corpus import Corpus
from ..corpus.readers import reader_for
from ..errors import InputError
from ..ingest.fetch import DEFAULT_DELAY, TIMEOUT, Disallowed, Fetcher, FetchError, origin, write_warc
from .alerts import DEFAULT_KINDS, Sink, deliver, find_alerts
from .feeds import feed_entries
from .state import WatchState

INTERVAL = 15 * 60.0  # seconds between two polls of one feed
MAX_PAGES = 100  # item pages fetched in one round (the rest wait for the next)
MAX_BACKOFF = 6 * 3600.0  # a failing feed is tried at least this often
RETRY_BASE = 30.0  # seconds before a failed page or delivery is tried again (doubling each time)
SETTLE = 2.0  # a dropped file is read once it has not changed for this many seconds
HOSTS_AT_ONCE = 8  # hosts fetched from in parallel (each one still one request at a time)


@dataclass
class WatchConfig:
    feeds: list[str] = field(default_factory=list)
    folder: Path | None = None
    interval: float = INTERVAL
    max_pages: int = MAX_PAGES
    delay: float = DEFAULT_DELAY
    timeout: float = TIMEOUT
    kinds: frozenset[str] = DEFAULT_KINDS
    base_url: str | None = None
    archive: Path | None = None  # where the fetched pages' WARC files go (default: beside the corpus)
    retry_base: float = RETRY_BASE
    every_round: bool = False  # poll every healthy feed each round (--once: cron or a timer sets the pace)


@dataclass
class RoundReport:
    feeds_polled: int = 0
    feeds_unchanged: int = 0
    feed_errors: list[tuple[str, str]] = field(default_factory=list)
    new_items: int = 0
    fetched: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (url, why): robots.txt, known URL
    page_errors: list[tuple[str, str]] = field(default_factory=list)
    files: int = 0
    indexed: int = 0
    index_errors: list[tuple[str, str]] = field(default_factory=list)
    alerts: int = 0
    delivered: int = 0
    delivery_failures: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds: poll, fetch, index, alerts

    def summary(self) -> str:
        return (
            f"{self.feeds_polled} feeds polled ({self.feeds_unchanged} unchanged, "
            f"{len(self.feed_errors)} failed), "
            f"{self.new_items} new items, {self.fetched} pages fetched, {len(self.skipped)} skipped, "
            f"{len(self.page_errors)} failed; {self.files} files; {self.indexed} articles indexed; "
            f"{self.alerts} new alerts, {self.delivered} delivered, "
            f"{self.delivery_failures} delivery failures "
            f"({self.seconds:.1f} s)"
        )


class Watcher:
    """Watches feeds and a folder for one corpus. ``round()`` does one round; ``run()`` loops until told to
    stop (or for ``rounds`` rounds), sleeping until the next feed is due."""

    def __init__(
        self,
        corpus: Corpus,
        config: WatchConfig,
        sinks: list[Sink] | None = None,
        fetcher: Fetcher | None = None,
        clock: Callable[[], float] = time.time,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.corpus, self.config, self.sinks = corpus, config, list(sinks or [])
        self.fetcher = fetcher or Fetcher(delay=config.delay, timeout=config.timeout)
        self.clock, self.log = clock, log or (lambda _: None)
        self.state = WatchState(corpus.store)
        self.state.add_feeds(config.feeds)
        self.state.cursor()  # fixed before the first round: what the corpus holds already is not news
        self.archive = config.archive or corpus.store.path.with_name(corpus.store.path.name + "-watch")
        self._lock = threading.Lock()  # one writer to the corpus file and to the round's WARC at a time

    # ------------------------------------------------------------------------------------- a round

    def round(self) -> RoundReport:
        started = last = time.perf_counter()
        report = RoundReport()
        for phase, step in (
            ("poll", self._poll_feeds),
            ("fetch", self._fetch_pages),
            ("index", self._index),
            ("alerts", self._alerts),
        ):
            step(report)
            now = time.perf_counter()
            report.phases[phase] = now - last
            last = now
        report.seconds = last - started
        return report

    def _by_host(self, urls: list[str], work: Callable[[str], None]) -> None:
        """Run ``work`` on every URL: one host's URLs one after another (the fetcher spaces them), up to
        ``HOSTS_AT_ONCE`` hosts at a time."""
        hosts: dict[str, list[str]] = defaultdict(list)
        for u in urls:
            hosts[origin(u)].append(u)
        if len(hosts) <= 1:
            for u in urls:
                work(u)
            return
        with ThreadPoolExecutor(min(HOSTS_AT_ONCE, len(hosts))) as pool:
            for f in [pool.submit(lambda us=us: [work(u) for u in us]) for us in hosts.values()]:
                f.result()

    def _poll_feeds(self, report: RoundReport) -> None:
        now = self.clock()
        due = {f["url"]: f for f in self.state.due_feeds(self.config.feeds, now, self.config.every_round)}

        def poll(url: str) -> None:
            feed = due[url]
            try:
                got = self.fetcher.conditional(url, feed["etag"], feed["modified"])
                entries = feed_entries(got.body, url) if got.body is not None else []
            except InputError as e:  # FetchError is one
                wait = min(MAX_BACKOFF, self.config.interval * 2 ** feed["failures"])
                with self._lock:
                    self.state.feed_failed(url, self.clock() + wait, e.reason)
                    report.feed_errors.append((url, e.reason))
                self.log(f"feed {url}: {e.reason}; next try in {wait / 60:.0f} min")
                return
            with self._lock:
                new = self.state.new_items(url, entries) if entries else 0
                self.state.feed_polled(url, self.clock() + self.config.interval, got.etag, got.modified, new)
                report.feeds_polled += 1
                report.feeds_unchanged += got.body is None
                report.new_items += new

        self._by_host(list(due), poll)

    def _fetch_pages(self, report: RoundReport) -> None:
        items = {}
        for item in self.state.items_to_fetch(self.clock(), self.config.max_pages):
            if self.state.known_url(item["url"]):  # in the corpus by another route: a file, an earlier fetch
                self.state.item_done(item["url"], "indexed", reason="already in the corpus")
                report.skipped.append((item["url"], "already in the corpus"))
            else:
                items[item["url"]] = item
        if not items:
            return
        self.archive.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        warc_path = self.archive / f"{stamp}-{os.getpid()}.warc.gz"
        with warc_path.open("ab") as warc:

            def fetch(url: str) -> None:
                try:
                    page = self.fetcher.fetch(url)
                except Disallowed as e:
                    with self._lock:
                        self.state.item_done(url, "skipped", reason=e.reason)
                        report.skipped.append((url, e.reason))
                    return
                except FetchError as e:
                    with self._lock:
                        retry = self.clock() + self.config.retry_base * 2 ** items[url]["tries"]
                        status = self.state.item_failed(url, e.reason, retry)
                        report.page_errors.append(
                            (url, e.reason + (" (given up)" if status == "failed" else ""))
                        )
                    return
                with self._lock:
                    write_warc(page, warc, items[url]["published"])
                    warc.flush()
                    os.fsync(warc.fileno())  # on disk before the item is marked fetched
                    self.state.item_done(url, "fetched", warc=str(warc_path))
                    report.fetched += 1

            self._by_host(list(items), fetch)
        if not warc_path.stat().st_size:
            warc_path.unlink()

    def _settled_files(self) -> list[Path]:
        """Files of the watched folder that are new or changed and have stopped changing."""
        folder = self.config.folder
        if folder is None:
            return []
        ready = []
        now = time.time()
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            rel = path.relative_to(folder)
            if any(part.startswith(".") for part in rel.parts) or reader_for(path) is None:
                continue  # hidden (a file being written by rsync, an editor) or a kind wiretrace cannot read
            st = path.stat()
            known = self.state.file_status(str(path))
            if known and known[:2] == (st.st_size, st.st_mtime) and known[2] == "indexed":
                continue
            if (known and known[:2] == (st.st_size, st.st_mtime)) or now - st.st_mtime >= SETTLE:
                ready.append(path)
            else:
                self.state.note_file(str(path), st.st_size, st.st_mtime, "seen")
        return ready

    def _index(self, report: RoundReport) -> None:
        warcs = self.state.unindexed_warcs()
        files = self._settled_files()
        report.files = len(files)
        if not warcs and not files:
            return
        result = self.corpus.add([*warcs, *files])
        report.indexed = result.indexed
        report.index_errors = list(result.failed)
        for w in warcs:
            self.state.warc_indexed(w)
        for path in files:
            st = path.stat()
            self.state.note_file(str(path), st.st_size, st.st_mtime, "indexed")

    def _alerts(self, report: RoundReport) -> None:
        after, top = self.state.cursor(), self.state.newest_article()
        if top > after:
            found = find_alerts(
                self.corpus, self.state.tracks(), after, self.config.kinds, self.config.base_url
            )
            report.alerts = self.state.add_alerts(found, [s.name for s in self.sinks], top)
        report.delivered, report.delivery_failures = deliver(
            self.state, self.sinks, self.clock(), self.config.retry_base
        )

    # ---------------------------------------------------------------------------------------- loop

    def next_wake(self) -> float:
        """When something is next due: a feed, a page or delivery to retry, the folder (every few seconds)."""
        now = self.clock()
        times = [self.state.next_due(self.config.feeds)]
        row = self.corpus.store.db.execute(
            "SELECT min(next_try) FROM watch_items WHERE status = 'new'"
            " UNION ALL SELECT min(next_try) FROM alert_deliveries WHERE done IS NULL"
        ).fetchall()
        times += [r[0] for r in row]
        if self.config.folder is not None:
            times.append(now + 5.0)
        due = [t for t in times if t is not None]
        return max(now, min(due)) if due else now + self.config.interval

    def run(self, stop: threading.Event | None = None, rounds: int | None = None) -> int:
        """Rounds until ``stop`` is set (or ``rounds`` were done); how many rounds ran."""
        stop = stop or threading.Event()
        done = 0
        while not stop.is_set() and (rounds is None or done < rounds):
            report = self.round()
            done += 1
            self.log(report.summary())
            if rounds is not None and done >= rounds:
                break
            stop.wait(max(0.0, self.next_wake() - self.clock()))
        return done
