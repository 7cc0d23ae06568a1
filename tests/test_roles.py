"""Who did what to whom: two parties swapped is a changed claim, a change of voice or list order is not."""

from __future__ import annotations

import json
from pathlib import Path

from wiretrace.compare import compare

PAIRS = {
    p["edit"]: p
    for p in json.loads((Path(__file__).parent / "data" / "entail_pairs.json").read_text())["pairs"]
}


def body(result):
    return [r for r in result.b_results if r.sentence.kind == "body"]


def test_two_teams_swapped_is_altered_with_both_spans():
    pair = PAIRS["roles"]
    (sent,) = body(compare(pair["premise"], pair["hypothesis"]))
    assert sent.label == "altered"
    (flag,) = [f for f in sent.flags if f.type == "roles_swapped"]
    assert pair["premise"][slice(*flag.a_span)] == "England beat Fiji"
    assert pair["hypothesis"][slice(*flag.b_span)] == "Fiji beat England"
    assert flag.strong


def test_the_same_result_in_the_passive_keeps_the_roles():
    premise = PAIRS["roles"]["premise"]
    (sent,) = body(compare(premise, "Fiji were beaten by England 26-21 in a dramatic final in Dubai."))
    assert "roles_swapped" not in {f.type for f in sent.flags}


def test_a_reordered_list_of_names_is_not_a_swap():
    """Real BBC sentence (bbc-business-005): the two markets are listed, not set against each other."""
    premise = "Allied Domecq shares in London rose 4% by 1200 GMT, while Pernod shares in Paris slipped 1.2%."
    derived = "Pernod shares in Paris slipped 1.2%, while Allied Domecq shares in London rose 4% by 1200 GMT."
    (sent,) = body(compare(premise, derived))
    assert "roles_swapped" not in {f.type for f in sent.flags}
