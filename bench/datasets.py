"""Loaders for the public, human-labelled benchmark sets in ``shared/data``.

Every loader returns a plain list of frozen dataclasses in a deterministic order, so a benchmark run is
reproducible and items can be hashed, deduplicated or used as dict keys. Nothing here downloads anything:
the data is read from ``root`` (argument) or ``$WIRETRACE_DATA`` or ``<repo>/../shared/data``.
See ``bench/README.md`` for what each loader yields, how labels were derived, and the counts.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import random
import re
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

DEFAULT_ROOT = Path(__file__).resolve().parents[1].parent / "shared" / "data"

Relation = Literal["derived", "same_event", "unrelated"]


def data_root(root: Path | None = None) -> Path:
    """Resolve the data folder: explicit argument, then ``$WIRETRACE_DATA``, then the shared default."""
    if root is not None:
        return Path(root)
    env = os.environ.get("WIRETRACE_DATA")
    return Path(env) if env else DEFAULT_ROOT


# --------------------------------------------------------------------------------------------- items


@dataclass(frozen=True)
class SupportItem:
    """One derived sentence judged against its source: is everything it says supported by the source?

    ``group`` ties together items that share a source/summary (for grouped splits and error analysis);
    ``subset`` names the sub-corpus (FRANK: ``cnndm`` or ``bbc``).
    """

    source: str
    sentence: str
    supported: bool
    group: str
    dataset: str
    subset: str = ""
    edit_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParaphrasePair:
    """An MSRP sentence pair from two outlets; ``paraphrase`` is the human (majority) judgement."""

    a: str
    b: str
    paraphrase: bool
    id_a: str = ""
    id_b: str = ""


@dataclass(frozen=True)
class EcbDocument:
    """One ECB+ news document; same ``topic`` and ``subevent`` = same real event, independently written."""

    doc_id: str
    topic: int
    subevent: Literal["ecb", "ecbplus"]
    text: str


@dataclass(frozen=True)
class RelationPair:
    """Two texts and how they relate: ``b`` derived from ``a``, same event independently, or unrelated."""

    a: str
    b: str
    relation: Relation
    note: str


@dataclass(frozen=True)
class LlmRewrite:
    """A real BBC text and an LLM's polish/rewrite of it (MixSet or APT-Eval)."""

    source: str
    rewrite: str
    operation: str
    generator: str
    dataset: str
    subset: str
    pair_id: str


# ------------------------------------------------------------------------------------ detokenisation

_CLOSERS = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "”", "’", "...", "…"}
_OPENERS = {"(", "[", "{", "“", "‘", "$", "£", "€"}
_CONTRACTIONS = {"'s", "'re", "'ve", "'ll", "'d", "'m", "’s", "’re", "’ve", "’ll", "’d", "’m", "n't", "n’t"}
_APOS_TAILS = {"s", "t", "m", "re", "ll", "ve", "d"}
_NOT_PLURAL = {"is", "was", "has", "does", "his", "hers", "its", "this", "as", "us", "yes", "says", "thus"}
_SENTENCE_END_PUNCT = re.compile(r"^[.!?]+$")


