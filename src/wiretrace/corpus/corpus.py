"""``Corpus``: the Python API of corpus mode (the CLI's ``index``, ``stories``, ``show``, ``search`` and
``export`` are thin wrappers around it).

>>> corpus = wiretrace.Corpus("corpus.wt")
>>> corpus.add(["news/2025-05-20.jsonl"])
>>> for story in corpus.stories():
...     print(story["id"], story["original"], story["size"])

Indexing runs in resumable phases. Ingest: records are read in input order and new articles (unknown
id and text hash) are analysed once, in batches, by worker processes (light prepare, sentence vectors,
stems: ``fingerprint.analyse_batch``); the main process commits each batch's articles, records,
document frequencies, keys, sketches and candidate pairs in one transaction; the batches' lines are
added to the per-site line counts (site boilerplate) 8,192 articles at a time (``lines_pending`` keeps
what a killed run left uncounted). Verify: worker processes read the two sketches (most pairs) or records
of each pending pair from the file and decide its relation (``verify.Verifier``); results commit in
batches. Stories are then recomputed from the verified pairs.
Diffs: the full claim-level comparison of a verified pair runs when it is first asked for
(``pair``, ``show``, ``search``), for every pair with ``add(diffs=True)`` / ``wiretrace index
--diffs``, and by default at index time when a run adds few edges (at most ``AUTO_DIFFS``).
A rerun after ``kill -9`` skips what was committed and finishes the rest, so the final index is the
same as an uninterrupted run's.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from ..compare import ArticleLike
from ..errors import InputError
from ..model import Article
from . import candidates as cand
from .engine import Engine, Pool, make_engine
from .fingerprint import Analysis, analyse_batch, story_dim, text_hash, text_lines
from .index_report import Clock, IndexReport
from .readers import iter_records
from .rebuild import rebuild_stories
from .store import SCHEMA_VERSION, Store, refresh_edges
from .stories import site_summary
from .verify import (
    Verifier,
    diff_chunk,
    diff_stored,
    ingest_chunk,
    init_worker,
    relate_chunk,
    warm,
)
from .vocabulary import refresh

BATCH = 1024  # new articles per ingest transaction (each commit rewrites pages all over a large index)
VERIFY_BATCH = 1024  # pairs per verify transaction
POOL_CHUNK = 32  # pairs per task sent to a worker
SCORE_BATCH = 64  # queries scored together (their postings and score arrays held at once)
AUTO_DIFFS = 100  # add(diffs=None) computes the full diffs at index time when a run adds at most this many
SITE_MIN_ARTICLES = 3  # a line repeated on at least this many of a site's articles ...
SITE_MIN_SHARE = 0.3  # ... and on at least this share of them is site boilerplate
SITE_CHUNK = 8192  # articles whose lines are counted in one transaction


def corpus_id(article: Article, thash: str) -> str:
    """The record's own id when it has one, else a stable hash (of the text alone for a bare text, so
    a single file keeps the id ``compare`` gives it; of site, URL and text otherwise)."""
    if article.id and article.id != Article(article.text).id:
        return article.id
    if article.source or article.url:
        return thash[:16]
    return article.id


Pending = tuple[Article, str, str, dict, str | None]


class Corpus:
    """An on-disk, incremental corpus index (one SQLite file)."""

    def __init__(
        self,
        path: str | Path = "corpus.wt",
        workers: int | None = None,
        engine: str | Engine | None = None,
        client: Any = None,
        scheduler: str | None = None,
    ) -> None:
        """``engine``: ``embedded`` (default: ``workers`` processes on this machine) or ``dask`` (a Dask
        ``client``, a ``scheduler`` address, or else a LocalCluster of ``workers`` processes); see
        ``corpus/engine.py``. The engine only decides where the work runs, never the result."""
        self.store = Store(path)
        self.workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        self._engine_spec = (engine, client, scheduler)
        self._engine: Engine | None = None
        # key weight, stem-key count, story vector and day number per article number
        self._kw: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        self._lines: list[tuple[int, str | None, tuple]] = []  # committed articles' lines, not counted yet

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None
        self.store.close()

    @property
    def engine(self) -> Engine:
        """Started on first use (a Dask cluster only when there is work for it)."""
        if self._engine is None:
            engine, client, scheduler = self._engine_spec
            self._engine = make_engine(engine, self.workers, client, scheduler)
        return self._engine

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_schema(self) -> None:
        if self.store.schema() != SCHEMA_VERSION and self.store.count():
            raise InputError(
                str(self.store.path),
                f"was indexed by an earlier wiretrace (schema {self.store.schema()}); it can be read, but "
                "adding to it needs a new index: run `wiretrace index` into a new file",
            )

    # --- index -----------------------------------------------------------------------------------

    def add(
        self,
        paths: Iterable[str | Path] | str | Path,
        progress: Callable[[str, int, int | None], None] | None = None,
        batch: int = BATCH,
        verify: bool = True,
        diffs: bool | None = None,
        engine: str | Engine | None = None,
        client: Any = None,
    ) -> IndexReport:
        """Index every record under ``paths``, verify the new candidate pairs, rebuild stories.

        With ``verify=False`` only ingest runs (candidates stay pending); ``verify_pending()`` and
        ``rebuild_stories()`` finish the job later, as the next ``add`` would. ``diffs``: compute the
        full claim-level comparison of every verified pair now (True), leave it for when a pair is first
        asked for (False), or do it now only when this run left at most ``AUTO_DIFFS`` pairs without
        one (None, the default). ``engine`` / ``client``: run this and later work there instead (see
        ``__init__``)."""
        if engine is not None or client is not None:
            if self._engine is not None:
                self._engine.close()
                self._engine = None
            self._engine_spec = (engine or ("dask" if client is not None else None), client, None)
        if isinstance(paths, str | Path):
            paths = [paths]
        self._check_schema()
        self.count_site_lines()  # lines a killed run left uncounted
        report = IndexReport()
        pool = None
        inflight: deque[tuple[list[Pending], object]] = deque()
        pending: list[Pending] = []
        seen_ids: set[str] = set()
        seen_hashes: set[str] = set()

        def submit(chunk: list[Pending]) -> None:
            nonlocal pool
            arts = [p[0] for p in chunk]
            if pool is None and self.engine.parallel(bool(inflight) or len(chunk) >= batch):
                pool = self.engine.pool(warm)
            inflight.append((chunk, pool.submit(ingest_chunk, arts) if pool else analyse_batch(arts)))

        def commit_oldest() -> None:
            chunk, result = inflight.popleft()
            analyses = result if isinstance(result, list) else result.result()
            self._commit(chunk, analyses, report)
            for p in chunk:
                seen_ids.discard(p[2])
                seen_hashes.discard(p[1])
            if progress:
                progress("ingest", report.indexed, None)

        started = time.perf_counter()
        try:
            for item in iter_records(paths):
                if not item.ok:
                    report.failed.append((item.locator, item.reason or "unreadable"))
                    with self.store.transaction():
                        self.store.add_error(item.locator, item.reason or "unreadable")
                    continue
                article = item.article
                thash = text_hash(article)
                aid = corpus_id(article, thash)
                if aid in seen_ids or thash in seen_hashes or self.store.known(aid, thash):
                    report.duplicates += 1
                    continue
                seen_ids.add(aid)
                seen_hashes.add(thash)
                pending.append((replace(article, id=aid), thash, aid, item.meta, item.first_seen))
                if len(pending) >= batch:
                    submit(pending)
                    pending = []
                    while len(inflight) > self.engine.inflight():
                        commit_oldest()
            if pending:
                submit(pending)
            while inflight:
                commit_oldest()
        finally:
            if pool:
                pool.shutdown(cancel_futures=True)
            lines, self._lines = self._lines, []  # a run that did not finish leaves them in lines_pending
        if lines:
            with self.store.transaction():
                self.store.count_lines(lines)
        clock = Clock(report.seconds, started)
        clock.lap("ingest")
        if verify:
            self.verify_pending(report, progress)
            clock.lap("verify")
            open_diffs = self.store.count("pairs WHERE status = 'done' AND compare_json IS NULL")
            if diffs or (diffs is None and open_diffs <= AUTO_DIFFS):
                # before the stories: their edges then carry the diffs' flags and added claims (and the
                # per-site summary counts them), and a re-oriented edge needs no second build
                report.diffs = self.compute_diffs(progress, rebuild=False)
                clock.lap("diffs")
            report.stories = self.rebuild_stories()
            clock.lap("stories")
        return report

    def _key_stats(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per article number: total index-key weight, number of stem keys, story vector and day number
        (loaded once, then grown)."""
        if self._kw is None:
            self._kw = self.store.key_weights(story_dim())
        return self._kw

    def _commit(self, batch: list[Pending], analyses: list[Analysis], report: IndexReport) -> None:
        """One ingest transaction: articles, records, sketches, term counts, keys, candidate pairs."""
        store = self.store
        before = self._key_stats()
        with store.transaction():
            rows = []
            for (article, thash, aid, meta, first_seen), an in zip(batch, analyses, strict=True):
                published = article.published.isoformat() if article.published else None
                rows.append(
                    {
                        "id": aid,
                        "path": article.path,
                        "title": article.title,
                        "source": article.source,
                        "url": article.url,
                        "published": published,
                        "first_seen": first_seen,
                        "text_hash": thash,
                        "text": article.text,
                        "meta": json.dumps(meta, ensure_ascii=False, default=str) if meta else None,
                        "credits": json.dumps(list(an.credits)),
                        "language": article.language,
                    }
                )
            numbers = store.insert_articles(rows)
            nums = np.asarray(numbers, np.int64)
            store.add_lines_pending(numbers)
            flushed = self._flush_lines()
            all_terms = np.concatenate([an.terms for an in analyses])
            q_of = np.repeat(np.arange(len(analyses)), [len(an.terms) for an in analyses])
            uniq, inv, batch_df = np.unique(all_terms, return_inverse=True, return_counts=True)
            known = store.terms(uniq.tolist())  # one read of every term of the batch
            old_df = np.fromiter((known.get(t, (0,))[0] for t in uniq.tolist()), np.float32, len(uniq))
            queries = cand.select_keys(
                q_of,
                all_terms,
                np.concatenate([an.counts for an in analyses]),
                np.concatenate([an.names for an in analyses]),
                (old_df + batch_df)[inv],
                store.count(),
                len(analyses),
            )
            # This batch's postings: index key -> its articles, ascending.
            ik, ia = queries.keys[queries.index], nums[queries.q_of[queries.index]]
            order = np.lexsort((ia, ik))
            ik, ia = ik[order], ia[order]
            batch_keys, batch_kdf = np.unique(ik, return_counts=True)
            store.update_terms(
                dict(zip(uniq.tolist(), batch_df.tolist(), strict=True)),
                dict(zip(batch_keys.tolist(), batch_kdf.tolist(), strict=True)),
            )
            store.add_postings(ik, ia)
            key_w, key_n = queries.key_totals()
            store.insert_analyses(
                [
                    (n, an.record, float(kw_n), int(kn_n), an.sketch, an.story.tobytes())
                    for n, an, kw_n, kn_n in zip(numbers, analyses, key_w, key_n, strict=True)
                ]
            )
            grown = before
            if max(numbers) >= len(before[0]):  # grown geometrically: appending a batch is not a copy of all
                size = max(max(numbers) + 1, 2 * len(before[0]))
                grown = tuple(np.zeros((size, *a.shape[1:]), a.dtype) for a in before)
                for new, old in zip(grown, before, strict=True):
                    new[: len(old)] = old
            self._kw = grown
            kw, kn, kv, kd = grown
            stories = np.stack([an.story for an in analyses])
            days = np.asarray([cand.day_number(r["published"], r["first_seen"]) for r in rows], np.int32)
            try:
                kw[nums], kn[nums], kv[nums], kd[nums] = key_w, np.minimum(key_n, 255), stories, days
                # Articles indexed under each key: earlier batches' (every term of the batch was read)
                # plus this batch's own.
                kdf_keys, kdf_counts = cand.key_frequencies(known, batch_keys, batch_kdf)
                # The postings of every key the batch reads, read once (this batch's are in the file
                # already): neighbouring articles share many keys, and a key's postings are at most
                # LOOKUP_BUDGET numbers, so this is a few MB at most.
                looked = cand.lookup_mask(queries, kdf_keys, kdf_counts)
                postings = store.postings(queries.keys[looked].tolist())  # it reads each key once
                pairs: dict[tuple[int, int], set[str]] = {}
                for i in range(0, len(numbers), SCORE_BATCH):  # bounded working memory
                    hi = min(i + SCORE_BATCH, len(numbers))
                    scored = cand.score_queries(
                        queries.part(i, hi),
                        nums[i:hi],
                        postings,
                        lambda ns: (kw[ns], kn[ns]),
                        looked[queries.rows(i, hi)],
                        stories=(lambda ns: kv[ns], stories[i:hi]),
                        days=(lambda ns: kd[ns], days[i:hi]),
                    )
                    pairs |= cand.pairs_of(numbers[i:hi], scored)
                report.candidates += store.add_candidates(pairs)
            except BaseException:
                for a in grown:  # the transaction rolls back: forget the batch's too
                    a[nums] = 0
                self._kw = before if grown is not before else grown
                raise
        if flushed:
            self._lines = []
        self._lines.extend(
            (n, article.source, an.lines)
            for n, (article, *_), an in zip(numbers, batch, analyses, strict=True)
        )
        report.indexed += len(batch)

    def verify_pending(
        self,
        report: IndexReport | None = None,
        progress: Callable[[str, int, int | None], None] | None = None,
    ) -> int:
        """Decide the relation of every pending candidate pair; returns how many were verified. First the
        pairs of articles whose site boilerplate changed since they were verified go back to pending
        (``SiteLines.requeue_boilerplate_changes``): every pair ends judged with its sites' boilerplate
        of now, as if all the articles had come in one run."""
        report = report or IndexReport()
        # no derivation pair verified before: all will have the figures of now (no refresh to run)
        fresh = not self.store.has_derivation()
        self.count_site_lines()
        with self.store.transaction():
            self.store.requeue_boilerplate_changes(SITE_MIN_ARTICLES, SITE_MIN_SHARE)
        total = self.store.count("pairs WHERE status = 'pending'")
        if not total:
            return 0
        pool, local = self._verifiers(total >= 4 * POOL_CHUNK)
        done = 0
        try:
            inflight: deque[tuple[list[tuple[int, int]], list]] = deque()
            nxt = self.store.pending_after((-1, -1), VERIFY_BATCH)
            while nxt or inflight:
                # Two pages out at once: the workers start the next while this process saves the last.
                while nxt and len(inflight) < (self.engine.inflight() if pool else 1):
                    inflight.append((nxt, self._start(pool, relate_chunk, nxt) if pool else []))
                    nxt = self.store.pending_after(nxt[-1], VERIFY_BATCH)
                page, running = inflight.popleft()
                if pool:
                    results = [r for f in running for r in f.result()]
                else:
                    results = [
                        r
                        for i in range(0, len(page), POOL_CHUNK)
                        for r in local.relate_pairs(page[i : i + POOL_CHUNK])
                    ]
                with self.store.transaction():
                    self.store.save_results(results)
                    report.edges += sum(result is not None for _, _, result in results)
                done += len(page)
                report.verified += len(page)
                if progress:
                    progress("verify", done, total)
        finally:
            if pool:
                pool.shutdown(cancel_futures=True)
        if fresh:
            with self.store.transaction():
                self.store.set_info("figures_at", str(self.store.count()))
        return done

    def _flush_lines(self) -> bool:
        """Add the buffered lines to the site counts, in the transaction that is open, once at least
        ``SITE_CHUNK`` articles are waiting. A batch's lines land all over a large table: counted batch
        by batch, every commit rewrote those pages, and ingest slowed as the corpus grew; counted 8,192
        articles at a time, in (site, line) order, each page is written once a chunk."""
        if len(self._lines) >= SITE_CHUNK:
            self.store.count_lines(self._lines)
            return True
        return False

    def count_site_lines(self, wait: bool = True) -> int:
        """Count the lines of the articles still in ``lines_pending`` (a run killed before its last count,
        or an older writer), from their stored texts; returns how many. ``wait=False`` (a reader) leaves
        the counts as they are when another process is writing."""
        store, done = self.store, 0
        try:
            if not wait:
                store.db.execute("PRAGMA busy_timeout = 0")
            while rows := store.lines_pending(SITE_CHUNK):
                with store.transaction():
                    store.count_lines([(n, site, text_lines(text)) for n, site, text in rows])
                done += len(rows)
        except sqlite3.OperationalError:
            if wait:
                raise
        finally:
            store.db.execute("PRAGMA busy_timeout = 30000")
        return done

    def _verifier(self, n_docs: int | None = None) -> Verifier:
        """A verifier in this process (``n_docs``: the corpus size its idf weights use)."""
        self.count_site_lines(wait=False)
        n_docs = self.store.count() if n_docs is None else n_docs
        return Verifier(self.store, n_docs, SITE_MIN_ARTICLES, SITE_MIN_SHARE)

    def _verifiers(self, enough_work: bool) -> tuple[Pool | None, Verifier | None]:
        """Workers that each hold a verifier, when the engine has several and there is enough work for
        them; else one verifier in this process (``_verifier`` brings the site-line counts up to date)."""
        if self.engine.parallel(enough_work):
            self.count_site_lines(wait=False)
            # absolute: a worker elsewhere (a Dask cluster) opens the file by this path
            args = (str(self.store.path.resolve()), self.store.count(), SITE_MIN_ARTICLES, SITE_MIN_SHARE)
            return self.engine.pool(init_worker, args), None
        return None, self._verifier()

    @staticmethod
    def _start(pool: Pool, fn, pairs: list[tuple[int, int]]) -> list:
        return [pool.submit(fn, pairs[i : i + POOL_CHUNK]) for i in range(0, len(pairs), POOL_CHUNK)]

    def compute_diffs(
        self, progress: Callable[[str, int, int | None], None] | None = None, rebuild: bool = True
    ) -> int:
        """The full claim-level comparison of every verified pair that has none yet (stage 2 of
        verification); stories are rebuilt afterwards when a comparison re-oriented an edge."""
        total = self.store.count("pairs WHERE status = 'done' AND compare_json IS NULL")
        if not total:
            return 0
        pool, local = self._verifiers(total >= 2 * POOL_CHUNK)
        done = changed = 0
        try:
            while True:
                page = self.store.without_diff(VERIFY_BATCH // 4)
                if not page:
                    break
                if pool:
                    results = [r for f in self._start(pool, diff_chunk, page) for r in f.result()]
                else:
                    results = [(lo, hi, diff_stored(local, lo, hi)) for lo, hi in page]
                with self.store.transaction():
                    for lo, hi, diff in results:
                        if diff is None:
                            continue
                        changed += "reoriented" in diff["evidence"]
                        self.store.save_diff(lo, hi, diff)
                done += len(page)
                if progress:
                    progress("diff", done, total)
        finally:
            if pool:
                pool.shutdown(cancel_futures=True)
        if rebuild and changed:
            self.rebuild_stories()
        return done

    def rebuild_stories(self) -> int:
        """Recompute every story from the verified pairs and store them (``rebuild.rebuild_stories``),
        their lexical figures brought to the corpus as it is now first (``refresh_figures``)."""
        self.refresh_figures()
        return rebuild_stories(self.store)

    def refresh_figures(self) -> int:
        """``vocabulary.refresh`` when the corpus has grown since the last one (the pairs verified since
        then used its size now): a pair verified on an earlier day then carries the figures that one run
        of all the days gives it. Returns how many pairs changed."""
        n = self.store.count()
        if self.store.info("figures_at") == str(n):
            return 0
        verifier = self._verifier(n)
        with self.store.transaction():
            changed = refresh(self.store, verifier)
            self.store.set_info("figures_at", str(n))
        return changed

    # --- read ------------------------------------------------------------------------------------

    def stories(self, since: date | str | None = None, min_size: int = 2) -> list[dict]:
        """Stories, biggest first, in the ``stories --format json`` shape (plus evidence fields); edge flags
        and added counts as the pairs table has them now."""
        since_s = since.isoformat() if isinstance(since, date) else since
        out = []
        for (data,) in self.store.db.execute(
            "SELECT data FROM stories WHERE size >= ? AND (? IS NULL OR latest >= ?) ORDER BY size DESC, id",
            (min_size, since_s, since_s),
        ):
            out.append(refresh_edges(json.loads(data), self.store.db))
        return out

    def story(self, story_id: str) -> dict | None:
        """One story by id (or by the id of any of its articles)."""
        row = self.store.db.execute("SELECT data FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            row = self.store.db.execute(
                "SELECT s.data FROM stories s JOIN story_members m ON m.story = s.id JOIN articles a"
                " ON a.n = m.article WHERE a.id = ?",
                (story_id,),
            ).fetchone()
        if row is None:
            return None
        return refresh_edges(json.loads(row[0]), self.store.db)

    def sites(self, min_size: int = 2) -> list[dict]:
        """The per-site summary over every story (``stories.site_summary``)."""
        return site_summary(self.stories(min_size=min_size))

    def pair(self, a_id: str, b_id: str) -> dict | None:
        """The compare JSON of two verified articles (source as ``a``): stored, or computed now (the full
        comparison, about a tenth of a second) and stored. None when the two were not found related."""
        na, nb = self.store.number_of(a_id), self.store.number_of(b_id)
        if na is None or nb is None:
            return None
        stored = self.store.compare_json(na, nb)
        if stored is not None:
            return stored
        row = self.store.pair_row(na, nb)
        if row is None or row["status"] != "done":
            return None
        verifier = self._verifier()
        diff = diff_stored(verifier, min(na, nb), max(na, nb))
        if diff is None:
            return None
        with self.store.transaction():
            self.store.save_diff(min(na, nb), max(na, nb), diff)
        return diff["compare"]

    def search(self, article: ArticleLike, limit: int = 10) -> list[dict]:
        """Indexed articles that are copies, rewrites, sources or same-event reports of ``article``, best
        first (``search.search``). The article is not added to the index."""
        from .search import search

        return search(self, article, limit)

    def errors(self) -> list[tuple[str, str]]:
        return self.store.db.execute("SELECT locator, reason FROM errors ORDER BY locator").fetchall()
