"""Fact checks between a derived sentence and the source sentence(s) it is linked to.

Each check returns flags from the DESIGN taxonomy with spans on both sides. They look at explicit facts,
never at embedding similarity, because a paraphrase and a falsified sentence look alike to a vector.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from .figures import dates_agree, quantities_match, quantity_supported, rounds
from .lexicon import ALIASES, ANTONYMS, METONYMS
from .model import Document, Flag, Mention
from .text import WORD, content_stems, squash, stem


@dataclass(frozen=True)
class Context:
    """What a derived sentence is checked against: its linked sources, and the whole source document."""

    a: Document
    b: Document
    j: int
    sources: tuple[int, ...]
    group: tuple[int, ...]  # derived sentences that share the best source (a split), j included
    users: dict[int, tuple[int, ...]] = field(default_factory=dict)  # source sentence -> derived users

    def src(self, kind: str) -> list[Mention]:
        return [m for i in self.sources for m in getattr(self.a.facts[i], kind)]

    def doc(self, kind: str) -> list[Mention]:
        return self.a.memo(
            f"mentions:{kind}",
            lambda: [
                m
                for i, s in enumerate(self.a.sentences)
                if s.kind != "boilerplate"
                for m in getattr(self.a.facts[i], kind)
            ],
        )

    def mine(self, kind: str) -> list[Mention]:
        return list(getattr(self.b.facts[self.j], kind))


def span(m: Mention) -> tuple[int, int]:
    return (m.start, m.end)


def check_all(ctx: Context) -> tuple[list[Flag], list[dict]]:
    flags: list[Flag] = []
    notes: list[dict] = []
    flags += check_numbers(ctx)
    date_flags, date_notes = check_dates(ctx)
    flags += date_flags
    notes += date_notes
    flags += check_entities(ctx)
    flags += check_quotes(ctx)
    flags += check_attributions(ctx)
    flags += check_hedges(ctx)
    flags += check_intensifiers(ctx)
    flags += check_negation(ctx)
    flags += check_lists(ctx)
    return _dedupe(flags), notes


def _dedupe(flags: Iterable[Flag]) -> list[Flag]:
    seen, out = set(), []
    for f in flags:
        key = (f.type, f.b_span, f.a_span)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


# --- numbers -----------------------------------------------------------------------------------------


def check_numbers(ctx: Context) -> list[Flag]:
    mine = ctx.mine("numbers")
    src = ctx.src("numbers")
    doc_values = [m.value for m in ctx.doc("numbers")]
    src_values = [m.value for m in src]
    unmatched = [
        q
        for q in mine
        if not (quantity_supported(q.value, src_values) or quantity_supported(q.value, doc_values))
    ]
    src_free = [
        p
        for p in src
        if not any(quantities_match(q.value, p.value) for q in mine)
        and not any(
            quantity_supported(q.value, [p.value, *src_values])
            for q in mine
            if q.value.kind in ("fraction", "percent")
        )
    ]
    flags = []
    for q in unmatched:
        partner = next((p for p in src_free if _comparable(p.value.kind, q.value.kind)), None)
        if partner is not None and rounds(partner.value, q.value):
            src_free.remove(partner)  # the source rounds this figure: more precise, not contradicted
            flags.append(
                Flag(
                    "specifics_added",
                    f"gives the figure more precisely: “{q.text.strip()}” where the source says "
                    f"“{partner.text.strip()}”",
                    span(partner),
                    span(q),
                    strong=False,
                )
            )
        elif partner is not None:
            src_free.remove(partner)
            flags.append(
                Flag(
                    "number_changed",
                    f"source says “{partner.text.strip()}”, rewrite says “{q.text.strip()}”",
                    span(partner),
                    span(q),
                )
            )
        else:
            flags.append(
                Flag(
                    "specifics_added", f"adds the figure “{q.text.strip()}”, not in the source", None, span(q)
                )
            )
    flags += _numbers_dropped_in_place(ctx, src_free)
    return flags


def _comparable(x: str, y: str) -> bool:
    groups = ({"count", "money", "vague"}, {"fraction", "percent"}, {"multiple"}, {"ordinal"})
    return any(x in g and y in g for g in groups)


def _numbers_dropped_in_place(ctx: Context, src_free: list[Mention]) -> list[Flag]:
    """A source figure whose neighbours stay side by side in the rewrite was cut out of the claim."""
    flags = []
    btext = " " + squash(ctx.b.sentences[ctx.j].text) + " "
    atext = ctx.a.article.text
    mine = [m.value for m in ctx.mine("numbers")]
    for p in src_free:
        if any(abs(q.value - p.value.value) < 1e-9 for q in mine):
            continue  # the figure is still there, in other words ("two of three" -> "second")
        if _parenthetical(atext, p):
            continue  # an aside ("Renee Jackson, 29, said"; "$3.8bn (2.4bn)"): leaving it out is omission
        before = re.findall(r"[^\W_]+", atext[max(0, p.start - 40) : p.start].lower())[-2:]
        after = re.findall(r"[^\W_]+", atext[p.end : p.end + 40].lower())
        if after and after[0] == "of":
            after = after[1:]
        after = after[:2]
        if len(before) == 2 and len(after) == 2 and f" {' '.join(before + after)} " in btext:
            flags.append(
                Flag(
                    "number_changed",
                    f"drops “{p.text.strip()}” from the claim “… "
                    f"{' '.join(before)} {p.text.strip()} {' '.join(after)} …”",
                    span(p),
                    None,
                )
            )
    return flags


def _parenthetical(text: str, m: Mention) -> bool:
    """The figure stands alone between commas or brackets, outside the claim's grammar."""
    before = text[max(0, m.start - 3) : m.start].rstrip()
    after = text[m.end : m.end + 3].lstrip()
    commas = before.endswith(",") and after.startswith(",")
    return commas or (before.endswith("(") and after.startswith(")"))


