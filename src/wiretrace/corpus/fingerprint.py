"""Per-article analysis, done once at ingest: what candidate search and verification need, nothing more.

- ``prepare(article, light=True)``: lines labelled, sentences split, content stems, quotations.
- Sentence vectors, computed the way ``wiretrace.embed`` does (static model, mean of token vectors) but
  with a per-process cache from whitespace-separated chunks to token ids, so each distinct word is
  tokenised once (the tokenizer costs ~50 us a sentence; the cache makes a sentence a few lookups).
- The compact *record* (``encode_record``): sentence spans, kinds, stems, quotation spans, line hashes
  and int8 sentence vectors. Verification rebuilds a light ``Document`` from it and the stored text
  (``decode_record`` / ``record_document``), so a pair check reads two small rows and never re-prepares.
- Content-stem counts and name counts (capitalised word pairs: "Brian Nichols", "Fulton County"),
  hashed to 63 bits: corpus document frequencies and the candidate keys.
- Line hashes: each sentence's (in the record: which sentences a site's boilerplate covers) and the
  text's distinct lines (the site's line counts).
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from ..facts import _entities
from ..lexicon import DEMONYMS, STOPWORDS
from ..model import Article, Document, Facts, Mention, Sentence
from ..prepare import prepare
from ..relation import content_hash, sentence_weight
from ..segment import line_spans
from ..text import WORD, squash

SHINGLE = 5
MAX_TOKENS = 512  # as wiretrace.embed: a text is cut at 512 tokens ...
MAX_CHARS = MAX_TOKENS * 6  # ... after cutting it at 6 characters a token
KINDS = ("body", "headline", "boilerplate")
_CHUNK = re.compile(r"[ \t\n\r\x0b\x0c]+")  # characters every BERT pre-tokenizer splits at
_MAGIC = b"WTR2"
# Two capitalised words in a row (overlapping pairs: "Superior Court Judge James Bodiford" gives four).
_NAME_PAIR = re.compile(r"(?=\b([A-Z][\w'’.-]*[a-z][\w'’.-]*)\s+([A-Z][\w'’.-]*[a-z][\w'’.-]*)\b)")

# What every name of two or more words contains (``facts._entities``): capitalised tokens next to each other
# or joined by "of", "de", ..., or one capitalised token of two words joined by a hyphen, apostrophe or
# point ("Jean-Pierre", "Al-Qaeda"). Sentences without it are skipped: entity extraction is the costliest
# part of a same-event check.
_MULTIWORD_NAME = re.compile(
    r"[A-Z][\w’'.-]*\s+(?:(?i:of|the|de|du|van|von|al|bin|la|del|for)\s+)?[A-Z]"
    r"|[A-Z][\w’'.-]*?\w[’'.-]+\w\w"
    # ... or a demonym of a place of two words ("American": United States)
    + "".join(f"|\\b{re.escape(d.title())}\\b" for d, place in DEMONYMS.items() if " " in place)
)


def is_specific(key: object) -> bool:
    """An entity key of two or more words longer than one letter ("Brian Nichols", not "Nichols")."""
    return isinstance(key, frozenset) and sum(len(w) > 1 for w in key) >= 2


@lru_cache(maxsize=1 << 16)
def sentence_entities(text: str) -> tuple[str, ...]:
    """The specific names (``is_specific``) of one sentence, each its sorted key words joined by spaces.
    Cached: copies and syndicated reprints repeat sentences word for word, and finding names is the
    dearest step of the record."""
    if not _MULTIWORD_NAME.search(text):
        return ()
    return tuple(sorted({" ".join(sorted(m.value)) for m in _entities(text, 0) if is_specific(m.value)}))


@dataclass(frozen=True)
class Analysis:
    """What ingest keeps of one article (besides its text in the store)."""

    record: bytes  # the compact light Document (see encode_record)
    terms: np.ndarray  # int64 hashes of the distinct content stems of the non-boilerplate sentences ...
    counts: np.ndarray  # how often each occurs (int32) ...
    names: np.ndarray  # ... and whether the term is a name (a capitalised word pair of a story sentence)
    sketch: bytes  # what verification's cheap tests read (see encode_sketch)
    lines: tuple[tuple[int, str], ...]  # (hash, text) of the article's distinct lines, for site boilerplate
    credits: tuple[str, ...]
    language: str
    story: np.ndarray  # int8 unit vector of the story (``story_vectors``)


# --- hashing -------------------------------------------------------------------------------------

_TERM_HASH: dict[str, int] = {}


def term_hash(stem: str) -> int:
    """A stable signed 63-bit hash of a stem (cached: news vocabulary repeats)."""
    h = _TERM_HASH.get(stem)
    if h is None:
        if len(_TERM_HASH) > 500_000:
            _TERM_HASH.clear()
        h = int.from_bytes(hashlib.blake2b(stem.encode(), digest_size=8).digest(), "little") >> 1
        _TERM_HASH[stem] = h
    return h


def line_hash(line: str) -> int | None:
    """Hash of a line up to case, punctuation and spacing; None for lines with fewer than 3 words."""
    key = squash(line)
    if key.count(" ") < 2:
        return None
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little", signed=True)


def shingles(text: str, n: int = SHINGLE) -> list[str]:
    """Lower-cased word n-grams; a text shorter than n words is one shingle (the benchmark's MinHash)."""
    words = WORD.findall(text.lower())
    if len(words) < n:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]


