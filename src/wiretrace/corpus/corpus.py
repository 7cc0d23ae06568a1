"""``Corpus``: the Python API of corpus mode (the CLI's ``index``, ``stories``, ``show``, ``search`` and
``export`` are thin wrappers around it).

>>> corpus = wiretrace.Corpus("corpus.wt")
>>> corpus.add(["news/2025-05-20.jsonl"])
>>> for story in corpus.stories():
...     print(story["id"], story["original"], story["size"])

Indexing runs in two resumable phases. Ingest: records are read in input order, new articles
(unknown id and text hash) are fingerprinted in batches; each batch's articles, LSH buckets, vectors,
site-line counts and candidate pairs commit in one transaction. Verify: pending candidate pairs are
compared (in worker processes) and their results committed in batches. A rerun after ``kill -9``
skips what was committed and finishes the rest, so the final index is the same as an uninterrupted
run's. Stories are then recomputed from the verified pairs (cheap, and always consistent with them).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from ..compare import ArticleLike, as_article
from ..model import Article
from . import candidates as cand
from .fingerprint import fingerprint_batch, text_hash
from .readers import iter_records
from .store import Store
from .stories import build_stories, site_summary
from .verify import verify, verify_job, warm

BATCH = 256  # new articles per ingest transaction
VERIFY_BATCH = 64  # pairs per verify transaction
SITE_MIN_ARTICLES = 3  # a line repeated on at least this many of a site's articles ...
SITE_MIN_SHARE = 0.3  # ... and on at least this share of them is site boilerplate


@dataclass
class IndexReport:
    """What one ``add`` did; ``failed`` lists (locator, reason) of records that could not be read."""

    indexed: int = 0
    duplicates: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    candidates: int = 0
    verified: int = 0
    edges: int = 0
    stories: int = 0

    def summary(self) -> str:
        return (
            f"indexed {self.indexed}, skipped duplicates {self.duplicates}, failed {len(self.failed)}; "
            f"{self.candidates} candidate pairs, {self.verified} verified, {self.edges} edges kept, "
            f"{self.stories} stories"
        )


def day_number(value: str | None) -> int:
    if not value:
        return -1
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return -1


def corpus_id(article: Article, thash: str) -> str:
    """The record's own id when it has one, else a stable hash (of the text alone for a bare text, so
    a single file keeps the id ``compare`` gives it; of site, URL and text otherwise)."""
    if article.id and article.id != Article(article.text).id:
        return article.id
    if article.source or article.url:
        return thash[:16]
    return article.id


def _context():
    """Fork where it exists (workers start at once and share the loaded model pages); the tokenizer's
    thread pool is told not to run in the children, which is what it asks for after a fork."""
    import multiprocessing

    if "fork" in multiprocessing.get_all_start_methods():
        os.environ["TOKENIZERS_PARALLELISM"] = "false"
        return get_context("fork")
    return get_context("spawn")


class Corpus:
    """An on-disk, incremental corpus index (one SQLite file)."""

    def __init__(self, path: str | Path = "corpus.wt", workers: int | None = None) -> None:
        self.store = Store(path)
        self.workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        self._vectors: cand.VectorIndex | None = None

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def vectors(self) -> cand.VectorIndex:
        if self._vectors is None:
            self._vectors = cand.VectorIndex.from_arrays(*self.store.load_vectors())
        return self._vectors

    # --- index -----------------------------------------------------------------------------------

    def add(
        self,
        paths: Iterable[str | Path] | str | Path,
        progress: Callable[[str, int, int | None], None] | None = None,
        batch: int = BATCH,
        verify: bool = True,
    ) -> IndexReport:
        """Index every record under ``paths``, verify the new candidate pairs, rebuild stories.

        With ``verify=False`` only ingest runs (candidates stay pending); ``verify_pending()`` and
        ``rebuild_stories()`` finish the job later, as the next ``add`` would."""
        if isinstance(paths, str | Path):
            paths = [paths]
        report = IndexReport()
        pending: list[tuple[Article, str, str, dict, str | None]] = []
        seen_ids: set[str] = set()
        seen_hashes: set[str] = set()
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
                self._ingest(pending, report)
                seen_ids.clear()
                seen_hashes.clear()
                pending = []
                if progress:
                    progress("ingest", report.indexed, None)
        if pending:
            self._ingest(pending, report)
            if progress:
                progress("ingest", report.indexed, None)
        if verify:
            self.verify_pending(report, progress)
            report.stories = self.rebuild_stories()
        return report

    def _ingest(self, batch: list[tuple[Article, str, str, dict, str | None]], report: IndexReport) -> None:
        from ..clean import clean

        articles = [b[0] for b in batch]
        prints = fingerprint_batch(articles)
        index = self.vectors
        with self.store.transaction():
            numbers, bands, days = [], {}, []
            for (article, thash, aid, meta, first_seen), fp in zip(batch, prints, strict=True):
                _, credits = clean(article.text, article.title)
                n = self.store.insert_article(
                    {
                        "id": aid,
                        "path": article.path,
                        "title": article.title,
                        "source": article.source,
                        "url": article.url,
                        "published": article.published.isoformat() if article.published else None,
                        "first_seen": first_seen,
                        "text_hash": thash,
                        "text": article.text,
                        "meta": json.dumps(meta, ensure_ascii=False, default=str) if meta else None,
                        "credits": json.dumps(credits),
                        "language": article.language,
                    }
                )
                day = day_number(article.published.isoformat() if article.published else None)
                self.store.insert_fingerprint(n, fp.bands, fp.vector, None if day < 0 else day)
                if article.source:
                    self.store.add_site_lines(article.source, fp.lines)
                numbers.append(n)
                bands[n] = fp.bands
                days.append(day)
            nums = np.asarray(numbers, np.int64)
            day_arr = np.asarray(days, np.int32)
            vecs = np.stack([fp.vector for fp in prints])
            lsh = cand.lsh_partners(bands, self.store.buckets(k for b in bands.values() for k in b))
            index.add(nums, vecs, day_arr)
            try:
                near = index.nearest(vecs, day_arr, exclude=nums)
                pairs = cand.merge(lsh, dict(zip(numbers, near, strict=True)))
                report.candidates += self.store.add_candidates(pairs)
            except BaseException:
                index.size -= len(numbers)  # the transaction rolls back: forget the batch's vectors too
                raise
        report.indexed += len(batch)

    def verify_pending(
        self,
        report: IndexReport | None = None,
        progress: Callable[[str, int, int | None], None] | None = None,
    ) -> int:
        """Compare every pending candidate pair; returns how many were verified."""
        report = report or IndexReport()
        total = self.store.count("pairs WHERE status = 'pending'")
        done = 0
        boilerplate: dict[str, frozenset[int]] = {}
        pool = None
        try:
            if total >= 16 and self.workers > 1:
                pool = ProcessPoolExecutor(self.workers, mp_context=_context(), initializer=warm)
            while True:
                chunk = self.store.pending(VERIFY_BATCH)
                if not chunk:
                    break
                rows = self.store.articles({n for pair in chunk for n in pair}, with_text=True)
                for r in rows.values():
                    site = r.get("source")
                    if site and site not in boilerplate:
                        boilerplate[site] = frozenset(
                            self.store.site_boilerplate(site, SITE_MIN_ARTICLES, SITE_MIN_SHARE)
                        )
                jobs = [
                    (
                        lo,
                        hi,
                        rows[lo],
                        rows[hi],
                        boilerplate.get(rows[lo].get("source") or "", frozenset()),
                        boilerplate.get(rows[hi].get("source") or "", frozenset()),
                    )
                    for lo, hi in chunk
                ]
                results = (
                    list(pool.map(verify_job, jobs, chunksize=4)) if pool else [verify_job(j) for j in jobs]
                )
                with self.store.transaction():
                    for lo, hi, result in results:
                        self.store.save_result(lo, hi, result)
                        report.edges += result is not None
                done += len(chunk)
                report.verified += len(chunk)
                if progress:
                    progress("verify", done, total)
        finally:
            if pool:
                pool.shutdown()
        return done

    def rebuild_stories(self) -> int:
        """Recompute every story from the verified pairs and store them (one transaction)."""
        stories = self._compute_stories()
        with self.store.transaction() as db:
            db.execute("DELETE FROM stories")
            db.execute("DELETE FROM story_members")
            for s in stories:
                db.execute(
                    "INSERT INTO stories VALUES (?, ?, ?, ?)",
                    (s["id"], s["size"], s["last_date"], json.dumps(s, ensure_ascii=False)),
                )
                db.executemany(
                    "INSERT OR REPLACE INTO story_members SELECT n, ? FROM articles WHERE id = ?",
                    ((s["id"], a["id"]) for a in s["articles"]),
                )
        return len(stories)

    def _compute_stories(self) -> list[dict]:
        edges = self.store.edges()
        nodes = {e["src"] for e in edges} | {e["dst"] for e in edges}
        return build_stories(edges, self.store.articles(nodes))

    # --- read ------------------------------------------------------------------------------------

    def stories(self, since: date | str | None = None, min_size: int = 2) -> list[dict]:
        """Stories, biggest first, in the ``stories --format json`` shape (plus evidence fields)."""
        since_s = since.isoformat() if isinstance(since, date) else since
        out = []
        for (data,) in self.store.db.execute(
            "SELECT data FROM stories WHERE size >= ? AND (? IS NULL OR latest >= ?) ORDER BY size DESC, id",
            (min_size, since_s, since_s),
        ):
            out.append(json.loads(data))
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
        return json.loads(row[0]) if row else None

    def sites(self) -> list[dict]:
        return site_summary(self.stories())

    def pair(self, a_id: str, b_id: str) -> dict | None:
        """The stored compare JSON of two articles (source as ``a``), if they were verified."""
        na, nb = self.store.number_of(a_id), self.store.number_of(b_id)
        if na is None or nb is None:
            return None
        return self.store.compare_json(na, nb)

    def search(self, article: ArticleLike, limit: int = 10) -> list[dict]:
        """Indexed articles that are copies, rewrites, sources or same-event reports of ``article``, best
        first. The article is not added to the index."""
        query = as_article(article)
        thash = text_hash(query)
        fp = fingerprint_batch([query])[0]
        own = self.store.db.execute(
            "SELECT n FROM articles WHERE text_hash = ? OR id = ?", (thash, query.id)
        ).fetchall()
        own_numbers = {r[0] for r in own}
        buckets = self.store.buckets(int(k) for k in fp.bands)
        lsh = cand.lsh_partners({-1: fp.bands}, buckets)[-1]
        day = day_number(query.published.isoformat() if query.published else None)
        near = self.vectors.nearest(fp.vector[None, :], np.asarray([day], np.int32), k=limit)[0]
        found = list(dict.fromkeys([*lsh, *(n for n, _ in near)]))
        found = [n for n in found if n not in own_numbers]
        rows = self.store.articles(found, with_text=True)
        q = {
            "n": -1,
            "id": query.id,
            "text": query.text,
            "title": query.title,
            "source": query.source,
            "url": query.url,
            "path": query.path,
            "language": query.language,
            "published": query.published.isoformat() if query.published else None,
            "first_seen": None,
        }
        hits = []
        for n in found:
            row = rows.get(n)
            if row is None:
                continue
            bp = (
                frozenset(self.store.site_boilerplate(row["source"], SITE_MIN_ARTICLES, SITE_MIN_SHARE))
                if row.get("source")
                else frozenset()
            )
            result = verify(q, row, frozenset(), bp)
            if result is None:
                continue
            compare = result["compare"]
            hit_is_b = result["dst"] == n
            derived = compare["b"]
            flags: dict[str, int] = {}
            for s in derived["sentences"]:
                for f in s.get("flags", []):
                    flags[f["type"]] = flags.get(f["type"], 0) + 1
            hits.append(
                {
                    "id": row["id"],
                    "path": row["path"],
                    "relation": result["relation"],
                    "b_from_a": result["b_from_a"],
                    "flags": flags,
                    "role": ("derived" if hit_is_b else "source")
                    if result["direction"] == "compare"
                    else "unknown",
                    "title": row["title"],
                    "source": row["source"],
                    "published": row["published"],
                    "score": result["score"],
                }
            )
        order = {"copy": 0, "rewrite": 1, "same_event": 2}
        hits.sort(key=lambda h: (order.get(h["relation"], 3), -(h["b_from_a"] or 0), h["id"]))
        return hits

    def errors(self) -> list[tuple[str, str]]:
        return self.store.db.execute("SELECT locator, reason FROM errors ORDER BY locator").fetchall()
