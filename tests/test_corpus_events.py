"""Stories that are events: independent reports join a story when they match it as a whole, not one
same_event link at a time (ECB+ reports of two rehab check-ins, tests/data/ecb_1_*; see its README)."""

from __future__ import annotations

import json
import os
import random
from datetime import date
from pathlib import Path

import pytest

import wiretrace
from conftest import DATA
from wiretrace.corpus import events, eventtime
from wiretrace.corpus.fingerprint import analyse_batch, decode_sketch
from wiretrace.corpus.stories import build_stories
from wiretrace.model import Article

# Three independent reports of Tara Reid entering rehab (ECB+ topic 1, 2008), two of Lindsay Lohan
# entering rehab (same topic, another event, 2013), and reports of other events.
REID = ["ecb_1_1ecb.txt", "ecb_1_10ecb.txt", "ecb_1_2ecb.txt"]
LOHAN = ["ecb_1_10ecbplus.txt", "ecb_1_17ecbplus.txt"]
OTHERS = ["ecb_3_1ecbplus.txt", "seed_ap.txt", "reuters_crude_usx.txt"]


def text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def profile(name: str, day: str | None = None, basis: str = "published") -> events.Profile:
    (analysis,) = analyse_batch([Article(text(name))])
    sketch = decode_sketch(analysis.sketch)
    when = date.fromisoformat(day) if day else None
    return events.Profile(name, sketch.stems, sketch.entities, when, basis if when else None)


def info(*ids: str, published: dict | None = None) -> dict[int, dict]:
    published = published or {}
    return {
        n: {"id": i, "path": i, "title": None, "source": i, "published": published.get(i), "first_seen": None}
        for n, i in enumerate(ids)
    }


def same_event(src: int, dst: int) -> dict:
    return {"src": src, "dst": dst, "relation": "same_event", "score": 0.5, "b_from_a": 0.3, "flags": {}}


def index(tmp_path: Path, names: list[str], db: str = "c.wt") -> wiretrace.Corpus:
    records = [{"id": n.removesuffix(".txt"), "title": None, "text": text(n)} for n in names]
    src = tmp_path / f"{db}.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    os.utime(src, (1714560000, 1714560000))  # first seen 2024-05-01, whenever the test runs
    corpus = wiretrace.Corpus(tmp_path / db, workers=1)
    corpus.add([src])
    return corpus


def members(corpus: wiretrace.Corpus) -> list[set[str]]:
    return [{a["id"] for a in s["articles"]} for s in corpus.stories()]


def names(files: list[str]) -> set[str]:
    return {f.removesuffix(".txt") for f in files}


@pytest.fixture(scope="module")
def rehab(tmp_path_factory) -> wiretrace.Corpus:
    return index(tmp_path_factory.mktemp("events"), REID + LOHAN + OTHERS)


def test_three_reports_of_one_event_are_one_story_and_another_event_of_the_topic_is_not_in_it(rehab):
    stories = members(rehab)
    reid = next(s for s in stories if "ecb_1_1ecb" in s)
    assert reid == names(REID)
    assert all(s <= names(LOHAN) for s in stories if s & names(LOHAN))  # Lohan's check-in is its own event
    assert names(LOHAN) in stories


def test_a_chain_whose_ends_share_nothing_is_not_one_story():
    # Reid ~ Reid (the same event) and Reid ~ Lohan (the engine's same_event: rehab, Malibu, a publicist):
    # the Lohan report would have to match both Reid reports on average, and does not.
    files = [REID[0], REID[1], LOHAN[0]]
    profiles = {n: profile(f) for n, f in enumerate(files)}
    stories = build_stories([same_event(0, 1), same_event(1, 2)], info(*files), profiles=profiles)
    assert [{a["id"] for a in s["articles"]} for s in stories] == [set(files[:2])]
    assert [(e["from"], e["to"]) for e in stories[0]["edges"]] == [(files[0], files[1])]


