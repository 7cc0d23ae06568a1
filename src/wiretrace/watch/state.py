"""What ``wiretrace watch`` remembers, kept in the corpus file itself: feed cursors (ETag, Last-Modified,
when to poll next, failures), every feed item seen and what became of it, the files of a watched folder,
what is tracked, and the alerts with their delivery to each sink.

Why in the corpus: one file to copy, and SQLite's transactions make a restart after ``kill -9`` safe. An
item is marked fetched only after its page is in a WARC file on disk, an alert is created with an id
derived from what it reports (creating it twice is a no-op), and a delivery is marked done only after the
sink took it, so a crash can at worst repeat a delivery, which carries the same idempotency key.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from ..corpus.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS watch_feeds(url TEXT PRIMARY KEY,
    etag TEXT, modified TEXT,              -- validators of the last 200 answer (conditional GET)
    next_poll REAL NOT NULL DEFAULT 0,     -- unix time the feed is due
    failures INTEGER NOT NULL DEFAULT 0,   -- consecutive failed polls (backoff)
    last_ok TEXT, last_error TEXT, items INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS watch_items(url TEXT PRIMARY KEY,
    feed TEXT, title TEXT, published TEXT, seen TEXT NOT NULL,
    status TEXT NOT NULL,                  -- new | fetched | indexed | skipped | failed
    tries INTEGER NOT NULL DEFAULT 0, next_try REAL NOT NULL DEFAULT 0,
    warc TEXT,                             -- the WARC file holding the page once fetched
    reason TEXT) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS watch_items_status ON watch_items(status);
CREATE TABLE IF NOT EXISTS watch_files(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime REAL NOT NULL,
    status TEXT NOT NULL) WITHOUT ROWID;   -- seen (size and time noted) | indexed
CREATE TABLE IF NOT EXISTS watch_tracks(kind TEXT NOT NULL, value TEXT NOT NULL,
    anchor TEXT,                           -- a tracked story: an article of it (story ids follow originals)
    added TEXT NOT NULL, PRIMARY KEY(kind, value)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alerts(id TEXT PRIMARY KEY, created TEXT NOT NULL, kind TEXT NOT NULL,
    tracked TEXT NOT NULL, data TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alerts_created ON alerts(created);
CREATE TABLE IF NOT EXISTS alert_deliveries(alert TEXT NOT NULL, sink TEXT NOT NULL,
    done TEXT,                             -- when the sink took it; NULL while queued
    tries INTEGER NOT NULL DEFAULT 0, next_try REAL NOT NULL DEFAULT 0, error TEXT,
    PRIMARY KEY(sink, alert)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS articles_url ON articles(url);
"""

TRACK_KINDS = ("source", "article", "story")
ITEM_TRIES = 3  # an item page that fails this many times is given up (reported, never retried)


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Track:
    kind: str  # source | article | story
    value: str
    anchor: str | None = None


