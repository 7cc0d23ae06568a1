"""The shipped entailment model and the cascade that decides which sentences it reads."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from wiretrace import entail
from wiretrace.compare import compare
from wiretrace.entail import cascade

DATA = Path(__file__).parent / "data"
PAIRS = json.loads((DATA / "entail_pairs.json").read_text())["pairs"]


def test_shipped_model_is_the_one_its_recipe_recorded():
    recipe = entail.recipe()
    assert hashlib.sha256(entail.MODEL.read_bytes()).hexdigest() == recipe["sha256"]
    assert entail.shipped_matches_recipe()
    assert recipe["dev"]["int8"]["binary_accuracy"] > 0.8  # the record is of a model that learned


MODEL_READS = [p for p in PAIRS if p["edit"] != "roles"]


@pytest.mark.parametrize("pair", MODEL_READS, ids=[p["edit"] for p in MODEL_READS])
def test_model_reads_real_sentence_edits(pair):
    """An antonym and a negation removed are not entailed; a compression is. (Two teams swapped are not
    the model's to see: it gives the swap about what it gives the sentence itself; ``roles`` checks it.)"""
    (p,) = entail.model().score([(pair["premise"], pair["hypothesis"])])
    assert p.shape == (3,) and abs(float(p.sum()) - 1.0) < 1e-4
    if pair["entailed"]:
        assert p[entail.ENTAIL] > 0.5
    else:
        assert p[entail.ENTAIL] < 0.5


def test_a_pairs_score_does_not_depend_on_the_pairs_scored_with_it():
    """Scores come back in input order, and a sentence scored among others gets the very probabilities
    it gets alone (so a corpus gives the same verdicts however its pairs are grouped)."""
    pairs = [(p["premise"], p["hypothesis"]) for p in PAIRS] * 3
    together = entail.model().score(pairs)
    alone = np.stack([entail.model().score([x])[0] for x in pairs[:4]])
    assert np.array_equal(together[:4], alone)
    assert np.array_equal(together[:4], together[4:8])


class Recorder:
    """Stands in for the model: records what it is asked, answers "entailed"."""

    def __init__(self) -> None:
        self.hypotheses: list[str] = []

    def score(self, pairs):
        self.hypotheses += [h for _, h in pairs]
        out = np.zeros((len(pairs), 3), np.float32)
        out[:, 0] = 1.0
        return out


def test_a_verbatim_sentence_never_reaches_the_model(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(entail, "model", lambda: recorder)
    source = (DATA / "seed_ap.txt").read_text()
    kept = [
        "KCNA did not mention any comments from Kim regarding his support for Russian President Vladimir "
        "Putin’s invasion of Ukraine.",
        "Washington and Seoul have also accused North Korea of supplying Russia with various types of "
        "military equipment, including artillery systems and shells and ballistic missiles.",
    ]
    # the content farm's sentence that the AP story's intelligence sentence only weakly links to
    weak = (
        "South Korean intelligence also suggests that Pyongyang has sent thousands of civilian workers to "
        "Russia under the guise of industrial cooperation, further tightening bilateral ties."
    )
    assert weak in (DATA / "seed_rewrite.txt").read_text()
    compare(source, " ".join([kept[0], weak, kept[1]]))
    assert recorder.hypotheses == [weak]  # the doubtful sentence was read, the two verbatim ones not


def test_the_model_reads_only_what_it_can_change(monkeypatch):
    """A sentence whose label the reading cannot change is not read: here a dropped negation, which the
    explicit check flags (a flagged sentence is altered whatever the model says)."""
    recorder = Recorder()
    monkeypatch.setattr(entail, "model", lambda: recorder)
    pair = PAIRS[1]
    result = compare((DATA / "seed_ap.txt").read_text() + " " + pair["premise"], pair["hypothesis"])
    (sent,) = [r for r in result.b_results if r.sentence.kind == "body"]
    assert [f.type for f in sent.flags] == ["negation_changed"] and sent.label == "altered"
    assert recorder.hypotheses == []


def test_only_doubtful_sentences_are_read():
    """The cascade's gate: a sentence fully held by its source, in order and unflagged, is settled."""
    settled = {
        "soft_containment": 1.0,
        "bigram_containment": 0.9,
        "discordant": 0.0,
        "unmatched_words": 0.0,
    }
    assert not cascade.needs_model(settled, [])
    assert cascade.needs_model({**settled, "discordant": 0.2}, [])  # two shared words in reverse order
    assert cascade.needs_model({**settled, "soft_containment": 0.8}, [])  # words the source lacks


def test_a_negation_dropped_from_a_real_sentence_is_flagged():
    """The model's reading reaches the diff: the sentence is altered, with a flag pointing at the source."""
    pair = PAIRS[1]
    story = (DATA / "seed_ap.txt").read_text()
    source = story + "\n\n" + pair["premise"]
    result = compare(source, pair["hypothesis"])
    (sent,) = [r for r in result.b_results if r.sentence.kind == "body"]
    assert sent.label == "altered"
    assert {f.type for f in sent.flags} & {"negation_changed", "meaning_changed"}
