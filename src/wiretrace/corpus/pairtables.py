"""The candidate and verified pairs in the corpus file (``pairs``, ``dropped``): queued, judged, queued
again, diffed, and read back as story edges. A mixin of ``store.Store``: the tables are in its schema
and the methods use its connection (as ``sitelines.SiteLines``)."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable, Iterator

from .stories import DERIVATION


class PairTables:
    """Pair bookkeeping on ``self.db`` (``Store`` provides it and ``select_in``)."""

    db: sqlite3.Connection
    select_in: Callable[..., Iterator[tuple]]

    def add_candidates(self, pairs: dict[tuple[int, int], set[str]]) -> int:
        cur = self.db.executemany(
            "INSERT OR IGNORE INTO pairs(lo, hi, status, channels) VALUES (?, ?, 'pending', ?)",
            (  # in key order (hi, lo): the batch's pairs are appended at the end of the tree
                (lo, hi, ",".join(sorted(ch)))
                for (lo, hi), ch in sorted(pairs.items(), key=lambda item: item[0][::-1])
            ),
        )
        return cur.rowcount

    def pending_after(self, after: tuple[int, int], limit: int) -> list[tuple[int, int]]:
        """Pending (lo, hi) pairs after the pair ``after``, in primary-key order (hi, then lo): one pass over
        the key, however many."""
        return self.db.execute(
            "SELECT lo, hi FROM pairs WHERE (hi, lo) > (?, ?) AND status = 'pending' ORDER BY hi, lo LIMIT ?",
            (after[1], after[0], limit),
        ).fetchall()

    def save_results(self, results: list[tuple[int, int, dict | None]]) -> None:
        """Store verified pairs (relation, shares, direction, credit, evidence) and move unrelated ones
        (most candidate pairs) to ``dropped``."""
        unrelated = [(lo, hi) for lo, hi, r in results if r is None]
        self.db.executemany(
            "INSERT OR IGNORE INTO dropped SELECT hi, lo, channels FROM pairs WHERE lo = ? AND hi = ?",
            unrelated,
        )
        self.db.executemany("DELETE FROM pairs WHERE lo = ? AND hi = ?", unrelated)
        self.db.executemany(
            "UPDATE pairs SET status='done', src=?, dst=?, relation=?, score=?, b_from_a=?, a_from_b=?,"
            " direction=?, confidence=?, credited=?, evidence=? WHERE lo = ? AND hi = ?",
            [
                (
                    r["src"],
                    r["dst"],
                    r["relation"],
                    r["score"],
                    r["b_from_a"],
                    r["a_from_b"],
                    r["direction"],
                    r["confidence"],
                    r["credited"],
                    json.dumps(r.get("evidence") or {}),
                    lo,
                    hi,
                )
                for lo, hi, r in results
                if r is not None
            ],
        )

    def has_derivation(self) -> bool:
        """Whether any verified pair is a copy or rewrite."""
        marks = ",".join("?" * len(DERIVATION))
        sql = f"SELECT EXISTS(SELECT 1 FROM pairs WHERE status = 'done' AND relation IN ({marks}))"
        return bool(self.db.execute(sql, DERIVATION).fetchone()[0])

    def derivation_evidence(self) -> list[tuple[int, int, int, int, bytes | None]]:
        """(lo, hi, src, dst, evidence JSON) of every verified copy or rewrite, in key order."""
        marks = ",".join("?" * len(DERIVATION))
        return self.db.execute(
            "SELECT lo, hi, src, dst, evidence FROM pairs WHERE status = 'done'"
            f" AND relation IN ({marks}) ORDER BY hi, lo",
            DERIVATION,
        ).fetchall()

    def update_evidence(self, rows: list[tuple[str, int, int]]) -> None:
        """Store (evidence JSON, lo, hi) for pairs already verified."""
        self.db.executemany("UPDATE pairs SET evidence = ? WHERE lo = ? AND hi = ?", rows)

    def requeue_pairs(self, numbers: list[int]) -> int:
        """Send every verified or dropped pair of the articles ``numbers`` back to verification, as new
        candidates (their results and diffs gone); returns how many."""
        if not numbers:
            return 0
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS requeue(n INTEGER PRIMARY KEY)")
        self.db.execute("DELETE FROM requeue")
        self.db.executemany("INSERT OR IGNORE INTO requeue VALUES (?)", ((n,) for n in numbers))
        touching = "(lo IN (SELECT n FROM requeue) OR hi IN (SELECT n FROM requeue))"
        done = self.db.execute(
            "UPDATE pairs SET status = 'pending', src = NULL, dst = NULL, relation = NULL, score = NULL,"
            " b_from_a = NULL, a_from_b = NULL, direction = NULL, confidence = NULL, credited = NULL,"
            " flags = NULL, added = NULL, findings = NULL, evidence = NULL, compare_json = NULL"
            f" WHERE status = 'done' AND {touching}"
        ).rowcount
        back = self.db.execute(
            f"INSERT INTO pairs(lo, hi, status, channels) SELECT lo, hi, 'pending', channels FROM dropped"
            f" WHERE {touching}"
        ).rowcount
        self.db.execute(f"DELETE FROM dropped WHERE {touching}")
        return done + back

    def save_diff(self, lo: int, hi: int, diff: dict) -> None:
        """Store the full comparison of a verified pair (and what it refines: orientation, credit)."""
        blob = zlib.compress(json.dumps(diff["compare"], ensure_ascii=False).encode(), 6)
        self.db.execute(
            "UPDATE pairs SET src=?, dst=?, score=?, b_from_a=?, a_from_b=?, direction=?, confidence=?,"
            " credited=?, flags=?, added=?, findings=?, evidence=?, compare_json=? WHERE lo = ? AND hi = ?",
            (
                diff["src"],
                diff["dst"],
                diff["score"],
                diff["b_from_a"],
                diff["a_from_b"],
                diff["direction"],
                diff["confidence"],
                diff["credited"],
                json.dumps(diff["flags"]),
                diff["added"],
                json.dumps(diff["findings"]),
                json.dumps(diff["evidence"]),
                blob,
                lo,
                hi,
            ),
        )

    def pair_row(self, a: int, b: int) -> dict | None:
        cur = self.db.execute("SELECT * FROM pairs WHERE lo = ? AND hi = ?", (min(a, b), max(a, b)))
        row = cur.fetchone()
        if row is None:
            return None
        out = dict(zip([d[0] for d in cur.description], row, strict=True))
        out["evidence"] = json.loads(out["evidence"] or "{}")
        return out

    def without_diff(self, limit: int) -> list[tuple[int, int]]:
        return self.db.execute(
            "SELECT lo, hi FROM pairs WHERE status = 'done' AND compare_json IS NULL ORDER BY hi, lo LIMIT ?",
            (limit,),
        ).fetchall()

    EDGE_COLUMNS = (
        "lo, hi, src, dst, relation, score, b_from_a, a_from_b, direction, confidence, credited, flags,"
        " added, evidence, channels"
    )

    def _edge_rows(self, cur) -> list[dict]:
        cols = [d[0] for d in cur.description]
        out = []
        for row in cur:
            e = dict(zip(cols, row, strict=True))
            e["flags"] = json.loads(e["flags"]) if e["flags"] else {}
            e["evidence"] = json.loads(e["evidence"] or "{}")
            out.append(e)
        return out

    def edges(self, relations: tuple[str, ...] | None = None) -> list[dict]:
        """Verified pairs (all, or of the given relations), in (lo, hi) order."""
        if relations is None:
            cur = self.db.execute(
                f"SELECT {self.EDGE_COLUMNS} FROM pairs WHERE status = 'done' ORDER BY lo, hi"
            )
        else:
            marks = ",".join("?" * len(relations))
            cur = self.db.execute(
                f"SELECT {self.EDGE_COLUMNS} FROM pairs WHERE status = 'done' AND relation IN ({marks})"
                " ORDER BY lo, hi",
                relations,
            )
        return self._edge_rows(cur)

    def same_event_pairs(self) -> list[tuple[int, int]]:
        """(src, dst) of every same_event pair, strongest first: what story membership needs, without
        the rows."""
        return self.db.execute(
            "SELECT src, dst FROM pairs WHERE status = 'done' AND relation = 'same_event'"
            " ORDER BY score DESC, lo, hi"
        ).fetchall()

    def same_event_edges(self, pairs: list[tuple[int, int]]) -> list[dict]:
        """The rows of the given same_event pairs (as (src, dst))."""
        out = []
        keys = sorted((min(a, b), max(a, b)) for a, b in pairs)
        for i in range(0, len(keys), 400):
            chunk = keys[i : i + 400]
            cond = " OR ".join("(lo = ? AND hi = ?)" for _ in chunk)
            cur = self.db.execute(
                f"SELECT {self.EDGE_COLUMNS} FROM pairs WHERE {cond}", [x for k in chunk for x in k]
            )
            out.extend(self._edge_rows(cur))
        return out

    def compare_json(self, a: int, b: int) -> dict | None:
        row = self.db.execute(
            "SELECT compare_json FROM pairs WHERE lo = ? AND hi = ?", (min(a, b), max(a, b))
        ).fetchone()
        return json.loads(zlib.decompress(row[0])) if row and row[0] else None
