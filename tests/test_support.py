"""Support-classifier features on real sentences: each measures the change it names, and not rewording."""

from __future__ import annotations

from wiretrace.support import content_words, discordant_pairs, inserted_words
from wiretrace.text import stem


def stems(text: str) -> list[str]:
    return [stem(w) for w in content_words(text)]


# MSRP (train): one outlet's sentence and another's report of the same suit.
SOURCE = (
    "Sun filed its lawsuit after an appeals court in Washington upheld the government's case against "
    "Microsoft."
)


def test_swapped_arguments_reverse_many_word_pairs():
    swapped = (
        "Microsoft filed its lawsuit after an appeals court in Washington upheld the government's case "
        "against Sun."
    )
    assert discordant_pairs(stems(swapped), stems(SOURCE)) > 0.3
    assert discordant_pairs(stems(SOURCE), stems(SOURCE)) == 0.0


def test_inserted_detail_counts_but_a_replaced_word_does_not():
    inserted = "Sun filed its antitrust lawsuit after a federal appeals court in Washington upheld the case."
    reworded = (
        "Sun filed its suit after an appeals court in Washington upheld the government's case against "
        "Microsoft."
    )
    assert inserted_words(stems(inserted), stems(SOURCE)) == 2  # "antitrust", "federal"
    assert inserted_words(stems(reworded), stems(SOURCE)) == 0  # "suit" stands where "lawsuit" stood
