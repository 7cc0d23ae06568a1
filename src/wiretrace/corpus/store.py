"""The corpus index: one SQLite file (default ``corpus.wt``) holding everything; RAM holds only a
float per article (its total key weight).

Why SQLite: one file to copy, transactions for crash safety (a batch of articles, their records,
sketches, keys, term counts and candidate pairs commit together or not at all, so ``kill -9`` and a rerun
give the same index), WAL so readers (``stories``, the web UI, verification workers) never block the indexer,
and FTS5 for text search. Term counts live in ``terms`` (one row a term); the postings of the
candidate keys in ``postings``, one row per key and block of ``POSTING_BLOCK`` article numbers holding
the block's numbers as a small blob: a batch appends to one row per key it uses, a lookup reads a key's
few rows with one index seek. The index grows on disk, incrementally, without ever being rebuilt.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .candidates import Postings, day_number
from .eventmodel import Profile, profile_date
from .fingerprint import decode_sketch
from .pairtables import PairTables
from .sitelines import SiteLines

SCHEMA_VERSION = "4"
POSTING_BLOCK = 16384  # article numbers per postings row (a lookup reads a term's rows: few, not too long)
WRITER_CACHE_KB = 32 * 1024

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
CREATE TABLE IF NOT EXISTS docs(article INTEGER PRIMARY KEY,
    record BLOB NOT NULL,             -- light Document: spans, kinds, stems, quotes, int8 vectors
    keyw REAL NOT NULL,               -- total idf weight of the article's index keys
    keyn INTEGER NOT NULL);           -- how many of them are stems (KEYS: a long text; fewer: all its stems)
CREATE TABLE IF NOT EXISTS terms(term INTEGER PRIMARY KEY,  -- hash of a stem or a name pair
    df INTEGER NOT NULL,              -- articles whose (non-boilerplate) text has it
    kdf INTEGER NOT NULL);            -- articles indexed under it (it is one of their keys)
CREATE TABLE IF NOT EXISTS postings(term INTEGER NOT NULL, block INTEGER NOT NULL,
    articles BLOB NOT NULL,           -- int32 numbers of the block's articles indexed under the term
    PRIMARY KEY(term, block)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS semantic(article INTEGER PRIMARY KEY,
    vector BLOB NOT NULL);           -- float16 MiniLM vector (corpus/semantic.py), once its sources competed
CREATE TABLE IF NOT EXISTS vectors(article INTEGER PRIMARY KEY,
    story BLOB NOT NULL);             -- int8 unit vector of the story (fingerprint.story_vectors)
CREATE TABLE IF NOT EXISTS sketches(article INTEGER PRIMARY KEY,
    data BLOB NOT NULL);              -- what verification's cheap tests read (fingerprint.Sketch)
CREATE TABLE IF NOT EXISTS pairs(
    lo INTEGER NOT NULL, hi INTEGER NOT NULL,
    status TEXT NOT NULL,             -- pending | done
    channels TEXT,                    -- which candidate signal found the pair: keys
    src INTEGER, dst INTEGER,         -- source -> derived (for same_event: the compare order)
    relation TEXT, score REAL, b_from_a REAL, a_from_b REAL,
    direction TEXT,                   -- compare | unknown: whether the evidence named the original
    confidence REAL, credited INTEGER,
    flags TEXT, added INTEGER, findings TEXT,  -- from the full comparison: NULL until it ran
    evidence TEXT,                    -- JSON: brief, explained (idf-weighted containment), shared_entities
    compare_json BLOB,                -- zlib-compressed wiretrace.compare/1 JSON, NULL until computed
    PRIMARY KEY(hi, lo)) WITHOUT ROWID;  -- hi first: a batch's new pairs go to the end of the tree
CREATE INDEX IF NOT EXISTS pairs_status ON pairs(status);
CREATE TABLE IF NOT EXISTS dropped(hi INTEGER NOT NULL, lo INTEGER NOT NULL, channels TEXT,
    PRIMARY KEY(hi, lo)) WITHOUT ROWID;  -- candidate pairs verified unrelated (sitelines.py: kept to verify
                                         -- again when their site boilerplate changes)
CREATE TABLE IF NOT EXISTS sites(site TEXT PRIMARY KEY, articles INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS site_lines(site TEXT NOT NULL, line INTEGER NOT NULL, n INTEGER NOT NULL,
    text TEXT,                        -- the line, stored once it repeats (NULL while seen once)
    PRIMARY KEY(site, line)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lines_pending(article INTEGER PRIMARY KEY);  -- lines not in site_lines yet
CREATE TABLE IF NOT EXISTS site_marks(site TEXT PRIMARY KEY, articles INTEGER NOT NULL,
    lines BLOB NOT NULL) WITHOUT ROWID;  -- the site's article count and boilerplate line hashes (sorted
                                         -- int64) when its pairs were last verified
CREATE INDEX IF NOT EXISTS articles_site ON articles(source);
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


def edge_details(db: sqlite3.Connection, ids: list[str]) -> dict[tuple[str, str], dict]:
    """(from id, to id) -> ``flags`` and ``added`` of the compared pairs among these articles, from the
    pairs table (looked up by its key, whatever the size of the corpus)."""
    if len(ids) < 2:
        return {}
    numbers = f"SELECT n FROM articles WHERE id IN ({','.join('?' * len(ids))})"
    rows = db.execute(
        "SELECT s.id, d.id, p.flags, p.added FROM pairs p JOIN articles s ON s.n = p.src"
        f" JOIN articles d ON d.n = p.dst WHERE p.hi IN ({numbers}) AND p.lo IN ({numbers})"
        " AND p.status = 'done' AND p.flags IS NOT NULL",
        [*ids, *ids],
    ).fetchall()
    return {(a, b): {"flags": json.loads(f or "{}"), "added": added} for a, b, f, added in rows}


def refresh_edges(story: dict, db: sqlite3.Connection) -> dict:
    """The story with the flags and added counts of the comparisons made since it was built (an index
    leaves them until a pair is first asked for; the pairs table has them), matched in either
    orientation, since a full comparison may have re-oriented the pair."""
    edges = story.get("edges") or []
    if all(e.get("added") is not None for e in edges):
        return story  # every edge was compared when the story was built
    details = edge_details(db, [a["id"] for a in story.get("articles") or []])
    for e in edges:
        detail = details.get((e["from"], e["to"])) or details.get((e["to"], e["from"]))
        if detail:
            e.update(detail)
    return story


class Store(PairTables, SiteLines):
    """Thin typed access to the SQLite file; every write happens inside ``transaction()``."""

    def __init__(self, path: str | Path = "corpus.wt", readonly: bool = False) -> None:
        self.path = Path(path)
        self.db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA busy_timeout = 30000")
        if readonly:  # a verification worker: reads records and term counts while the indexer writes
            self.db.execute("PRAGMA query_only = ON")
            return
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        # The indexer's page cache (fixed, whatever the corpus size): each batch updates thousands of terms
        # and postings rows spread over the file, and the default 2 MB keeps few of their pages.
        self.db.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KB}")
        self.db.execute("PRAGMA foreign_keys=OFF")
        self.db.executescript(SCHEMA)  # idempotent (IF NOT EXISTS), runs in its own transaction
        self.db.execute("INSERT OR IGNORE INTO info VALUES ('schema', ?)", (SCHEMA_VERSION,))

    def schema(self) -> str:
        return self.info("schema") or SCHEMA_VERSION

    def info(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM info WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_info(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO info VALUES (?, ?)", (key, value))

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

    def select_in(self, sql: str, keys: Iterable, size: int = 500) -> Iterator[tuple]:
        """Rows of ``sql`` (which holds ``{marks}`` where its ``IN`` list goes) for every key, read ``size``
        keys a query (SQLite limits the number of parameters of one statement)."""
        keys = list(keys)
        for i in range(0, len(keys), size):
            chunk = keys[i : i + size]
            yield from self.db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)

    # --- articles ------------------------------------------------------------------------------

    def known(self, article_id: str, thash: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM articles WHERE id = ? OR text_hash = ? LIMIT 1", (article_id, thash)
        ).fetchone()
        return row is not None

    def insert_articles(self, rows: list[dict]) -> list[int]:
        """Insert many articles (and their full-text rows); their numbers, in order."""
        top = self.db.execute("SELECT coalesce(max(n), 0) FROM articles").fetchone()[0]
        numbers = list(range(top + 1, top + 1 + len(rows)))
        self.db.executemany(
            "INSERT INTO articles(n, id, path, title, source, url, published, first_seen, text_hash, text,"
            " meta, credits, language) VALUES (:n, :id, :path, :title, :source, :url, :published,"
            " :first_seen, :text_hash, :text, :meta, :credits, :language)",
            ({**row, "n": n} for n, row in zip(numbers, rows, strict=True)),
        )
        self.db.executemany(
            "INSERT INTO articles_fts(rowid, title, text) VALUES (?, ?, ?)",
            ((n, row["title"] or "", row["text"]) for n, row in zip(numbers, rows, strict=True)),
        )
        return numbers

    def count(self, table: str = "articles") -> int:
        return int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def article(self, key: int | str) -> dict | None:
        col = "n" if isinstance(key, int) else "id"
        cur = self.db.execute(f"SELECT * FROM articles WHERE {col} = ?", (key,))
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row, strict=True)) if row else None

    def articles(
        self, numbers: Iterable[int], with_text: bool = False, fields: tuple[str, ...] = ARTICLE_FIELDS
    ) -> dict[int, dict]:
        cols = fields + (("text",) if with_text else ())
        sql = f"SELECT {','.join(cols)} FROM articles WHERE n IN ({{marks}})"
        return {row[0]: dict(zip(cols, row, strict=True)) for row in self.select_in(sql, numbers)}

    def number_of(self, article_id: str) -> int | None:
        row = self.db.execute("SELECT n FROM articles WHERE id = ?", (article_id,)).fetchone()
        return int(row[0]) if row else None

    # --- fingerprints --------------------------------------------------------------------------

    def insert_analyses(self, rows: list[tuple[int, bytes, float, int, bytes, bytes]]) -> None:
        """(n, record, key weight, stem-key count, sketch, story vector) of many articles."""
        self.db.executemany(
            "INSERT INTO docs(article, record, keyw, keyn) VALUES (?, ?, ?, ?)", (r[:4] for r in rows)
        )
        self.db.executemany("INSERT INTO sketches(article, data) VALUES (?, ?)", ((r[0], r[4]) for r in rows))
        self.db.executemany("INSERT INTO vectors(article, story) VALUES (?, ?)", ((r[0], r[5]) for r in rows))

    def terms(self, terms: Iterable[int]) -> dict[int, tuple[int, int]]:
        """term -> (df, kdf) for the known ones."""
        rows = self.select_in(
            "SELECT term, df, kdf FROM terms WHERE term IN ({marks})", sorted({int(t) for t in terms}), 900
        )
        return {t: (df, kdf) for t, df, kdf in rows}

    def update_terms(self, df: dict[int, int], kdf: dict[int, int]) -> None:
        """Add a batch's document frequencies (every term) and key frequencies (its keys)."""
        self.db.executemany(
            "INSERT INTO terms(term, df, kdf) VALUES (?, ?, ?) ON CONFLICT(term)"
            " DO UPDATE SET df = df + excluded.df, kdf = kdf + excluded.kdf",
            ((t, c, kdf.get(t, 0)) for t, c in sorted(df.items())),
        )

    def add_postings(self, keys: np.ndarray, articles: np.ndarray) -> None:
        """Append article numbers to the postings of terms: ``keys`` and ``articles`` are parallel, sorted
        by key, then article."""
        if not len(keys):
            return
        blocks = articles // POSTING_BLOCK
        # one row per (term, block): a batch's numbers are consecutive, so nearly always one per term
        starts = np.flatnonzero(np.r_[True, (np.diff(keys) != 0) | (np.diff(blocks) != 0)])
        data = articles.astype("<i4").tobytes()
        bounds = [*(4 * starts).tolist(), len(data)]
        self.db.executemany(
            "INSERT INTO postings(term, block, articles) VALUES (?, ?, ?) ON CONFLICT(term, block)"
            " DO UPDATE SET articles = CAST(articles || excluded.articles AS BLOB)",
            (
                (k, b, data[bounds[j] : bounds[j + 1]])
                for j, (k, b) in enumerate(zip(keys[starts].tolist(), blocks[starts].tolist(), strict=True))
            ),
        )

    def postings(self, terms: Iterable[int]) -> Postings:
        """Every article number indexed under each term (in indexing order)."""
        rows = list(
            self.select_in(
                "SELECT term, articles FROM postings WHERE term IN ({marks}) ORDER BY term, block",
                sorted({int(t) for t in terms}),
                900,
            )
        )
        keys = np.fromiter((r[0] for r in rows), np.int64, len(rows))
        sizes = np.fromiter((len(r[1]) for r in rows), np.int64, len(rows)) // 4
        keys, first = np.unique(keys, return_index=True)  # a term's blocks are consecutive rows
        sizes = np.add.reduceat(sizes, first) if len(rows) else sizes
        return Postings(keys, np.r_[0, np.cumsum(sizes)], np.frombuffer(b"".join(r[1] for r in rows), "<i4"))

    def key_weights(self, dim: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per article number (index = n): total index-key weight, number of stem keys, the ``dim``-wide
        int8 story vector (zeros for articles indexed before story vectors were kept) and the day it is
        known to exist by (``candidates.day_number``, int32; 0: no date)."""
        rows = self.db.execute("SELECT article, keyw, keyn FROM docs").fetchall()
        top = max((r[0] for r in rows), default=0)
        weights, counts = np.zeros(top + 1, np.float32), np.zeros(top + 1, np.uint8)
        vectors = np.zeros((top + 1, dim), np.int8)
        days = np.zeros(top + 1, np.int32)
        if rows:
            at = np.fromiter((r[0] for r in rows), np.int64, len(rows))
            weights[at] = np.fromiter((r[1] for r in rows), np.float32, len(rows))
            counts[at] = np.fromiter((min(255, r[2]) for r in rows), np.uint8, len(rows))
        for n, blob in self.db.execute("SELECT article, story FROM vectors"):
            if n <= top and len(blob) == dim:
                vectors[n] = np.frombuffer(blob, np.int8)
        for n, published, first_seen in self.db.execute(
            "SELECT n, published, first_seen FROM articles"
            " WHERE published IS NOT NULL OR first_seen IS NOT NULL"
        ):
            if n <= top:
                days[n] = day_number(published, first_seen)
        return weights, counts, vectors, days

    def records(self, numbers: Iterable[int], text: bool = True) -> dict[int, tuple[dict, bytes]]:
        """(article row, record blob) per article number; the row holds the text, or only its length
        (``text_len``) when ``text`` is False."""
        cols = (*ARTICLE_FIELDS, "text" if text else "text_len")
        select = ",".join("a." + c for c in ARTICLE_FIELDS) + (",a.text" if text else ",length(a.text)")
        sql = (
            f"SELECT {select}, d.record FROM articles a JOIN docs d ON d.article = a.n"
            " WHERE a.n IN ({marks})"
        )
        return {
            row[0]: (dict(zip(cols, row[:-1], strict=True)), row[-1])
            for row in self.select_in(sql, sorted(set(numbers)))
        }

    def sketches(self, numbers: Iterable[int]) -> dict[int, tuple[dict, bytes]]:
        """(article row: n, source and dates; sketch blob) per article number."""
        sql = (
            "SELECT a.n, a.source, a.published, a.first_seen, s.data FROM articles a"
            " JOIN sketches s ON s.article = a.n WHERE a.n IN ({marks})"
        )
        return {
            row[0]: (dict(zip(("n", "source", "published", "first_seen"), row[:4], strict=True)), row[4])
            for row in self.select_in(sql, sorted(set(numbers)))
        }

    def event_profiles(self) -> dict[int, Profile]:
        """Every article's ``events.Profile`` (id, sketch stems and names, date). Its stems are a copy (a
        view held the whole sketch) and a name is held once however many articles have it: at 100k
        articles these were about 3 KB an article."""
        out = {}
        names: dict[str, str] = {}
        for n, aid, pub, seen, blob in self.db.execute(
            "SELECT a.n, a.id, a.published, a.first_seen, s.data FROM articles a"
            " JOIN sketches s ON s.article = a.n"
        ):
            sketch = decode_sketch(blob)
            day, basis = profile_date(pub, seen)
            entities = frozenset(names.setdefault(e, e) for e in sketch.entities)
            out[n] = Profile(aid, sketch.stems.copy(), entities, day, basis)
        return out

    def stem_df(self) -> dict[int, int]:
        """Document frequency of every stem and name-pair hash."""
        return dict(self.db.execute("SELECT term, df FROM terms"))

    def semantic_vectors(self, numbers: Iterable[int]) -> dict[int, bytes]:
        """The stored contextual vectors (``semantic``) of those of ``numbers`` that have one."""
        return dict(
            self.select_in("SELECT article, vector FROM semantic WHERE article IN ({marks})", numbers)
        )

    def save_semantic_vectors(self, vectors: dict[int, bytes]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO semantic VALUES (?, ?)", vectors.items())

    def dates(self, numbers: Iterable[int]) -> dict[int, dict]:
        """Claimed and first-seen dates per article number."""
        rows = self.select_in(
            "SELECT n, published, first_seen FROM articles WHERE n IN ({marks})", sorted(set(numbers)), 900
        )
        return {n: {"published": pub, "first_seen": seen} for n, pub, seen in rows}

    # --- errors --------------------------------------------------------------------------------

    def add_error(self, locator: str, reason: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO errors VALUES (?, ?)", (locator, reason))
