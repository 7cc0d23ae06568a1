"""Corpus mode: index a news corpus, find every copy and rewrite, group stories, name the originals.

Stages (each a small module): ``readers`` (inputs -> records) -> ``fingerprint`` (the per-article
analysis, once: light Document record, sentence vectors, stem and name counts, line hashes) ->
``candidates`` (an inverted index of distinctive stems and names, scored as containment; never all
pairs) -> ``verify`` (stage 1: the engine's relation for every candidate from stored records; stage 2:
the full claim-level diff on demand) -> ``stories`` (source choice, components, originals, derivation
DAG) -> ``export`` / ``render``. ``store`` is the one SQLite file that holds it all; ``Corpus`` ties them.
"""

from .corpus import Corpus, IndexReport

__all__ = ["Corpus", "IndexReport"]