def detokenize(tokens: list[str]) -> str:
    """Join PTB-style tokens into readable text without changing any word.

    Why: several sources (FRANK model outputs, ECB+) are whitespace-tokenised ("kilmarnock 's",
    "did n't", PTB quotes `` and ''); matching them against normal prose needs ordinary spacing. Only
    spaces and the PTB quote codes (`` '' and a lone backtick, written as " " and ') change; other
    quote characters are kept as they are.
    """
    merged: list[str] = []
    for tok in tokens:  # some sources split PTB quotes into two tokens: ' ' -> ''
        if merged and tok in {"'", "`"} and merged[-1] == tok:
            merged[-1] = tok * 2
        else:
            merged.append(tok)
    tokens = merged
    out: list[str] = []
    glue_next = False  # the next token attaches to the previous one (no space)
    dq_open = sq_open = False
    n = len(tokens)
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < n else ""
        prev = tokens[i - 1] if i else ""
        at_end = not nxt or nxt in _CLOSERS or bool(_SENTENCE_END_PUNCT.match(nxt))
        attach_left = glue_next
        glue_next = False
        text = tok
        low = tok.lower()
        if tok == "``":
            text, glue_next, dq_open = '"', True, True
        elif tok == "''":
            text, attach_left, dq_open = '"', True, False
        elif tok == "`":
            text, glue_next, sq_open = "'", True, True
        elif low in _CONTRACTIONS:
            attach_left = True
        elif tok in {":", "."} and prev.isdigit() and nxt.isdigit():
            attach_left = glue_next = True  # 4 : 59 -> 4:59, 1 . 2 -> 1.2
        elif tok == "." and len(prev) == 1 and prev.isalpha():
            attach_left, glue_next = True, len(nxt) == 1 and nxt.isalpha()  # U . S . -> U.S.
        elif tok in {"'", "’"} and nxt.lower() in _APOS_TAILS:
            attach_left = glue_next = True  # split contraction: it ’ s -> it’s
        elif tok == '"':
            if dq_open or (i and at_end) or (prev in {".", ",", "!", "?"} and nxt[:1].islower()):
                attach_left, dq_open = True, False
            else:
                glue_next, dq_open = True, True
        elif tok in {"'", "’"}:
            possessive = prev[-1:].lower() == "s" and prev.isalnum() and prev.lower() not in _NOT_PLURAL
            if sq_open or (i and at_end) or possessive:
                attach_left, sq_open = True, False
            else:
                glue_next, sq_open = True, True
        elif tok in _CLOSERS or _SENTENCE_END_PUNCT.match(tok):
            attach_left = True
        elif tok in _OPENERS:
            glue_next = True
        elif tok.count('"') % 2:
            dq_open = not dq_open  # a quote glued to a word ("We) still opens or closes a quotation
        if out and attach_left:
            out[-1] += text
        else:
            out.append(text)
    return " ".join(out)


_PTB_QUOTES = re.compile(r"``|''")


_PTB_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}


def detokenize_line(line: str) -> str:
    """Detokenise one whitespace-tokenised line.

    Also undoes FRANK's BBC-output escaping (``\\'`` -> ``'``; a lone trailing backslash is the first half
    of an escape cut by the sentence splitter) and PTB bracket codes (``-LRB-`` -> ``(``).
    """
    line = line.replace("\\'", "'").rstrip("\\")
    line = _PTB_QUOTES.sub(lambda m: f" {m.group()} ", line)
    return detokenize([_PTB_BRACKETS.get(tok, tok) for tok in line.split()])


# ------------------------------------------------------------------------------------------- FRANK


@lru_cache(maxsize=4)
def _frank_articles(root: Path) -> dict[str, dict]:
    """All FRANK article JSONs keyed by hash (cached: 500 files, read by several loaders)."""
    arts = {}
    for path in sorted((root / "frank" / "articles").glob("*.json")):
        with path.open(encoding="utf-8") as fh:
            doc = json.load(fh)
        arts[doc["hash"]] = doc
    return arts


def _frank_source(doc: dict) -> str:
    """Article text as ``article_lines`` joined by spaces.

    Why: in the BBC/XSum files ``article`` lost the whitespace between paragraphs ("community.Dr Venter");
    the line-split version restores it, and for CNN/DM it equals ``article`` up to whitespace.
    """
    return " ".join(line.strip() for line in doc["article_lines"])


def _frank_split_hashes(root: Path, split: str) -> set[str]:
    if split not in {"validation", "test", "all"}:
        raise ValueError(f"split must be validation, test or all, not {split!r}")
    names = ["validation", "test"] if split == "all" else [split]
    hashes: set[str] = set()
    for name in names:
        hashes.update((root / "frank" / f"{name}_split.txt").read_text(encoding="utf-8").split())
    return hashes


