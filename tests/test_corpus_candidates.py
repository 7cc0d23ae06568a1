"""Candidate search: which indexed articles a new article is checked against."""

from __future__ import annotations

import numpy as np

from test_corpus_verify import verify_articles
from wiretrace.corpus import candidates as cand
from wiretrace.corpus.fingerprint import analyse_batch, sentence_vectors, story_dim, story_vectors
from wiretrace.model import Article
from wiretrace.prepare import prepare


def _index(analyses):
    """The lookup keys of every article, and the postings of their index keys (an index of them all)."""
    q_of = np.concatenate([np.full(len(an.terms), i) for i, an in enumerate(analyses)])
    terms = np.concatenate([an.terms for an in analyses])
    _, inv, df = np.unique(terms, return_inverse=True, return_counts=True)
    queries = cand.select_keys(
        q_of,
        terms,
        np.concatenate([an.counts for an in analyses]),
        np.concatenate([an.names for an in analyses]),
        df[inv],
        len(analyses),
        len(analyses),
    )
    keys, arts = queries.keys[queries.index], queries.q_of[queries.index]
    order = np.lexsort((arts, keys))
    keys, arts = keys[order], arts[order]
    starts = np.r_[0, np.flatnonzero(np.diff(keys)) + 1]
    postings = cand.Postings(keys[starts], np.r_[starts, len(keys)], arts.astype(np.int32))
    return queries, postings


def _lookup(queries, postings, q: int) -> tuple:
    """``score_queries``'s first arguments for article ``q`` alone, reading every key (the index is small)."""
    kw, kn = queries.key_totals()
    part = queries.part(q, q + 1)
    return part, np.asarray([q]), postings, lambda ns: (kw[ns], kn[ns]), np.ones(len(part.keys), bool)


def test_a_story_vector_is_the_mean_direction_of_its_body_sentences():
    """Page furniture does not count; a text with no story sentence has no direction (zeros)."""
    articles = [*verify_articles()[:5], Article("READ ALSO: Something else entirely\n- Advertisement -")]
    docs = [prepare(a, light=True) for a in articles]
    vectors = sentence_vectors([s.text for d in docs for s in d.sentences])
    got = story_vectors(docs, vectors)
    pos = 0
    for d, row in zip(docs, got, strict=True):
        mine = vectors[pos : pos + len(d.sentences)][[s.kind == "body" for s in d.sentences]]
        pos += len(d.sentences)
        if not len(mine):
            assert not row.any()
            continue
        mean = mine.mean(axis=0)
        assert np.abs(row / 127.0 - mean / np.linalg.norm(mean)).max() < 0.01
    assert not got[-1].any() and got[:-1].any(axis=1).all()
    assert got.shape[1] == story_dim()  # the width the index allots, read without loading the model


def test_a_rewrites_story_vector_is_closest_to_its_source():
    articles = verify_articles()
    at = {a.id: i for i, a in enumerate(articles)}
    stories = np.stack([an.story for an in analyse_batch(articles)])
    for derived, source in (("llm_rewrite_174", "llm_source_174"), ("seed-rewrite", "seed-ap")):
        cos = cand.story_cosines(stories, np.repeat(stories[[at[derived]]], len(articles), axis=0))
        cos[at[derived]] = -1
        assert int(np.argmax(cos)) == at[source]
        assert cos[at[source]] >= cand.VECTOR_MIN


def test_the_vector_channel_proposes_the_closest_story_the_keys_reach():
    """With the estimate's top list empty, the story vectors alone still lead a rewrite to its source (what
    they are for: a large corpus crowds the top list with articles that share one sentence verbatim)."""
    articles = verify_articles()
    at = {a.id: i for i, a in enumerate(articles)}
    analyses = analyse_batch(articles)
    stories = np.stack([an.story for an in analyses])
    q = at["llm_rewrite_174"]
    args = _lookup(*_index(analyses), q)
    with_vectors = cand.score_queries(*args, top=0, stories=(lambda ns: stories[ns], stories[[q]]))[0]
    without = cand.score_queries(*args, top=0)[0]
    assert at["llm_source_174"] in with_vectors.numbers.tolist()
    assert at["llm_source_174"] not in without.numbers.tolist()
    assert len(with_vectors.numbers) <= cand.VECTOR_TOP + cand.NAME_TOP


