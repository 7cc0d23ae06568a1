"""Per-site line counts in the corpus file: which lines a site repeats across its articles (menus,
footers, "Follow us" prompts) and so are that site's boilerplate, not story text (``verify.
mark_site_boilerplate`` reads them). A mixin of ``store.Store``: the tables are in its schema
(``sites``, ``site_lines``, ``lines_pending``, ``site_marks``) and the methods use its connection.

A site's boilerplate is learned from all its articles, so it moves as articles are added: a footer seen
on two pages is story text, on the third it is the site's boilerplate; a line on 3 of 10 pages stops
being boilerplate when ten more pages come without it. ``site_marks`` keeps the lines each site's
verified pairs were judged with; when they change, ``requeue_boilerplate_changes`` sends the pairs of
the site's articles that have a story sentence on a changed line back to verification (those dropped
as unrelated too, kept in ``dropped`` for this): every pair ends judged with the site's boilerplate of
now, as in one run of all the days."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator

import numpy as np

from .fingerprint import decode_sketch


class SiteLines:
    """Site-line counting on ``self.db`` (``Store`` provides it and ``select_in``)."""

    db: sqlite3.Connection
    select_in: Callable[..., Iterator[tuple]]
    sketches: Callable[[Iterable[int]], dict[int, tuple[dict, bytes]]]
    requeue_pairs: Callable[[list[int]], int]

    def add_site_lines_batch(self, items: list[tuple[str, Iterable[tuple[int, str]]]]) -> None:
        """Site-line counts of many articles, (site, its distinct lines) each, added in one pass."""
        sites: dict[str, int] = {}
        lines: dict[tuple[str, int], list] = {}
        for site, article_lines in items:
            sites[site] = sites.get(site, 0) + 1
            for h, text in article_lines:
                entry = lines.setdefault((site, h), [0, text])
                entry[0] += 1
        self.db.executemany(
            "INSERT INTO sites VALUES (?, ?) ON CONFLICT(site)"
            " DO UPDATE SET articles = articles + excluded.articles",
            sorted(sites.items()),
        )
        # A line's text is kept once it repeats (only repeated lines can be boilerplate; most lines are
        # story text seen once, and storing them all would double the article text on disk).
        self.db.executemany(
            "INSERT INTO site_lines VALUES (?, ?, ?, ?) ON CONFLICT(site, line)"
            " DO UPDATE SET n = n + excluded.n, text = coalesce(text, ?)",
            ((site, h, c, text if c > 1 else None, text) for (site, h), (c, text) in sorted(lines.items())),
        )

    def lines_pending(self, limit: int) -> list[tuple[int, str | None, str]]:
        """(n, site, text) of up to ``limit`` articles whose lines are not counted yet (``lines_pending``)."""
        return self.db.execute(
            "SELECT a.n, a.source, a.text FROM lines_pending p JOIN articles a ON a.n = p.article"
            " ORDER BY p.article LIMIT ?",
            (limit,),
        ).fetchall()

    def add_lines_pending(self, numbers: list[int]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO lines_pending VALUES (?)", ((n,) for n in numbers))

    def count_lines(self, items: list[tuple[int, str | None, tuple[tuple[int, str], ...]]]) -> None:
        """Add the lines of articles (n, site, distinct lines) to their sites' counts and take them out of
        ``lines_pending``; an article no longer there was counted already (by another process)."""
        sql = "SELECT article FROM lines_pending WHERE article IN ({marks})"
        still = {n for (n,) in self.select_in(sql, [n for n, _, _ in items])}
        items = [item for item in items if item[0] in still]
        self.add_site_lines_batch([(site, lines) for _, site, lines in items if site])
        self.db.executemany("DELETE FROM lines_pending WHERE article = ?", ((n,) for n, _, _ in items))

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

    def requeue_boilerplate_changes(self, min_articles: int, min_share: float) -> int:
        """Queue again the verified and dropped pairs of every article that has a body sentence on a line
        whose boilerplate status changed since its site's pairs were last verified, and record each
        changed site's lines now (inside the caller's transaction); returns how many pairs were queued.
        Only sites whose article count moved can have changed, and only articles up to the last one in a
        verified pair can have verified pairs."""
        last = self.db.execute(
            "SELECT max(coalesce((SELECT max(hi) FROM pairs WHERE status = 'done'), 0),"
            " coalesce((SELECT max(hi) FROM dropped), 0))"
        ).fetchone()[0]
        moved = self.db.execute(
            "SELECT s.site, s.articles, m.lines FROM sites s LEFT JOIN site_marks m ON m.site = s.site"
            " WHERE m.articles IS NULL OR m.articles != s.articles ORDER BY s.site"
        ).fetchall()
        queued = 0
        for site, articles, blob in moved:
            now = np.unique(np.fromiter(self.site_boilerplate(site, min_articles, min_share), np.int64))
            then = np.frombuffer(blob, np.int64) if blob else np.zeros(0, np.int64)
            changed = np.setxor1d(now, then)
            if len(changed) and last:
                numbers = [
                    n
                    for (n,) in self.db.execute(
                        "SELECT n FROM articles WHERE source = ? AND n <= ? ORDER BY n", (site, last)
                    )
                ]
                hit = [
                    n
                    for n, (_, blob_) in self.sketches(numbers).items()
                    if np.isin(decode_sketch(blob_).body_lines, changed).any()
                ]
                queued += self.requeue_pairs(sorted(hit))
            self.db.execute(
                "INSERT OR REPLACE INTO site_marks VALUES (?, ?, ?)", (site, articles, now.tobytes())
            )
        return queued
