"""Story building on a small edge list: originals, shared upstream, date evidence, site boilerplate."""

from __future__ import annotations

import wiretrace
from conftest import DATA
from test_corpus_events import REID, profile
from wiretrace.corpus.stories import build_stories, select_sources, site_summary
from wiretrace.corpus.verify import mark_site_boilerplate
from wiretrace.model import Article
from wiretrace.prepare import prepare


def info(*ids: str, published: dict | None = None, seen: dict | None = None) -> dict[int, dict]:
    published, seen = published or {}, seen or {}
    return {
        n: {
            "id": i,
            "path": f"{i}.txt",
            "title": None,
            "source": f"site-{i}",
            "published": published.get(i),
            "first_seen": seen.get(i),
        }
        for n, i in enumerate(ids)
    }


def edge(
    src: int,
    dst: int,
    relation: str = "rewrite",
    share: float = 0.9,
    direction: str = "compare",
    credited=None,
) -> dict:
    return {
        "src": src,
        "dst": dst,
        "relation": relation,
        "b_from_a": share,
        "score": share,
        "direction": direction,
        "confidence": 0.9,
        "credited": credited,
        "flags": {},
        "added": 1,
    }


def test_siblings_of_a_shared_source_get_no_false_edge_between_them():
    # C (0) -> A (1) and C -> B (2) are strong; A -> B is weaker: A and B both derive from C.
    stories = build_stories(
        [edge(0, 1, share=0.95), edge(0, 2, share=0.9), edge(1, 2, share=0.6)], info("C", "A", "B")
    )
    (story,) = stories
    assert story["original"] == ["C"]
    assert {(e["from"], e["to"]) for e in story["edges"]} == {("C", "A"), ("C", "B")}
    assert story["dropped_edges"][0]["shared_upstream"] == "C"


def test_a_chain_keeps_an_edge_stronger_than_the_shared_source():
    # B copies A almost whole (0.95) while C's link to B is weaker: A -> B is real.
    stories = build_stories(
        [edge(0, 1, share=0.9), edge(0, 2, share=0.5), edge(1, 2, share=0.95)], info("C", "A", "B")
    )
    assert ("A", "B") in {(e["from"], e["to"]) for e in stories[0]["edges"]}


def test_only_sources_close_to_the_best_are_embedded_and_the_context_decides_between_them():
    # Three independent sources of D (3): A (0) and B (1) explain it about as well; C (2) far less.
    asked: list[tuple[int, int]] = []

    def similarity(pairs):
        asked.extend(pairs)
        return {p: {0: 0.2, 1: 0.9, 2: 1.0}[p[0]] for p in pairs}  # D is about what B is about

    edges = [edge(0, 3, share=0.8), edge(1, 3, share=0.78), edge(2, 3, share=0.3)]
    kept, dropped = select_sources(edges, similarity)
    assert sorted(asked) == [(0, 3), (1, 3)]  # C cannot catch up: no contextual vector is computed for it
    assert [(e["src"], e["dst"]) for e in kept] == [(1, 3)]
    assert {e["src"]: e["dropped"] for e in dropped} == {0: "a better source", 2: "a better source"}
    asked.clear()
    select_sources([edge(0, 3, share=0.8), edge(2, 3, share=0.3)], similarity)
    assert asked == []  # one source clearly best: nothing to ask


def test_same_event_joins_a_story_but_is_not_derivation():
    # Three reports of one event (real ECB+ texts): W rewritten by R, X reporting the same independently.
    profiles = {n: profile(f) for n, f in enumerate(REID)}
    stories = build_stories(
        [edge(0, 1), edge(1, 2, relation="same_event", direction="unknown")],
        info("W", "R", "X"),
        profiles=profiles,
    )
    (story,) = stories
    roles = {a["id"]: a["role"] for a in story["articles"]}
    assert roles == {"W": "original", "R": "rewrite", "X": "same_event"}
    assert story["original"] == ["W"]


def test_derivation_is_never_cut_and_same_event_alone_joins_nothing_without_text():
    # One wire story copied by 250 sites is one story whatever its size; 300 same_event links between
    # articles whose text was not read join nothing (an event needs content that matches).
    n = 300
    chain = [edge(i, i + 1, relation="same_event", share=0.3, direction="unknown") for i in range(n - 1)]
    copies = [edge(n, n + 1 + i, relation="copy", share=0.95) for i in range(250)]
    stories = build_stories(chain + copies, info(*(f"a{i}" for i in range(n + 251))))
    assert [s["size"] for s in stories] == [251] and stories[0]["original"] == [f"a{n}"]


