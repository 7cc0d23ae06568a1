"""align: order-free links, merges of two source sentences, splits into several derived sentences."""

from __future__ import annotations

from conftest import SEED_AP, SEED_REWRITE
from wiretrace import align
from wiretrace.compare import as_article
from wiretrace.diff import LINK_MIN, links_of
from wiretrace.embed import embed
from wiretrace.model import Article
from wiretrace.prepare import prepare


def aligned(a_text: str | Article, b_text: str | Article):
    a, b = prepare(as_article(a_text)), prepare(as_article(b_text))
    v = embed([s.text for s in a.sentences] + [s.text for s in b.sentences])
    al = align.build(a, b, vectors=(v[: len(a.sentences)], v[len(a.sentences) :]))
    return a, b, links_of(a, b, al)


def test_reordered_sentences_link_to_their_sources():
    src = (
        "The council approved the budget on Monday. The mayor said taxes would not rise. "
        "Schools will get 4 million dollars more."
    )
    der = "Schools will get 4 million dollars more. The council approved the budget on Monday."
    _, b, links = aligned(src, der)
    assert [links[j].sources[0] for j in range(len(b.sentences))] == [2, 0]


def test_a_sentence_built_from_two_source_sentences_links_to_both():
    src = (
        "The factory in Ohio will close in March. About 450 workers will lose their jobs. "
        "The company cited falling demand."
    )
    der = "The Ohio factory will close in March, costing about 450 workers their jobs."
    _, _, links = aligned(src, der)
    assert set(links[0].sources) == {0, 1}


def test_a_source_sentence_split_in_two_supports_both_parts():
    a, b, links = aligned(SEED_AP, SEED_REWRITE)
    drones = next(j for j, s in enumerate(b.sentences) if "drones" in s.text)
    threat = next(j for j, s in enumerate(b.sentences) if "formidable" in s.text)
    analysts = next(i for i, s in enumerate(a.sentences) if s.text.startswith("Analysts say"))
    assert links[drones].sources[0] == analysts and links[threat].sources[0] == analysts
    assert links[drones].similarity >= LINK_MIN and links[threat].similarity >= LINK_MIN


def test_boilerplate_is_never_linked():
    a, b, links = aligned(SEED_AP, SEED_REWRITE)
    for j, s in enumerate(b.sentences):
        if s.kind == "boilerplate":
            assert links[j] is None
    for lk in links.values():
        if lk is not None:
            assert all(a.sentences[i].kind != "boilerplate" for i in lk.sources)