def frank_summary_lines(doc: dict, model: str) -> list[str]:
    """Detokenised sentences of one summary; ``model`` is an annotation model name or ``reference``.

    Sentences are FRANK's own ``_lines`` split (the units the annotators judged), minus pieces with no
    letter or digit (splitter debris like ``*``).

    The annotation ``model_name`` maps to the article field ``<model_name>_lines`` in both sub-corpora
    (CNN/DM: bart, bert_sum, bus, pgn, s2s; BBC/XSum: BERTS2S, PtGen, TConvS2S, TranS2S). The reference
    summary is ``bart_reference`` (the cased copy) for CNN/DM and ``reference`` for BBC/XSum.
    """
    if model == "reference":
        raw = doc["reference"] if "reference" in doc else doc["bart_reference"]
        text = detokenize_line(raw)
        return [text] if text else []
    lines = (detokenize_line(line) for line in doc[f"{model}_lines"])
    return [line for line in lines if _has_word(line)]


def _has_word(text: str) -> bool:
    """False for splitter debris such as ``*`` or a lone quote, which no one can judge."""
    return any(ch.isalnum() for ch in text)


def _frank_selection(root: Path, split: str) -> tuple[list[tuple[dict, dict, bool]], dict[str, int]]:
    """Summaries whose sentence labels follow from ``Factuality`` alone, plus counts of what was skipped."""
    hashes = _frank_split_hashes(root, split)
    arts = _frank_articles(root)
    with (root / "frank" / "human_annotations.json").open(encoding="utf-8") as fh:
        annotations = json.load(fh)
    kept: list[tuple[dict, dict, bool]] = []
    counts = {
        "summaries": 0,
        "all_supported": 0,
        "all_unsupported": 0,
        "skipped_mixed": 0,
        "skipped_inconsistent": 0,
    }
    for ann in sorted(annotations, key=lambda a: (a["dataset"], a["hash"], a["model_name"])):
        if ann["hash"] not in hashes:
            continue
        counts["summaries"] += 1
        doc = arts[ann["hash"]]
        n = len(doc[f"{ann['model_name']}_lines"])
        fact = float(ann["Factuality"])
        if fact in (0.0, 1.0):
            kept.append((ann, doc, fact == 1.0))
            counts["all_supported" if fact == 1.0 else "all_unsupported"] += 1
        elif abs(fact * n - round(fact * n)) < 1e-6:
            counts["skipped_mixed"] += 1  # k of n sentences fine, but which ones is not recorded
        else:
            counts["skipped_inconsistent"] += 1  # score does not fit the stored sentence split
    return kept, counts


def frank_factuality(root: Path | None = None) -> dict[tuple[str, str], float]:
    """FRANK's human ``Factuality`` of each annotated summary (share of its sentences without a factual
    error), by (article hash, model name)."""
    with (data_root(root) / "frank" / "human_annotations.json").open(encoding="utf-8") as fh:
        return {(a["hash"], a["model_name"]): float(a["Factuality"]) for a in json.load(fh)}


def frank_summary_counts(split: str = "validation", root: Path | None = None) -> dict[str, int]:
    """How many FRANK summaries were kept (all supported / all unsupported) and skipped, for reporting."""
    return _frank_selection(data_root(root), split)[1]


def frank_sentences(split: str = "validation", root: Path | None = None) -> list[SupportItem]:
    """FRANK summary sentences labelled supported / unsupported, derived from summary-level scores.

    Why this derivation: the public files only hold ``Factuality`` = share of the summary's sentences
    judged error-free. It fixes every sentence's label only at 1.0 (all supported) and 0.0 (all
    unsupported); summaries in between are skipped, never guessed.
    """
    base = data_root(root)
    items = []
    for ann, doc, supported in _frank_selection(base, split)[0]:
        source = _frank_source(doc)
        group = f"{ann['hash']}:{ann['model_name']}"
        for sentence in frank_summary_lines(doc, ann["model_name"]):
            items.append(SupportItem(source, sentence, supported, group, "frank", ann["dataset"]))
    return items


