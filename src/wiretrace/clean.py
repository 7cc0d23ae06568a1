"""Separate story text from what is not the story, without dropping anything.

Every line is kept and labelled: ``headline``, ``boilerplate`` (with a reason) or ``body``. Wire credits
("— AP", "(Reuters) -", "AFP") are carved out of the lines they sit in and parsed into ``credits``,
because a dropped credit is the main evidence of uncredited reuse.

A wire named inside a story sentence ("according to Xinhua", "told AFP", "the Associated Press reported")
is not a credit: it is attribution of one claim, which any outlet reporting the story may write, the
original or a rewrite. ``attributions`` lists those wires apart, so that direction never reads them as a
credit line, while ``relation.findings`` still counts a derived text that names the wire as its source in
a sentence as crediting it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .furniture import CAPTION, CAPTION_HINTS, COPYRIGHT, furniture, has_hint
from .lexicon import WIRES
from .segment import block_spans
from .text import squash


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    kind: str  # body | headline | boilerplate
    reason: str | None = None


_WIRE_NAMES = sorted({name for names in WIRES.values() for name in names}, key=len, reverse=True)
_WIRE_ALT = "|".join(re.escape(n) for n in _WIRE_NAMES)
_CANON = {name.lower(): canon for canon, names in WIRES.items() for name in names}

_DASH = r"[—–-]{1,2}"
# "SEOUL, South Korea (AP) — " or "LONDON (Reuters) - " at the start of the first paragraph, or without the
# dash after a place and a date, in the style of Indian wires: "New Delhi, Nov 19 (PTI) ",
# "New Delhi [India], Nov 19 (ANI): ", or with the story right after the bracket: "(CNN)Rescuers ...".
_DATELINES = (
    re.compile(
        rf"^(?:[A-Z][A-Z.'’ -]{{1,40}}(?:,\s*[A-Z][\w.' -]{{1,40}})?\s*)?"
        rf"\((?P<wire>{_WIRE_ALT})\)\s*{_DASH}\s*"
    ),
    re.compile(
        rf"^[A-Z][\w.'’ -]{{1,30}}(?:\[[\w ]{{1,20}}\])?,\s*[A-Z][a-z]{{2,8}}\.?\s+\d{{1,2}}\s*"
        rf"\((?P<wire>{_WIRE_ALT})\)\s*:?\s*(?=[A-Z\"“‘'])"
    ),
    re.compile(
        rf"^(?:[A-Z][\w.'’ -]{{1,40}}(?:,\s*[A-Z][\w.' -]{{1,40}})?\s*)?"
        rf"\((?P<wire>{_WIRE_ALT})\)(?=[A-Z\"“‘'])"
    ),
)
# "... forces. — AP" or "... (AP)" at the end of a line.
_SUFFIX = re.compile(rf"\s*(?:{_DASH}\s*(?P<w1>{_WIRE_ALT})|\((?P<w2>{_WIRE_ALT})\))\s*$")
# A story sentence that names the wire as the source of a claim attributes it (``attributions``, not a
# credit): "according to Reuters", "the Associated Press reported", "AFP news agency reports", "told AFP".
# (Case-sensitive: "AP", not "ap".)
_INLINE_CREDIT = re.compile(
    rf"\b(?:[Aa]ccording to|[Rr]eported by|[Cc]ited by|[Qq]uoted by|[Rr]eports? from|told)\s+(?:the\s+)?"
    rf"(?P<w1>{_WIRE_ALT})\b"
    rf"|\b(?P<w2>{_WIRE_ALT})(?:\s+news agency)?\s+(?:reported|reports|said in a report)\b"
)
# A notice that the text is another outlet's article republished: "This article was originally published
# by Futurism.", "Originally published on Live Science.", "This article is republished from The
# Conversation under a Creative Commons license.", "Read the original article at Vox." (group ``outlet``).
_SYNDICATION_NOTICE = (
    r"(?:(?:this (?:article|story|post|piece) (?:(?:is|was|has been) )?)?"
    r"(?:(?:originally|first) (?:published|appeared) (?:by|in|on|at)"
    r"|republished (?:with permission )?(?:from|by))"
    r"|read the (?:full|original) (?:story|article) (?:at|on)) (?P<outlet>.+)"
)
_OUTLET_END = re.compile(r"\s+(?:under|with|on|at|in|and)\s+|[.,;:()|]")
# "(With inputs from agencies)", "With agency inputs": a credit that names no wire, kept as ``AGENCIES``.
AGENCIES = "agencies"
_UNNAMED_WIRES = re.compile(
    r"\b(?:news |wire |press )?(?:agencies|agency|wire services|wires)\b", re.IGNORECASE
)
_INLINE_TRIGGERS = ("ccording to", "eport", "ited by", "uoted by", "told")  # what every alternative needs
_CREDIT_LINE = re.compile(
    rf"^(?:{_DASH}\s*)?(?:\(?\s*(?:By\s+)?(?:[\w.' -]+,\s*)?(?P<wire>{_WIRE_ALT})\s*\)?"
    rf"|(?:Copyright|©|\(c\)).{{0,60}}?(?P<wire2>{_WIRE_ALT}).*"
    rf"|.{{0,80}}?(?P<wire3>{_WIRE_ALT})\s+contributed to this report\.?"
    rf"|\(?Reporting by .*)$",
    re.IGNORECASE,
)
# Credit lines that name people, an outlet or a wire in a fixed formula: "(With inputs from PTI)",
# "— With files from The Canadian Press", "Source: Reuters", "Associated Press writers ... contributed to
# this report.", "(Additional reporting by ...; Editing by ...)", and AP's story slugs ("AP-US--Trump-
# Impeachment, 4th Ld-Writethru"). Short lines only: a sentence of the story may say "source" too.
_CREDIT_FORMULA = re.compile(
    rf"^(?:{_DASH}\s*)?\(?\s*(?:"
    r"(?:with )?(?:agency|agencies'?|wire) inputs?\b.{0,40}"
    r"|(?:(?:with )?(?:inputs?|files|additional reporting) from|compiled from"
    r"|(?:additional )?(?:reporting|writing|editing|compiled|reported|written) by) .+"
    r"|(?:source[sd]?|courtesy)\s*:(?:\s*[^\s.;]+){1,6}\.?"
    r"|.+ contributed (?:to this report|reporting)\b.*|our standards\s*:.*"
    rf"|{_SYNDICATION_NOTICE})$"
    r"|^(?:AP|BC)-[A-Z][\w-]*--?[\w-]+.*\b(?:Writethru|Ld|Advisory|Correction)\b.*$",
    re.IGNORECASE,
)
_CREDIT_FORMULA_HINTS = (
    "input", "files from", "reporting", "compiled", "writing by", "editing by", "reported by", "written by",
    "source", "courtesy", "contributed", "standards", "writethru", " ld", "advisory", "correction",
    "originally", "first published", "first appeared", "republished", "read the",
)  # fmt: skip

_CREDIT_HINTS = ("copyright", "©", "(c)", "contributed to this report", "reporting by")
_WIRE_ENDINGS = tuple(n.lower() for n in _WIRE_NAMES)
_TAIL = 80  # characters from the end that hold a trailing wire credit (wire names are short)


def _ends_with_wire(text: str) -> bool:
    """Whether the text ends with a wire name, perhaps followed by ")" (what a trailing credit needs)."""
    return text[-_TAIL:].rstrip().removesuffix(")").rstrip().lower().endswith(_WIRE_ENDINGS)


def _is_credit_line(line: str, lower: str, words: int) -> bool:
    if words <= 40 and has_hint(lower, _CREDIT_FORMULA_HINTS) and _CREDIT_FORMULA.match(line):
        return True
    if not (has_hint(lower, _CREDIT_HINTS) or _ends_with_wire(line)):
        return False
    return _CREDIT_LINE.match(line) is not None


def _suffix(text: str, start: int, end: int) -> re.Match[str] | None:
    """``_SUFFIX`` searched in the line's last characters first (where a trailing credit sits)."""
    window = max(start, end - _TAIL)
    if not _ends_with_wire(text[window:end]):
        return None
    m = _SUFFIX.search(text, window, end)
    if m is not None and m.start() == window > start:  # the spaces before it may reach further back
        m = _SUFFIX.search(text, start, end)
    return m


