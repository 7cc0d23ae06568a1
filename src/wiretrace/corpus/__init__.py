"""Corpus mode: index a news corpus, find every copy and rewrite, group stories, name the originals.

Stages (each a small module): ``readers`` (inputs -> records) -> ``fingerprint`` (MinHash bands,
document vector, line hashes) -> ``candidates`` (LSH + nearest vectors, never all pairs) -> ``verify``
(the compare engine on candidate pairs) -> ``stories`` (components, originals, derivation DAG) ->
``export`` / ``render``. ``store`` is the one SQLite file that holds it all; ``Corpus`` ties them.
"""

from .corpus import Corpus, IndexReport

__all__ = ["Corpus", "IndexReport"]