def test_unknown_direction_uses_claimed_dates_then_first_seen_as_uncertain():
    by_date = build_stories(
        [edge(0, 1, direction="unknown")],
        info("late", "early", published={"late": "2025-05-21", "early": "2025-05-20"}),
    )
    (e,) = by_date[0]["edges"]
    assert (e["from"], e["to"], e["date_basis"], e["uncertain"]) == ("early", "late", "published", False)
    by_seen = build_stories(
        [edge(0, 1, direction="unknown")],
        info("late", "early", seen={"late": "2025-05-21T10:00:00Z", "early": "2025-05-20T09:00:00Z"}),
    )
    (e,) = by_seen[0]["edges"]
    assert (e["from"], e["date_basis"], e["uncertain"]) == ("early", "first_seen", True)
    unknown = build_stories([edge(0, 1, direction="unknown")], info("a", "b"))
    assert unknown[0]["edges"][0]["date_basis"] == "unknown" and unknown[0]["edges"][0]["uncertain"]


def test_a_derivation_cycle_is_broken_at_its_weakest_edge():
    stories = build_stories(
        [edge(0, 1, share=0.9), edge(1, 2, share=0.8), edge(2, 0, share=0.5)], info("a", "b", "c")
    )
    assert stories[0]["original"] == ["a"]


def test_site_summary_counts_uncredited_copies_per_site():
    stories = build_stories(
        [edge(0, 1, credited=False), edge(0, 2, relation="copy", credited=True)],
        info("wire", "farm", "paper"),
    )
    rows = {r["site"]: r for r in site_summary(stories)}
    assert rows["site-farm"]["rewrites"] == 1 and rows["site-farm"]["uncredited"] == 1
    assert rows["site-paper"]["copies"] == 1 and rows["site-paper"]["credited"] == 1
    assert rows["site-wire"]["originals"] == 1 and rows["site-wire"]["copied_by_others"] == 2


def test_lines_a_site_repeats_become_site_boilerplate(tmp_path):
    footer = "Follow our newsroom on social media for the latest updates from around the region"
    docs = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("ecb_*.txt"))]
    docs.append((DATA / "seed_ap.txt").read_text(encoding="utf-8"))
    folder = tmp_path / "site"
    folder.mkdir()
    import json

    with (folder / "site.jsonl").open("w") as fh:
        for i, text in enumerate(docs):
            fh.write(
                json.dumps({"id": f"d{i}", "text": f"{text.strip()}\n{footer}", "series": "one.example"})
                + "\n"
            )
    corpus = wiretrace.Corpus(tmp_path / "bp.wt")
    corpus.add([folder])
    lines = corpus.store.site_boilerplate("one.example", 3, 0.3)
    assert footer in lines.values()
    assert all("Tara Reid" not in text for text in lines.values())
    article = Article(f"{docs[-1].strip()}\n{footer}")
    doc = mark_site_boilerplate(prepare(article), frozenset(lines))
    marked = [s for s in doc.sentences if s.reason == "site boilerplate"]
    assert [s.text for s in marked] == [footer]


def test_site_line_counts_add_up_once_whatever_the_runs(tmp_path):
    """Line counts are added after ingest from the stored texts, with a mark of how far they got: one run,
    two runs, or a count asked for again must all give the same counts."""
    import json

    footer = "Follow our newsroom on social media for the latest updates from around the region"
    docs = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("ecb_*.txt"))]
    docs.append((DATA / "seed_ap.txt").read_text(encoding="utf-8"))
    records = [
        {"id": f"d{i}", "text": f"{text.strip()}\n{footer}", "series": "one.example"}
        for i, text in enumerate(docs)
    ]

    def write(name: str, rows: list[dict]):
        path = tmp_path / name
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        return path

    def counts(corpus) -> list[tuple]:
        return corpus.store.db.execute("SELECT site, line, n FROM site_lines ORDER BY site, line").fetchall()

    once = wiretrace.Corpus(tmp_path / "once.wt")
    once.add([write("all.jsonl", records)], verify=False)
    twice = wiretrace.Corpus(tmp_path / "twice.wt")
    twice.add([write("first.jsonl", records[:2])], verify=False)
    twice.add([write("rest.jsonl", records[2:])], verify=False)
    assert counts(once) == counts(twice)
    assert max(n for _, _, n in counts(once)) == len(records)  # the footer, on every page
    assert once.count_site_lines() == 0 and counts(once) == counts(twice)
    # A run killed before it added its lines leaves them pending; the next corpus opened counts them from
    # the stored texts, to the same counts.
    killed = wiretrace.Corpus(tmp_path / "killed.wt")
    killed.store.count_lines = lambda items: None  # as if killed before any count committed
    killed.add([write("all2.jsonl", records)], verify=False)
    assert counts(killed) == [] and killed.store.count("lines_pending") == len(records)
    killed.close()
    rerun = wiretrace.Corpus(tmp_path / "killed.wt")
    assert rerun.count_site_lines() == len(records)
    assert counts(rerun) == counts(once) and rerun.store.count("lines_pending") == 0