# --- dates -------------------------------------------------------------------------------------------


def check_dates(ctx: Context) -> tuple[list[Flag], list[dict]]:
    flags, notes = [], []
    src = ctx.src("dates") or ctx.doc("dates")
    for d in ctx.mine("dates"):
        verdicts = [(dates_agree(d.value, s.value), s) for s in src]
        if any(v is True for v, _ in verdicts) or not verdicts:
            continue
        conflicts = [s for v, s in verdicts if v is False]
        if conflicts and all(v is False for v, _ in verdicts):
            s = conflicts[0]
            flags.append(
                Flag("date_changed", f"source says “{s.text}”, rewrite says “{d.text}”", span(s), span(d))
            )
        else:
            s = next(s for v, s in verdicts if v is None)
            if squash(s.text) != squash(d.text):
                notes.append(
                    {
                        "type": "date_unresolved",
                        "detail": f"“{d.text}” vs source “{s.text}”: "
                        "cannot be compared without publication dates",
                        "a_span": list(span(s)),
                        "b_span": list(span(d)),
                    }
                )
    return flags, notes


# --- entities ----------------------------------------------------------------------------------------


_STANDS_FOR = [(frozenset(name.split()), place.split()) for name, place in {**METONYMS, **ALIASES}.items()]


@lru_cache(maxsize=1 << 16)
def _expand(words: frozenset[str]) -> frozenset[str]:
    """Entity words plus the places their metonyms and aliases stand for (once per name: news repeats)."""
    return words.union(*(place for name, place in _STANDS_FOR if name <= words))