def test_the_earliest_channel_brings_back_an_original_its_copies_crowd_out():
    """Reprints of an LLM rewrite (each lacking one sentence, published the day after its source)
    fill a short top list for the rewrite itself, published a day later still; the source, published
    first, comes back through the earliest-report channel. A partner published after the new article is
    not what that channel looks for."""
    base = verify_articles()
    source = next(a for a in base if a.id == "llm_source_174")
    rewrite = next(a for a in base if a.id == "llm_rewrite_174")
    sentences = [s.text for s in prepare(rewrite, light=True).sentences]
    reprints = [
        Article(" ".join(sentences[:k] + sentences[k + 1 :]), id=f"reprint-{k}")
        for k in range(len(sentences))
    ]
    articles = [*reprints, source, rewrite]
    q, src = len(articles) - 1, len(articles) - 2
    args = _lookup(*_index(analyse_batch(articles)), q)

    def found(source_day: int) -> list[int]:
        days = np.asarray([2] * len(reprints) + [source_day, 3])
        return cand.score_queries(*args, top=2, days=(lambda ns: days[ns], days[[q]]))[0].numbers.tolist()

    assert len(reprints) >= 4 and src not in cand.score_queries(*args, top=2)[0].numbers.tolist()
    assert src in found(1)
    assert src not in found(4)  # published after the rewrite
    assert cand.day_number("2024-03-05T10:00:00+00:00", None) == cand.day_number(None, "2024-03-05")
    assert cand.day_number("yesterday", None) == 0 and cand.day_number(None, None) == 0


def test_the_index_keeps_each_articles_day_across_runs(tmp_path):
    """The earliest-report channel reads the day each article is known by (claimed date, else first
    seen); an index reopened for a second run reads them back for the articles of the first."""
    import json

    from wiretrace import Corpus
    from wiretrace.corpus.store import Store

    texts = {a.id: a.text for a in verify_articles()}
    first, second = tmp_path / "day1.jsonl", tmp_path / "day2.jsonl"
    first.write_text(json.dumps({"id": "seed-ap", "text": texts["seed-ap"], "date": "2024-03-01"}) + "\n")
    second.write_text(json.dumps({"id": "seed-rewrite", "text": texts["seed-rewrite"], "date": "2024-03-02"}))
    db = tmp_path / "c.wt"
    for path in (first, second):  # two runs, the second on a reopened index
        corpus = Corpus(db, workers=1)
        corpus.add([path])
        corpus.close()
    store = Store(db, readonly=True)
    days = store.key_weights(story_dim())[3]
    numbers = dict(store.db.execute("SELECT id, n FROM articles"))
    assert days[numbers["seed-ap"]] == cand.day_number("2024-03-01", None)
    assert days[numbers["seed-rewrite"]] == days[numbers["seed-ap"]] + 1


def test_scoring_a_batch_in_parts_proposes_what_scoring_it_whole_proposes(tmp_path, monkeypatch):
    """The indexer reads a batch's postings once and scores its articles ``SCORE_BATCH`` at a time: the
    candidate pairs must not depend on how the batch is cut (real test corpus)."""
    import wiretrace
    import wiretrace.corpus.corpus as corpus_module
    from test_corpus_verify import CORPUS

    tables = []
    for size in (3, 1024):
        monkeypatch.setattr(corpus_module, "SCORE_BATCH", size)
        corpus = wiretrace.Corpus(tmp_path / f"s{size}.wt", workers=1)
        corpus.add([CORPUS], verify=False)
        tables.append(corpus.store.db.execute("SELECT lo, hi FROM pairs ORDER BY hi, lo").fetchall())
        corpus.close()
    assert tables[0] == tables[1] and len(tables[0]) >= 20


def test_the_fast_unique_is_numpys_unique():
    rng = np.random.default_rng(3)
    for bound in (50, 2**40):
        codes = rng.integers(0, bound, 5000)
        got, want = cand._unique_inverse(codes, bound), np.unique(codes, return_inverse=True)
        for a, b in zip(got, want, strict=True):
            assert a.dtype == np.int64 and np.array_equal(a, b)
    empty = cand._unique_inverse(np.zeros(0, np.int64), 1)
    assert [len(a) for a in empty] == [0, 0]