# --------------------------------------------------------------------------------- SummEdits, Falke


def summedits(root: Path | None = None) -> list[SupportItem]:
    """SummEdits news: (document, possibly edited summary), consistent or not, with the edit types.

    The "sentence" is the whole (1-3 sentence) summary. ``group`` is the document id shared by the
    original summary and its edits.
    """
    path = data_root(root) / "summedits" / "summedits_news.json"
    with path.open(encoding="utf-8") as fh:
        rows = json.load(fh)
    return [
        SupportItem(
            source=row["doc"],
            sentence=row["summary"],
            supported=str(row["label"]) == "1",
            group=row["id"].rsplit("_", 1)[0],
            dataset="summedits",
            subset=row.get("split", ""),
            edit_types=tuple(row.get("edit_types") or ()),
        )
        for row in rows
    ]


def falke(root: Path | None = None) -> list[SupportItem]:
    """Falke et al. 2019 validation triples as two items each: correct (supported) and incorrect.

    Triples whose correct and incorrect sentence are identical (3 in the file) are dropped: they would
    give the same pair both labels. The source is the single article sentence; the ``article_id`` hashes
    (CNN/DM validation) do not occur among FRANK's articles, so no full article is available.
    """
    path = data_root(root) / "falke-correctness" / "val_sentence_pairs.json"
    with path.open(encoding="utf-8") as fh:
        rows = json.load(fh)
    items = []
    for row in rows:
        if row["correct_sent"] == row["incorrect_sent"]:
            continue
        group = row["article_id"]
        items.append(SupportItem(row["article_sent"], row["correct_sent"], True, group, "falke"))
        items.append(SupportItem(row["article_sent"], row["incorrect_sent"], False, group, "falke"))
    return items


# -------------------------------------------------------------------------------------------- MSRP


def msrp(split: str = "dev", root: Path | None = None) -> list[ParaphrasePair]:
    """MSRP sentence pairs (``dev`` 400, ``train`` 3,676; the standard test set is not here).

    Read with ``QUOTE_NONE`` because sentences contain unbalanced quotes. One train line holds two
    records (a missing newline after "late Wednesday."); it is split back into both.
    """
    if split not in {"dev", "train"}:
        raise ValueError(f"split must be dev or train, not {split!r}")
    path = data_root(root) / "msrp" / f"msr_paraphrase_{split}.txt"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    pairs = []
    for row in rows:
        while len(row) > 5 and row[4][-1:] in {"0", "1"}:  # glued record: "...sentence.0<TAB>id..."
            head, row = [*row[:4], row[4][:-1]], [row[4][-1], *row[5:]]
            pairs.append(head)
        if len(row) != 5:
            raise ValueError(f"{path}: malformed row {row!r}")
        pairs.append(row)
    return [ParaphrasePair(r[3], r[4], r[0] == "1", r[1], r[2]) for r in pairs]


# -------------------------------------------------------------------------------------------- ECB+

_ECB_NAME = re.compile(r"(\d+)_(\d+)(ecb|ecbplus)\.xml")


def _ecb_sentence(tokens: list[str]) -> str:
    if tokens and tokens[0].lower() in {"http", "https", "www"}:
        return "".join(tokens)  # the URL line of ECB+ documents is tokenised on / . - :
    return detokenize(tokens)


def ecbplus_documents(root: Path | None = None) -> list[EcbDocument]:
    """All 982 ECB+ documents with readable text (one sentence per line, first line kept even if a URL).

    Ordered by topic, then document number, then ``ecb`` before ``ecbplus``.
    """
    base = data_root(root) / "ecbplus" / "ECB+_LREC2014" / "ECB+"
    found = []
    for path in base.glob("*/*.xml"):
        m = _ECB_NAME.fullmatch(path.name)
        if not m:
            continue
        topic, number, sub = int(m.group(1)), int(m.group(2)), m.group(3)
        sentences: dict[int, list[str]] = defaultdict(list)
        for tok in ET.parse(path).getroot().iter("token"):
            sentences[int(tok.get("sentence", "0"))].append(tok.text or "")
        text = "\n".join(_ecb_sentence(sentences[k]) for k in sorted(sentences))
        found.append(((topic, number, sub == "ecbplus"), EcbDocument(path.stem, topic, sub, text)))
    return [doc for _, doc in sorted(found, key=lambda pair: pair[0])]


