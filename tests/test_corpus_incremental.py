"""Incremental indexing gives the index of one run: the same records added day after day, in any batches,
give what indexing them all at once gives, byte for byte (the CLI's stories JSON and JSONL export, the
articles and pairs tables). ``tests/test_engine_dask.py`` mixes the engines across the days.

Input: the real texts of tests/data/corpus (the seed pair, FRANK articles and summaries, SummEdits, ECB+
reports; see its README) as the first day and the one-article real texts of tests/data as the second, in
batches of six, so that a batch of the one-run index holds articles of both days."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import DATA
from wiretrace.corpus import Corpus

WIRETRACE = str(Path(sys.executable).with_name("wiretrace"))
DAY1 = [str(DATA / "corpus")]
DAY2 = sorted(str(p) for p in DATA.glob("*.txt"))
BATCH = 6
PARTS = ("stories", "jsonl", "articles", "pairs")


def snapshot(db: Path) -> dict:
    """Everything a user can read back: the CLI's stories JSON and JSONL export, and the stored tables."""
    out = {}
    for name, args in (
        ("stories", ["stories", "--format", "json"]),
        ("jsonl", ["export", "--format", "jsonl"]),
    ):
        r = subprocess.run(
            [WIRETRACE, *args, "--db", str(db), *(["-o", "/dev/stdout"] if name == "jsonl" else [])],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 0, r.stderr
        out[name] = r.stdout
    con = sqlite3.connect(db)
    out["articles"] = con.execute(
        "SELECT id, text_hash, title, source, published FROM articles ORDER BY n"
    ).fetchall()
    out["pairs"] = con.execute(
        "SELECT lo, hi, status, relation, src, dst, score, direction, credited, evidence FROM pairs"
        " ORDER BY hi, lo"
    ).fetchall()
    con.close()
    return out


def build(db: Path, days: list[list[str]], engines: list[str], client=None) -> dict:
    """Index each day in its own run, on its engine (``client``: the Dask client of the ``dask`` days)."""
    for day, engine in zip(days, engines, strict=True):
        with Corpus(db, workers=2, engine=engine, client=client if engine == "dask" else None) as corpus:
            report = corpus.add(day, batch=BATCH)
            assert report.indexed
    return snapshot(db)


def test_a_second_day_added_gives_the_index_of_both_days_at_once(tmp_path: Path) -> None:
    once = build(tmp_path / "once.wt", [DAY1 + DAY2], ["embedded"])
    days = build(tmp_path / "days.wt", [DAY1, DAY2], ["embedded", "embedded"])
    stories = json.loads(once["stories"])
    assert stories and any(e["relation"] == "rewrite" for s in stories for e in s["edges"])
    assert any(json.loads(row[-1]).get("explained") for row in once["pairs"])
    for part in PARTS:
        assert days[part] == once[part], part


def test_the_candidate_pairs_do_not_depend_on_the_batches(tmp_path: Path) -> None:
    """An article is keyed with the term counts of the articles before it and itself and looks up the
    articles before it, whatever the batch it came in: one article a batch, a few, or all at once give
    the same keys and candidate pairs."""
    tables = []
    for batch in (1, 5, 1024):
        with Corpus(tmp_path / f"b{batch}.wt", workers=1) as corpus:
            corpus.add(DAY1 + DAY2, batch=batch, verify=False)
            db = corpus.store.db
            tables.append(
                (
                    db.execute("SELECT lo, hi, channels FROM pairs ORDER BY hi, lo").fetchall(),
                    db.execute("SELECT article, keyw, keyn FROM docs ORDER BY article").fetchall(),
                    db.execute("SELECT term, df, kdf FROM terms ORDER BY term").fetchall(),
                )
            )
    assert len(tables[0][0]) > 40
    assert tables[0] == tables[1] == tables[2]