_BYLINE = re.compile(r"^by\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}(?:\s*(?:,|and)\s*.*)?$", re.IGNORECASE)


def canonical_wire(name: str) -> str:
    return _CANON.get(name.lower(), name)


def looks_like_title(line: str) -> bool:
    """A first line is a title when it is short, has no sentence-final full stop and is not a caption."""
    words = line.split()
    return (
        0 < len(words) <= 25
        and not line.rstrip().endswith((".", ",", ";", ":"))
        and not (has_hint(line.lower(), CAPTION_HINTS) and CAPTION.search(line))
        and not _suffix(line, 0, len(line))
    )


def classify_line(line: str, title: str | None) -> tuple[str, str | None]:
    """Return (kind, reason) for a whole line."""
    words = len(line.split())
    lower = line.lower()
    reason = furniture(line, lower, words)
    if reason:
        return "boilerplate", reason
    if _is_credit_line(line, lower, words):
        return "boilerplate", "credit line"
    if words <= 40 and COPYRIGHT.match(line.strip()):
        return "boilerplate", "copyright"
    if words <= 6 and _BYLINE.match(line):
        return "boilerplate", "byline"
    if words <= 40 and has_hint(lower, CAPTION_HINTS) and CAPTION.search(line):
        return "boilerplate", "caption"
    if title and squash(line) == squash(title):
        return "headline", None
    return "body", None