# ---------------------------------------------------------------------------------- relation pairs


def _frank_summary_text(doc: dict, model: str) -> str:
    return " ".join(frank_summary_lines(doc, model))


_WORD = re.compile(r"\w+")


@lru_cache(maxsize=4096)
def _line_word_sets(text: str, min_words: int) -> tuple[frozenset[str], ...]:
    lines = (frozenset(_WORD.findall(line.lower())) for line in text.split("\n"))
    return tuple(words for words in lines if len(words) >= min_words)


def shared_sentence_share(a: str, b: str, min_words: int = 6, jaccard: float = 0.5) -> float:
    """Largest share of either text's lines that closely match a line of the other.

    Lines (sentences) with at least ``min_words`` distinct words match when the Jaccard overlap of their
    lowercased word sets is >= ``jaccard``. Why: many ECB+ "same event" documents are one wire story
    (AP, Reuters, AFP) reprinted or lightly edited by several outlets; they share most sentences nearly
    word for word, so they are copies or rewrites of a common source, not independent reports.
    """
    la, lb = _line_word_sets(a, min_words), _line_word_sets(b, min_words)
    if not la or not lb:
        return 0.0

    def matched(xs: tuple[frozenset[str], ...], ys: tuple[frozenset[str], ...]) -> float:
        hits = sum(any(len(x & y) >= jaccard * len(x | y) for y in ys) for x in xs)
        return hits / len(xs)

    return max(matched(la, lb), matched(lb, la))


