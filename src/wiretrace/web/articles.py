"""The article page's reading view: the text as ``clean`` labels it, nothing dropped.

Every line keeps its place; boilerplate (ads, related links, prompts, captions, bylines, repeated
headlines, lines the site repeats on many articles) is shown struck through with its reason, credit
lines and datelines are highlighted, and wire names inside other page furniture (a caption's
"— AP") are highlighted too.
"""

from __future__ import annotations

import re

from ..clean import clean
from ..corpus.fingerprint import line_hash
from ..lexicon import WIRES
from ..segment import line_spans

CREDIT_REASONS = ("credit line", "dateline")


def blocks(text: str, title: str | None, site_lines: frozenset[int] = frozenset()) -> list[dict]:
    """The text cut into labelled pieces that join back to exactly ``text``.

    Each piece: ``kind`` (``body``, ``headline``, ``boilerplate``, ``credit`` or ``gap`` for the
    whitespace between blocks), ``reason``, ``start``, ``end`` and ``parts``: (text, is_credit_name)."""
    found, credits = clean(text, title)
    site_spans = (
        [(s, e) for s, e in line_spans(text) if line_hash(text[s:e]) in site_lines] if site_lines else []
    )
    names = sorted({n for c in credits for n in WIRES.get(c, (c,))}, key=len, reverse=True)
    wire = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)") if names else None
    out: list[dict] = []
    pos = 0
    for b in found:
        if b.start > pos:
            out.append(_piece("gap", None, text, pos, b.start, None))
        kind, reason = b.kind, b.reason
        if kind == "body" and any(s <= b.start < e for s, e in site_spans):
            kind, reason = "boilerplate", "site boilerplate"
        if kind == "boilerplate" and reason in CREDIT_REASONS:
            kind = "credit"
        out.append(_piece(kind, reason, text, b.start, b.end, wire if kind == "boilerplate" else None))
        pos = max(pos, b.end)
    if pos < len(text):
        out.append(_piece("gap", None, text, pos, len(text), None))
    return out


def _piece(kind: str, reason: str | None, text: str, start: int, end: int, wire) -> dict:
    chunk = text[start:end]
    parts: list[tuple[str, bool]] = []
    if wire is not None:
        at = 0
        for m in wire.finditer(chunk):
            if m.start() > at:
                parts.append((chunk[at : m.start()], False))
            parts.append((m.group(0), True))
            at = m.end()
        if at < len(chunk):
            parts.append((chunk[at:], False))
    else:
        parts = [(chunk, False)]
    return {"kind": kind, "reason": reason, "start": start, "end": end, "parts": parts}


def paragraphs(pieces: list[dict]) -> list[list[dict]]:
    """The pieces grouped into the text's lines (a gap with a line break ends a line), for display."""
    out: list[list[dict]] = []
    line: list[dict] = []
    for p in pieces:
        if p["kind"] == "gap" and "\n" in p["parts"][0][0]:
            if line:
                out.append(line)
            line = []
        else:
            line.append(p)
    if line:
        out.append(line)
    return out


def label_counts(pieces: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in pieces:
        if p["kind"] != "gap":
            counts[p["kind"]] = counts.get(p["kind"], 0) + 1
    return counts
