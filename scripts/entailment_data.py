"""Training pairs for the entailment cross-encoder (``scripts/train_entailment.py``).

Two kinds, both deterministic for a seed:

- the licence-clean NLI sets in ``shared/data/nli/pairs.jsonl.gz`` (MNLI and FEVER-NLI binary, SNLI
  three-way, Breaking-NLI one-word swaps), as they are;
- news-domain pairs made from real news sentences (``real-news/``, ``ecbplus/``, FRANK *test* articles):
  negatives by swapping a number, name, date, negation, antonym or the subject and object, by splicing two
  sentences and by adding a clause from elsewhere in the article; positives by compression (dropping
  parentheses, appositives and trailing clauses), splitting at a conjunction, reformatting a number, MSRP
  *train* paraphrases and the sentences of ``llm-rewrites/`` that an LLM reworded from one source sentence.
  Many positives on purpose: a model trained on swaps alone learns that any rewording is an error.

Labels: 0 entailment, 1 neutral, 2 contradiction, 3 "not entailment" (neutral or contradiction, from the
binary sets). Nothing here reads SummEdits, Falke, FRANK validation or any other set the benchmarks score.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench import datasets as ds  # noqa: E402
from wiretrace.lexicon import ANTONYMS, MONTHS, STOPWORDS, WEEKDAYS  # noqa: E402

ENTAIL, NEUTRAL, CONTRADICT, NOT_ENTAIL = 0, 1, 2, 3
LABELS = {"entailment": ENTAIL, "neutral": NEUTRAL, "contradiction": CONTRADICT, "not_entailment": NOT_ENTAIL}


@dataclass(frozen=True)
class Pair:
    premise: str
    hypothesis: str
    label: int
    source: str  # where it came from, e.g. "nli:esnli" or "news:number"
    group: str  # pairs of one group share a text: they fall on the same side of the dev split


def dev_bucket(group: str, share: float = 0.03) -> bool:
    """A stable dev split by group (the same article never lands on both sides)."""
    h = int.from_bytes(hashlib.blake2b(group.encode(), digest_size=4).digest(), "little")
    return h / 2**32 < share


# ------------------------------------------------------------------------------------------- NLI sets


def nli_pairs(root: Path) -> list[Pair]:
    out = []
    with gzip.open(root / "nli" / "pairs.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if not r["premise"] or not r["hypothesis"]:
                continue
            group = f"nli:{r['source']}:{r['premise'][:80]}"
            out.append(Pair(r["premise"], r["hypothesis"], LABELS[r["label"]], f"nli:{r['source']}", group))
    return out


# ------------------------------------------------------------------------------------- news sentences

_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’]))\s+(?=[\"“‘(]?[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w])")
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b([A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})\b")
_AUX = re.compile(
    r"\b(is|was|are|were|has|have|had|will|would|can|could|should|did|does|do|may|might|must)\b(?! not)"
)
_NEG = re.compile(
    r"\b(is|was|are|were|has|have|had|will|would|could|should|did|does|do) not\b|\b(\w+)n['’]t\b"
)


def sentences(text: str) -> list[str]:
    """Plain sentences of an article, 6 to 60 words, as training material (not the engine's segmenter)."""
    out = []
    for para in text.split("\n"):
        for s in _SPLIT.split(para.strip()):
            s = " ".join(s.split())
            n = len(s.split())
            if 6 <= n <= 60 and s[-1:] in ".!?\"”'’" and not s.isupper():
                out.append(s)
    return out


def news_articles(root: Path, limit_reuters: int) -> list[tuple[str, list[str]]]:
    """(id, sentences) of real articles: BBC, BuzzFeed-Webis, a sample of Reuters, ECB+, FRANK test."""
    arts: list[tuple[str, list[str]]] = []
    for name in ("bbc.jsonl", "buzzfeed-webis-2016.jsonl"):
        with (root / "real-news" / name).open(encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                arts.append((r["id"], sentences(r["text"])))
    reuters = []
    with gzip.open(root / "real-news" / "reuters-21578.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            reuters.append((r["id"], sentences(r["text"].replace("\n", " "))))
    reuters = [a for a in reuters if len(a[1]) >= 3]
    random.Random(7).shuffle(reuters)
    arts += reuters[:limit_reuters]
    for doc in ds.ecbplus_documents(root):
        arts.append((f"ecb:{doc.doc_id}", sentences(doc.text)))
    test = ds._frank_split_hashes(root, "test")
    for h, doc in sorted(ds._frank_articles(root).items()):
        if h in test:
            arts.append((f"frank:{h}", sentences(ds._frank_source(doc))))
    return [(i, s) for i, s in arts if s]


# ---------------------------------------------------------------------------------- perturbations


def _reformat_number(tok: str, rng: random.Random) -> str | None:
    """Another number, plausibly written: a change a reader would call a different figure."""
    plain = tok.replace(",", "")
    try:
        value = float(plain)
    except ValueError:
        return None
    if 1900 <= value <= 2030 and "." not in plain:  # a year
        return str(int(value) + rng.choice([-3, -2, -1, 1, 2, 3]))
    factor = rng.choice([0.5, 0.6, 0.75, 1.3, 1.5, 2, 3, 10])
    new = value * factor
    if "." in plain:
        text = f"{new:.{len(plain.split('.')[1])}f}"
    else:
        new = round(new) if new >= 1 else 1
        if new == int(value):
            new += 1
        text = f"{new:,}" if "," in tok else str(new)
    return text if text != tok else None


def change_number(s: str, rng: random.Random) -> str | None:
    nums = list(_NUMBER.finditer(s))
    if not nums:
        return None
    m = rng.choice(nums)
    new = _reformat_number(m.group(0), rng)
    return s[: m.start()] + new + s[m.end() :] if new else None


def names_of(s: str) -> list[re.Match]:
    return [m for m in _NAME.finditer(s) if m.group(1).split()[0].lower() not in STOPWORDS]


def swap_name(s: str, pool: list[str], rng: random.Random) -> str | None:
    """A name replaced by another name of the same article (a different person, place or company)."""
    found = names_of(s)
    if not found:
        return None
    m = rng.choice(found)
    others = [n for n in pool if n != m.group(1) and n not in s and len(n.split()) == len(m.group(1).split())]
    if not others:
        return None
    return s[: m.start(1)] + rng.choice(others) + s[m.end(1) :]


def swap_roles(s: str) -> str | None:
    """The first two names trade places ("A beat B" -> "B beat A")."""
    found = names_of(s)
    distinct = []
    for m in found:
        if all(m.group(1) != d.group(1) for d in distinct):
            distinct.append(m)
    if len(distinct) < 2:
        return None
    a, b = distinct[0], distinct[1]
    return s[: a.start(1)] + b.group(1) + s[a.end(1) : b.start(1)] + a.group(1) + s[b.end(1) :]


def change_date(s: str, rng: random.Random) -> str | None:
    for table in (MONTHS, WEEKDAYS):
        names = sorted({k for k in table if len(k) > 3})
        hits = [w for w in names if re.search(rf"\b{w}\b", s, re.IGNORECASE)]
        if hits:
            w = rng.choice(hits)
            other = rng.choice([n for n in names if table[n] != table[w]])
            return re.sub(rf"\b{w}\b", other.capitalize(), s, count=1, flags=re.IGNORECASE)
    return None


def flip_negation(s: str) -> str | None:
    m = _NEG.search(s)
    if m:
        word = m.group(1) or {"wo": "will", "ca": "can", "Wo": "Will", "Ca": "Can"}.get(
            m.group(2), m.group(2)
        )
        return s[: m.start()] + word + s[m.end() :]
    m = _AUX.search(s)
    if m:
        return s[: m.end()] + " not" + s[m.end() :]
    return None


def swap_antonym(s: str, rng: random.Random) -> str | None:
    words = [m for m in _WORD.finditer(s) if m.group(0).lower() in ANTONYMS]
    if not words:
        return None
    m = rng.choice(words)
    new = sorted(ANTONYMS[m.group(0).lower()])[0]
    if m.group(0)[0].isupper():
        new = new.capitalize()
    return s[: m.start()] + new + s[m.end() :]


def splice(s: str, other: str) -> str | None:
    """The start of one sentence joined to the end of another: a claim built from the article's words."""
    wa, wb = s.split(), other.split()
    if len(wa) < 8 or len(wb) < 8:
        return None
    return " ".join(wa[: len(wa) // 2] + wb[len(wb) // 2 :])


def add_clause(s: str, other: str) -> str | None:
    """A sentence with a detail from elsewhere (or nowhere) appended: extra, unsupported content."""
    wb = other.rstrip('.!?"”').split()
    if len(wb) < 5:
        return None
    tail = " ".join(wb[len(wb) // 3 :])
    return s.rstrip(".!?") + ", and " + tail[0].lower() + tail[1:] + "."


_PAREN = re.compile(r"\s*\([^()]{1,80}\)")
_APPOS = re.compile(r",\s[^,]{3,60},(?=\s[a-z])")
_TRAIL = re.compile(r",\s(?:which|who|while|as|after|before|although|though|but|including)\s[^,]+[.!?]$")
_LEAD = re.compile(r"^(?:On|In|Last|Earlier|Later|Meanwhile|However|Also)\b[^,]{0,30},\s")


def compress(s: str) -> str | None:
    """The sentence with a parenthesis, appositive, trailing clause or opening phrase dropped."""
    for rx, repl in ((_PAREN, ""), (_APPOS, ""), (_TRAIL, "."), (_LEAD, "")):
        m = rx.search(s)
        if m:
            out = s[: m.start()] + repl + s[m.end() :]
            out = out[0].upper() + out[1:]
            if len(out.split()) >= 5:
                return out
    return None


def split_first(s: str) -> str | None:
    """The first of two joined clauses ("X rose, and Y fell" -> "X rose.")."""
    m = re.search(r"(,? and |; |, but )", s)
    if not m or len(s[: m.start()].split()) < 5:
        return None
    return s[: m.start()].rstrip(",") + "."


_UNITS = (
    (r"(\d+(?:\.\d+)?) percent\b", r"\1%"),
    (r"(\d+(?:\.\d+)?)%", r"\1 percent"),
    (r"(\d+(?:\.\d+)?) ?(?:mln|million)\b", r"\1m"),
    (r"(\d+(?:\.\d+)?) ?(?:bn|billion)\b", r"\1 billion"),
    (r"\b(\d{1,3}),(\d{3}),000\b", r"\1.\2 million"),
    (r"\b(\d+) dlrs\b", r"$\1"),
)


def reformat_numbers(s: str) -> str | None:
    for rx, repl in _UNITS:
        out, n = re.subn(rx, repl, s, count=1)
        if n and out != s:
            return out
    return None


def window(sents: list[str], i: int, rng: random.Random) -> str:
    """The premise: the sentence alone or with a neighbour (the engine reads 1-3 source sentences)."""
    r = rng.random()
    if r < 0.5 or len(sents) == 1:
        return sents[i]
    if i + 1 < len(sents) and (r < 0.75 or i == 0):
        return sents[i] + " " + sents[i + 1]
    return sents[i - 1] + " " + sents[i]


def news_pairs(arts: list[tuple[str, list[str]]], seed: int, per_article: int) -> list[Pair]:
    rng = random.Random(seed)
    out: list[Pair] = []
    for aid, sents in arts:
        pool = sorted({m.group(1) for s in sents for m in names_of(s)})
        picks = rng.sample(range(len(sents)), min(per_article, len(sents)))
        for i in picks:
            s = sents[i]
            prem = window(sents, i, rng)
            other = sents[rng.randrange(len(sents))] if len(sents) > 1 else None
            made: list[tuple[str | None, int, str]] = [
                (compress(s), ENTAIL, "compress"),
                (split_first(s), ENTAIL, "split"),
                (reformat_numbers(s), ENTAIL, "reformat"),
                (change_number(s, rng), CONTRADICT, "number"),
                (swap_name(s, pool, rng), CONTRADICT, "name"),
                (swap_roles(s), CONTRADICT, "roles"),
                (change_date(s, rng), CONTRADICT, "date"),
                (flip_negation(s), CONTRADICT, "negation"),
                (swap_antonym(s, rng), CONTRADICT, "antonym"),
            ]
            if other and other != s:
                made += [(splice(s, other), NEUTRAL, "splice"), (add_clause(s, other), NEUTRAL, "added")]
                if other not in prem:
                    made.append((other, NEUTRAL, "other_sentence"))
            made = [(h, lab, kind) for h, lab, kind in made if h and h != s]
            rng.shuffle(made)
            # Per picked sentence: up to two negatives and two positives (now and then a verbatim copy
            # when short of positives: easy, so few are needed).
            pos = [m for m in made if m[1] == ENTAIL][:2]
            neg = [m for m in made if m[1] != ENTAIL][:2]
            if len(pos) < len(neg) and rng.random() < 0.3:
                pos.append((s, ENTAIL, "verbatim"))
            for h, lab, kind in pos + neg:
                out.append(Pair(prem, h, lab, f"news:{kind}", f"news:{aid}"))
    return out


def msrp_pairs(root: Path) -> list[Pair]:
    """MSRP *train* paraphrases, both ways (dev is a benchmark). Non-paraphrases are not used: many of
    them are one sentence holding the other plus a detail, which is entailment one way."""
    out = []
    for k, p in enumerate(ds.msrp("train", root)):
        if p.paraphrase:
            out += [Pair(p.a, p.b, ENTAIL, "msrp", f"msrp:{k}"), Pair(p.b, p.a, ENTAIL, "msrp", f"msrp:{k}")]
    return out


def _content(s: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(s) if w.lower() not in STOPWORDS and len(w) > 2}


def llm_pairs(root: Path, min_jaccard: float = 0.5) -> list[Pair]:
    """Sentences an LLM reworded from one source sentence (content-word Jaccard >= ``min_jaccard`` with
    it, and not the same sentence): genuine rewording, labelled entailment."""
    out, seen = [], set()
    for r in ds.llm_rewrites(root):
        src = sentences(r.source)
        src_sets = [_content(s) for s in src]
        for h in sentences(r.rewrite):
            hs = _content(h)
            if not hs or h in src:
                continue
            best = max(
                range(len(src)),
                key=lambda i: len(hs & src_sets[i]) / len(hs | src_sets[i] or {1}),
                default=None,
            )
            if best is None:
                continue
            jac = len(hs & src_sets[best]) / len(hs | src_sets[best])
            if jac >= min_jaccard and (src[best], h) not in seen:
                seen.add((src[best], h))
                out.append(
                    Pair(src[best], h, ENTAIL, "llm", f"llm:{hashlib.md5(r.source.encode()).hexdigest()}")
                )
    return out


def all_pairs(root: Path, seed: int = 13, per_article: int = 2, limit_reuters: int = 6000) -> list[Pair]:
    pairs = nli_pairs(root) + msrp_pairs(root) + llm_pairs(root)
    pairs += news_pairs(news_articles(root, limit_reuters), seed, per_article)
    return pairs


def iter_split(pairs: list[Pair], dev: bool) -> Iterator[Pair]:
    return (p for p in pairs if dev_bucket(p.group) == dev)


if __name__ == "__main__":
    from collections import Counter

    ps = all_pairs(ds.data_root())
    print(len(ps), Counter(p.source for p in ps).most_common())
    print(Counter(p.label for p in ps))
    rng = random.Random(0)
    for p in rng.sample([p for p in ps if p.source.startswith("news")], 25):
        print(p.source, p.label, "|", p.premise[:150], "=>", p.hypothesis[:150])