def select_alerts(
    db: sqlite3.Connection,
    since: str | None = None,
    kind: str | None = None,
    tracked: str | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> tuple[int, list[dict]]:
    """(how many alerts match, one page of them newest first), through any connection: the web server reads
    them through its query-only ones."""
    where, args = ["1"], []
    for column, op, value in (("created", ">=", since), ("kind", "=", kind), ("tracked", "=", tracked)):
        if value:
            where.append(f"{column} {op} ?")
            args.append(value)
    cond = " AND ".join(where)
    total = db.execute(f"SELECT count(*) FROM alerts WHERE {cond}", args).fetchone()[0]
    rows = db.execute(
        f"SELECT data FROM alerts WHERE {cond} ORDER BY created DESC, id LIMIT ? OFFSET ?",
        [*args, limit, offset],
    )
    return int(total), [json.loads(r[0]) for r in rows]


class WatchState:
    """Typed access to the watch tables of a corpus ``Store`` (created on first use)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db
        self.db.executescript(SCHEMA)

    # --- feeds -----------------------------------------------------------------------------------

    def add_feeds(self, urls: Iterable[str]) -> None:
        with self.store.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO watch_feeds(url) VALUES (?)", ((u,) for u in urls))

    def _dicts(self, sql: str, params: tuple) -> list[dict]:
        cur = self.db.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur]

    def feed(self, url: str) -> dict:
        found = self._dicts("SELECT * FROM watch_feeds WHERE url = ?", (url,))
        return found[0] if found else {}

    def due_feeds(self, urls: Iterable[str], at: float, healthy_too: bool = False) -> list[dict]:
        """Feeds whose time has come (with ``healthy_too``, also those not backing off after a failure)."""
        feeds = [self.feed(u) for u in urls]
        return [f for f in feeds if f and (f["next_poll"] <= at or (healthy_too and not f["failures"]))]

    def next_due(self, urls: Iterable[str]) -> float | None:
        times = [self.feed(u).get("next_poll") for u in urls]
        return min((t for t in times if t is not None), default=None)

    def feed_polled(
        self, url: str, next_poll: float, etag: str | None = None, modified: str | None = None, items: int = 0
    ) -> None:
        with self.store.transaction() as db:
            db.execute(
                "UPDATE watch_feeds SET etag = coalesce(?, etag), modified = coalesce(?, modified),"
                " next_poll = ?, failures = 0, last_ok = ?, last_error = NULL, items = items + ?"
                " WHERE url = ?",
                (etag, modified, next_poll, now_iso(), items, url),
            )

    def feed_failed(self, url: str, next_poll: float, reason: str) -> None:
        with self.store.transaction() as db:
            db.execute(
                "UPDATE watch_feeds SET next_poll = ?, failures = failures + 1, last_error = ? WHERE url = ?",
                (next_poll, reason, url),
            )

    # --- items -----------------------------------------------------------------------------------

    def new_items(self, feed: str, entries: list[dict]) -> int:
        """Note the feed's entries not seen before (by URL); how many were new."""
        with self.store.transaction() as db:
            cur = db.executemany(
                "INSERT OR IGNORE INTO watch_items(url, feed, title, published, seen, status)"
                " VALUES (?, ?, ?, ?, ?, 'new')",
                ((e["url"], feed, e.get("title"), e.get("published"), now_iso()) for e in entries),
            )
            return cur.rowcount

    def items_to_fetch(self, at: float, limit: int) -> list[dict]:
        return self._dicts(
            "SELECT url, feed, title, published, tries FROM watch_items"
            " WHERE status = 'new' AND next_try <= ? ORDER BY seen, url LIMIT ?",
            (at, limit),
        )

    def known_url(self, url: str) -> bool:
        """Already in the corpus under this URL (indexed by another route: a file, an earlier fetch)."""
        return self.db.execute("SELECT 1 FROM articles WHERE url = ? LIMIT 1", (url,)).fetchone() is not None

    def item_done(self, url: str, status: str, warc: str | None = None, reason: str | None = None) -> None:
        with self.store.transaction() as db:
            db.execute(
                "UPDATE watch_items SET status = ?, warc = coalesce(?, warc), reason = ? WHERE url = ?",
                (status, warc, reason, url),
            )

    def item_failed(self, url: str, reason: str, retry_at: float) -> str:
        """Count a failed fetch; the item is retried at ``retry_at`` until ``ITEM_TRIES``, then given up."""
        with self.store.transaction() as db:
            tries = db.execute("SELECT tries FROM watch_items WHERE url = ?", (url,)).fetchone()[0] + 1
            status = "failed" if tries >= ITEM_TRIES else "new"
            db.execute(
                "UPDATE watch_items SET tries = ?, next_try = ?, status = ?, reason = ? WHERE url = ?",
                (tries, retry_at, status, reason, url),
            )
        return status

    def unindexed_warcs(self) -> list[str]:
        rows = self.db.execute("SELECT DISTINCT warc FROM watch_items WHERE status = 'fetched' ORDER BY warc")
        return [r[0] for r in rows]

    def warc_indexed(self, warc: str) -> None:
        with self.store.transaction() as db:
            db.execute(
                "UPDATE watch_items SET status = 'indexed' WHERE warc = ? AND status = 'fetched'", (warc,)
            )

    # --- watched folder ----------------------------------------------------------------------------

    def file_status(self, path: str) -> tuple[int, float, str] | None:
        row = self.db.execute(
            "SELECT size, mtime, status FROM watch_files WHERE path = ?", (path,)
        ).fetchone()
        return (int(row[0]), float(row[1]), row[2]) if row else None

    def note_file(self, path: str, size: int, mtime: float, status: str) -> None:
        with self.store.transaction() as db:
            db.execute("INSERT OR REPLACE INTO watch_files VALUES (?, ?, ?, ?)", (path, size, mtime, status))

    # --- tracks ----------------------------------------------------------------------------------

    def add_track(self, kind: str, value: str, anchor: str | None = None) -> bool:
        """Track a source (site or outlet name), an article id or a story id; False if already tracked."""
        if kind not in TRACK_KINDS:
            raise ValueError(f"not a track kind: {kind}")
        with self.store.transaction() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO watch_tracks VALUES (?, ?, ?, ?)",
                (kind, value.strip(), anchor, now_iso()),
            )
        return cur.rowcount == 1

    def remove_track(self, kind: str, value: str) -> bool:
        with self.store.transaction() as db:
            cur = db.execute("DELETE FROM watch_tracks WHERE kind = ? AND value = ?", (kind, value.strip()))
        return cur.rowcount == 1

    def tracks(self) -> list[Track]:
        rows = self.db.execute("SELECT kind, value, anchor FROM watch_tracks ORDER BY kind, value")
        return [Track(*r) for r in rows]

    # --- alerts ----------------------------------------------------------------------------------

    def newest_article(self) -> int:
        return int(self.db.execute("SELECT coalesce(max(n), 0) FROM articles").fetchone()[0])

    def cursor(self) -> int:
        """The highest article number whose alerts were worked out (articles after it are new)."""
        row = self.db.execute("SELECT value FROM info WHERE key = 'alerts_checked'").fetchone()
        if row is None:  # first use: what is already in the corpus is not news
            top = self.newest_article()
            self.set_cursor(top)
            return top
        return int(row[0])

    def set_cursor(self, n: int) -> None:
        with self.store.transaction() as db:
            db.execute("INSERT OR REPLACE INTO info VALUES ('alerts_checked', ?)", (str(n),))

    def add_alerts(self, alerts: list[dict], sinks: list[str], upto: int) -> int:
        """Store new alerts, queue each for every sink, and move the cursor to ``upto``, in one
        transaction. An alert already stored (same id) is left as it is; how many were new."""
        added = 0
        with self.store.transaction() as db:
            for a in alerts:
                cur = db.execute(
                    "INSERT OR IGNORE INTO alerts VALUES (?, ?, ?, ?, ?)",
                    (
                        a["id"],
                        a["created"],
                        a["kind"],
                        a["tracked"]["value"],
                        json.dumps(a, ensure_ascii=False),
                    ),
                )
                if cur.rowcount:
                    added += 1
                    db.executemany(
                        "INSERT OR IGNORE INTO alert_deliveries(alert, sink) VALUES (?, ?)",
                        ((a["id"], s) for s in sinks),
                    )
            db.execute("INSERT OR REPLACE INTO info VALUES ('alerts_checked', ?)", (str(upto),))
        return added

    def alerts(self, **filters) -> tuple[int, list[dict]]:
        """(how many match, the alerts newest first): ``select_alerts``' filters."""
        return select_alerts(self.db, **filters)

    def queued(self, sink: str, at: float | None = None) -> list[tuple[dict, int]]:
        """(alert, tries so far) queued for ``sink`` and due, oldest first."""
        at = time.time() if at is None else at
        rows = self.db.execute(
            "SELECT a.data, d.tries FROM alert_deliveries d JOIN alerts a ON a.id = d.alert"
            " WHERE d.sink = ? AND d.done IS NULL AND d.next_try <= ? ORDER BY a.created, a.id",
            (sink, at),
        )
        return [(json.loads(data), tries) for data, tries in rows]

    def delivered(self, sink: str, alert_ids: list[str]) -> None:
        with self.store.transaction() as db:
            db.executemany(
                "UPDATE alert_deliveries SET done = ?, error = NULL WHERE sink = ? AND alert = ?",
                ((now_iso(), sink, a) for a in alert_ids),
            )

    def delivery_failed(self, sink: str, alert_id: str, retry_at: float, reason: str) -> None:
        with self.store.transaction() as db:
            db.execute(
                "UPDATE alert_deliveries SET tries = tries + 1, next_try = ?, error = ?"
                " WHERE sink = ? AND alert = ?",
                (retry_at, reason, sink, alert_id),
            )

    def pending_deliveries(self) -> dict[str, int]:
        rows = self.db.execute("SELECT sink, count(*) FROM alert_deliveries WHERE done IS NULL GROUP BY sink")
        return dict(rows.fetchall())