def clean(text: str, title: str | None = None) -> tuple[list[Block], list[str]]:
    """Label every line of ``text``; return the blocks (in order, covering all non-blank text) and credits.

    ``title`` is the article's title when known; its first occurrence in the text is the ``headline``,
    later ones are ``boilerplate`` ("repeated headline").
    """
    blocks: list[Block] = []
    credits: list[str] = []
    seen_headline = False
    seen_body = False
    for start, end in block_spans(text):
        line = text[start:end]
        kind, reason = classify_line(line, title)
        if kind == "headline":
            if seen_headline or seen_body:
                kind, reason = "boilerplate", "repeated headline"
            seen_headline = True
        if kind == "boilerplate":
            named = [
                canonical_wire(m.group(0))
                for m in re.finditer(_WIRE_ALT, line)
                if reason in ("credit line", "caption", "byline") and _is_wire_token(line, m)
            ]
            if not named and reason == "credit line" and _UNNAMED_WIRES.search(line):
                named = [AGENCIES]
            credits.extend(named)
            blocks.append(Block(start, end, kind, reason))
            continue
        if kind == "headline":
            blocks.append(Block(start, end, kind))
            continue
        # Body line: carve a leading dateline credit and a trailing credit.
        body_start, body_end = start, end
        if not seen_body:
            m = next((m for p in _DATELINES if (m := p.match(line))), None)
            if m:
                credits.append(canonical_wire(m.group("wire")))
                blocks.append(Block(start, start + m.end(), "boilerplate", "dateline"))
                body_start = start + m.end()
        m = _suffix(text, body_start, end)
        suffix = None
        if m and m.start() > body_start:
            credits.append(canonical_wire(m.group("w1") or m.group("w2")))
            body_end = m.start()
            suffix = Block(
                m.start() + (len(m.group(0)) - len(m.group(0).lstrip())), end, "boilerplate", "credit line"
            )
        if body_end > body_start:
            blocks.append(Block(body_start, body_end, "body"))
            seen_body = True
        if suffix:
            blocks.append(suffix)
    return blocks, list(dict.fromkeys(credits))


def named_wires(credits: tuple[str, ...] | list[str]) -> list[str]:
    """The credits that name a wire (``AGENCIES`` names none)."""
    return [c for c in credits if c != AGENCIES]


def republished_from(text: str, blocks: list[Block]) -> tuple[str, ...]:
    """The outlets a text's syndication notices name as its first publisher ("originally published by
    Futurism" -> "Futurism"): the text says it is a republication of their article."""
    out = []
    for b in blocks:
        if b.reason != "credit line":
            continue
        m = _CREDIT_FORMULA.match(text[b.start : b.end].strip())
        outlet = _OUTLET_END.split(m.group("outlet"))[0].strip() if m and m.group("outlet") else ""
        if outlet and len(outlet.split()) <= 6:
            out.append(outlet)
    return tuple(dict.fromkeys(out))


def attributions(text: str, blocks: list[Block]) -> tuple[str, ...]:
    """Wires the story sentences name as the source of a claim ("according to Reuters", "dpa reported",
    "told AFP"): attribution, not a credit line (the pattern's word boundaries keep "AP" whole)."""
    out = []
    for b in blocks:
        line = text[b.start : b.end]
        if b.kind != "body" or not any(t in line for t in _INLINE_TRIGGERS):
            continue
        out.extend(canonical_wire(m.group("w1") or m.group("w2")) for m in _INLINE_CREDIT.finditer(line))
    return tuple(dict.fromkeys(out))


def _is_wire_token(line: str, m: re.Match[str]) -> bool:
    """Short wire names ("AP", "PA") count only as whole upper-case tokens, not inside words."""
    before = line[m.start() - 1] if m.start() else " "
    after = line[m.end()] if m.end() < len(line) else " "
    return not (before.isalnum() or after.isalnum())
