"""Shared fixtures: real texts copied into tests/data (see its README for sources)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import wiretrace

DATA = Path(__file__).parent / "data"
SEED_AP = DATA / "seed_ap.txt"
SEED_REWRITE = DATA / "seed_rewrite.txt"


@pytest.fixture(scope="session")
def seed() -> dict:
    """The seed pair compared as a user would: AP story as a, rewrite as b, via the JSON contract."""
    return wiretrace.compare(SEED_AP, SEED_REWRITE).to_dict()


@pytest.fixture(scope="session")
def seed_swapped() -> dict:
    return wiretrace.compare(SEED_REWRITE, SEED_AP).to_dict()


def sentence(doc: dict, side: str, needle: str) -> dict:
    """The first sentence on ``side`` whose text contains ``needle`` (case-insensitive)."""
    for s in doc[side]["sentences"]:
        if needle.lower() in s["text"].lower():
            return s
    raise AssertionError(f"no sentence containing {needle!r} on side {side}")


def flags(s: dict) -> set[str]:
    return {f["type"] for f in s.get("flags", [])}


def load_json(name: str) -> dict:
    return json.loads((DATA / name).read_text())
