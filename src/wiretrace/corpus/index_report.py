"""What one ``Corpus.add`` did, and where its time went (``wiretrace index --profile``)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class IndexReport:
    """What one ``add`` did; ``failed`` lists (locator, reason) of records that could not be read."""

    indexed: int = 0
    duplicates: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    candidates: int = 0
    verified: int = 0
    edges: int = 0
    stories: int = 0
    diffs: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per phase (``--profile``)

    def profile(self) -> dict:
        """Where the run's time went, phase by phase, with the counts that explain it."""
        total = round(sum(self.seconds.values()), 3)  # the rates below are of the total reported
        rate = lambda n, t: round(n / t, 1) if t else None  # noqa: E731
        return {
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "total_seconds": round(total, 3),
            "articles_per_second": rate(self.indexed, total),
            "ingest_articles_per_second": rate(self.indexed, self.seconds.get("ingest", 0.0)),
            "verified_pairs_per_second": rate(self.verified, self.seconds.get("verify", 0.0)),
            "counts": {
                "indexed": self.indexed,
                "duplicates": self.duplicates,
                "failed": len(self.failed),
                "candidates": self.candidates,
                "verified": self.verified,
                "edges": self.edges,
                "diffs": self.diffs,
                "stories": self.stories,
            },
        }

    def summary(self) -> str:
        return (
            f"indexed {self.indexed}, skipped duplicates {self.duplicates}, failed {len(self.failed)}; "
            f"{self.candidates} candidate pairs, {self.verified} verified, {self.edges} edges kept, "
            f"{self.stories} stories"
        )


class Clock:
    """Wall time of consecutive phases, written into ``into`` under each phase's name."""

    def __init__(self, into: dict[str, float], started: float) -> None:
        self.into, self.last = into, started

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.into[phase] = self.into.get(phase, 0.0) + now - self.last
        self.last = now
