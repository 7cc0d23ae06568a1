"""What the pages and the JSON API both need, in one place: stories with their summaries, articles
with their reading view, pairs (stored, or compared on demand), compares and additions.

Field names follow the CLI's JSON (``stories --format json``, ``show``, ``search``, the compare
contract); the summaries add fields, never rename them.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import OrderedDict
from pathlib import Path

from ..corpus.stories import site_summary
from . import articles as article_view
from . import jobs
from .queries import Reader, story_summary
from .workers import Workers

MAX_ARTICLES_PER_POST = 100


class Service:
    def __init__(
        self,
        db: Path,
        *,
        allow_writes: bool = False,
        workers: int = 2,
        max_pending: int = 256,
        demo: bool = False,
    ) -> None:
        self.db = Path(db)
        self.allow_writes = allow_writes
        self.demo = demo
        self.reader = Reader(self.db)
        self.workers = Workers(workers, max_pending)
        self._write_lock = threading.Lock()
        self._corpus = None
        self._pairs: OrderedDict[tuple[str, str], dict] = OrderedDict()
        self._pairs_lock = threading.Lock()
        self.generation = 0

    def start(self) -> None:
        self.workers.start()

    def close(self) -> None:
        self.workers.close()
        self.reader.close()
        if self._corpus is not None:
            self._corpus.close()
            self._corpus = None

    # --- stories ---------------------------------------------------------------------------------

    def enrich(self, story: dict) -> dict:
        """A stored story plus its list summary and a display title (the original's, else the story's
        label: its most representative report's title or first line). Edge flags and added counts are
        refreshed from the pairs."""
        self.reader.refresh_edges(story)
        summary = story_summary(story)
        lead = summary.pop("lead")
        title = (story.get("label") or {}).get("title")
        if story.get("original") or not title:
            title = self.reader.display_title(lead) if lead else None
        return {**story, **summary, "title": title}

    def stories(self, **filters) -> tuple[int, list[dict]]:
        total, stories = self.reader.stories(**filters)
        return total, [self.enrich(s) for s in stories]

    def story(self, story_id: str) -> dict | None:
        story = self.reader.story(story_id)
        if story is None:
            return None
        out = self.enrich(story)
        out["site_summary"] = site_summary([story])
        out["titles"] = {a["id"]: self.reader.display_title(a["id"]) for a in story["articles"]}
        return out

    # --- articles --------------------------------------------------------------------------------

    def article(self, article_id: str) -> tuple[dict, list[dict]] | None:
        """(the article as the API returns it, the reading view's pieces) or None."""
        row = self.reader.article(article_id)
        if row is None:
            return None
        n = row.pop("n")
        bp = self.reader.site_boilerplate(row.get("source"))
        pieces = article_view.blocks(row["text"], row.get("title"), bp)
        row["blocks"] = [
            {"start": p["start"], "end": p["end"], "kind": p["kind"], "reason": p["reason"]}
            for p in pieces
            if p["kind"] != "gap"
        ]
        row["pairs"] = self.reader.article_pairs(n)
        return row, pieces

    # --- pairs -----------------------------------------------------------------------------------

    async def pair(self, a_id: str, b_id: str) -> tuple[dict | None, bool]:
        """(compare JSON, stored?) for two articles of the corpus. A verified pair's comparison comes from
        the store (its ``a`` is the source, whatever the order asked); a verified pair without a stored
        comparison is compared now, its verified source first; any other two articles are compared now,
        more likely source first. Computed results are kept in a small cache, never written to the
        corpus. (None, False) when an id is unknown."""
        stored, source = self.reader.pair_json(a_id, b_id)
        if stored is not None:
            return stored, True
        key = (min(a_id, b_id), max(a_id, b_id))
        with self._pairs_lock:
            if key in self._pairs:
                self._pairs.move_to_end(key)
                return self._pairs[key], False
        rows = self.reader.rows_with_text([a_id, b_id])
        if a_id not in rows or b_id not in rows or a_id == b_id:
            return None, False
        x, y = rows[a_id], rows[b_id]
        bx = self.reader.site_boilerplate(x.get("source"))
        by = self.reader.site_boilerplate(y.get("source"))
        if source == y["id"]:
            x, y, bx, by = y, x, by, bx
        result = await self.workers.run(jobs.pair_job, x, y, bx, by, source is not None)
        with self._pairs_lock:
            self._pairs[key] = result
            if len(self._pairs) > 64:
                self._pairs.popitem(last=False)
        return result, False

    async def compare(self, a: dict, b: dict, max_chars: int | None = None) -> dict:
        """Two submitted articles -> compare JSON, or ``{"error", "where", "status"}`` (see compare_job)."""
        return await self.workers.run(jobs.compare_job, a, b, max_chars)

    # --- writes ----------------------------------------------------------------------------------

    def _writer(self):
        from ..corpus import Corpus

        if self._corpus is None:
            self._corpus = Corpus(self.db, workers=1)  # no process pool forked inside the server
        return self._corpus

    def track(self, kind: str, value: str) -> bool:
        """Follow a source, article or story in ``wiretrace watch`` (the caller checked ``allow_writes``)."""
        from ..watch.alerts import add_track

        with self._write_lock:
            return add_track(self._writer(), kind, value)

    def untrack(self, kind: str, value: str) -> bool:
        from ..watch.state import WatchState

        with self._write_lock:
            return WatchState(self._writer().store).remove_track(kind, value)

    def add(self, records: list[dict]) -> dict:
        """Index submitted articles (the caller checked ``allow_writes``). The records are kept as one
        JSONL file in ``<db>-api/`` beside the corpus, which is the ``path`` the articles get."""
        with self._write_lock:
            corpus = self._writer()
            inbox = self.db.with_name(self.db.name + "-api")
            inbox.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
            path = inbox / f"{stamp}-{uuid.uuid4().hex[:8]}.jsonl"
            path.write_text(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
            )
            report = corpus.add([path])
            ids = []
            for line in range(1, len(records) + 1):
                row = corpus.store.db.execute(
                    "SELECT id FROM articles WHERE path = ?", (f"{path}#{line}",)
                ).fetchone()
                ids.append(row[0] if row else None)
            self.generation += 1
            self.reader.forget()
            with self._pairs_lock:
                self._pairs.clear()
        return {
            "indexed": report.indexed,
            "duplicates": report.duplicates,
            "failed": [{"record": _record(loc), "reason": why} for loc, why in report.failed],
            "candidates": report.candidates,
            "verified": report.verified,
            "edges": report.edges,
            "stories": report.stories,
            "ids": ids,
        }


def _record(locator: str) -> int:
    """``.../inbox.jsonl#3`` -> 3 (the record's 1-based position in the request)."""
    tail = locator.rsplit("#", 1)[-1]
    return int(tail) if tail.isdigit() else 0