def entity_supported(key: frozenset[str], known: set[str]) -> bool:
    if not key:
        return True
    hit = len(_expand(key) & known) if not (key & known) else len(key & known)
    return hit >= max(1, (len(key) + 1) // 2)


def known_words(doc: Document, upto: Iterable[int] | None = None) -> set[str]:
    idx = range(len(doc.sentences)) if upto is None else upto
    known: set[str] = set()
    for i in idx:
        if doc.sentences[i].kind == "boilerplate":
            continue
        for m in doc.facts[i].entities:
            known |= _expand(m.value)
        known |= set(re.findall(r"[^\W_]+", doc.sentences[i].text.lower()))
    return known


def check_entities(ctx: Context) -> list[Flag]:
    known = ctx.a.memo("known_words", lambda: known_words(ctx.a))
    missing = [e for e in ctx.mine("entities") if not entity_supported(e.value, known)]
    if not missing:
        return []
    bwords = known_words(ctx.b, [ctx.j]) | known_words(ctx.b, ctx.group)
    src_free = [e for e in ctx.src("entities") if not entity_supported(e.value, bwords)]
    flags = []
    for e in missing:
        if src_free:
            s = src_free.pop(0)
            flags.append(
                Flag("entity_changed", f"source names “{s.text}”, rewrite names “{e.text}”", span(s), span(e))
            )
        else:
            flags.append(
                Flag(
                    "specifics_added",
                    f"names “{e.text}”, who or which the source never mentions",
                    None,
                    span(e),
                )
            )
    return flags


# --- quotes ------------------------------------------------------------------------------------------


QUOTE_SAME_WORDS = 0.75  # a quote keeping this share of the source quote's words is reworded, not rewritten


def _share_in(words: set[str], ctx: Context) -> float:
    """Share of the quoted words found (in any order) in the linked source sentences."""
    src = {w for i in ctx.sources for w in squash(ctx.a.sentences[i].text).split()}
    return len(words & src) / max(1, len(words))


def check_quotes(ctx: Context) -> list[Flag]:
    flags = []
    a_quotes = ctx.doc("quotes")
    a_text = ctx.a.memo("squashed", lambda: " " + squash(" ".join(s.text for s in ctx.a.sentences)) + " ")
    for q in ctx.mine("quotes"):
        words = squash(q.text)
        if not words:
            continue
        if any(words in squash(aq.text) for aq in a_quotes):
            continue
        best, overlap, nested = None, 0.0, 0.0
        qset = set(words.split())
        for aq in a_quotes:
            aset = set(squash(aq.text).split())
            ov = len(qset & aset) / max(1, len(qset))
            if ov > overlap:
                # A quote that merely runs on past where the source's sentence cut it is nested in it.
                best, overlap, nested = aq, ov, len(qset & aset) / max(1, min(len(qset), len(aset)))
        if best is not None and overlap >= 0.5:
            flags.append(
                Flag(
                    "quote_altered",
                    f"quotes “{q.text}” where the source quotes “{best.text}”",
                    span(best),
                    span(q),
                    strong=max(overlap, nested) < QUOTE_SAME_WORDS,
                )
            )
        elif f" {words} " in a_text or _share_in(qset, ctx) >= QUOTE_SAME_WORDS:
            flags.append(
                Flag(
                    "quote_fabricated",
                    f"puts “{q.text}” in quotation marks; the source says it in its own words, never as a "
                    "quotation",
                    None,
                    span(q),
                    strong=False,
                )
            )
        else:
            src_q = ctx.src("quotes")
            detail = f"quotes “{q.text}”, which the source never quotes"
            if src_q:
                detail += f" (the source quotes “{src_q[0].text}” here)"
            flags.append(Flag("quote_fabricated", detail, span(src_q[0]) if src_q else None, span(q)))
    return flags


# --- attributions ------------------------------------------------------------------------------------


_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you"}


def check_attributions(ctx: Context) -> list[Flag]:
    mine = [m for m in ctx.mine("attributions") if not (m.value <= {stem(p) for p in _PRONOUNS})]
    if not mine:
        return []
    src = ctx.src("attributions")
    src_stems = {t for i in ctx.sources for t in ctx.a.tokens[i]}
    doc_attr = ctx.doc("attributions")
    flags = []
    for m in mine:
        if any(m.value & s.value for s in src) or m.value <= src_stems:
            continue
        named = [s for s in src if not (s.value <= {stem(p) for p in _PRONOUNS})]
        if named:
            s = named[0]
            flags.append(
                Flag(
                    "attribution_changed",
                    f"source attributes this to “{s.detail}”, rewrite to “{m.detail}”",
                    span(s),
                    span(m),
                )
            )
        elif not any(m.value & s.value for s in doc_attr):
            flags.append(
                Flag(
                    "attribution_added",
                    f"credits the claim to “{m.detail}”, a source the original does not cite for it",
                    None,
                    span(m),
                )
            )
    return flags


# --- hedges, intensifiers, negation -------------------------------------------------------------------


def check_hedges(ctx: Context) -> list[Flag]:
    """A source hedge that no derived sentence using that source keeps, charged to the one that carries
    the hedged clause (none when every user dropped that clause: dropping a hedged claim states nothing)."""
    flags = []
    for i in ctx.sources:
        src = list(ctx.a.facts[i].hedges)
        users = ctx.users.get(i) or (ctx.j,)
        kept = [m for k in users for m in ctx.b.facts[k].hedges]
        kept_words = {stem(m.value) for m in kept}
        missing = [h for h in src if stem(h.value) not in kept_words]
        for h in missing[: max(0, len(src) - len(kept))]:
            if _carrier(ctx, i, h, users) == ctx.j:
                flags.append(
                    Flag(
                        "hedge_removed",
                        f"the source hedges this (“{h.text}”); the rewrite states it as fact",
                        span(h),
                        None,
                    )
                )
    if not ctx.src("hedges"):
        doc_words = ctx.a.memo("vocabulary", lambda: {t for toks in ctx.a.tokens for t in toks})
        for m in ctx.mine("hedges"):
            if stem(m.value) not in doc_words and m.value not in ("would", "could", "may", "might"):
                flags.append(Flag("hedge_added", f"adds the hedge “{m.text}”", None, span(m)))
    return flags


HEDGE_SCOPE = 4  # content words after a hedge that make up the claim it hedges (before it, at a clause end)


def _carrier(ctx: Context, i: int, hedge: Mention, users: tuple[int, ...]) -> int | None:
    """The derived sentence (among those using source sentence ``i``) that carries the hedged clause: the
    one sharing most of the claim's first content words ("is likely *aimed at cementing a deeper*
    partnership"); None when no user shares any, the clause having been left out ("five clubs are locked
    in a scramble [and it could prove more tense than the title race]")."""
    sent = ctx.a.sentences[i]
    text = ctx.a.article.text
    claim = set(content_stems(text[hedge.end : sent.end])[:HEDGE_SCOPE])
    claim = claim or set(content_stems(text[sent.start : hedge.start])[-HEDGE_SCOPE:])
    best, carrier = 0, None
    for k in users:
        shared = len(claim & set(ctx.b.tokens[k]))
        if shared > best:
            best, carrier = shared, k
    return carrier


def check_intensifiers(ctx: Context) -> list[Flag]:
    src_text = " " + squash(" ".join(ctx.a.sentences[i].text for i in ctx.sources)) + " "
    return [
        Flag("intensifier_added", f"adds “{m.text}”, which the source does not say", None, span(m))
        for m in ctx.mine("intensifiers")
        if f" {m.value} " not in src_text
    ]


def _scope(text: str, m: Mention, end: int) -> set[str]:
    """Content stems of the clause a negation governs: the next few words after it."""
    return set(content_stems(text[m.end : end])[:4])


def check_negation(ctx: Context) -> list[Flag]:
    """A negation added or dropped inside the part of the claim both texts share, or a word swapped for its
    opposite ("rose" -> "fell"), which reverses the claim the same way."""
    return _negation_parity(ctx) or _opposite_words(ctx)


def _opposite_words(ctx: Context) -> list[Flag]:
    b_sent = ctx.b.sentences[ctx.j]
    b_words = {m.group(0).lower(): m for m in WORD.finditer(b_sent.text)}
    a_words: dict[str, tuple[int, re.Match]] = {}
    for i in ctx.sources:
        for m in WORD.finditer(ctx.a.sentences[i].text):
            a_words.setdefault(m.group(0).lower(), (i, m))
    for w, m in b_words.items():
        if w in a_words or w not in ANTONYMS:
            continue
        for x in sorted(ANTONYMS[w]):
            if x in a_words and x not in b_words:
                i, am = a_words[x]
                a_start = ctx.a.sentences[i].start
                return [
                    Flag(
                        "negation_changed",
                        f"says “{m.group(0)}” where the source says the opposite, “{am.group(0)}”",
                        (a_start + am.start(), a_start + am.end()),
                        (b_sent.start + m.start(), b_sent.start + m.end()),
                    )
                ]
    return []


def _negation_parity(ctx: Context) -> list[Flag]:
    """A negation on one side whose clause the other side states without one (the two sides' counts of
    negations differ in parity). A negation whose clause carries a negation on the other side too is
    kept, however many others the sentence drops with their clauses ("they do not go far enough [-- even
    when there is no other bank]")."""
    best = ctx.a.sentences[ctx.sources[0]]
    mine = ctx.mine("negations")
    src = list(ctx.a.facts[best.i].negations)
    if len(mine) % 2 == len(src) % 2:
        return []
    b_sent = ctx.b.sentences[ctx.j]
    b_stems, a_stems = set(ctx.b.tokens[ctx.j]), set(ctx.a.tokens[best.i])
    my_scopes = [(m, _scope(ctx.b.article.text, m, b_sent.end)) for m in mine]
    src_scopes = [(m, _scope(ctx.a.article.text, m, best.end)) for m in src]

    def paired(scope: set[str], others: list[tuple[Mention, set[str]]]) -> bool:
        return any(len(scope & other) >= 2 for _, other in others)

    for m, scope in my_scopes:
        if len(scope & a_stems) >= 2 and not paired(scope, src_scopes):
            return [
                Flag(
                    "negation_changed",
                    f"adds the negation “{m.text}”",
                    span(src[0]) if src else None,
                    span(m),
                )
            ]
    for m, scope in src_scopes:
        if len(scope & b_stems) >= 2 and not paired(scope, my_scopes):
            return [Flag("negation_changed", f"drops the source's negation “{m.text}”", span(m), None)]
    return []


INVENTED_ITEMS = "spells out "  # how a list flag's detail begins


def invents_items(flag: Flag) -> bool:
    """An enumeration of several things the source never names: invented content, not rewording.

    A single new name or figure may be an extraction slip; several new items in one list are not, so such a
    sentence is altered whatever the support classifier makes of its wording.
    """
    return flag.type == "specifics_added" and flag.detail.startswith(INVENTED_ITEMS)


def check_lists(ctx: Context) -> list[Flag]:
    """An enumeration of things the source never names is a specific the rewrite added."""
    a_stems = {t for toks in ctx.a.tokens for t in toks}
    flags = []
    for m in ctx.mine("lists"):
        novel = [item for item in m.value if content_stems(item) and not set(content_stems(item)) <= a_stems]
        if len(novel) >= 2:
            flags.append(
                Flag(
                    "specifics_added",
                    INVENTED_ITEMS + ", ".join(f"“{x}”" for x in novel) + ", which the source does not name",
                    None,
                    span(m),
                )
            )
    return flags
