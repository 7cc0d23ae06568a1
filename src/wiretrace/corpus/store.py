"""The corpus index: one SQLite file (default ``corpus.wt``) holding everything, and nothing in RAM
but the int8 document vectors.

Why SQLite: one file to copy, transactions for crash safety (a batch of articles, their LSH buckets,
vectors and candidate pairs commit together or not at all, so ``kill -9`` and a rerun give the same
index), WAL so a reader (``stories``, the web UI) never blocks the indexer, and FTS5 for text search.
The LSH buckets live in a WITHOUT ROWID table keyed by bucket, so a query is an index lookup and the
index grows on disk, incrementally, without ever being rebuilt.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

SCHEMA_VERSION = "1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS info(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles(
    n INTEGER PRIMARY KEY,            -- dense number used by the index tables
    id TEXT NOT NULL UNIQUE,          -- the record's own id, else a stable hash
    path TEXT, title TEXT, source TEXT, url TEXT,
    published TEXT,                   -- claimed publication date (ISO) or NULL
    first_seen TEXT,                  -- capture time from the input (WARC-Date, feed, file mtime)
    text_hash TEXT NOT NULL UNIQUE,   -- sha1 of site, URL and whitespace-normalised text
    text TEXT NOT NULL,
    meta TEXT,                        -- unknown input fields, JSON
    credits TEXT,                     -- wire credits found by clean, JSON list
    language TEXT
);
CREATE TABLE IF NOT EXISTS lsh(key INTEGER NOT NULL, article INTEGER NOT NULL,
    PRIMARY KEY(key, article)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS vectors(article INTEGER PRIMARY KEY, day INTEGER, vec BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS pairs(
    lo INTEGER NOT NULL, hi INTEGER NOT NULL,
    status TEXT NOT NULL,             -- pending | done
    channels TEXT,                    -- which candidate signals found the pair: lsh, vector
    src INTEGER, dst INTEGER,         -- source -> derived (for same_event: the compare order)
    relation TEXT, score REAL, b_from_a REAL, a_from_b REAL,
    direction TEXT,                   -- compare | unknown: whether compare named the original
    confidence REAL, credited INTEGER, flags TEXT, added INTEGER, findings TEXT, evidence TEXT,
    compare_json BLOB,                -- zlib-compressed wiretrace.compare/1 JSON
    PRIMARY KEY(lo, hi)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pairs_status ON pairs(status);
CREATE TABLE IF NOT EXISTS sites(site TEXT PRIMARY KEY, articles INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS site_lines(site TEXT NOT NULL, line INTEGER NOT NULL, n INTEGER NOT NULL,
    text TEXT, PRIMARY KEY(site, line)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stories(id TEXT PRIMARY KEY, size INTEGER NOT NULL, latest TEXT,
    data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS story_members(article INTEGER PRIMARY KEY, story TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS errors(locator TEXT PRIMARY KEY, reason TEXT NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(title, text, content='articles',
    content_rowid='n');
"""

ARTICLE_FIELDS = (
    "n",
    "id",
    "path",
    "title",
    "source",
    "url",
    "published",
    "first_seen",
    "credits",
    "language",
)


