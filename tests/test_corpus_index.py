"""Corpus mode end to end on real texts (tests/data/corpus: seed pair, FRANK, SummEdits, ECB+)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import wiretrace
from conftest import DATA
from test_corpus_readers import write_warc
from wiretrace.cli import main

CORPUS = DATA / "corpus"
JSONL = CORPUS / "corpus.jsonl"


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> tuple[Path, wiretrace.Corpus, object]:
    db = tmp_path_factory.mktemp("corpus") / "corpus.wt"
    corpus = wiretrace.Corpus(db)
    report = corpus.add([JSONL])
    return db, corpus, report


def story_of(corpus, article_id: str) -> dict:
    story = corpus.story(article_id)
    assert story is not None, f"{article_id} is in no story"
    return story


def roles(story: dict) -> dict[str, str]:
    return {a["id"]: a["role"] for a in story["articles"]}


def test_every_record_is_indexed(indexed):
    _, _, report = indexed
    assert report.indexed == len(JSONL.read_text().splitlines())
    assert report.failed == [] and report.duplicates == 0


def test_the_ap_story_is_the_original_and_the_rewrite_derives_from_it(indexed):
    _, corpus, _ = indexed
    story = story_of(corpus, "seed-rewrite")
    assert story["original"] == ["seed-ap"]
    assert roles(story)["seed-ap"] == "original"
    assert roles(story)["seed-rewrite"] in ("rewrite", "copy")
    edge = next(e for e in story["edges"] if e["to"] == "seed-rewrite")
    assert edge["from"] == "seed-ap" and edge["relation"] == "rewrite"


def test_the_rewrite_is_uncredited_reuse_of_the_ap_story(indexed):
    _, corpus, _ = indexed
    edge = next(e for e in story_of(corpus, "seed-ap")["edges"] if e["to"] == "seed-rewrite")
    assert edge["credited"] is False


def test_a_small_index_run_stores_stories_with_the_claim_level_diff(indexed):
    """A run that adds few edges compares them in full before it builds the stories, so the stored story
    and the per-site summary already show what the rewrite invented (the seed rewrite adds two claims)."""
    _, corpus, report = indexed
    assert report.diffs == report.edges > 0
    edge = next(e for e in story_of(corpus, "seed-ap")["edges"] if e["to"] == "seed-rewrite")
    assert edge["added"] == 2
    assert edge["flags"]["quote_fabricated"] >= 1 and edge["flags"]["hedge_removed"] >= 1
    farm = next(row for row in corpus.sites() if row["site"] == "content-farm")
    assert farm["added_sentences"] >= 2 and farm["uncredited"] == 1


def test_summaries_are_derived_from_their_article(indexed):
    _, corpus, _ = indexed
    records = [json.loads(line) for line in JSONL.read_text().splitlines()]
    for r in records:
        if str(r.get("derived_from", "")).startswith("summedits") or r.get("series") == "summary-bart":
            story = story_of(corpus, r["id"])
            assert roles(story)[r["id"]] in ("rewrite", "copy"), r["id"]
            assert len(story["original"]) == 1


def test_each_summary_keeps_one_source_its_own_article(indexed):
    _, corpus, _ = indexed
    records = [json.loads(line) for line in JSONL.read_text().splitlines()]
    article_of = {r["frank_hash"]: r["url"] for r in records if r.get("frank_hash")}
    id_of_url = dict(corpus.store.db.execute("SELECT url, id FROM articles WHERE url IS NOT NULL"))
    for r in records:
        if not r.get("derived_from"):
            continue
        source = r["derived_from"]  # an id, or the hash of a FRANK article (stored under its own id)
        source = id_of_url[article_of[source]] if source in article_of else source
        story = story_of(corpus, r["id"])
        incoming = [e for e in story["edges"] if e["to"] == r["id"] and e["relation"] in ("copy", "rewrite")]
        assert [e["from"] for e in incoming] == [source], r["id"]
        assert incoming[0]["cosine"] > 0
    # a crime report that shares a third of one summary's rare words is never its source: the relation
    # calls the pair independent (a different subject), or the story leaves it out for a better source
    summary = "summedits-63f9455b8d931ba6e664fb85-consistent"
    story = story_of(corpus, summary)
    assert "ecb-3_1ecb" not in {e["from"] for e in story["edges"] if e["to"] == summary}
    left_out = {e["from"]: e["reason"] for e in story["dropped_edges"]}
    assert left_out.get("ecb-3_1ecb", "a better source") == "a better source"


def test_same_event_reports_link_as_same_event_not_derivation(indexed):
    _, corpus, _ = indexed
    ecb = ["ecb-1_1ecb", "ecb-1_2ecb", "ecb-1_3ecb", "ecb-1_4ecb"]
    story = story_of(corpus, ecb[0])
    members = roles(story)
    assert set(ecb) <= set(members)
    assert all(members[i] == "same_event" for i in ecb)
    inside = [e for e in story["edges"] if e["from"] in ecb and e["to"] in ecb]
    assert inside and all(e["relation"] == "same_event" for e in inside)


def test_unrelated_events_are_separate_stories(indexed):
    _, corpus, _ = indexed
    assert story_of(corpus, "ecb-1_1ecb")["id"] != story_of(corpus, "ecb-3_1ecb")["id"]
    assert story_of(corpus, "seed-ap")["id"] != story_of(corpus, "ecb-1_1ecb")["id"]


def test_stories_json_has_the_documented_shape(indexed, capsys):
    db, _, _ = indexed
    assert main(["stories", "--db", str(db), "--format", "json"]) == 0
    stories = json.loads(capsys.readouterr().out)
    assert stories and set(stories[0]) == {
        "id",
        "size",
        "label",
        "time_span",
        "original",
        "articles",
        "edges",
    }
    for s in stories:
        assert s["size"] == len(s["articles"]) >= 2
        assert s["label"]["article"] in {a["id"] for a in s["articles"]}
        assert s["time_span"]["basis"] in ("published", "first_seen", "unknown")
        dates = [a["published"] or (a["first_seen"] or "")[:10] or "9999" for a in s["articles"]]
        assert dates == sorted(dates)  # members by date
        for a in s["articles"]:
            assert {"id", "path", "title", "source", "published", "role"} <= set(a)
            assert a["role"] in ("original", "copy", "rewrite", "same_event")
        for e in s["edges"]:
            assert {"from", "to", "relation", "credited", "b_from_a"} <= set(e)
    ap = next(a for s in stories for a in s["articles"] if a["id"] == "seed-ap")
    assert ap["path"].endswith("corpus.jsonl#1") and ap["published"] is None


def test_search_finds_the_rewrite_of_the_ap_story(indexed, capsys):
    db, _, _ = indexed
    assert main(["search", str(DATA / "seed_ap.txt"), "--db", str(db), "--format", "json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    rewrite = next(h for h in hits if h["id"] == "seed-rewrite")
    assert rewrite["relation"] == "rewrite"
    assert rewrite["b_from_a"] > 0.5
    assert rewrite["flags"].get("quote_fabricated", 0) >= 1
    assert {"id", "path", "relation", "b_from_a", "flags"} <= set(rewrite)
    assert not any(h["id"].startswith("ecb-") for h in hits)


def test_search_does_not_add_to_the_index(indexed):
    _, corpus, _ = indexed
    before = corpus.store.count()
    corpus.search(DATA / "seed_rewrite.txt")
    assert corpus.store.count() == before


def test_reindexing_is_a_no_op(indexed):
    _, corpus, _ = indexed
    tables = ("articles", "docs", "sketches", "terms", "postings", "pairs", "stories")
    before = {t: corpus.store.count(t) for t in tables}
    report = corpus.add([JSONL])
    assert report.indexed == 0 and report.duplicates == before["articles"]
    assert {t: corpus.store.count(t) for t in tables} == before


def test_show_writes_a_self_contained_page_and_a_pair_diff(indexed, tmp_path):
    db, corpus, _ = indexed
    story = story_of(corpus, "seed-ap")
    page = tmp_path / "story.html"
    assert main(["show", story["id"], "--db", str(db), "--format", "html", "-o", str(page)]) == 0
    html = page.read_text()
    assert "seed-rewrite" in html and "uncredited reuse" in html and "<script src" not in html
    diff = tmp_path / "pair.html"
    args = [
        "show",
        story["id"],
        "--db",
        str(db),
        "--pair",
        "seed-ap",
        "seed-rewrite",
        "-f",
        "html",
        "-o",
        str(diff),
    ]
    assert main(args) == 0
    assert "quote" in diff.read_text().lower()


def test_sites_lists_who_copies_and_who_adds_claims(indexed, capsys):
    db, _, _ = indexed
    assert main(["sites", "--db", str(db), "--format", "json"]) == 0
    rows = {r["site"]: r for r in json.loads(capsys.readouterr().out)}
    farm = rows["content-farm"]
    assert (farm["rewrites"], farm["uncredited"], farm["added_sentences"], farm["compared"]) == (1, 1, 2, 1)
    assert rows["wire"]["originals"] == 1 and rows["wire"]["copied_by_others"] == 1
    assert main(["sites", "--db", str(db)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["site", "articles", "originals"]
    assert next(line for line in table if line.startswith("content-farm")).split()[1:8] == [
        "1", "0", "0", "1", "1", "2", "1"
    ]  # fmt: skip


def test_show_counts_the_claims_it_compares_without_a_rebuild(tmp_path, capsys):
    """A large run leaves the claim-level diffs for later: the per-site summary says none is compared yet,
    and once ``show`` compares the story's pairs, the summary and the story's edges carry them."""
    db = tmp_path / "later.wt"
    corpus = wiretrace.Corpus(db)
    corpus.add([JSONL], diffs=False)
    farm = next(r for r in corpus.sites() if r["site"] == "content-farm")
    assert (farm["rewrites"], farm["added_sentences"], farm["compared"]) == (1, 0, 0)
    story = story_of(corpus, "seed-rewrite")
    assert main(["show", story["id"], "--db", str(db), "--format", "md"]) == 0
    page = capsys.readouterr().out
    assert "## Per site" in page
    assert "| content-farm | 1 | 0 | 0 | 1 | 1 | 2 | 1 | 0 |" in page
    assert "quote fabricated" in page
    farm = next(r for r in corpus.sites() if r["site"] == "content-farm")
    assert (farm["added_sentences"], farm["compared"]) == (2, 1)
    edge = next(e for e in story_of(corpus, "seed-rewrite")["edges"] if e["to"] == "seed-rewrite")
    assert edge["added"] == 2 and edge["flags"]["quote_fabricated"] >= 1


def test_show_escapes_article_text(tmp_path):
    ap = (DATA / "seed_ap.txt").read_text(encoding="utf-8")
    rw = (DATA / "seed_rewrite.txt").read_text(encoding="utf-8")
    rw = rw.replace(
        "Kim Jong Un Orders Artillery Surge as North Korea Arms Russia",
        "Kim Orders <script>alert(1)</script> Surge",
        1,
    )
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ap, encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text(rw, encoding="utf-8")
    db = tmp_path / "x.wt"
    assert main(["index", str(tmp_path / "in"), "--db", str(db), "-q"]) == 0
    story = wiretrace.Corpus(db).stories()[0]
    out = tmp_path / "s.html"
    assert main(["show", story["id"], "--db", str(db), "-f", "html", "-o", str(out)]) == 0
    html = out.read_text()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_csv_cells_a_spreadsheet_would_run_are_kept_as_text(tmp_path):
    """A scraped title or site name that starts like a formula reaches CSV with a leading apostrophe."""
    formula = '=HYPERLINK("http://evil.example","Kim Orders Artillery Surge")'
    ap = (DATA / "seed_ap.txt").read_text(encoding="utf-8")
    rw = (DATA / "seed_rewrite.txt").read_text(encoding="utf-8")
    records = [
        {"id": "ap", "title": "Kim orders artillery surge", "text": ap, "source": "wire"},
        {"id": "rw", "title": formula, "text": rw, "source": "+farm.example"},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "x.wt"
    assert main(["index", str(src), "--db", str(db), "-q"]) == 0
    out = tmp_path / "stories.csv"
    assert main(["export", "--db", str(db), "--format", "csv", "-o", str(out)]) == 0
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out.read_text()))}
    assert rows["rw"]["title"] == "'" + formula and rows["rw"]["source"] == "'+farm.example"
    assert rows["ap"]["title"] == "Kim orders artillery surge" and rows["rw"]["b_from_a"] != ""
    sites = tmp_path / "sites.csv"
    assert main(["sites", "--db", str(db), "--format", "csv", "-o", str(sites)]) == 0
    by_site = {r["site"]: r for r in csv.DictReader(io.StringIO(sites.read_text()))}
    assert by_site["'+farm.example"]["rewrites"] == "1" and by_site["wire"]["copied_by_others"] == "1"


def test_exports_validate(indexed, tmp_path):
    db, _, _ = indexed
    import networkx as nx

    paths = {}
    for fmt in ("jsonl", "graphml", "jsonld", "csv"):
        paths[fmt] = tmp_path / f"out.{fmt}"
        assert main(["export", "--db", str(db), "--format", fmt, "-o", str(paths[fmt])]) == 0
    graph = nx.read_graphml(paths["graphml"])
    assert graph.is_directed()
    assert graph.has_edge("seed-ap", "seed-rewrite")
    assert graph.edges["seed-ap", "seed-rewrite"]["relation"] == "rewrite"
    doc = json.loads(paths["jsonld"].read_text())
    assert doc["@context"]["@vocab"] == "https://schema.org/"
    assert doc["@context"]["prov"] == "http://www.w3.org/ns/prov#"
    claims = [n for n in doc["@graph"] if n["@type"] == "Claim"]
    claim = next(n for n in claims if n.get("firstAppearance", "").endswith("seed-ap"))
    assert any(x.endswith("seed-rewrite") for x in claim["appearance"])
    rewrite = next(n for n in doc["@graph"] if n.get("identifier") == "seed-rewrite")
    assert rewrite["prov:wasDerivedFrom"] == ["urn:wiretrace:article:seed-ap"]
    records = [json.loads(line) for line in paths["jsonl"].read_text().splitlines()]
    assert {r["type"] for r in records} == {"article", "edge"}
    rows = list(csv.DictReader(io.StringIO(paths["csv"].read_text())))
    row = next(r for r in rows if r["id"] == "seed-rewrite")
    assert row["derived_from"] == "seed-ap" and row["role"] == "rewrite"


def test_bad_records_are_reported_and_skipped_with_exit_code_1(tmp_path, capsys):
    lines = JSONL.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "mixed.jsonl"
    bad.write_text("\n".join([lines[0], "{not json", lines[1], '{"id": "no-text"}']) + "\n", encoding="utf-8")
    warc = tmp_path / "cut.warc.gz"
    write_warc(warc, ["https://a.example/1", "https://b.example/2"])
    data = warc.read_bytes()
    warc.write_bytes(data[: len(data) - len(data) // 5])
    db = tmp_path / "bad.wt"
    code = main(["index", str(bad), str(warc), "--db", str(db), "-q"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{bad}#2" in err and f"{bad}#4" in err and f"{warc}#" in err and "truncated" in err
    assert "indexed 3, skipped duplicates 0, failed 3" in err
    corpus = wiretrace.Corpus(db)
    assert corpus.store.count() == 3
    assert len(corpus.errors()) == 3
    assert wiretrace.Corpus(db).story("seed-ap")["original"] == ["seed-ap"]


def test_a_clean_index_exits_0(tmp_path):
    assert main(["index", str(CORPUS / "txt"), "--db", str(tmp_path / "ok.wt"), "-q"]) == 0


def _dump(db: Path) -> dict[str, list]:
    con = sqlite3.connect(db)
    out = {}
    for table in (
        "articles",
        "docs",
        "terms",
        "postings",
        "sketches",
        "pairs",
        "sites",
        "site_lines",
        "stories",
        "story_members",
        "errors",
    ):
        out[table] = sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
    con.close()
    return out


def _index_cmd(db: Path) -> list[str]:
    return [sys.executable, "-m", "wiretrace.cli", "index", str(JSONL), "--db", str(db), "--batch", "4", "-q"]


@pytest.mark.slow
def test_kill_9_during_index_then_rerun_gives_the_same_index(tmp_path):
    clean_db, crashed_db = tmp_path / "clean.wt", tmp_path / "crashed.wt"
    subprocess.run(_index_cmd(clean_db), check=True, capture_output=True)
    proc = subprocess.Popen(_index_cmd(crashed_db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    count = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            con = sqlite3.connect(crashed_db, timeout=0.1)
            count = con.execute("SELECT count(*) FROM articles").fetchone()[0]
            con.close()
        except sqlite3.Error:
            count = 0
        if count >= 4:  # the first batch is committed: the run is mid-way
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the index finished before it could be interrupted"
    proc.kill()
    proc.wait()
    partial = _dump(crashed_db)
    assert partial != _dump(clean_db)
    subprocess.run(_index_cmd(crashed_db), check=True, capture_output=True)
    assert _dump(crashed_db) == _dump(clean_db)


def test_a_republished_page_derives_from_the_outlet_its_notice_names(tmp_path):
    """The real ScienceAlert page that ends "This article was originally published by Futurism." and its
    marked body without that line (Futurism's text), undated: the page is the copy, credited."""
    body = json.loads((DATA / "news-page-en.truth.json").read_text(encoding="utf-8"))["articleBody"]
    original = tmp_path / "futurism.txt"
    original.write_text(
        "\n".join(line for line in body.split("\n") if "originally published" not in line), encoding="utf-8"
    )
    db = tmp_path / "corpus.wt"
    corpus = wiretrace.Corpus(db)
    corpus.add([DATA / "news-page-en.html", original])
    [story] = corpus.stories()
    [edge] = story["edges"]
    page = next(a["id"] for a in story["articles"] if a["path"].endswith(".html"))
    assert (edge["to"], story["original"]) == (page, [edge["from"]])
    assert edge["credited"] is True


def test_the_index_record_keeps_the_syndication_notice():
    """The light Document rebuilt from an index record (what the first verification stage reads) still
    knows the page says it republishes Futurism's article, so the edge is oriented at index time."""
    from wiretrace.corpus.fingerprint import analyse_batch, decode_record, record_document
    from wiretrace.ingest.read import read_article

    article = read_article(DATA / "news-page-en.html")
    [analysis] = analyse_batch([article])
    rebuilt = record_document(decode_record(analysis.record), article)
    assert rebuilt.republished_from == ("Futurism",)


def test_index_profile_says_where_the_time_went(tmp_path):
    profile = tmp_path / "profile.json"
    db = tmp_path / "p.wt"
    assert main(["index", str(CORPUS / "txt"), "--db", str(db), "-q", "--profile", str(profile)]) == 0
    p = json.loads(profile.read_text())
    assert set(p["seconds"]) >= {"ingest", "verify", "stories"}
    assert all(s >= 0 for s in p["seconds"].values())
    assert abs(sum(p["seconds"].values()) - p["total_seconds"]) < 0.01
    assert p["counts"]["indexed"] > 0 and p["counts"]["verified"] <= p["counts"]["candidates"]
    assert p["articles_per_second"] == round(p["counts"]["indexed"] / p["total_seconds"], 1)
    # a second run finds nothing new: every article a duplicate, nothing indexed
    assert main(["index", str(CORPUS / "txt"), "--db", str(db), "-q", "--profile", str(profile)]) == 0
    again = json.loads(profile.read_text())
    assert again["counts"]["indexed"] == 0 and again["counts"]["duplicates"] == p["counts"]["indexed"]
