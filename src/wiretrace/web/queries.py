"""Read-only queries the web UI needs over a corpus file (``wiretrace.corpus.store`` schema).

The corpus API (``Corpus``) holds one SQLite connection; a web server answers from many threads, so
reads here use one connection per thread, opened with ``PRAGMA query_only`` so no request can write
through them. WAL mode (set by the store) lets them read while an indexer writes.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import threading
import zlib
from collections import OrderedDict
from pathlib import Path

from ..clean import clean
from ..corpus.corpus import SITE_MIN_ARTICLES, SITE_MIN_SHARE
from ..corpus.store import refresh_edges
from ..corpus.stories import DERIVATION
from ..segment import split_spans

STORY_ID = re.compile(r"^st-[0-9a-f]{10}$")
# Article ids are the records' own ids (any text) or 16-hex hashes; anything printable up to 512
# characters is looked up (as a bound parameter), control characters are refused.
ARTICLE_ID = re.compile(r"^[^\x00-\x1f\x7f]{1,512}$")
SNIPPET_OPEN, SNIPPET_CLOSE = "\x02", "\x03"
MAX_QUERY_WORDS = 12


def valid_story_id(value: str) -> bool:
    return bool(STORY_ID.match(value or ""))


def valid_article_id(value: str) -> bool:
    return bool(ARTICLE_ID.match(value or ""))


def fts_query(text: str | None) -> str | None:
    """User words -> a safe FTS5 query: each word quoted (no operators, no syntax errors), all required,
    the last one as a prefix so a half-typed word still matches."""
    words = re.findall(r"\w+", text or "")[:MAX_QUERY_WORDS]
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


class Reader:
    """Read-only access to one corpus file from any thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._titles: OrderedDict[str, str | None] = OrderedDict()

    # --- plumbing --------------------------------------------------------------------------------

    @property
    def db(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
            con.execute("PRAGMA query_only = ON")
            con.execute("PRAGMA busy_timeout = 5000")
            self._local.con = con
            with self._lock:
                self._all.append(con)
        return con

    def close(self) -> None:
        with self._lock:
            for con in self._all:
                with contextlib.suppress(sqlite3.ProgrammingError):
                    con.close()
            self._all.clear()
        self._local = threading.local()

    def forget(self) -> None:
        """Drop cached derived values (after the corpus was written to)."""
        with self._lock:
            self._titles.clear()

    def _rows(self, sql: str, params: tuple | list = ()) -> list[dict]:
        cur = self.db.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    # --- corpus ----------------------------------------------------------------------------------

    def counts(self) -> dict:
        one = self.db.execute
        return {
            "articles": one("SELECT count(*) FROM articles").fetchone()[0],
            "stories": one("SELECT count(*) FROM stories").fetchone()[0],
            "pairs": one("SELECT count(*) FROM pairs WHERE status = 'done'").fetchone()[0],
        }

    def sites(self) -> list[dict]:
        return self._rows(
            "SELECT source AS site, count(*) AS articles FROM articles WHERE source IS NOT NULL"
            " GROUP BY source ORDER BY count(*) DESC, source"
        )

    # --- stories ---------------------------------------------------------------------------------

    def stories(
        self,
        q: str | None = None,
        site: str | None = None,
        since: str | None = None,
        until: str | None = None,
        min_size: int = 2,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[int, list[dict]]:
        """Stories newest first (latest article date, then size), filtered; (total, one page)."""
        where, params = ["s.size >= ?"], [min_size]
        if since:
            where.append("s.latest >= ?")
            params.append(since)
        if until:
            where.append("json_extract(s.data, '$.first_date') <= ?")
            params.append(until)
        if site:
            where.append(
                "s.id IN (SELECT m.story FROM story_members m JOIN articles a ON a.n = m.article"
                " WHERE a.source = ?)"
            )
            params.append(site)
        match = fts_query(q)
        if match:
            where.append(
                "s.id IN (SELECT m.story FROM articles_fts f JOIN story_members m ON m.article = f.rowid"
                " WHERE articles_fts MATCH ?)"
            )
            params.append(match)
        cond = " AND ".join(where)
        total = self.db.execute(f"SELECT count(*) FROM stories s WHERE {cond}", params).fetchone()[0]
        rows = self.db.execute(
            f"SELECT s.data FROM stories s WHERE {cond}"
            " ORDER BY s.latest IS NULL, s.latest DESC, s.size DESC, s.id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
        return int(total), [json.loads(r[0]) for r in rows]

    def story(self, story_id: str) -> dict | None:
        """One story by its id (``st-`` and 10 hex digits) or by the id of one of its articles."""
        row = self.db.execute("SELECT data FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            row = self.db.execute(
                "SELECT s.data FROM stories s JOIN story_members m ON m.story = s.id JOIN articles a"
                " ON a.n = m.article WHERE a.id = ?",
                (story_id,),
            ).fetchone()
        return json.loads(row[0]) if row else None

    def refresh_edges(self, story: dict) -> dict:
        """``store.refresh_edges``: the comparisons made since the story was built."""
        return refresh_edges(story, self.db)

    # --- articles --------------------------------------------------------------------------------

    def article(self, article_id: str) -> dict | None:
        rows = self._rows(
            "SELECT a.n, a.id, a.path, a.title, a.source, a.url, a.published, a.first_seen, a.credits,"
            " a.language, a.meta, a.text, m.story FROM articles a LEFT JOIN story_members m"
            " ON m.article = a.n WHERE a.id = ?",
            (article_id,),
        )
        if not rows:
            return None
        row = rows[0]
        row["credits"] = json.loads(row["credits"] or "[]")
        row["meta"] = json.loads(row["meta"]) if row["meta"] else {}
        return row

    def article_pairs(self, n: int) -> list[dict]:
        """Every verified pair the article is in, edge-shaped (``from`` is the source)."""
        rows = self._rows(
            "SELECT p.relation, p.score, p.b_from_a, p.credited, p.flags, p.added, p.direction,"
            " s.id AS src_id, d.id AS dst_id, s.title AS src_title, d.title AS dst_title,"
            " s.source AS src_source, d.source AS dst_source"
            " FROM pairs p JOIN articles s ON s.n = p.src JOIN articles d ON d.n = p.dst"
            " WHERE p.status = 'done' AND (p.lo = ? OR p.hi = ?) ORDER BY p.b_from_a DESC, s.id, d.id",
            (n, n),
        )
        return [
            {
                "from": r["src_id"],
                "to": r["dst_id"],
                "relation": r["relation"],
                "credited": None if r["credited"] is None else bool(r["credited"]),
                "b_from_a": r["b_from_a"],
                "score": r["score"],
                "flags": json.loads(r["flags"] or "{}"),
                "added": r["added"],
                "direction_known": r["direction"] == "compare",
                "from_source": r["src_source"],
                "to_source": r["dst_source"],
            }
            for r in rows
        ]

    def search_articles(
        self, q: str, site: str | None = None, limit: int = 20, offset: int = 0
    ) -> tuple[int, list[dict]]:
        """FTS5 over titles and texts, best first; snippets carry \\x02/\\x03 around the hits."""
        match = fts_query(q)
        if not match:
            return 0, []
        cond, params = "articles_fts MATCH ?", [match]
        if site:
            cond += " AND a.source = ?"
            params.append(site)
        base = f"FROM articles_fts f JOIN articles a ON a.n = f.rowid WHERE {cond}"
        total = self.db.execute(f"SELECT count(*) {base}", params).fetchone()[0]
        rows = self._rows(
            "SELECT a.id, a.title, a.source, a.published, a.first_seen,"
            f" (SELECT story FROM story_members WHERE article = a.n) AS story,"
            f" snippet(articles_fts, 1, '{SNIPPET_OPEN}', '{SNIPPET_CLOSE}', '…', 24) AS snippet"
            f" {base} ORDER BY bm25(articles_fts), a.id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return int(total), rows

    def rows_with_text(self, ids: list[str]) -> dict[str, dict]:
        """Store rows (as ``Corpus`` verification reads them) for the given article ids."""
        marks = ",".join("?" * len(ids))
        rows = self._rows(
            "SELECT n, id, path, title, source, url, published, first_seen, credits, language, text"
            f" FROM articles WHERE id IN ({marks})",
            ids,
        )
        return {r["id"]: r for r in rows}

    def site_boilerplate(self, site: str | None) -> frozenset[int]:
        """Line hashes that are boilerplate for ``site`` (the thresholds ``Corpus`` uses)."""
        if not site:
            return frozenset()
        row = self.db.execute("SELECT articles FROM sites WHERE site = ?", (site,)).fetchone()
        if not row:
            return frozenset()
        need = max(SITE_MIN_ARTICLES, SITE_MIN_SHARE * row[0])
        lines = self.db.execute("SELECT line FROM site_lines WHERE site = ? AND n >= ?", (site, need))
        return frozenset(r[0] for r in lines)

    # --- pairs -----------------------------------------------------------------------------------

    def pair_json(self, a_id: str, b_id: str) -> tuple[dict | None, str | None]:
        """(stored compare JSON or None, id of the verified source or None) for two articles. The JSON's
        ``a`` is the source; a verified pair whose full comparison was not stored yet has no JSON but
        a known source (the index computes those comparisons lazily)."""
        row = self.db.execute(
            "SELECT p.compare_json, s.id FROM pairs p JOIN articles x ON x.id = ? JOIN articles y ON y.id = ?"
            " LEFT JOIN articles s ON s.n = p.src"
            " WHERE p.lo = min(x.n, y.n) AND p.hi = max(x.n, y.n) AND p.status = 'done'",
            (a_id, b_id),
        ).fetchone()
        if row is None:
            return None, None
        return (json.loads(zlib.decompress(row[0])) if row[0] else None), row[1]

    # --- display helpers -------------------------------------------------------------------------

    def display_title(self, article_id: str) -> str | None:
        """The article's title, else its first story sentence (shortened): what a list shows."""
        with self._lock:
            if article_id in self._titles:
                self._titles.move_to_end(article_id)
                return self._titles[article_id]
        row = self.db.execute(
            "SELECT title, substr(text, 1, 4000) FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        title = None
        if row:
            title = row[0] or lede(row[1] or "")
        with self._lock:
            self._titles[article_id] = title
            if len(self._titles) > 4096:
                self._titles.popitem(last=False)
        return title


def lede(text: str, limit: int = 140) -> str | None:
    """The first headline line or story sentence of a text, cut at a word boundary."""
    blocks, _ = clean(text)
    for b in blocks:
        if b.kind == "headline":
            return shorten(text[b.start : b.end], limit)
        if b.kind == "body":
            for s, e in split_spans(text, b.start, b.end):
                return shorten(text[s:e], limit)
    return None


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:-–— ") + "…"


def story_summary(story: dict) -> dict:
    """What the stories list shows beside a story: who it is by, its dates and two shares of members,
    those that reuse a wire-credited text without credit and those that add unsupported sentences."""
    incoming: dict[str, list[dict]] = {}
    for e in story.get("edges") or []:
        if e.get("relation") in DERIVATION:
            incoming.setdefault(e["to"], []).append(e)
    members = story.get("articles") or []
    uncredited = sum(any(e.get("credited") is False for e in incoming.get(a["id"], [])) for a in members)
    adds = sum(any(int(e.get("added") or 0) > 0 for e in incoming.get(a["id"], [])) for a in members)
    size = max(1, len(members))
    sites = list(dict.fromkeys(a.get("source") or "(unknown site)" for a in members))
    original = next((a for a in members if a["id"] in (story.get("original") or [])), None)
    return {
        "sites": sites,
        "derived": sum(a.get("role") in DERIVATION for a in members),
        "uncredited": uncredited,
        "uncredited_share": round(uncredited / size, 3),
        "adds_claims": adds,
        "adds_claims_share": round(adds / size, 3),
        "dates_uncertain": any(a.get("date_basis") != "published" for a in members),
        "lead": (original or (members[0] if members else {})).get("id"),
    }