def relation_pairs(
    n_each: int = 300, seed: int = 13, root: Path | None = None, max_shared: float = 0.3
) -> list[RelationPair]:
    """A balanced 3-way set: ``derived`` / ``same_event`` / ``unrelated``, ``n_each`` of each.

    - derived: (FRANK validation article, one model or reference summary of it), half CNN/DM, half BBC.
    - same_event: two different ECB+ documents of the same topic and sub-event (independent reports);
      pairs whose ``shared_sentence_share`` is >= ``max_shared`` are one wire story reprinted or lightly
      rewritten (about 7% of candidates at 0.3), so they are left out; pass ``max_shared=1.1`` to keep all.
    - unrelated: thirds of ECB+ vs ECB+ of another topic, FRANK vs FRANK article, FRANK article vs ECB+.
    Why: it separates "written from this source" from "about the same event", the distinction wiretrace
    must make. Sampling is deterministic (``random.Random(seed)`` over sorted candidates).
    """
    base = data_root(root)
    rng = random.Random(seed)
    arts = _frank_articles(base)
    val_hashes = sorted(_frank_split_hashes(base, "validation"))
    ecb = ecbplus_documents(base)

    derived_candidates: dict[str, list[tuple[str, str]]] = {"cnndm": [], "bbc": []}
    for h in val_hashes:
        doc = arts[h]
        subset = "bbc" if h.isdigit() else "cnndm"
        models = [*sorted(name.removesuffix("_lines") for name in doc["model_names"]), "reference"]
        derived_candidates[subset].extend((h, model) for model in models)
    pairs: list[RelationPair] = []
    for subset, quota in (("cnndm", n_each // 2), ("bbc", n_each - n_each // 2)):
        for h, model in rng.sample(derived_candidates[subset], quota):
            doc = arts[h]
            note = f"frank {subset} {h} {model}"
            pairs.append(RelationPair(_frank_source(doc), _frank_summary_text(doc, model), "derived", note))

    by_event: dict[tuple[int, str], list[EcbDocument]] = defaultdict(list)
    for d in ecb:
        by_event[(d.topic, d.subevent)].append(d)
    same = [
        (x, y)
        for docs in by_event.values()
        for i, x in enumerate(docs)
        for y in docs[i + 1 :]
        if shared_sentence_share(x.text, y.text) < max_shared
    ]
    for x, y in rng.sample(same, n_each):
        x, y = (x, y) if rng.random() < 0.5 else (y, x)
        pairs.append(RelationPair(x.text, y.text, "same_event", f"ecb+ {x.doc_id} ~ {y.doc_id}"))

    val_docs = [(h, _frank_source(arts[h])) for h in val_hashes]
    quotas = [n_each - 2 * (n_each // 3), n_each // 3, n_each // 3]
    seen: set[tuple[str, str]] = set()

    def draw(kind: int) -> tuple[str, str, str, str] | None:
        if kind == 0:
            x, y = rng.sample(ecb, 2)
            return (x.doc_id, y.doc_id, x.text, y.text) if x.topic != y.topic else None
        if kind == 1:
            (ha, ta), (hb, tb) = rng.sample(val_docs, 2)
            return ha, hb, ta, tb
        (ha, ta), d = rng.choice(val_docs), rng.choice(ecb)
        return (ha, d.doc_id, ta, d.text) if rng.random() < 0.5 else (d.doc_id, ha, d.text, ta)

    labels = ["ecb+/ecb+", "frank/frank", "frank/ecb+"]
    for kind, quota in enumerate(quotas):
        made = 0
        while made < quota:
            drawn = draw(kind)
            if drawn is None:
                continue
            id_a, id_b, text_a, text_b = drawn
            key = (min(id_a, id_b), max(id_a, id_b))
            if key in seen:
                continue
            seen.add(key)
            pairs.append(RelationPair(text_a, text_b, "unrelated", f"{labels[kind]} {id_a} ~ {id_b}"))
            made += 1
    return pairs


# ------------------------------------------------------------------------------------ LLM rewrites


def llm_rewrites(root: Path | None = None) -> list[LlmRewrite]:
    """All (source, LLM rewrite) pairs from ``llm-rewrites/pairs.jsonl`` in file order."""
    path = data_root(root) / "llm-rewrites" / "pairs.jsonl"
    items = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                items.append(
                    LlmRewrite(
                        r["source"],
                        r["rewrite"],
                        r["operation"],
                        r["generator"],
                        r["dataset"],
                        r["subset"],
                        r["pair_id"],
                    )
                )
    return items


# ------------------------------------------------------------------------------ Clough and Stevenson


@dataclass(frozen=True)
class ReuseAnswer:
    """A short answer and the Wikipedia article it was to be written from, with its graded reuse."""

    source: str
    answer: str
    category: str  # cut (pasted), light (lightly revised), heavy (rewritten), non (written independently)
    task: str
    name: str


def clough_stevenson(root: Path | None = None) -> list[ReuseAnswer]:
    """The 95 answers of the Clough and Stevenson corpus against their task's original, in file order.

    Labels come from the corpus' own ``file_information.csv``. A few files are not UTF-8 (cp1252
    punctuation): they are read as cp1252, then latin-1.
    """
    base = data_root(root) / "clough-stevenson" / "data"

    def read(path: Path) -> str:
        data = path.read_bytes()
        for encoding in ("utf-8", "cp1252"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        return data.decode("latin-1")

    with (base / "file_information.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["Category"] != "orig"]
    originals = {t: read(base / f"orig_task{t}.txt") for t in sorted({r["Task"] for r in rows})}
    return [
        ReuseAnswer(originals[r["Task"]], read(base / r["File"]), r["Category"], r["Task"], r["File"])
        for r in rows
    ]


# ------------------------------------------------------------------------------------------ AggreFact

_XLSX = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_XLSX_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def xlsx_sheets(path: Path) -> dict[str, list[dict[str, str]]]:
    """Every sheet of an .xlsx workbook as rows of {header: text}, read with the standard library (the
    workbook is a zip of XML; cells hold inline strings, shared strings or numbers)."""
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        shared = []
        if "xl/sharedStrings.xml" in names:
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(f"{_XLSX}si"):
                shared.append("".join(t.text or "" for t in si.iter(f"{_XLSX}t")))
        rels = {
            r.get("Id"): r.get("Target")
            for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            if r.get("Id") and r.get("Target")
        }
        sheets = {}
        for sheet in ET.fromstring(z.read("xl/workbook.xml")).iter(f"{_XLSX}sheet"):
            target = rels[sheet.get(f"{_XLSX_REL}id")].lstrip("/")
            target = target if target.startswith("xl/") else f"xl/{target}"
            rows = []
            for row in ET.fromstring(z.read(target)).iter(f"{_XLSX}row"):
                cells = {}
                for c in row:
                    col = re.match(r"[A-Z]+", c.get("r", "")).group()
                    value = c.find(f"{_XLSX}v")
                    if c.get("t") == "s" and value is not None:
                        cells[col] = shared[int(value.text)]
                    elif c.get("t") == "inlineStr":
                        cells[col] = "".join(t.text or "" for t in c.iter(f"{_XLSX}t"))
                    else:
                        cells[col] = value.text if value is not None and value.text else ""
                rows.append(cells)
            if rows:
                head = rows[0]
                sheets[sheet.get("name")] = [{head[c]: r.get(c, "") for c in head} for r in rows[1:]]
        return sheets


def aggrefact_xsum(root: Path | None = None) -> list[SupportItem]:
    """XSumFaith summaries from AggreFact-Unified (validation sheets), each with its BBC article and its
    error types (``edit_types``: intrinsic/extrinsic x NP/predicate/entire_sent); all are unfaithful.

    Only sheets with the article text (the XSum ones) are used, each summary once (it sits in one sheet
    per error type it has). Articles that are also FRANK articles (FRANK took its BBC part from the same
    XSum test documents) are left out, so nothing here was seen in training or in the other benchmarks.
    Summary text is lower-cased XSum model output; its backslash-escaped quotes are unescaped."""
    base = data_root(root)
    frank = set()
    for split in ("validation_split.txt", "test_split.txt"):
        frank |= set((base / "frank" / split).read_text(encoding="utf-8").split())
    kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
    rows: dict[tuple[str, str], dict] = {}
    for sheet in xlsx_sheets(base / "aggrefact" / "AggreFact-Unified-val.xlsx").values():
        for r in sheet:
            if r.get("dataset") != "xsumfaith" or not r.get("doc") or r["id"] in frank:
                continue
            key = (r["id"], r["model_name"])
            rows.setdefault(key, r)
            kinds[key] |= set(re.findall(r"(?:in|ex)trinsic-[A-Za-z_]+", r.get("error_type", "")))
    return [
        SupportItem(
            source=rows[k]["doc"],
            sentence=rows[k]["summ"].replace("\\'", "'").replace('\\"', '"').strip(),
            supported=rows[k]["label"] == "1",
            group=k[0],
            dataset="aggrefact",
            subset=k[1],
            edit_types=tuple(sorted(kinds[k])),
        )
        for k in sorted(rows)
    ]


# ------------------------------------------------------------------------ article extraction benchmark


@dataclass(frozen=True)
class NewsPage:
    """A real news page and the article body a person marked on it."""

    page_id: str
    html: bytes
    body: str
    url: str


def extraction_pages(root: Path | None = None) -> list[NewsPage]:
    """The 181 pages of scrapinghub's article-extraction-benchmark (gzipped HTML) with their
    ground-truth bodies, by page id."""
    base = data_root(root) / "article-extraction-benchmark"
    with (base / "ground-truth.json").open(encoding="utf-8") as fh:
        truth = json.load(fh)
    return [
        NewsPage(
            k, gzip.decompress((base / "html" / f"{k}.html.gz").read_bytes()), v["articleBody"], v["url"]
        )
        for k, v in sorted(truth.items())
    ]