def test_reports_of_one_event_years_apart_are_not_one_story_but_undated_ones_are():
    files = REID
    dated = {0: "2008-01-04", 1: "2008-01-05", 2: "2011-06-01"}
    profiles = {n: profile(f, dated[n]) for n, f in enumerate(files)}
    edges = [same_event(0, 1), same_event(1, 2), same_event(0, 2)]
    (story,) = build_stories(
        edges, info(*files, published={files[n]: d for n, d in dated.items()}), None, profiles
    )
    assert {a["id"] for a in story["articles"]} == set(files[:2])
    assert story["time_span"] == {
        "first": "2008-01-04",
        "last": "2008-01-05",
        "basis": "published",
        "undated": 0,
    }
    undated = {n: profile(f) for n, f in enumerate(files)}
    (story,) = build_stories(edges, info(*files), None, undated)
    assert story["size"] == 3 and story["time_span"]["basis"] == "unknown"


def test_a_capture_date_widens_the_window_and_no_date_never_blocks():
    model = events.event_model()
    day = date(2024, 5, 1).toordinal()
    a, b = (day, 1, False), (day + 10, 1, False)  # published dates ten days apart
    assert eventtime.time_factor(a, b, model) < eventtime.time_factor((day, 1, True), b, model) == 1.0
    assert eventtime.time_factor(a, None, model) == 1.0
    assert eventtime.time_factor(a, (day + 365, 1, False), model) < 1e-6
    # A page first seen a year after the story was published may be that story; one seen a year before
    # it cannot be a report of it.
    assert eventtime.time_factor(a, (day + 365, 1, True), model) == 1.0
    assert eventtime.time_factor(a, (day - 365, 1, True), model) < 1e-6


def test_a_group_stands_in_time_on_its_claimed_dates_not_on_a_crawl_day_averaged_in():
    # Two units of the Reid check-in (each a report published in January 2008 and a reprint of one found
    # by a crawler years later, with no date of its own): their claimed dates are a day apart. Averaged
    # with the crawl days (2024 and 2020) they stood two years apart and the event split in two.
    reid = profile(REID[0])
    profiles = [
        profile(REID[0], "2008-01-04"),
        profile(REID[1], "2024-05-01", "first_seen"),
        profile(REID[2], "2008-01-05"),
        events.Profile("reprint", reid.stems, reid.entities, date(2020, 1, 1), "first_seen"),
    ]
    model = events.event_model()
    assert events.cluster(profiles, [[0, 1], [2, 3]], [(0, 2)], model) == [[0, 1, 2, 3]]
    # A group with no claimed date still stands on its capture dates.
    late = [profile(REID[0], "2008-01-04"), profile(REID[2], "2009-06-01")]
    assert events.cluster(late, [], [(0, 1)], model) == [[0], [1]]


def test_arrival_order_does_not_change_the_stories(tmp_path):
    files = REID + LOHAN + OTHERS
    shuffled = files[:]
    random.Random(3).shuffle(shuffled)
    one = index(tmp_path, files, "one.wt").stories()
    two = index(tmp_path, shuffled, "two.wt").stories()
    assert len(one) >= 2

    def events(stories: list[dict]) -> list[dict]:
        # Members, names, dates and derivation; not which same_event pairs are listed: the candidate
        # search weighs terms by the corpus so far, so the engine may compare other pairs of a story.
        keep = ("id", "size", "label", "time_span", "original")
        return [
            {
                **{k: s[k] for k in keep},
                "articles": [{**a, "path": None} for a in s["articles"]],
                "derivation": [e for e in s["edges"] if e["relation"] != "same_event"],
            }
            for s in stories
        ]

    assert events(one) == events(two)


def test_clustering_reads_articles_in_id_order_whatever_their_numbers():
    files = REID + LOHAN
    plist = [profile(f) for f in files]
    links = [(0, 1), (1, 2), (2, 3), (3, 4)]
    forward = events.group(dict(enumerate(plist)), [], links)
    order = [4, 2, 0, 3, 1]  # the same articles under other numbers (another arrival order)
    renumbered = {order[n]: p for n, p in enumerate(plist)}
    backward = events.group(renumbered, [], [(order[a], order[b]) for a, b in links])
    keys = [sorted(plist[n].key for n in g) for g, _ in forward]
    assert keys == [sorted(renumbered[n].key for n in g) for g, _ in backward]


