"""What event clustering (``events``) reads: the weights ``scripts/train_events.py`` chose
(``data/events/model.json``), the background document frequencies of real news
(``data/events/background.bin``) and each article's ``Profile``."""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent / "data" / "events"
MODEL = DATA / "model.json"
BACKGROUND = DATA / "background.bin"
BACKGROUND_MAGIC = b"WTBG1\n"


@dataclass(frozen=True)
class EventModel:
    """How articles are grouped into events (``data/events/model.json``)."""

    entity_weight: float  # weight of the specific-name cosine beside the stem cosine
    idf_power: float  # terms weigh idf to this power: rare words and names tell an event, templates do not
    threshold: float  # least mean pair similarity for two groups to be one event
    window_days: float  # claimed dates this far apart cost nothing
    capture_window_days: float  # the window when a date is only a capture time
    decay_days: float  # beyond the window the similarity falls by e every this many days


@lru_cache(maxsize=1)
def event_model(path: Path = MODEL) -> EventModel:
    data = json.loads(path.read_text(encoding="utf-8"))
    return EventModel(**{k: float(data[k]) for k in EventModel.__dataclass_fields__})


@dataclass(frozen=True)
class Background:
    """Stem document frequencies of real news (``scripts/train_events.py``), added to a corpus's own: a
    folder of ten articles alone cannot tell that "said" is common and "Lohan" is not."""

    n_docs: int
    keys: np.ndarray  # sorted int64 stem hashes
    counts: np.ndarray  # their document frequencies

    def __call__(self, keys: np.ndarray) -> np.ndarray:
        """The background document frequency of each stem hash (0 for one it does not hold)."""
        if not len(self.keys):
            return np.zeros(len(keys))
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return np.where(self.keys[at] == keys, self.counts[at], 0).astype(np.float64)


@lru_cache(maxsize=2)
def background(path: Path = BACKGROUND) -> Background:
    blob = path.read_bytes()
    if not blob.startswith(BACKGROUND_MAGIC):
        raise ValueError(f"{path}: not a wiretrace background table")
    n_docs, size = struct.unpack_from("<II", blob, len(BACKGROUND_MAGIC))
    start = len(BACKGROUND_MAGIC) + 8
    keys = np.frombuffer(blob, np.int64, size, start)
    counts = np.frombuffer(blob, np.uint32, size, start + 8 * size)
    return Background(n_docs, keys, counts)


@dataclass(frozen=True, slots=True)
class Profile:
    """What event clustering reads of one article."""

    key: str  # the article's id: order and ties by it, never by arrival
    stems: np.ndarray  # distinct int64 hashes of the story sentences' stems (``Sketch.stems``)
    entities: frozenset[str]  # specific names of the body sentences (``Sketch.entities``)
    date: date | None = None
    basis: str | None = None  # published | first_seen | None (no date)


def profile_date(published: str | None, first_seen: str | None) -> tuple[date | None, str | None]:
    """The date an article's time position rests on: the claimed publication date, else the capture
    date, else none."""
    for value, basis in ((published, "published"), (first_seen, "first_seen")):
        if value:
            try:
                return date.fromisoformat(value[:10]), basis
            except ValueError:
                continue
    return None, None
