"""Checkable facts in a sentence: numbers, dates, entities, quotes, attributions, hedges, intensifiers,
negation and enumerations.

Embedding similarity cannot see that "15,000" became "50,000"; these explicit mentions are what the diff
stage compares. Offsets are absolute (into the article text) so flags can point at both sides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .lexicon import (
    ALIASES,
    APPROXIMATORS,
    ATTRIBUTION_VERBS,
    DEMONYMS,
    FRACTION_WORDS,
    HEDGE_PHRASES,
    HEDGES,
    INTENSIFIERS,
    MONTHS,
    NEGATIONS,
    NOUN_MARKERS,
    NUMBER_WORDS,
    ORDINALS,
    SCALE_WORDS,
    STOPWORDS,
    VAGUE_SCALES,
    WEAK_ATTRIBUTION_VERBS,
    WEEKDAYS,
)
from .model import Facts, Mention
from .text import WORD, stem


@dataclass(frozen=True)
class Quantity:
    value: float
    kind: str  # count | fraction | percent | money | vague | ordinal | multiple
    approx: bool = False
    step: float = 0.0  # value of one unit of the last digit written ("17.3 percent": 0.001); 0 when unknown


@dataclass(frozen=True)
class When:
    """A date mention, resolved to a (year, month, day) with None for the parts not stated, or unresolved."""

    year: int | None
    month: int | None
    day: int | None
    resolved: bool
    expression: str


_NUM = re.compile(
    r"(?:(?P<cur>[$€£¥])\s?)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s*(?P<scale>million|billion|trillion|thousand|hundred|bn|m|k)\b)?"
    r"(?P<pct>%|\s*percent\b|\s*per cent\b)?",
    re.IGNORECASE,
)
_FRACTION = re.compile(
    r"\b(?P<n>a|one|two|three|four|nine)[\s-]+(?P<d>half|third|thirds|quarter|quarters|fifth|fifths|tenth|tenths)\b"
    r"|\b(?P<half>half)\b",
    re.IGNORECASE,
)
_ORDINAL = re.compile(
    r"\b("
    + "|".join(ORDINALS)
    + r")\s+(?:win|victory|defeat|loss|time|title|goal|term|round|place|case|death)s?\b",
    re.IGNORECASE,
)
_MULTIPLE = re.compile(r"\b(doubl|tripl|quadrupl|halv)(?:e|ed|es|ing)\b", re.IGNORECASE)
_WORDNUM = re.compile(
    r"\b(?P<w>"
    + "|".join(
        sorted(k for k in NUMBER_WORDS if k not in ("single", "pair", "twice", "thrice", "double", "triple"))
    )
    + r")(?:[\s-]+(?P<w2>one|two|three|four|five|six|seven|eight|nine))?"
    r"(?:\s+(?P<scale>hundred|thousand|million|billion|trillion))?\b",
    re.IGNORECASE,
)
_VAGUE = re.compile(r"\b(?P<v>" + "|".join(VAGUE_SCALES) + r")\s+of\b", re.IGNORECASE)
_APPROX_BEFORE = re.compile(
    r"(?:" + "|".join(sorted(APPROXIMATORS, key=len, reverse=True)) + r")\s+(?:than\s+|to\s+)?(?:a\s+)?$",
    re.IGNORECASE,
)

_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE = re.compile(
    rf"\b(?:(?P<md_m>{_MONTH_ALT})\.?\s+(?P<md_d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<md_y>(?:19|20)\d\d))?"
    rf"|(?P<dm_d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<dm_m>{_MONTH_ALT})\.?(?:,?\s+(?P<dm_y>(?:19|20)\d\d))?"
    rf"|(?P<my_m>{_MONTH_ALT})\.?\s+(?P<my_y>(?:19|20)\d\d)"
    rf"|(?:in|since|until|by|from|early|late|mid|last|next|this)[\s-]+(?P<m>{_MONTH_ALT})\b"
    rf"|(?P<rel>today|tonight|yesterday|tomorrow)"
    rf"|(?P<lnt>last|next|this|earlier this|later this)\s+(?P<unit>week|weekend|month|year|"
    rf"monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    rf"|(?P<ago_n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|few)\s+"
    rf"(?P<ago_u>days?|weeks?|months?|years?)\s+ago"
    rf"|(?:on\s+)?(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    rf"|(?P<y>(?:in|since|by|of|until|from|during)\s+(?:19|20)\d\d)\b)",
    re.IGNORECASE,
)
_MONTH_ONLY_AMBIGUOUS = {
    "may",
    "march",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
    "sept",
}

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


# --- numbers -----------------------------------------------------------------------------------------


def _is_approx(text: str, start: int) -> bool:
    return bool(_APPROX_BEFORE.search(text[max(0, start - 24) : start]))


def _numbers(text: str, offset: int) -> list[Mention]:
    out: list[Mention] = []
    taken: list[tuple[int, int]] = []

    def add(s: int, e: int, q: Quantity) -> None:
        if any(s < te and ts < e for ts, te in taken):
            return
        taken.append((s, e))
        out.append(Mention("number", s + offset, e + offset, text[s:e], q))

    date_spans = [(m.start(), m.end()) for m in _DATE.finditer(text)]
    for m in _NUM.finditer(text):
        raw = m.group("num").replace(",", "")
        if any(s <= m.start("num") < e for s, e in date_spans):
            continue
        if re.fullmatch(r"(?:19|20)\d\d", raw) and not m.group("scale") and not m.group("pct"):
            continue  # a year, handled as a date
        value = float(raw)
        step = 10.0 ** -len(raw.partition(".")[2])  # "17.3" is written to the tenth
        scale = (m.group("scale") or "").lower()
        if scale:
            value *= SCALE_WORDS[scale]
            step *= SCALE_WORDS[scale]
        kind = "percent" if m.group("pct") else "money" if m.group("cur") else "count"
        if kind == "percent":
            value /= 100
            step /= 100
        add(m.start(), m.end(), Quantity(value, kind, _is_approx(text, m.start()), step))
    for m in _FRACTION.finditer(text):
        if m.group("half"):
            value = 0.5
        else:
            n = 1 if m.group("n").lower() == "a" else NUMBER_WORDS[m.group("n").lower()]
            value = n * FRACTION_WORDS[m.group("d").lower()]
        add(m.start(), m.end(), Quantity(value, "fraction", _is_approx(text, m.start())))
    for m in _VAGUE.finditer(text):
        add(m.start(), m.end("v"), Quantity(VAGUE_SCALES[m.group("v").lower()], "vague", True))
    for m in _MULTIPLE.finditer(text):
        factor = {"doubl": 2, "tripl": 3, "quadrupl": 4, "halv": 0.5}[m.group(1).lower()]
        add(m.start(), m.end(), Quantity(factor, "multiple"))
    for m in _ORDINAL.finditer(text):  # "his second win" counts two wins, like "two of three"
        add(m.start(), m.end(), Quantity(float(ORDINALS[m.group(1).lower()]), "ordinal"))
    for m in _WORDNUM.finditer(text):
        w = m.group("w").lower()
        if w in ("one",) and not m.group("scale"):
            continue  # "one of the", "no one": too often not a quantity
        if re.search(
            r"\b(?:the|these|those|all)\s+$", text[max(0, m.start() - 8) : m.start()], re.IGNORECASE
        ):
            continue  # "the two countries" refers back; it is not a claim about a number
        value = NUMBER_WORDS[w] + (NUMBER_WORDS[m.group("w2").lower()] if m.group("w2") else 0)
        if m.group("scale"):
            value *= SCALE_WORDS[m.group("scale").lower()]
        if w in ("double", "triple"):
            add(m.start(), m.end(), Quantity(value, "multiple"))
        else:
            add(m.start(), m.end(), Quantity(value, "count", _is_approx(text, m.start())))
    out.sort(key=lambda x: x.start)
    return out


def quantities_match(b: Quantity, a: Quantity) -> bool:
    """Same claim up to rounding: exact, or within 10% when either side is approximate."""
    if b.kind == "multiple" or a.kind == "multiple":
        return b.kind == a.kind and abs(b.value - a.value) < 1e-9
    if "ordinal" in (b.kind, a.kind):
        return {b.kind, a.kind} <= {"ordinal", "count"} and abs(b.value - a.value) < 1e-9
    if b.kind == "vague" or a.kind == "vague":
        x, y = max(b.value, 1), max(a.value, 1)
        return 1 <= max(x, y) / min(x, y) < 1000 and min(x, y) >= min(b.value, a.value)
    if (
        {b.kind, a.kind} <= {"fraction", "percent"}
        or b.kind == a.kind
        or {b.kind, a.kind} <= {"count", "money"}
    ):
        tol = 0.1 if (a.approx or b.approx or "fraction" in (a.kind, b.kind)) else 1e-9
        return abs(b.value - a.value) <= tol * max(abs(a.value), abs(b.value), 1e-9) or rounds(b, a)
    return False


def rounds(b: Quantity, a: Quantity) -> bool:
    """``b`` is ``a`` rounded to fewer digits ("17 percent" for "17.3 percent", "$50" for "$50.01").

    Only digits actually written count: "50" is not taken as a rounding of "47" (trailing zeros may be exact).
    """
    if not (b.step and a.step) or b.step <= a.step * (1 + 1e-9):
        return False
    return abs(b.value - a.value) <= b.step / 2 * (1 + 1e-9)


def quantity_supported(b: Quantity, source: list[Quantity]) -> bool:
    """True when ``b`` equals a source quantity or a ratio of two source counts.

    "nearly a third" is supported by "nearly 5,000 of 15,000".
    """
    if any(quantities_match(b, a) for a in source):
        return True
    if b.kind in ("fraction", "percent"):
        counts = [a.value for a in source if a.kind in ("count", "money") and a.value > 0]
        for x in counts:
            for y in counts:
                if x < y and abs(x / y - b.value) <= 0.1 * b.value + 0.02:
                    return True
    return False


# --- dates -------------------------------------------------------------------------------------------


def _dates(text: str, offset: int, published: date | None) -> list[Mention]:
    out = []
    for m in _DATE.finditer(text):
        g = m.groupdict()
        if g.get("m") and g["m"].lower() in _MONTH_ONLY_AMBIGUOUS and not text[m.start("m")].isupper():
            continue
        if g.get("wd") and not text[m.start("wd")].isupper():
            continue
        when = _resolve(g, m.group(0), published)
        out.append(Mention("date", m.start() + offset, m.end() + offset, m.group(0), when))
    return out


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _shift_month(d: date, months: int) -> tuple[int, int]:
    total = d.year * 12 + d.month - 1 + months
    return total // 12, total % 12 + 1


def _resolve(g: dict, expr: str, pub: date | None) -> When:
    if g.get("md_m"):
        y = int(g["md_y"]) if g.get("md_y") else (pub.year if pub else None)
        return When(y, _month(g["md_m"]), int(g["md_d"]), y is not None, expr)
    if g.get("dm_m"):
        y = int(g["dm_y"]) if g.get("dm_y") else (pub.year if pub else None)
        return When(y, _month(g["dm_m"]), int(g["dm_d"]), y is not None, expr)
    if g.get("my_m"):
        return When(int(g["my_y"]), _month(g["my_m"]), None, True, expr)
    if g.get("y"):
        return When(int(expr[-4:]), None, None, True, expr)
    if g.get("m"):
        month = _month(g["m"])
        if pub is None:
            return When(None, month, None, False, expr)
        year = pub.year if month <= pub.month else pub.year - 1
        if expr.lower().startswith("next"):
            year = pub.year if month > pub.month else pub.year + 1
        return When(year, month, None, True, expr)
    if pub is None:
        return When(None, None, None, False, expr)
    if g.get("rel"):
        delta = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[g["rel"].lower()]
        d = pub + timedelta(days=delta)
        return When(d.year, d.month, d.day, True, expr)
    if g.get("lnt"):
        which, unit = g["lnt"].lower(), g["unit"].lower()
        step = {"last": -1, "next": 1}.get(which, 0)
        if unit == "month":
            y, mo = _shift_month(pub, step)
            return When(y, mo, None, True, expr)
        if unit == "year":
            return When(pub.year + step, None, None, True, expr)
        if unit in WEEKDAYS:
            return _weekday(pub, WEEKDAYS[unit], step or -1, expr)
        d = pub + timedelta(weeks=step)  # week / weekend: month granularity is all we can claim safely
        return When(d.year, d.month, None, True, expr)
    if g.get("ago_n"):
        n_raw = g["ago_n"].lower()
        n = int(n_raw) if n_raw.isdigit() else NUMBER_WORDS.get(n_raw, 1)
        unit = g["ago_u"].lower().rstrip("s")
        if unit == "year":
            return When(pub.year - n, None, None, True, expr)
        if unit == "month":
            y, mo = _shift_month(pub, -n)
            return When(y, mo, None, True, expr)
        d = pub - timedelta(days=n * (7 if unit == "week" else 1))
        return When(d.year, d.month, d.day if unit == "day" else None, True, expr)
    if g.get("wd"):
        return _weekday(pub, WEEKDAYS[g["wd"].lower()], -1, expr)
    return When(None, None, None, False, expr)


def _weekday(pub: date, wd: int, step: int, expr: str) -> When:
    if step < 0:
        back = (pub.weekday() - wd) % 7 or 7
        d = pub - timedelta(days=back)
    else:
        d = pub + timedelta(days=(wd - pub.weekday()) % 7 or 7)
    return When(d.year, d.month, d.day, True, expr)


def dates_agree(x: When, y: When) -> bool | None:
    """True/False when both are resolved (compared at the coarser granularity); None when undecidable."""
    if not (x.resolved and y.resolved):
        if x.month and y.month and x.month != y.month and x.year and y.year and x.year == y.year:
            return False
        return None
    for a, b in ((x.year, y.year), (x.month, y.month), (x.day, y.day)):
        if a is None or b is None:
            return True
        if a != b:
            return False
    return True


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
