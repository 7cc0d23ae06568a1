"""Figures and dates in a sentence: numbers (digits, words, fractions, percentages, money, vague
"thousands of", multiples, ordinals) and dates (resolved against the publication date when known), with
the comparisons the checks make between them (equal, rounded, supported by a source's figures).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from .lexicon import (
    APPROXIMATORS,
    FRACTION_WORDS,
    MONTHS,
    NUMBER_WORDS,
    ORDINALS,
    SCALE_WORDS,
    VAGUE_SCALES,
    WEEKDAYS,
)
from .model import Mention


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

    date_spans: list[tuple[int, int]] | None = None  # scanned only once a figure is found: the date
    for m in _NUM.finditer(text):  # pattern is the slowest part of a sentence without one
        raw = m.group("num").replace(",", "")
        if date_spans is None:
            date_spans = [(d.start(), d.end()) for d in _DATE.finditer(text)]
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
    return b.kind in ("fraction", "percent") and _count_ratio(b, _ratio_counts(source))


def _ratio_counts(source: list[Quantity]) -> list[float]:
    """The positive counts and sums of money a ratio may be taken of, in ascending order."""
    return sorted(a.value for a in source if a.kind in ("count", "money") and a.value > 0)


def _count_ratio(b: Quantity, counts: list[float]) -> bool:
    """``b`` (a fraction or percent) is x / y of two ``counts`` (ascending), x < y, within 0.1 b + 0.02:
    for each y only the x near b * y are tried (bisection, with a margin the exact test then settles)."""
    if b.kind not in ("fraction", "percent"):
        return False
    tol = 0.1 * b.value + 0.02
    for y in counts:
        lo = bisect_left(counts, y * (b.value - tol) * (1 - 1e-6) - 1e-9)
        for x in counts[lo : bisect_right(counts, y * (b.value + tol) * (1 + 1e-6) + 1e-9)]:
            if x < y and abs(x / y - b.value) <= tol:
                return True
    return False


# Kinds that match by closeness of value (``quantities_match``'s last rule): a pool sorts them by value.
_BY_VALUE = frozenset(("count", "money", "percent", "fraction"))


class QuantityPool:
    """A text's quantities arranged so that ``supports`` (``quantity_supported`` against all of them)
    compares a figure only with those near enough in value to match: a results table holds hundreds of
    figures, and the other text's every figure was compared with each of them."""

    def __init__(self, source: list[Quantity]) -> None:
        self.source = source
        near = sorted((a for a in source if a.kind in _BY_VALUE), key=lambda a: a.value)
        self.near, self.values = near, [a.value for a in near]
        self.rest = [a for a in source if a.kind not in _BY_VALUE]
        self.counts = _ratio_counts(source)
        self.sorted_ok = all(a.value >= 0 for a in source)  # the value windows assume no negative figure

    def supports(self, b: Quantity) -> bool:
        """``quantity_supported(b, source)``, the same answer."""
        if b.kind == "vague" or b.value < 0 or not self.sorted_ok:  # a vague figure matches a wide range
            return quantity_supported(b, self.source)
        # Two values of these kinds match within 10% of the larger, or when b rounds a (half b's step).
        half = b.step / 2 * (1 + 1e-9)
        lo, hi = min(0.9 * b.value, b.value - half), max(b.value / 0.9, b.value + half)
        i = bisect_left(self.values, lo - 1e-6 * abs(lo) - 1e-9)
        j = bisect_right(self.values, hi + 1e-6 * abs(hi) + 1e-9)
        return (
            any(quantities_match(b, a) for a in self.near[i:j])
            or any(quantities_match(b, a) for a in self.rest)
            or _count_ratio(b, self.counts)
        )


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
