"""Incremental indexing gives the index of one run: the same records added day after day give what
indexing them all at once gives, byte for byte (the CLI's stories JSON and JSONL export, the articles and
pairs tables), wherever the two builds propose the same candidate pairs (docs/corpus.md, "Day by day and
at once": a day boundary inside a batch of the one-run build can change them; on these texts it does
not). ``tests/test_engine_dask.py`` mixes the engines across the days.

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
    first = build(tmp_path / "days.wt", [DAY1], ["embedded"])
    days = build(tmp_path / "days.wt", [DAY2], ["embedded"])
    stories = json.loads(once["stories"])
    assert stories and any(e["relation"] == "rewrite" for s in stories for e in s["edges"])
    # the first day's derivation pairs were verified with its own idf: the second day changes their figures
    figures = {row[:2]: json.loads(row[-1]).get("explained") for row in days["pairs"]}
    assert any(figures[row[:2]] != json.loads(row[-1]).get("explained") for row in first["pairs"])
    for part in PARTS:
        assert days[part] == once[part], part


# A line a site prints under every article (as in tests/test_corpus_stories.py): a site's repeated lines are
# its boilerplate once they are on at least 3 of its articles and 30% of them.
FOOTER = "Follow our newsroom on social media for the latest updates from around the region"


def site_day(folder: Path, name: str, files: list[str], footer: bool) -> str:
    """One day of one.example: the real texts of ``files`` (in tests/data), with the site's footer or not."""
    path = folder / f"{name}.jsonl"
    rows = [
        {
            "id": Path(f).stem,
            "text": (DATA / f).read_text(encoding="utf-8").strip() + (f"\n{FOOTER}" if footer else ""),
            "series": "one.example",
        }
        for f in files
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def pairs_by_id(db: Path) -> dict[tuple[str, str], tuple]:
    con = sqlite3.connect(db)
    ids = dict(con.execute("SELECT n, id FROM articles"))
    rows = con.execute("SELECT lo, hi, relation, score, evidence FROM pairs WHERE status = 'done'").fetchall()
    con.close()
    return {(ids[lo], ids[hi]): rest for lo, hi, *rest in rows}


def test_a_line_that_becomes_site_boilerplate_on_the_second_day_reverifies_the_first(tmp_path: Path) -> None:
    # day 1: the AP story and its rewrite, the footer on both (two articles: not boilerplate yet); day 2: two
    # more of the site's articles with it, and the footer is the site's boilerplate
    day1 = site_day(tmp_path, "d1", ["seed_ap.txt", "seed_rewrite.txt"], footer=True)
    day2 = site_day(tmp_path, "d2", ["ecb_1_1ecb.txt", "ecb_3_1ecbplus.txt"], footer=True)
    once = build(tmp_path / "once.wt", [[day1, day2]], ["embedded"])
    with Corpus(tmp_path / "days.wt", workers=1) as corpus:
        corpus.add([day1], batch=BATCH)
        first = pairs_by_id(tmp_path / "days.wt")[("seed_ap", "seed_rewrite")]
        corpus.add([day2], batch=BATCH)
        assert FOOTER in corpus.store.site_boilerplate("one.example", 3, 0.3).values()
    days = snapshot(tmp_path / "days.wt")
    final = pairs_by_id(tmp_path / "once.wt")[("seed_ap", "seed_rewrite")]
    assert first[0] == final[0] == "rewrite" and first != final  # the footer no longer counts as shared
    for part in PARTS:
        assert days[part] == once[part], part


def test_a_line_no_longer_site_boilerplate_brings_back_a_pair_the_first_day_dropped(tmp_path: Path) -> None:
    # day 1: three of the site's articles with the footer (its boilerplate): two Reuters dividend notices
    # that share little else are unrelated; day 2: eight more without it (3 of 11: not boilerplate), and
    # the two notices share the footer's words too
    dividends = ["reuters_dividend_lawson.txt", "reuters_dividend_ohio_art.txt"]
    day1 = site_day(tmp_path, "d1", [*dividends, "ecb_1_1ecb.txt"], footer=True)
    rest = [
        *(f"reuters_{k}.txt" for k in ("crude_unocal", "crude_usx", "template_wang", "template_xidex")),
        *(f"reuters_update_{k}.txt" for k in (1, 2)),
        *(f"ecb_1_{k}ecbplus.txt" for k in (10, 17)),
    ]
    day2 = site_day(tmp_path, "d2", rest, footer=False)
    once = build(tmp_path / "once.wt", [[day1, day2]], ["embedded"])
    with Corpus(tmp_path / "days.wt", workers=1) as corpus:
        corpus.add([day1], batch=BATCH)
        pair = tuple(Path(f).stem for f in dividends)
        assert pair not in pairs_by_id(tmp_path / "days.wt")
        corpus.add([day2], batch=BATCH)
        assert not corpus.store.site_boilerplate("one.example", 3, 0.3)
    days = snapshot(tmp_path / "days.wt")
    assert pair in pairs_by_id(tmp_path / "once.wt")
    for part in PARTS:
        assert days[part] == once[part], part