def test_adding_unrelated_articles_leaves_a_story_alone(tmp_path):
    corpus = index(tmp_path, REID)
    before = corpus.stories()
    src = tmp_path / "more.jsonl"
    src.write_text("".join(json.dumps({"id": f, "text": text(f)}) + "\n" for f in OTHERS), encoding="utf-8")
    corpus.add([src])
    after = [s for s in corpus.stories() if s["id"] == before[0]["id"]]
    # Everything but which member's title names the story (the member closest to the centre: the
    # corpus-wide idf moved a little).
    assert [{**s, "label": s["label"]["entities"]} for s in after] == [
        {**s, "label": s["label"]["entities"]} for s in before
    ]


def test_a_story_is_labelled_by_one_of_its_titles_and_the_names_its_reports_share(tmp_path):
    records = [
        {"id": f, "title": text(f).splitlines()[0][:80] if f != REID[1] else None, "text": text(f)}
        for f in REID
    ]
    src = tmp_path / "titled.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    corpus = wiretrace.Corpus(tmp_path / "t.wt", workers=1)
    corpus.add([src])
    (story,) = corpus.stories()
    assert story["label"]["title"] in {a["title"] for a in story["articles"] if a["title"]}
    assert "Tara Reid" in story["label"]["entities"]


def test_names_are_shown_as_the_texts_write_them():
    found = events.describe(
        ["aden gulf", "india navy", "berdymukhamedov gurbanguli", "nobody known"],
        ["The Indian Navy sailed into the Gulf of Aden.", "President Gurbanguli Berdymukhamedov said."],
    )
    assert found == ["Gulf of Aden", "Indian Navy", "Gurbanguli Berdymukhamedov", "Nobody Known"]


def test_a_one_line_brief_follows_its_source_without_joining_two_events():
    # The engine read a one-line Lohan report as a brief of a Reid article (ECB+ holds such snippets):
    # the brief goes with its source, and the two events stay apart.
    files = [REID[0], REID[1], LOHAN[0], LOHAN[1]]
    profiles = {n: profile(f) for n, f in enumerate(files)}
    headline = text(LOHAN[1]).splitlines()[0]
    (analysis,) = analyse_batch([Article(headline)])
    sketch = decode_sketch(analysis.sketch)
    profiles[4] = events.Profile("lohan-brief", sketch.stems, sketch.entities)
    brief = {**same_event(0, 4), "relation": "rewrite", "evidence": {"brief": True, "explained": 0.5}}
    brief["direction"], brief["confidence"] = "compare", 0.9
    edges = [same_event(0, 1), same_event(2, 3), same_event(3, 4), brief]
    stories = build_stories(edges, info(*files, "lohan-brief"), profiles=profiles)
    assert {frozenset(a["id"] for a in s["articles"]) for s in stories} == {
        frozenset(LOHAN),
        frozenset([REID[0], REID[1], "lohan-brief"]),
    }


def test_a_story_span_rests_on_claimed_dates_not_on_a_page_crawled_years_later():
    files = REID
    profiles = {  # the third is an undated page, crawled today: it may be a copy of the 2008 story
        0: profile(REID[0], "2008-01-04"),
        1: profile(REID[1], "2008-01-05"),
        2: profile(REID[2], "2026-12-07", "first_seen"),
    }
    members = info(*files, published={REID[0]: "2008-01-04", REID[1]: "2008-01-05"})
    members[2]["first_seen"] = "2026-12-07T10:00:00Z"
    (story,) = build_stories([same_event(0, 1), same_event(1, 2)], members, profiles=profiles)
    assert story["size"] == 3
    span = {"first": "2008-01-04", "last": "2008-01-05", "basis": "published", "undated": 1}
    assert story["time_span"] == span
