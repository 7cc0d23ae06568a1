"""The fast relation path used by corpus verification agrees with the full comparison on real pairs."""

from __future__ import annotations

from conftest import DATA, SEED_AP, SEED_REWRITE, load_json
from wiretrace.compare import as_article, compare_documents, relate_documents
from wiretrace.prepare import prepare


def test_relate_documents_gives_the_same_relation_as_compare():
    frank = load_json("frank_supported.json")
    pairs = [
        (SEED_AP, SEED_REWRITE),
        (SEED_REWRITE, SEED_AP),
        (DATA / "ecb_1_10ecb.txt", DATA / "ecb_1_1ecb.txt"),
        (SEED_AP, DATA / "ecb_3_1ecbplus.txt"),
        (frank["source"], frank["sentence"]),
        (SEED_AP, SEED_AP),
    ]
    for a, b in pairs:
        full = compare_documents(prepare(as_article(a)), prepare(as_article(b)))
        rel, b_cov, a_cov = relate_documents(
            prepare(as_article(a), light=True), prepare(as_article(b), light=True)
        )
        assert rel.type == full.relation.type, (a, b)
        assert round(b_cov.derived, 3) == full.stats["b_from_a"]
        assert round(a_cov.derived, 3) == full.stats["a_from_b"]