# --- sentence vectors ----------------------------------------------------------------------------


class _ChunkTokens:
    """Whitespace-separated chunk -> token ids, through the model's own tokenizer. BERT normalisation and
    pre-tokenisation always split at ASCII whitespace, so the ids of a sentence are the concatenation of
    the ids of its chunks: the result equals tokenising the sentence whole."""

    def __init__(self) -> None:
        from ..embed import default_embedder

        self.model = default_embedder()
        self.cache: dict[str, tuple[int, ...]] = {}  # chunk -> its token ids
        self.kept: dict[str, tuple[int, ...]] = {}  # chunk -> its token ids less the special ones

    def ids(self, chunks: list[str]) -> None:
        missing = [c for c in dict.fromkeys(chunks) if c not in self.cache]
        if not missing:
            return
        if len(self.cache) > 300_000:
            self.cache.clear()
            self.kept.clear()
        special = self.model.special
        for chunk, enc in zip(
            missing, self.model.tokenizer.encode_batch(missing, add_special_tokens=False), strict=True
        ):
            self.cache[chunk] = ids = tuple(enc.ids)
            self.kept[chunk] = tuple(i for i in ids if i not in special)


_TOKENS: _ChunkTokens | None = None


def _chunk_tokens() -> _ChunkTokens:
    global _TOKENS
    if _TOKENS is None:
        _TOKENS = _ChunkTokens()
    return _TOKENS


