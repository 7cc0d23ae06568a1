"""Which side is the original: named only on strong evidence, ``unknown`` (with the reason) otherwise."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

import wiretrace
from conftest import DATA, SEED_AP, SEED_REWRITE, load_json

ROOT = Path(__file__).resolve().parents[1]


def test_a_pair_with_no_evidence_either_way_is_unknown():
    """The AP story against itself: same dates (none), same credits, each contained in the other."""
    d = wiretrace.compare(SEED_AP, SEED_AP).to_dict()["direction"]
    assert d["original"] == "unknown"
    assert d["evidence"][0] == "no evidence either way"
    assert d["confidence"] == 0.5


def test_a_wire_named_inside_a_sentence_of_b_is_not_a_credit():
    """A BBC story and GPT-4's rewrite of it (no credits either side), the rewrite with a real sentence
    that names a wire as a claim's source appended ("... told Xinhua by phone ...", "According to the
    Associated Press, ..."; ECB+, tests/data/inline_credits.json). The rewrite does not become the
    original for it: the wire is attribution, and no direction evidence speaks of a credit."""
    rows = {r["attributed"][0]: r["text"] for r in load_json("inline_credits.json") if r["attributed"]}
    source = (DATA / "llm_source_174.txt").read_text(encoding="utf-8")
    for wire in ("Xinhua", "AP"):
        rewrite = (DATA / "llm_rewrite_174.txt").read_text(encoding="utf-8").rstrip() + f"\n{rows[wire]}\n"
        d = wiretrace.compare(source, rewrite).to_dict()
        assert d["b"]["credits"] == [] and d["b"]["attributions"] == [wire]
        assert d["direction"]["original"] != "b"
        assert not any("credit" in e for e in d["direction"]["evidence"])
        assert not any(f["type"] == "uncredited_reuse" for f in d["findings"])


def test_stylistic_evidence_alone_never_names_an_original():
    """The AP story, and the same story carrying the rewrite's real page furniture (its "Advertisement"
    slot and "READ ALSO" link, tests/data/seed_rewrite.txt): only the furniture differs, which a page
    template adds to an original as readily as to a copy, so the answer is unknown."""
    ap = SEED_AP.read_text(encoding="utf-8")
    junk = [
        line
        for line in SEED_REWRITE.read_text(encoding="utf-8").splitlines()
        if line.startswith(("READ ALSO", "- Advertisement"))
    ]
    assert len(junk) == 2
    lines = ap.rstrip().split("\n")
    page = "\n".join([*lines[:4], junk[0], *lines[4:8], junk[1], *lines[8:]]) + "\n"
    for a, b in ((ap, page), (page, ap)):
        d = wiretrace.compare(a, b).to_dict()["direction"]
        assert d["original"] == "unknown", d
        assert d["evidence"][0] == "only stylistic evidence", d
        assert any("page furniture" in e for e in d["evidence"])


def test_the_seed_pair_names_the_ap_story_in_both_orders(seed, seed_swapped):
    assert seed["direction"]["original"] == "a" and seed_swapped["direction"]["original"] == "b"
    assert seed["direction"]["confidence"] == seed_swapped["direction"]["confidence"] >= 0.9
    assert "a carries the AP credit; b carries none" in seed["direction"]["evidence"]
    assert any(f["type"] == "uncredited_reuse" and "AP" in f["detail"] for f in seed["findings"])


def test_a_rewrite_that_names_the_wire_in_a_sentence_credits_it():
    """The seed rewrite with a real sentence ending "..., the Associated Press reported." (ECB+ 37_6ecb):
    the rewrite tells its readers the wire is its source, so its reuse is not reported as uncredited;
    the finding says the credit is in the text, not a credit line."""
    row = next(r for r in load_json("inline_credits.json") if r["source"] == "ECB+ 37_6ecb")
    rewrite = SEED_REWRITE.read_text(encoding="utf-8").rstrip() + f"\n{row['text']}\n"
    d = wiretrace.compare(SEED_AP, rewrite).to_dict()
    assert d["direction"]["original"] == "a"
    types = [f["type"] for f in d["findings"]]
    assert "uncredited_reuse" not in types
    assert any("as its source in the text" in f["detail"] for f in d["findings"])


def test_the_shipped_direction_model_is_what_the_recipe_writes_from_the_feature_table():
    """scripts/train_direction.py fits the shipped model from bench/direction_features.json.gz (the features
    of the development pairs); the full recipe also recomputes that table from ../shared/data."""
    pytest.importorskip("sklearn")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import train_direction
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    rows = json.loads(gzip.decompress((ROOT / "bench" / "direction_features.json.gz").read_bytes()))["rows"]
    shipped = json.loads((ROOT / "src" / "wiretrace" / "data" / "direction_model.json").read_text())
    assert train_direction.train(rows) == shipped
