"""Rebuilding the stored stories from the verified pairs: what ``stories.iter_stories`` needs, read from
the corpus file (derivation edges, same_event pairs, dates, each article's event profile, the corpus's
stem frequencies, the contextual vectors of competing sources), and the stories written back in one
transaction, one at a time (memory holds the edges and pairs, not every story)."""

from __future__ import annotations

import json

import numpy as np

from .events import EventInput
from .semantic import decode, encode, model, similarity
from .store import Store
from .stories import DERIVATION, Similarity, iter_stories

FIELDS = ("n", "id", "path", "title", "source", "published", "first_seen")


def rebuild_stories(store: Store) -> int:
    """Recompute every story and store it; returns how many there are."""
    derivation = store.edges(relations=DERIVATION)
    same = store.same_event_pairs()
    dates = store.dates({n for e in derivation for n in (e["src"], e["dst"])})
    count = 0
    with store.transaction() as db:
        db.execute("DELETE FROM stories")
        db.execute("DELETE FROM story_members")
        events = EventInput(
            store.event_profiles(),
            store.stem_df(),
            store.count(),
            lambda n: (store.article(n) or {}).get("text"),
        )
        stories = iter_stories(
            derivation,
            same,
            dates,
            lambda ns: store.articles(ns, fields=FIELDS),
            store.same_event_edges,
            stored_similarity(store),
            events,
        )
        for s in stories:
            db.execute(
                "INSERT INTO stories VALUES (?, ?, ?, ?)",
                (s["id"], s["size"], s["last_date"], json.dumps(s, ensure_ascii=False)),
            )
            db.executemany(
                "INSERT OR REPLACE INTO story_members SELECT n, ? FROM articles WHERE id = ?",
                ((s["id"], a["id"]) for a in s["articles"]),
            )
            count += 1
    return count


def stored_similarity(store: Store) -> Similarity:
    """Contextual similarity of stored articles (``semantic.similarity``), for competing sources; an
    article's vector is computed once and kept in the ``semantic`` table."""

    def vectors_of(numbers: list[int]) -> dict[int, np.ndarray]:
        stored = store.semantic_vectors(numbers)
        missing = [n for n in numbers if n not in stored]
        if missing:
            rows = store.articles(missing, with_text=True, fields=("n",))
            vectors = model().embed([rows[n]["text"] for n in missing])
            fresh = {n: encode(v) for n, v in zip(missing, vectors, strict=True)}
            store.save_semantic_vectors(fresh)
            stored.update(fresh)
        return {n: decode(blob) for n, blob in stored.items()}

    return similarity(vectors_of)