class Store:
    """Thin typed access to the SQLite file; every write happens inside ``transaction()``."""

    def __init__(self, path: str | Path = "corpus.wt") -> None:
        self.path = Path(path)
        self.db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=OFF")
        self.db.executescript(SCHEMA)  # idempotent (IF NOT EXISTS), runs in its own transaction
        self.db.execute("INSERT OR IGNORE INTO info VALUES ('schema', ?)", (SCHEMA_VERSION,))

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- articles ------------------------------------------------------------------------------

    def known(self, article_id: str, thash: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM articles WHERE id = ? OR text_hash = ? LIMIT 1", (article_id, thash)
        ).fetchone()
        return row is not None

    def insert_article(self, row: dict) -> int:
        cur = self.db.execute(
            "INSERT INTO articles(id, path, title, source, url, published, first_seen, text_hash, text, meta,"
            " credits, language) VALUES (:id, :path, :title, :source, :url, :published, :first_seen,"
            " :text_hash, :text, :meta, :credits, :language)",
            row,
        )
        n = cur.lastrowid
        self.db.execute(
            "INSERT INTO articles_fts(rowid, title, text) VALUES (?, ?, ?)",
            (n, row["title"] or "", row["text"]),
        )
        return int(n)

    def count(self, table: str = "articles") -> int:
        return int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def article(self, key: int | str) -> dict | None:
        col = "n" if isinstance(key, int) else "id"
        cur = self.db.execute(f"SELECT * FROM articles WHERE {col} = ?", (key,))
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row, strict=True)) if row else None

    def articles(self, numbers: Iterable[int], with_text: bool = False) -> dict[int, dict]:
        cols = ARTICLE_FIELDS + (("text",) if with_text else ())
        out: dict[int, dict] = {}
        numbers = list(numbers)
        for i in range(0, len(numbers), 500):
            chunk = numbers[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(f"SELECT {','.join(cols)} FROM articles WHERE n IN ({marks})", chunk):
                out[row[0]] = dict(zip(cols, row, strict=True))
        return out

    def number_of(self, article_id: str) -> int | None:
        row = self.db.execute("SELECT n FROM articles WHERE id = ?", (article_id,)).fetchone()
        return int(row[0]) if row else None

    # --- fingerprints --------------------------------------------------------------------------

    def insert_fingerprint(self, n: int, bands: np.ndarray, vector: np.ndarray, day: int | None) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO lsh(key, article) VALUES (?, ?)", ((int(k), n) for k in bands)
        )
        self.db.execute("INSERT INTO vectors(article, day, vec) VALUES (?, ?, ?)", (n, day, vector.tobytes()))

    def buckets(self, keys: Iterable[int]) -> dict[int, list[int]]:
        """The members of each LSH bucket in ``keys`` (one indexed lookup per chunk of keys)."""
        keys = sorted({int(k) for k in keys})
        out: dict[int, list[int]] = {}
        for i in range(0, len(keys), 900):
            chunk = keys[i : i + 900]
            marks = ",".join("?" * len(chunk))
            for key, article in self.db.execute(
                f"SELECT key, article FROM lsh WHERE key IN ({marks})", chunk
            ):
                out.setdefault(key, []).append(article)
        return out

    def load_vectors(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(article numbers, int8 matrix, day numbers or -1), in article order."""
        rows = self.db.execute("SELECT article, day, vec FROM vectors ORDER BY article").fetchall()
        if not rows:
            return np.zeros(0, np.int64), np.zeros((0, 0), np.int8), np.zeros(0, np.int32)
        numbers = np.fromiter((r[0] for r in rows), np.int64, len(rows))
        days = np.fromiter((-1 if r[1] is None else r[1] for r in rows), np.int32, len(rows))
        matrix = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.int8).reshape(len(rows), -1)
        return numbers, matrix, days

    # --- site boilerplate ----------------------------------------------------------------------

    def add_site_lines(self, site: str, lines: Iterable[tuple[int, str]]) -> None:
        self.db.execute(
            "INSERT INTO sites VALUES (?, 1) ON CONFLICT(site) DO UPDATE SET articles = articles + 1", (site,)
        )
        self.db.executemany(
            "INSERT INTO site_lines VALUES (?, ?, 1, ?) ON CONFLICT(site, line) DO UPDATE SET n = n + 1",
            ((site, h, text) for h, text in lines),
        )

    def site_boilerplate(self, site: str, min_articles: int, min_share: float) -> dict[int, str]:
        row = self.db.execute("SELECT articles FROM sites WHERE site = ?", (site,)).fetchone()
        if not row:
            return {}
        need = max(min_articles, min_share * row[0])
        return dict(
            self.db.execute(
                "SELECT line, text FROM site_lines WHERE site = ? AND n >= ?", (site, need)
            ).fetchall()
        )

    # --- pairs ---------------------------------------------------------------------------------

    def add_candidates(self, pairs: dict[tuple[int, int], set[str]]) -> int:
        cur = self.db.executemany(
            "INSERT OR IGNORE INTO pairs(lo, hi, status, channels) VALUES (?, ?, 'pending', ?)",
            ((lo, hi, ",".join(sorted(ch))) for (lo, hi), ch in sorted(pairs.items())),
        )
        return cur.rowcount

    def pending(self, limit: int) -> list[tuple[int, int]]:
        return self.db.execute(
            "SELECT lo, hi FROM pairs WHERE status = 'pending' ORDER BY lo, hi LIMIT ?", (limit,)
        ).fetchall()

    def save_result(self, lo: int, hi: int, result: dict | None) -> None:
        if result is None:  # unrelated: dropped
            self.db.execute("DELETE FROM pairs WHERE lo = ? AND hi = ?", (lo, hi))
            return
        blob = zlib.compress(json.dumps(result["compare"], ensure_ascii=False).encode(), 6)
        self.db.execute(
            "UPDATE pairs SET status='done', src=?, dst=?, relation=?, score=?, b_from_a=?, a_from_b=?,"
            " direction=?, confidence=?, credited=?, flags=?, added=?, findings=?, evidence=?, compare_json=?"
            " WHERE lo = ? AND hi = ?",
            (
                result["src"],
                result["dst"],
                result["relation"],
                result["score"],
                result["b_from_a"],
                result["a_from_b"],
                result["direction"],
                result["confidence"],
                result["credited"],
                json.dumps(result["flags"]),
                result["added"],
                json.dumps(result["findings"]),
                json.dumps(result.get("evidence") or {}),
                blob,
                lo,
                hi,
            ),
        )

    def edges(self) -> list[dict]:
        cur = self.db.execute(
            "SELECT lo, hi, src, dst, relation, score, b_from_a, a_from_b, direction, confidence, credited,"
            " flags, added, findings, evidence, channels FROM pairs WHERE status = 'done' ORDER BY lo, hi"
        )
        cols = [d[0] for d in cur.description]
        out = []
        for row in cur:
            e = dict(zip(cols, row, strict=True))
            e["flags"] = json.loads(e["flags"] or "{}")
            e["findings"] = json.loads(e["findings"] or "[]")
            e["evidence"] = json.loads(e["evidence"] or "{}")
            out.append(e)
        return out

    def compare_json(self, a: int, b: int) -> dict | None:
        row = self.db.execute(
            "SELECT compare_json FROM pairs WHERE lo = ? AND hi = ?", (min(a, b), max(a, b))
        ).fetchone()
        return json.loads(zlib.decompress(row[0])) if row and row[0] else None

    # --- errors --------------------------------------------------------------------------------

    def add_error(self, locator: str, reason: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO errors VALUES (?, ?)", (locator, reason))