def sentence_sums(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(sum of token vectors, token count) per text, as ``StaticEmbedder.encode`` pools them."""
    tok = _chunk_tokens()
    model = tok.model
    chunked = [[c for c in _CHUNK.split(t[:MAX_CHARS]) if c] for t in texts]
    tok.ids([c for cs in chunked for c in cs])
    cache, kept, special = tok.cache, tok.kept, model.special
    all_ids: list[int] = []
    counts = np.zeros(len(texts), np.int64)
    for row, cs in enumerate(chunked):
        start = len(all_ids)
        if sum(map(len, map(cache.__getitem__, cs))) <= MAX_TOKENS:
            for c in cs:
                all_ids.extend(kept[c])
        else:  # cut at MAX_TOKENS tokens, special ones included, then drop the special ones
            ids: list[int] = []
            for c in cs:
                ids.extend(cache[c])
                if len(ids) >= MAX_TOKENS:
                    break
            all_ids.extend(i for i in ids[:MAX_TOKENS] if i not in special)
        counts[row] = len(all_ids) - start
    sums = np.zeros((len(texts), model.dim), np.float32)
    if not all_ids:
        return sums, counts
    ids_arr = np.asarray(all_ids, np.int64)
    ends = np.cumsum(counts)
    starts = ends - counts
    # Gather and add in blocks of ~4k tokens (4 MB of rows): the rows stay in cache; one gather of a whole
    # batch (100k tokens, 100 MB) spends its time writing and re-reading memory.
    row = 0
    while row < len(texts):
        stop = row
        while stop < len(texts) and (stop == row or ends[stop] - starts[row] <= 4096):
            stop += 1
        lo, hi = starts[row], ends[stop - 1]
        block = model.vectors[ids_arr[lo:hi]]
        if model.weights is not None:
            block = block * model.weights[ids_arr[lo:hi], None]
        nz = np.nonzero(counts[row:stop])[0]
        if len(nz):
            sums[row + nz] = np.add.reduceat(block, starts[row + nz] - lo, axis=0)
        row = stop
    return sums, counts


def unit_rows(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return (x / np.where(norms == 0, 1, norms)).astype(np.float32)


def sentence_vectors(texts: list[str]) -> np.ndarray:
    """Unit vectors, one per text: the same as ``wiretrace.embed.embed(texts)`` (to float rounding)."""
    sums, counts = sentence_sums(texts)
    return unit_rows(sums / np.maximum(counts, 1)[:, None])


def quantise(vectors: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(vectors * 127.0), -127, 127).astype(np.int8)


def dequantise(q: np.ndarray) -> np.ndarray:
    """int8 unit vectors back to float unit vectors (renormalised: the rounding error stays ~1e-3)."""
    return unit_rows(q.astype(np.float32))


# --- the record ----------------------------------------------------------------------------------


def _sentence_lines(text: str, doc: Document) -> tuple[list[int], tuple[tuple[int, str], ...]]:
    """Per sentence, the hash of the line it starts on (0 when that line is too short to count); and the
    (hash, text) of the text's distinct countable lines, for the site's line counts."""
    spans = list(line_spans(text))
    starts = [s for s, _ in spans]
    hashes = [line_hash(text[s:e]) or 0 for s, e in spans]
    out = []
    for s in doc.sentences:
        k = bisect_right(starts, s.start) - 1
        out.append(hashes[k] if k >= 0 and s.start < spans[k][1] else 0)
    return out, _distinct_lines(text, spans, hashes)


def text_lines(text: str) -> tuple[tuple[int, str], ...]:
    """(hash, text) of the text's distinct countable lines (what analysis gives, from the text alone)."""
    spans = list(line_spans(text))
    return _distinct_lines(text, spans, [line_hash(text[s:e]) or 0 for s, e in spans])


def _distinct_lines(
    text: str, spans: list[tuple[int, int]], hashes: list[int]
) -> tuple[tuple[int, str], ...]:
    distinct: dict[int, str] = {}
    for h, (s, e) in zip(hashes, spans, strict=True):
        if h and h not in distinct:
            distinct[h] = text[s:e][:300]
    return tuple(distinct.items())


def encode_record(
    doc: Document,
    vectors: np.ndarray,
    names: list[int] | tuple[int, ...] = (),
    lines: list[int] | None = None,
    entities: dict[int, list[str]] | None = None,
) -> bytes:
    """A light Document as bytes: JSON head (kinds, reasons, quotation spans, line hashes, credits,
    syndication notices, language, name-pair hashes, specific names per story sentence), stems (one line a
    sentence), int32 spans and the int8 sentence vectors."""
    if entities is None:
        entities = {
            s.i: keys for s in doc.sentences if s.kind == "body" and (keys := sentence_entities(s.text))
        }
    head = {
        "e": {str(i): keys for i, keys in entities.items()},
        "n": sorted(names),
        "k": [KINDS.index(s.kind) for s in doc.sentences],
        "r": {str(s.i): s.reason for s in doc.sentences if s.reason},
        "q": [[i, q.start, q.end] for i, f in enumerate(doc.facts) for q in f.quotes],
        "l": lines if lines is not None else _sentence_lines(doc.article.text, doc)[0],
        "c": list(doc.credits),
        "g": doc.language,
    }
    if doc.republished_from:  # rare: kept out of the other records
        head["p"] = list(doc.republished_from)
    if doc.attributions:  # wires named in story sentences (records written before this hold none)
        head["a"] = list(doc.attributions)
    head_b = json.dumps(head, separators=(",", ":")).encode()
    toks_b = "\n".join(" ".join(t) for t in doc.tokens).encode()
    spans = np.asarray([(s.start, s.end) for s in doc.sentences], np.int32).reshape(-1, 2).tobytes()
    vec = quantise(vectors).tobytes()
    n, dim = len(doc.sentences), vectors.shape[1] if vectors.ndim == 2 else 0
    return b"".join(
        [_MAGIC, struct.pack("<5I", len(head_b), len(toks_b), len(spans), n, dim), head_b, toks_b, spans, vec]
    )


@dataclass(frozen=True)
class Record:
    """A decoded record: enough to rebuild the light Document of an article from its text."""

    kinds: tuple[str, ...]
    reasons: dict[int, str]
    quotes: tuple[tuple[int, int, int], ...]
    lines: tuple[int, ...]
    credits: tuple[str, ...]
    language: str
    token_lines: tuple[str, ...]  # each sentence's stems, space-separated
    names: frozenset[int]  # hashes of the capitalised word pairs of the story sentences
    entities: dict[int, list[str]] | None  # specific names per story sentence (None: an older record)
    spans: np.ndarray  # (n, 2) int32
    vectors: np.ndarray  # (n, dim) int8
    republished_from: tuple[str, ...] = ()  # outlets the syndication notices name
    attributions: tuple[str, ...] = ()  # wires the story sentences name as a claim's source

    @cached_property
    def tokens(self) -> tuple[tuple[str, ...], ...]:
        """Each sentence's stems (split when first needed: the cheap relation tests read only the lines)."""
        return tuple(tuple(line.split()) for line in self.token_lines)

    @cached_property
    def content_hashes(self) -> tuple[int, ...]:
        """``relation.content_hash`` of each sentence."""
        return tuple(content_hash(toks) for toks in self.tokens)

    def weight(self, i: int) -> float:
        """``relation.body_weight`` of sentence ``i``, without the text."""
        quoted = sum(e - s for j, s, e in self.quotes if j == i)
        start, end = self.spans[i].tolist()
        return sentence_weight(len(self.token_lines[i].split()), quoted, end - start)


def decode_record(blob: bytes) -> Record:
    if blob[:4] != _MAGIC:
        raise ValueError("not a wiretrace corpus record")
    lh, lt, ls, n, dim = struct.unpack_from("<5I", blob, 4)
    pos = 4 + 20
    head = json.loads(blob[pos : pos + lh])
    pos += lh
    toks = blob[pos : pos + lt].decode()
    pos += lt
    spans = np.frombuffer(blob, np.int32, count=ls // 4, offset=pos).reshape(-1, 2)
    pos += ls
    vectors = np.frombuffer(blob, np.int8, count=n * dim, offset=pos).reshape(n, dim)
    lines = tuple(toks.split("\n")) if n else ()
    return Record(
        tuple(KINDS[k] for k in head["k"]),
        {int(i): r for i, r in head["r"].items()},
        tuple(tuple(q) for q in head["q"]),
        tuple(head["l"]),
        tuple(head["c"]),
        head["g"],
        lines,
        frozenset(head.get("n", ())),
        {int(i): keys for i, keys in head["e"].items()} if "e" in head else None,
        spans,
        vectors,
        tuple(head.get("p", ())),
        tuple(head.get("a", ())),
    )


_SKETCH = b"WTS2"  # WTS1: before the repeated-sentence hashes


@dataclass(frozen=True)
class Sketch:
    """What verification's cheap tests read, stored beside the record (about 1-1.6 KB, against a record's
    2-10 KB). Most candidate pairs share too little vocabulary to be anything, or are same_event pairs that
    need only shared names; the sketch settles both without decoding a record.
    It holds the record's stems (as 63-bit hashes), name-pair hashes and specific names unchanged, so its
    answers are the record's, as long as no body sentence sits on a line the site repeats
    (``body_lines`` tells)."""

    size: int  # length of the text in characters (which of two texts is the longer)
    body_lines: np.ndarray  # int64 line hash of each body sentence (0: a line too short to count)
    stems: np.ndarray  # sorted distinct int64 hashes of the stems of the headline and body sentences
    names: np.ndarray  # sorted hashes of the capitalised word pairs (``Record.names``)
    entities: frozenset[str]  # the specific names of the body sentences
    # ``relation.content_hash`` and ``Record.weight`` of each body sentence, and the sorted distinct content
    # hashes of the headline and body sentences: a pair's ``relation.repeated_share``. None in an older
    # sketch (WTS1).
    repeated: np.ndarray | None = None
    weights: np.ndarray | None = None
    story: np.ndarray | None = None

    @property
    def body(self) -> int:
        return len(self.body_lines)


def encode_sketch(rec: Record, size: int) -> bytes:
    story = [i for i, kind in enumerate(rec.kinds) if kind != "boilerplate"]
    body = [i for i in story if rec.kinds[i] == "body"]
    hashes = rec.content_hashes
    arrays = [
        np.asarray([rec.lines[i] for i in body], np.int64),
        np.asarray(sorted({term_hash(t) for i in story for t in rec.token_lines[i].split()}), np.int64),
        np.asarray(sorted(rec.names), np.int64),
        np.asarray([hashes[i] for i in body], np.int64),
        np.asarray([rec.weight(i) for i in body], np.float64),
        np.asarray(sorted({hashes[i] for i in story} - {0}), np.int64),
    ]
    entities = "\n".join(sorted({k for i in body for k in (rec.entities or {}).get(i, ())})).encode()
    return b"".join(
        [
            _SKETCH,
            struct.pack("<8I", size, *(len(a) for a in arrays), len(entities)),
            *(a.tobytes() for a in arrays),
            entities,
        ]
    )


def decode_sketch(blob: bytes) -> Sketch:
    magic = blob[:4]
    if magic not in (_SKETCH, b"WTS1"):
        raise ValueError("not a wiretrace sketch")
    fields = 3 if magic == b"WTS1" else 6
    size, *counts, n_entities = struct.unpack_from(f"<{fields + 2}I", blob, 4)
    pos, arrays = 4 + 4 * (fields + 2), []
    for k, count in enumerate(counts):
        arrays.append(np.frombuffer(blob, np.float64 if k == 4 else np.int64, count=count, offset=pos))
        pos += 8 * count
    entities = blob[pos : pos + n_entities].decode()
    names = frozenset(entities.split("\n")) if entities else frozenset()
    return Sketch(size, *arrays[:3], names, *arrays[3:])


def record_document(rec: Record, article: Article, boilerplate: frozenset[int] = frozenset()) -> Document:
    """The light Document the record was made from; body sentences on a line that ``boilerplate`` (the
    site's repeated lines) holds are relabelled ``boilerplate`` as ``verify.mark_site_boilerplate`` does."""
    text = article.text
    sentences = []
    for i, ((s, e), kind) in enumerate(zip(rec.spans.tolist(), rec.kinds, strict=True)):
        reason = rec.reasons.get(i)
        if kind == "body" and boilerplate and rec.lines[i] in boilerplate:
            kind, reason = "boilerplate", "site boilerplate"
        sentences.append(Sentence(i, s, e, text[s:e], kind, reason))
    quoted: list[list[Mention]] = [[] for _ in sentences]
    for i, s, e in rec.quotes:
        quoted[i].append(Mention("quote", s, e, text[s:e]))
    facts = tuple(Facts(quotes=tuple(q)) for q in quoted)
    return Document(
        article,
        tuple(sentences),
        facts,
        rec.credits,
        rec.tokens,
        rec.language,
        rec.republished_from,
        rec.attributions,
    )


# --- one article ---------------------------------------------------------------------------------


def story_dim() -> int:
    """Width of the sentence and story vectors (the shipped static model's)."""
    from ..embed import model_dim

    return model_dim()


def story_vectors(docs: list[Document], vectors: np.ndarray) -> np.ndarray:
    """Each story as one int8 unit vector: the mean direction of its body sentences' vectors (zeros
    without any); ``vectors`` holds the sentence vectors of all the documents, one after another. The
    candidate search ranks a new article's neighbourhood by them (``candidates.VECTOR_TOP``)."""
    body = np.fromiter((s.kind == "body" for d in docs for s in d.sentences), bool, len(vectors))
    owner = np.repeat(np.arange(len(docs)), [len(d.sentences) for d in docs])[body]
    sums = np.zeros((len(docs), vectors.shape[1]), np.float32)
    if len(owner):  # body rows are grouped by document: one reduceat over the runs
        starts = np.r_[0, np.flatnonzero(np.diff(owner)) + 1]
        sums[owner[starts]] = np.add.reduceat(vectors[body], starts, axis=0)
    return quantise(unit_rows(sums))


def analyse_batch(articles: list[Article]) -> list[Analysis]:
    """Analyses of many articles (the sentence vectors of a batch are pooled in one pass)."""
    docs = [prepare(a, light=True) for a in articles]
    texts = [s.text for d in docs for s in d.sentences]
    sums, counts = sentence_sums(texts)
    vecs = unit_rows(sums / np.maximum(counts, 1)[:, None])
    stories = story_vectors(docs, vecs)
    out = []
    pos = 0
    for k, (a, d) in enumerate(zip(articles, docs, strict=True)):
        n = len(d.sentences)
        v = vecs[pos : pos + n]
        pos += n
        stems: Counter[str] = Counter()
        names: dict[int, int] = {}
        for s, toks in zip(d.sentences, d.tokens, strict=True):
            if s.kind == "boilerplate":
                continue
            stems.update(toks)  # counted as stems, hashed once each
            if s.kind == "body":
                for m in _NAME_PAIR.finditer(s.text):
                    w1, w2 = m.group(1).lower(), m.group(2).lower()
                    if w1 in STOPWORDS or w2 in STOPWORDS:
                        continue
                    h = term_hash(f"\x01{w1} {w2}")
                    names[h] = names.get(h, 0) + 1
        tf: dict[int, int] = {}
        for t, c in stems.items():
            h = term_hash(t)
            tf[h] = tf.get(h, 0) + c
        names = {h: c for h, c in names.items() if h not in tf}
        per_sentence, distinct = _sentence_lines(a.text, d)
        record = encode_record(d, v, list(names), per_sentence)
        out.append(
            Analysis(
                record,
                np.fromiter([*tf.keys(), *names.keys()], np.int64, len(tf) + len(names)),
                np.fromiter([*tf.values(), *names.values()], np.int32, len(tf) + len(names)),
                np.arange(len(tf) + len(names)) >= len(tf),
                encode_sketch(decode_record(record), len(a.text)),
                distinct,
                d.credits,
                d.language,
                stories[k],
            )
        )
    return out


def text_hash(article: Article) -> str:
    """The text as it appeared at one place: the same text on another site is a republication to report,
    not a duplicate, so the site and URL are part of the hash."""
    norm = " ".join(article.text.split())
    key = f"{article.source or ''}\x00{article.url or ''}\x00{norm}"
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()
