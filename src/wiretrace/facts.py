"""Checkable facts in a sentence: numbers and dates (``figures``), entities, quotes, attributions,
hedges, intensifiers, negation and enumerations.

Embedding similarity cannot see that "15,000" became "50,000"; these explicit mentions are what the diff
stage compares. Offsets are absolute (into the article text) so flags can point at both sides.
"""

from __future__ import annotations

import re
from datetime import date

from .figures import (
    _dates,
    _numbers,
)
from .lexicon import (
    ALIASES,
    ATTRIBUTION_VERBS,
    DEMONYMS,
    HEDGE_PHRASES,
    HEDGES,
    INTENSIFIERS,
    MONTHS,
    NEGATIONS,
    NOUN_MARKERS,
    STOPWORDS,
    WEAK_ATTRIBUTION_VERBS,
    WEEKDAYS,
)
from .model import Facts, Mention
from .text import WORD, stem

_QUOTE = re.compile(r"[“\"](?P<q>[^”\"]{1,400}?)[”\"]|(?<![\w])‘(?P<q2>[^’]{1,200}?)’(?!\w)")
_CAP = re.compile(r"[A-Z][\w’'.-]*|[A-Z]{2,}")
_ENTITY_JOIN = {"of", "the", "de", "du", "van", "von", "al", "bin", "la", "del", "for", "and"}
_TITLE_WORDS = {
    "president",
    "prime",
    "minister",
    "leader",
    "chancellor",
    "king",
    "queen",
    "general",
    "senator",
    "governor",
    "mayor",
    "secretary",
    "chairman",
    "ceo",
    "director",
    "spokesman",
    "spokeswoman",
    "mr",
    "mrs",
    "ms",
    "dr",
    "sir",
    "lord",
    "pope",
    "judge",
    "officer",
    "chief",
    "gen",
    "sen",
    "rep",
    "gov",
    "prof",
}
_NEG_CONTRACTION = re.compile(r"n['’]t\b|\bfail(?:s|ed|ing)? to\b", re.IGNORECASE)
_ACCORDING = re.compile(r"\baccording to\s+(?P<src>(?:[\w’'-]+\s*){1,6})", re.IGNORECASE)
_ATTR_VERB = re.compile(
    r"\b(?:" + "|".join(sorted(ATTRIBUTION_VERBS | WEAK_ATTRIBUTION_VERBS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_AUXILIARIES = {"has", "have", "had", "also", "further", "now", "previously", "reportedly"}
_SRC_WORD = re.compile(r"[\w’'-]+")
_LIST = re.compile(
    r"(?P<items>(?:[A-Za-z’'-]+(?:\s+[A-Za-z’'-]+){0,3},\s+){1,6}(?:and|or)\s+[A-Za-z’'-]+(?:\s+[A-Za-z’'-]+){0,3})"
)


def extract(text: str, offset: int = 0, published: date | None = None, headline: bool = False) -> Facts:
    """All facts in ``text`` (one sentence); spans are shifted by ``offset`` into the article."""
    return Facts(
        numbers=tuple(_numbers(text, offset)),
        dates=tuple(_dates(text, offset, published)),
        entities=() if headline else tuple(_entities(text, offset)),
        quotes=tuple(quotes(text, offset)),
        attributions=tuple(_attributions(text, offset)),
        hedges=tuple(_hedges(text, offset)),
        intensifiers=tuple(_lexical(text, offset, "intensifier", INTENSIFIERS, ())),
        negations=tuple(_negations(text, offset)),
        lists=tuple(_lists(text, offset)),
    )


# --- entities ----------------------------------------------------------------------------------------


_TOKEN = re.compile(r"[\w’'.-]+")
_TRAILING = STOPWORDS | _ENTITY_JOIN  # words an entity does not end with


def _entities(text: str, offset: int) -> list[Mention]:
    toks = list(_TOKEN.finditer(text))
    out: list[Mention] = []
    first = _first_word_start(text)
    i = 0
    while i < len(toks):
        t = toks[i].group(0)
        if not _CAP.match(t):
            i += 1
            continue
        j = i + 1
        while j < len(toks):
            nxt = toks[j].group(0)
            gap = text[toks[j - 1].end() : toks[j].start()]
            if gap.strip() not in ("", "-"):
                break
            if _CAP.match(nxt):
                j += 1
            elif (
                nxt.lower() in _ENTITY_JOIN
                and j + 1 < len(toks)
                and _CAP.match(toks[j + 1].group(0))
                and nxt.lower() != "and"
            ):
                j += 2
            else:
                break
        span_toks = toks[i:j]
        # Drop a leading sentence-initial common word ("The", "During", "Analysts").
        while (
            span_toks
            and span_toks[0].start() == first
            and (
                span_toks[0].group(0).lower() in STOPWORDS
                or (len(span_toks) == 1 and not _known(span_toks[0].group(0)))
            )
        ):
            span_toks = span_toks[1:]
        while span_toks and span_toks[-1].group(0).lower() in _TRAILING:
            span_toks = span_toks[:-1]
        if len(span_toks) == 1 and _is_calendar_word(span_toks[0].group(0)):
            span_toks = []
        if span_toks:
            s, e = span_toks[0].start(), span_toks[-1].end()
            surface = text[s:e].rstrip(".")
            e = s + len(surface)
            out.append(Mention("entity", s + offset, e + offset, surface, entity_key(surface)))
        i = j
    return out


def _is_calendar_word(word: str) -> bool:
    w = word.lower().rstrip(".")
    return w in MONTHS or w in WEEKDAYS


def _first_word_start(text: str) -> int:
    m = WORD.search(text)
    return m.start() if m else 0


def _known(word: str) -> bool:
    w = word.lower().rstrip(".")
    return w in DEMONYMS or w.isupper() or (len(word) > 1 and word[1:].lower() != word[1:])


_INITIALISM = re.compile(r"\b(?:[A-Za-z]\.)+[A-Za-z]\b\.?")


def entity_key(surface: str) -> frozenset[str]:
    """The name words of an entity, lower-cased, possessives and titles dropped, demonyms mapped to places,
    initialisms read with or without dots and mapped to what they stand for ("U.S." and "US": united
    states; "US" is not the stopword "us")."""
    words = []
    for w in WORD.findall(_INITIALISM.sub(lambda m: m.group(0).replace(".", ""), surface)):  # U.K. is UK
        low = w.lower()
        if w.isupper() and low in ALIASES:  # "US", "U.N.", "EU": the name they stand for
            words += ALIASES[low].split()
        elif low != "s":
            words.append(low)
    for size in (2, 1):  # a demonym of two words ("South Korean") before one of its words
        place = DEMONYMS.get(" ".join(words[:size])) if len(words) >= size else None
        if place is not None:
            words = place.split() + words[size:]
            break
    return frozenset(w for w in words if w not in _TITLE_WORDS and w not in STOPWORDS)


# --- quotes, attributions, hedges, negation, lists ---------------------------------------------------


def quotes(text: str, offset: int = 0) -> list[Mention]:
    """Quoted spans (trailing punctuation inside the marks trimmed). Short Title Case spans in quotes are
    names or titles ("Les Miz"), not quotations; a quotation still open at the sentence end runs to it."""
    if '"' not in text and "“" not in text and "‘" not in text:  # most sentences quote no one
        return []
    out = []
    end = 0
    for m in _QUOTE.finditer(text):
        group = "q" if m.group("q") is not None else "q2"
        out += _quote_mention(text, m.start(group), m.end(group), offset)
        end = m.end()
    rest = text[end:]
    opening = re.search(r"(?:^|\s)[“\"]", rest)
    if opening and not re.search(r"[”\"]", rest[opening.end() :]):
        out += _quote_mention(text, end + opening.end(), len(text), offset)
    return out


def _quote_mention(text: str, start: int, stop: int, offset: int) -> list[Mention]:
    q = text[start:stop].rstrip(" ,.;:!?")
    words = WORD.findall(q)
    if not words or (len(words) <= 5 and all(w[0].isupper() for w in words)):
        return []
    return [Mention("quote", start + offset, start + len(q) + offset, q)]


def _attributions(text: str, offset: int) -> list[Mention]:
    out = []
    for m in _ACCORDING.finditer(text):
        src = _trim_source(m.group("src"))
        if src:
            out.append(
                Mention(
                    "attribution",
                    m.start() + offset,
                    m.end() + offset,
                    m.group(0).strip(),
                    _source_key(src),
                    src,
                )
            )
    for m in _ATTR_VERB.finditer(text):
        verb = m.group(0).lower()
        if verb == "according":
            continue
        window = text[max(0, m.start() - 90) : m.start()]
        before = list(_SRC_WORD.finditer(window))
        while before and before[-1].group(0).lower() in _AUXILIARIES:
            before.pop()
        if not before or window[before[-1].end() :].strip():
            continue  # punctuation between the source and the verb: not "X said"
        if _passive(before):
            continue  # "was believed", "have been reported", "were told": the subject is not the source
        if verb in WEAK_ATTRIBUTION_VERBS:
            after = text[m.end() : m.end() + 12].lower().split()
            if before[-1].group(0).lower() in NOUN_MARKERS or (
                after and after[0] in ("of", "by", "from", "for", "in", "and", "on")
            ):
                continue
        base = m.start() - len(window)
        raw = window[before[max(0, len(before) - 7)].start() : before[-1].end()]
        src = _trim_source(raw, from_right=True)
        if not src:
            continue
        s = base + before[max(0, len(before) - 7)].start() + raw.rfind(src)
        out.append(
            Mention("attribution", s + offset, m.end() + offset, text[s : m.end()], _source_key(src), src)
        )
    return out


_BE = frozenset("am is are was were be been being 's ’s".split())
_NOT = frozenset("not never n't n’t also widely long still".split())


def _passive(before: list[re.Match]) -> bool:
    """Whether the words before an attribution verb make it passive: a form of "be", perhaps with "not"
    or an adverb between ("was not believed", "is widely reported")."""
    words = [m.group(0).lower() for m in before[-3:]]
    while words and (words[-1] in _NOT or words[-1].endswith("ly")):
        words.pop()
    return bool(words) and words[-1] in _BE


_SOURCE_STOP = re.compile(r"\b(?:that|which|who|and|but|as|while|because|when|,)\b", re.IGNORECASE)


def _trim_source(src: str, from_right: bool = False) -> str:
    parts = _SOURCE_STOP.split(src)
    src = (parts[-1] if from_right else parts[0]).strip(" ,")
    words = src.split()
    words = words[-5:] if from_right else words[:6]
    src = " ".join(words)
    if not src or all(w.lower() in STOPWORDS for w in words):
        return ""
    if src.lower() in ("it", "he", "she", "they", "we", "i", "you", "this", "that"):
        return src  # a pronoun still attributes, to someone named earlier
    return src


def _source_key(src: str) -> frozenset[str]:
    return frozenset(stem(w) for w in re.findall(r"[^\W_]+", src.lower()) if w not in STOPWORDS)


def _lexical(
    text: str, offset: int, kind: str, vocab: frozenset[str], phrases: tuple[str, ...]
) -> list[Mention]:
    out = [
        Mention(kind, m.start() + offset, m.end() + offset, m.group(0), m.group(0).lower())
        for m in WORD.finditer(text)
        if m.group(0).lower() in vocab
    ]
    low = text.lower()
    for p in phrases:
        for m in re.finditer(r"\b" + re.escape(p) + r"\b", low):
            out.append(Mention(kind, m.start() + offset, m.end() + offset, text[m.start() : m.end()], p))
    return out


def _hedges(text: str, offset: int) -> list[Mention]:
    """Hedge words and phrases, not a word inside a hyphenated compound ("a would-be attacker", "the Misty
    May-Treanor center") nor a capitalised "May" after a sentence's first word (the month, Theresa May)."""
    out = []
    for m in _lexical(text, offset, "hedge", HEDGES, HEDGE_PHRASES):
        start, end = m.start - offset, m.end - offset
        if text[start - 1 : start] == "-" or text[end : end + 1] == "-":
            continue
        if m.text == "May" and text[:start].strip():
            continue
        out.append(m)
    return out


_NOT_ONLY = re.compile(r"\bnot\s+(?:only|just|merely|simply)\b", re.IGNORECASE)


def _negations(text: str, offset: int) -> list[Mention]:
    # "not only ... but also" adds a claim; it negates nothing.
    additive = {m.start() for m in _NOT_ONLY.finditer(text)}
    out = [
        Mention("negation", m.start() + offset, m.end() + offset, m.group(0), m.group(0).lower())
        for m in WORD.finditer(text)
        if m.group(0).lower() in NEGATIONS and m.start() not in additive
    ]
    out += [
        Mention("negation", m.start() + offset, m.end() + offset, m.group(0), m.group(0).lower())
        for m in _NEG_CONTRACTION.finditer(text)
    ]
    return out


def _lists(text: str, offset: int) -> list[Mention]:
    out = []
    if "," not in text or not (" and " in text or " or " in text):
        return out  # an enumeration needs commas and a conjunction
    for m in _LIST.finditer(text):
        items = [
            x.strip()
            for x in re.split(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", m.group("items"))
            if x.strip()
        ]
        if len(items) >= 3:
            out.append(Mention("list", m.start() + offset, m.end() + offset, m.group(0), tuple(items)))
    return out
