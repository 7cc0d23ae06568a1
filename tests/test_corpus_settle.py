"""The tests that settle a candidate pair without aligning it (``corpus/settle.py``), on real text: the
derivation gate drops two instances of one template and keeps a rewrite that shares no names."""

from __future__ import annotations

import json

import wiretrace
from conftest import DATA
from wiretrace.corpus.fingerprint import analyse_batch, decode_sketch
from wiretrace.corpus.settle import (
    DERIVATION_GATE,
    RETOLD_GATE,
    SAME_EVENT_ENTITIES,
    may_align,
    sketch_relate,
    sketch_repeated,
    weighted_containment,
)
from wiretrace.corpus.vocabulary import shared_count
from wiretrace.model import Article
from wiretrace.relation import DERIVED_VOCAB, is_brief, may_derive

NOTICES = ("reuters_dividend_omnicom.txt", "reuters_dividend_colgate.txt")
REWRITE = ("llm_source_174.txt", "llm_rewrite_174.txt")


def sketches(*names: str):
    return [decode_sketch(a.sketch) for a in analyse_batch([Article((DATA / n).read_text()) for n in names])]


def gate_inputs(x, y) -> tuple[bool, int, float]:
    vocab = shared_count(x.stems, y.stems) / min(len(x.stems), len(y.stems))
    assert may_derive(
        x.body, y.body, vocab, lambda: sketch_repeated(x, y)
    )  # inside the region where the engine may derive
    return is_brief(x.body, y.body, vocab), len(x.entities & y.entities), vocab


def test_two_companies_notices_on_one_template_are_not_aligned():
    x, y = sketches(*NOTICES)
    brief, names, vocab = gate_inputs(x, y)
    assert not brief and names < SAME_EVENT_ENTITIES and vocab >= DERIVED_VOCAB
    assert weighted_containment(x.stems, y.stems) < DERIVATION_GATE
    assert not may_align(brief, names, vocab, x.stems, y.stems)
    rows = [{"n": n, "text_len": 100, "published": None, "first_seen": None} for n in (1, 2)]
    assert sketch_relate((rows[0], x), (rows[1], y)) == (True, None)


def test_a_rewrite_in_new_words_that_shares_no_names_is_still_aligned():
    x, y = sketches(*REWRITE)
    brief, names, vocab = gate_inputs(x, y)
    assert names < SAME_EVENT_ENTITIES  # the names do not save it
    assert (
        vocab < DERIVED_VOCAB and weighted_containment(x.stems, y.stems) >= RETOLD_GATE
    )  # its rare words do
    assert may_align(brief, names, vocab, x.stems, y.stems)


def test_the_gate_reads_the_two_texts_alone():
    x, y = sketches(*NOTICES)
    assert weighted_containment(x.stems, y.stems) == weighted_containment(y.stems, x.stems)
    assert weighted_containment(x.stems, x.stems) == 1.0
    assert weighted_containment(x.stems, y.stems[:0]) == 0.0


def test_an_index_of_the_notices_and_the_rewrite_keeps_only_the_rewrite(tmp_path):
    names = [*NOTICES, *REWRITE]
    src = tmp_path / "four.jsonl"
    src.write_text(
        "".join(json.dumps({"id": n, "text": (DATA / n).read_text()}) + "\n" for n in names), encoding="utf-8"
    )
    with wiretrace.Corpus(tmp_path / "c.wt", workers=1) as corpus:
        corpus.add([src])
        pairs = {
            frozenset((e["src"], e["dst"])): e["relation"] for e in corpus.store.edges(("copy", "rewrite"))
        }
        ids = dict(corpus.store.db.execute("SELECT n, id FROM articles").fetchall())
    assert {frozenset(ids[n] for n in pair): rel for pair, rel in pairs.items()} == {
        frozenset(REWRITE): "rewrite"
    }
