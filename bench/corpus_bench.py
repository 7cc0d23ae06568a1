"""Corpus-mode benchmark (and the builder of ``tests/data/corpus``).

Quality: an evaluation corpus from real dev data: FRANK validation articles with their model and
reference summaries (derived), SummEdits documents with their edited summaries (derived), ECB+ articles
(same event, written independently; different topics are distractors to each other) and FRANK test
articles as distractors. Scores recall / precision of derived-from pairs (unordered: a derived pair is
found when the index holds a copy or rewrite edge between the two texts) and B-cubed F1 of story
membership against ECB+ sub-events; runs datasketch MinHashLSH (word 5-gram shingles, threshold 0.5)
on the same corpus in the same run.

Throughput: synthetic corpora built from real sentences (MSRP sentence file + FRANK articles) with
planted copies and rewrites (sentence subsets, reordered, some replaced by their MSRP paraphrase);
reports articles/s, peak RSS, bytes on disk per article, candidate pairs per article, the 100k/10k time
ratio, planted recall and search latency.

    python bench/corpus_bench.py --quality --throughput 2000,10000
    python bench/corpus_bench.py --make-test-data tests/data/corpus
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench import datasets as ds  # noqa: E402

# ------------------------------------------------------------------------------- test data builder


def _host(url: str) -> str:
    from wiretrace.ingest.records import host

    return host(url) or "unknown"


def make_test_data(out: Path) -> None:
    """Write tests/data/corpus: corpus.jsonl (every record) and txt/ (a few as one-article files)."""
    root = ds.data_root()
    out.mkdir(parents=True, exist_ok=True)
    (out / "txt").mkdir(exist_ok=True)
    seeds = ROOT / "tests" / "data"
    records: list[dict] = []
    ap = (seeds / "seed_ap.txt").read_text(encoding="utf-8")
    rw = (seeds / "seed_rewrite.txt").read_text(encoding="utf-8")
    records.append({"id": "seed-ap", "series": "wire", "text": ap, "date": None})
    records.append({"id": "seed-rewrite", "series": "content-farm", "text": rw, "date": None})
    arts = ds._frank_articles(root)
    val = sorted(h for h in ds._frank_split_hashes(root, "validation") if not h.isdigit())[:3]
    for h in val:
        doc = arts[h]
        records.append(
            {
                "title": None,
                "maintext": ds._frank_source(doc),
                "date_publish": None,
                "source_domain": _host(doc.get("url") or "") if doc.get("url") else "cnn.com",
                "url": doc.get("url"),
                "frank_hash": h,
            }
        )
        for model in ("reference", "bart"):
            text = " ".join(ds.frank_summary_lines(doc, model))
            records.append(
                {
                    "id": f"frank-{h[:8]}-{model}",
                    "series": f"summary-{model}",
                    "text": text,
                    "date": None,
                    "derived_from": h,
                }
            )
    edits = ds.summedits(root)
    groups: dict[str, list] = defaultdict(list)
    for item in edits:
        groups[item.group].append(item)
    for g in sorted(groups)[:2]:
        items = groups[g]
        doc = items[0].source
        records.append({"id": f"summedits-{g}", "series": "summedits-doc", "text": doc, "date": None})
        good = next(x for x in items if x.supported)
        bad = next(x for x in items if not x.supported)
        for tag, x in (("consistent", good), ("edited", bad)):
            records.append(
                {
                    "id": f"summedits-{g}-{tag}",
                    "series": "summedits-summary",
                    "text": x.sentence,
                    "date": None,
                    "derived_from": f"summedits-{g}",
                    "edit_types": list(x.edit_types),
                }
            )
    ecb = ds.ecbplus_documents(root)
    for topic in (1, 3):
        docs = [d for d in ecb if d.topic == topic and d.subevent == "ecb"]
        chosen: list = []
        for d in docs:
            if all(ds.shared_sentence_share(d.text, c.text) < 0.3 for c in chosen):
                chosen.append(d)
            if len(chosen) == (4 if topic == 1 else 2):
                break
        for d in chosen:
            lines = d.text.split("\n")
            records.append(
                {
                    "id": f"ecb-{d.doc_id}",
                    "series": f"ecb-outlet-{d.doc_id}",
                    "text": "\n".join(lines),
                    "date": None,
                    "ecb_topic": d.topic,
                    "ecb_subevent": d.subevent,
                }
            )
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    for name, rid in (
        ("seed_ap.txt", "seed-ap"),
        ("seed_rewrite.txt", "seed-rewrite"),
        ("ecb_1_1ecb.txt", "ecb-1_1ecb"),
        ("ecb_1_2ecb.txt", "ecb-1_2ecb"),
    ):
        rec = next((r for r in records if r.get("id") == rid), None)
        if rec:
            (out / "txt" / name).write_text(rec["text"], encoding="utf-8")
    print(f"wrote {len(records)} records to {out / 'corpus.jsonl'}")


# ------------------------------------------------------------------------------- quality corpus


def quality_corpus(
    frank_split: str = "validation", summedits_per_doc: int = 8, ecb_topics: int = 20, distractors: int = 100
) -> tuple[list[dict], dict[frozenset[str], str], dict[str, tuple[int, str]]]:
    """Records, the true derived pairs (unordered ids -> the source's id) and the ECB+ gold events."""
    root = ds.data_root()
    rng = random.Random(11)
    arts = ds._frank_articles(root)
    records: list[dict] = []
    derived: dict[frozenset[str], str] = {}
    for h in sorted(ds._frank_split_hashes(root, frank_split)):
        doc = arts[h]
        aid = f"frank-{h[:12]}"
        records.append({"id": aid, "text": ds._frank_source(doc), "series": "frank-article"})
        models = [*sorted(name.removesuffix("_lines") for name in doc["model_names"]), "reference"]
        seen: set[str] = set()
        for model in models:
            text = " ".join(ds.frank_summary_lines(doc, model))
            if not text or text in seen:
                continue
            seen.add(text)
            sid = f"{aid}-{model}"
            records.append({"id": sid, "text": text, "series": f"summary-{model}"})
            derived[frozenset((aid, sid))] = aid
    groups: dict[str, list] = defaultdict(list)
    for item in ds.summedits(root):
        groups[item.group].append(item)
    for g in sorted(groups):
        did = f"summedits-{g}"
        records.append({"id": did, "text": groups[g][0].source, "series": "summedits-doc"})
        items = sorted({x.sentence: x for x in groups[g]}.values(), key=lambda x: x.sentence)
        for k, x in enumerate(rng.sample(items, min(summedits_per_doc, len(items)))):
            sid = f"{did}-s{k}"
            records.append({"id": sid, "text": x.sentence, "series": f"summedits-summary-{k}"})
            derived[frozenset((did, sid))] = did
    gold: dict[str, tuple[int, str]] = {}
    for d in ds.ecbplus_documents(root):
        if d.topic > ecb_topics:
            continue
        lines = d.text.split("\n")
        if d.subevent == "ecbplus" and lines and lines[0].startswith("http"):
            lines = lines[1:]  # the URL line gives the sub-event away
        eid = f"ecb-{d.doc_id}"
        records.append({"id": eid, "text": "\n".join(lines), "series": f"ecb-{d.doc_id}"})
        gold[eid] = (d.topic, d.subevent)
    test_hashes = sorted(ds._frank_split_hashes(root, "test"))
    for h in rng.sample(test_hashes, min(distractors, len(test_hashes))):
        records.append(
            {"id": f"distractor-{h[:12]}", "text": ds._frank_source(arts[h]), "series": "distractor"}
        )
    return records, derived, gold


def b_cubed(pred: dict[str, str], gold: dict[str, object]) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 of a clustering ``pred`` (item -> cluster) against ``gold``."""
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[object, set[str]] = defaultdict(set)
    for item in gold:
        by_pred[pred[item]].add(item)
        by_gold[gold[item]].add(item)
    p = r = 0.0
    for item in gold:
        same_pred, same_gold = by_pred[pred[item]], by_gold[gold[item]]
        both = len(same_pred & same_gold)
        p += both / len(same_pred)
        r += both / len(same_gold)
    p, r = p / len(gold), r / len(gold)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def shingle_set(text: str) -> set[str]:
    from wiretrace.corpus.fingerprint import shingles

    return set(shingles(text))


def datasketch_pairs(records: list[dict], threshold: float = 0.5) -> tuple[set[frozenset[str]], float]:
    from datasketch import MinHash, MinHashLSH

    t = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    hashes = {}
    for r in records:
        m = MinHash(num_perm=128)
        for sh in shingle_set(r["text"]):
            m.update(sh.encode())
        hashes[r["id"]] = m
        lsh.insert(r["id"], m)
    pairs = set()
    for rid, m in hashes.items():
        for other in lsh.query(m):
            if other != rid:
                pairs.add(frozenset((rid, other)))
    return pairs, time.perf_counter() - t


def pr(pred: set[frozenset[str]], truth: set[frozenset[str]]) -> tuple[float, float, float]:
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(truth) if truth else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def engine_ceiling(records: list[dict], derived: dict[frozenset[str], str]) -> int:
    """How many true derived pairs the compare engine calls copy/rewrite when asked about the pair alone
    (``relate_documents``): the recall no candidate search or story rule can exceed."""
    from wiretrace.compare import relate_documents
    from wiretrace.model import Article
    from wiretrace.prepare import prepare

    texts = {r["id"]: r["text"] for r in records}
    docs: dict[str, object] = {}

    def doc(i: str):
        if i not in docs:
            docs[i] = prepare(Article(texts[i], id=i), light=True)
        return docs[i]

    hits = 0
    for pair, src in derived.items():
        dst = next(x for x in pair if x != src)
        rel, _, _ = relate_documents(doc(src), doc(dst))
        hits += rel.type in ("copy", "rewrite")
    return hits


def false_positive_kind(pair: frozenset[str], derived: dict, gold: dict) -> str:
    """Why a copy/rewrite edge that is not a true derived pair exists, by the corpus's construction."""
    a, b = sorted(pair)
    source_of = {d: s for p, s in derived.items() for d in p if d != s}
    if a in source_of and b in source_of and source_of[a] == source_of[b]:
        return "siblings (two derived texts of one source)"
    if a in gold and b in gold:
        return "ECB+ same sub-event" if gold[a] == gold[b] else "ECB+ different events"
    if a in source_of or b in source_of:
        return "a derived text and an unrelated text"
    return "other"


def judgement(records: list[dict], derived: dict[frozenset[str], str]) -> dict[frozenset[str], str]:
    """Each true pair's human judgement of its derived text: ``faithful`` (FRANK: no sentence with a
    factual error; SummEdits: labelled consistent), ``unfaithful``, or ``not judged`` (FRANK's reference
    summaries and summaries nobody annotated)."""
    root = ds.data_root()
    frank = {(h[:12], model): fact for (h, model), fact in ds.frank_factuality(root).items()}
    summedits = {x.sentence: x.supported for x in ds.summedits(root)}
    texts = {r["id"]: r["text"] for r in records}
    out = {}
    for pair, src in derived.items():
        dst = next(iter(pair - {src}))
        if src.startswith("frank-"):
            fact = frank.get((src.removeprefix("frank-"), dst.removeprefix(f"{src}-")))
            ok = None if fact is None else fact == 1.0
        else:
            ok = summedits.get(texts[dst])
        out[pair] = "not judged" if ok is None else ("faithful" if ok else "unfaithful")
    return out


def run_quality(args: argparse.Namespace) -> list[str]:
    from wiretrace import Corpus

    records, truth_map, gold = quality_corpus(
        args.frank_split, args.summedits_per_doc, args.ecb_topics, args.distractors
    )
    derived = truth_map
    texts = {r["id"]: r["text"] for r in records}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "eval.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        corpus = Corpus(Path(tmp) / "eval.wt", workers=args.workers)
        t = time.perf_counter()
        report = corpus.add([path], verify=False)
        db = corpus.store.db
        ids = dict(db.execute("SELECT n, id FROM articles"))
        rows = db.execute("SELECT lo, hi, channels FROM pairs").fetchall()
        channels = {frozenset((ids[lo], ids[hi])): ch for lo, hi, ch in rows}
        corpus.verify_pending(report)
        report.stories = corpus.rebuild_stories()
        secs = time.perf_counter() - t
        raw_edges = {
            frozenset((ids[a], ids[b])): rel
            for a, b, rel in db.execute("SELECT src, dst, relation FROM pairs WHERE status = 'done'")
        }
        stories = corpus.stories(min_size=2)
        corpus.close()
    truth = set(derived)
    story_edges = {frozenset((e["from"], e["to"])): e for s in stories for e in s["edges"]}
    member = {a["id"]: s["id"] for s in stories for a in s["articles"]}
    found_raw = {p for p, rel in raw_edges.items() if rel in ("copy", "rewrite")}
    found_story = {p for p, e in story_edges.items() if e["relation"] in ("copy", "rewrite")}
    p_raw, r_raw, f_raw = pr(found_raw, truth)
    p_st, r_st, f_st = pr(found_story, truth)
    true_found = [e for p, e in story_edges.items() if p in truth and e["relation"] in ("copy", "rewrite")]
    right_way = sum(e["from"] == derived[frozenset((e["from"], e["to"]))] for e in true_found)
    cand_truth = set(channels) & truth
    ceiling = engine_ceiling(records, derived)
    ds_pairs, ds_secs = datasketch_pairs(records)
    p_ds, r_ds, f_ds = pr(ds_pairs, truth)
    ecb_ids = sorted(gold)
    pred = {i: member.get(i, f"single-{i}") for i in ecb_ids}
    bp, br, bf = b_cubed(pred, gold)
    ecb_false = [p for p in found_story if p <= set(ecb_ids)]
    syndicated = {p for p in ecb_false if ds.shared_sentence_share(*(texts[i] for i in p)) >= 0.3}
    p_syn, r_syn, f_syn = pr(found_story - syndicated, truth)
    same_event_links = sum(
        1
        for p, e in story_edges.items()
        if e["relation"] == "same_event" and p <= set(ecb_ids) and len({gold[i] for i in p}) == 1
    )
    judged = judgement(records, derived)
    by_judgement = {
        k: (sum(p in found_story for p in truth if judged[p] == k), sum(judged[p] == k for p in truth))
        for k in ("faithful", "unfaithful", "not judged")
    }
    kinds: dict[str, int] = defaultdict(int)
    for p in found_story - truth:
        kinds[false_positive_kind(p, derived, gold)] += 1
    if args.dump:
        dump = [
            {**e, "true": p in truth, "kind": None if p in truth else false_positive_kind(p, derived, gold)}
            for p, e in story_edges.items()
        ]
        args.dump.write_text(json.dumps(dump, indent=1), encoding="utf-8")
    n = len(records)
    lines = [
        "## Corpus mode: derived-pair detection and stories",
        "",
        f"Evaluation corpus: {n} texts ({len(truth)} true derived pairs: FRANK {args.frank_split} "
        f"articles and their model/reference summaries, SummEdits documents and up to "
        f"{args.summedits_per_doc} of their (edited) summaries; {len(gold)} ECB+ articles from topics "
        f"1-{args.ecb_topics} (same event, written independently); {args.distractors} FRANK test "
        "articles as distractors).",
        "",
        "| system | precision | recall | F1 | seconds |",
        "|---|---|---|---|---|",
        f"| wiretrace index, story edges (copy/rewrite) | {p_st:.3f} | {r_st:.3f} | {f_st:.3f} "
        f"| {secs:.1f} |",
        f"| same, ECB+ pairs sharing >= 30% near-identical sentences left out | {p_syn:.3f} | {r_syn:.3f} "
        f"| {f_syn:.3f} | |",
        f"| wiretrace index, all verified copy/rewrite pairs | {p_raw:.3f} | {r_raw:.3f} | {f_raw:.3f} | |",
        f"| datasketch MinHashLSH (5-word shingles, threshold 0.5) | {p_ds:.3f} | {r_ds:.3f} | {f_ds:.3f} | "
        f"{ds_secs:.1f} |",
        "",
        f"- candidate pairs: {report.candidates} ({report.candidates / n:.2f} per article); candidate "
        f"recall of true derived pairs {len(cand_truth) / len(truth):.3f} ({len(cand_truth)} of "
        f"{len(truth)})",
        "- story-edge recall by the human judgement of the derived text (FRANK's factuality annotation, "
        "SummEdits' consistency label): "
        + ", ".join(f"{k} {hit / max(1, n):.3f} ({hit} of {n})" for k, (hit, n) in by_judgement.items())
        + " (unfaithful: the annotators found a statement the source does not support)",
        f"- the engine alone (``relate_documents`` on each true pair) calls {ceiling} of {len(truth)} "
        f"copy/rewrite: recall can be at most {ceiling / len(truth):.3f}",
        "- false copy/rewrite story edges by kind: "
        + (", ".join(f"{k} {v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])) or "none"),
        f"- direction: {right_way} of {len(true_found)} found true pairs point from the full text to the "
        "summary",
        f"- ECB+ story membership, B-cubed against sub-events: precision {bp:.3f}, recall {br:.3f}, "
        f"F1 {bf:.3f}; {same_event_links} same_event edges inside one sub-event",
        f"- ECB+ pairs called copy/rewrite: {len(ecb_false)} (counted as errors above); {len(syndicated)} "
        "of them share >= 30% near-identical sentences (likely real syndication in ECB+)",
        f"- index: {report.summary()}",
    ]
    return lines


def cluster_corpus(dated: bool) -> tuple[list[dict], set[frozenset[str]]]:
    """Many rewrites of one text: every LLM rewrite of ``llm-rewrites/pairs.jsonl`` (about 60 per source
    text) with its source, and the ECB+ articles beside them. ``dated``: sources claim a date a day before
    their rewrites (an original is published first), else no record has a date."""
    records: list[dict] = []
    truth: set[frozenset[str]] = set()
    sources: dict[str, str] = {}
    for item in ds.llm_rewrites():
        key = hashlib.blake2b(item.source.encode(), digest_size=6).hexdigest()
        if key not in sources:
            sources[key] = f"source-{key}"
            records.append(
                {"id": sources[key], "text": item.source, **({"date": "2024-01-01"} if dated else {})}
            )
        rid = f"rewrite-{item.pair_id}-{item.operation}-{item.generator}"
        records.append({"id": rid, "text": item.rewrite, **({"date": "2024-01-02"} if dated else {})})
        truth.add(frozenset((sources[key], rid)))
    for doc in ds.ecbplus_documents():
        records.append({"id": f"ecb-{doc.doc_id}", "text": "\n".join(doc.text.splitlines()[1:])})
    return records, truth


def run_clusters(workers: int | None) -> list[str]:
    """Can the index name the original of a text rewritten many times, and link each rewrite to it?"""
    from wiretrace import Corpus

    lines = [
        "## Corpus mode: one text rewritten many times",
        "",
        "Every LLM rewrite of `llm-rewrites/pairs.jsonl` (MixSet, APT-Eval: about 60 rewrites of each "
        "source text, polished to different degrees) with its source, and the ECB+ articles beside them. "
        "A true edge goes from the source to one of its rewrites; an edge between two rewrites of one "
        "source counts as an error, an edge between two ECB+ articles is left out.",
        "",
        "| dates | texts | candidate recall | story-edge precision | story-edge recall "
        "| stories whose only original is the source | seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    for dated in (True, False):
        records, truth = cluster_corpus(dated)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "clusters.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
            corpus = Corpus(Path(tmp) / "clusters.wt", workers=workers)
            t = time.perf_counter()
            report = corpus.add([path], verify=False)
            ids = dict(corpus.store.db.execute("SELECT n, id FROM articles"))
            cands = {
                frozenset((ids[a], ids[b])) for a, b in corpus.store.db.execute("SELECT lo, hi FROM pairs")
            }
            corpus.verify_pending(report)
            corpus.rebuild_stories()
            secs = time.perf_counter() - t
            stories = corpus.stories(min_size=2)
            corpus.close()
        edges = {  # derivation edges that touch a source or a rewrite (ECB+ has reprints of its own)
            frozenset((e["from"], e["to"]))
            for s in stories
            for e in s["edges"]
            if e["relation"] in ("copy", "rewrite")
            and not (e["from"].startswith("ecb-") and e["to"].startswith("ecb-"))
        }
        with_source = [s for s in stories if any(a["id"].startswith("source-") for a in s["articles"])]
        named = sum(len(s["original"]) == 1 and s["original"][0].startswith("source-") for s in with_source)
        p, r, _ = pr(edges, truth)
        lines.append(
            f"| {'sources a day earlier' if dated else 'none'} | {len(records)} "
            f"| {len(cands & truth) / len(truth):.3f} | {p:.3f} | {r:.3f} | {named} of {len(with_source)} "
            f"| {secs:.1f} |"
        )
    lines += [
        "",
        "- Without dates the engine rarely finds which of two similar texts came first (an LLM polish keeps "
        "the length and adds no page furniture or credit), so the longer text is taken as the source and "
        "edges are marked uncertain.",
    ]
    return lines


# ------------------------------------------------------------------------------- throughput corpora


def sentence_pool() -> tuple[list[str], dict[str, str]]:
    """Real news sentences (the MSRP sentence file, FRANK and ECB+ articles, the news genre of STS
    Benchmark) and MSRP paraphrase partners."""
    root = ds.data_root()
    with (root / "msrp" / "msr_paraphrase_data.txt").open(encoding="utf-8-sig") as fh:
        rows = [line.rstrip("\n").split("\t") for line in fh][1:]
    sentences = [r[1] for r in rows if len(r) > 1 and len(r[1].split()) >= 6]
    partner: dict[str, str] = {}
    for p in ds.msrp("train") + ds.msrp("dev"):
        if p.paraphrase and p.a != p.b:
            partner.setdefault(p.a, p.b)
            partner.setdefault(p.b, p.a)
    for doc in ds._frank_articles(root).values():
        sentences.extend(line.strip() for line in doc["article_lines"] if len(line.split()) >= 6)
    for doc in ds.ecbplus_documents(root):  # news sentences, one a line (the first line is the URL)
        sentences.extend(line.strip() for line in doc.text.splitlines()[1:] if len(line.split()) >= 6)
    for name in ("sts-train.csv", "sts-dev.csv"):  # the news genre of STS Benchmark
        with (root / "stsbenchmark" / name).open(encoding="utf-8") as fh:
            for row in fh:
                cols = row.rstrip("\n").split("\t")
                if len(cols) >= 7 and cols[0] == "main-news":
                    sentences.extend(c.strip() for c in cols[5:7] if len(c.split()) >= 6)
    return sorted(set(sentences)), partner


def synthetic_corpus(
    n: int, seed: int = 5, planted: float = 0.1, pool: float = 1.0
) -> tuple[list[dict], set[frozenset[str]]]:
    """``n`` articles: bases are 8-16 random real sentences; ``planted`` of them are copies (60-100% of a
    base's sentences verbatim, plus a furniture line) and as many are rewrites (a base made of MSRP
    sentences with a paraphrase partner, each replaced by its partner, some dropped, neighbours swapped).
    ``pool`` is the share of the real sentences drawn from (a fixed random subset)."""
    rng = random.Random(seed)
    sentences, partner = sentence_pool()
    if pool < 1.0:
        sentences = sorted(random.Random(seed + 1).sample(sentences, max(1, round(pool * len(sentences)))))
    with_partner = [s for s in sentences if s in partner]
    records: list[dict] = []
    truth: set[frozenset[str]] = set()
    n_copies = n_rewrites = int(n * planted)
    n_bases = n - n_copies - n_rewrites
    bases: list[tuple[str, list[str]]] = []
    for i in range(n_bases):
        pool = with_partner if i < n_rewrites else sentences
        body = rng.sample(pool, rng.randint(8, 16))
        rid = f"base-{i}"
        bases.append((rid, body))
        day = 1 + i * 60 // max(1, n_bases)
        records.append(
            {
                "id": rid,
                "text": "\n".join(body),
                "series": f"site-{i % 97}",
                "date": f"2025-{1 + (day - 1) // 28 % 12:02d}-{1 + (day - 1) % 28:02d}",
            }
        )
    for k in range(n_copies):
        rid, body = bases[rng.randrange(n_rewrites, n_bases)]
        keep = [s for s in body if rng.random() < rng.uniform(0.6, 1.0)] or body[:3]
        cid = f"copy-{k}"
        records.append({"id": cid, "text": "\n".join([*keep, "Advertisement"]), "series": f"copier-{k % 31}"})
        truth.add(frozenset((rid, cid)))
    for k in range(n_rewrites):
        rid, body = bases[k]
        out = [partner[s] for s in body if rng.random() < 0.85]
        for j in range(0, len(out) - 1, 3):
            if rng.random() < 0.5:
                out[j], out[j + 1] = out[j + 1], out[j]
        wid = f"rewrite-{k}"
        records.append({"id": wid, "text": "\n".join(out or [partner[body[0]]]), "series": f"farm-{k % 13}"})
        truth.add(frozenset((rid, wid)))
    rng.shuffle(records)
    return records, truth


PHASES = ("ingest", "verify", "stories")


def sentence_reuse(records: list[dict]) -> float:
    """Mean number of base articles holding each distinct sentence they use."""
    counts: dict[str, int] = defaultdict(int)
    for r in records:
        if r["id"].startswith("base-"):
            for line in set(r["text"].split("\n")):
                counts[line] += 1
    return sum(counts.values()) / max(1, len(counts))


def _status_kb(field: str) -> int:
    """A field of /proc/self/status in kB (VmRSS: now, VmHWM: peak)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    """Start a new VmHWM (peak RSS) measurement for this process (Linux: clear_refs 5)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def index_child(source: Path, db: Path, workers: int | None) -> dict:
    """The indexing process of a throughput run: index one JSONL file from disk into ``db``, nothing else,
    and report times and memory per phase (run as a subprocess, so the benchmark's own data is not
    counted). RAM an indexed article costs is the growth of the resident set from the first tenth of
    ingest to its end (what stays in memory as the corpus grows); peaks are reported per phase."""
    from wiretrace import Corpus

    corpus = Corpus(db, workers=workers)
    total = sum(1 for _ in source.open("rb"))
    rss0 = _status_kb("VmRSS")
    mark: dict[str, int] = {}

    def progress(stage: str, done: int, _total: int | None) -> None:
        if stage == "ingest" and done >= total // 10 and "rss" not in mark:
            mark["rss"], mark["at"] = _status_kb("VmRSS"), done

    t = time.perf_counter()
    report = corpus.add([source], progress=progress, verify=False, diffs=False)
    t_ingest = time.perf_counter() - t
    peaks = {"ingest": _status_kb("VmHWM")}
    rss_ingested = _status_kb("VmRSS")
    resettable = _reset_peak()
    corpus.verify_pending(report)
    t_verify = time.perf_counter() - t - t_ingest
    peaks["verify"] = _status_kb("VmHWM")
    _reset_peak()
    report.stories = corpus.rebuild_stories()
    peaks["stories"] = _status_kb("VmHWM")
    secs = time.perf_counter() - t
    corpus.close()
    return {
        "seconds": secs,
        "ingest": t_ingest,
        "verify": t_verify,
        "stories_s": secs - t_ingest - t_verify,
        "indexed": report.indexed,
        "candidates": report.candidates,
        "verified": report.verified,
        "edges": report.edges,
        "stories": report.stories,
        "rss_start_kb": rss0,
        "rss_peak_kb": max(peaks.values()) if resettable else peaks["stories"],
        "peaks_kb": peaks if resettable else None,
        "rss_early_kb": mark.get("rss", rss0),
        "rss_ingested_kb": rss_ingested,
        "early_articles": mark.get("at", 0),
        "workers_peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }


REPEATS, REPEAT_UP_TO = 3, 20_000


def speed_probe() -> float:
    """Seconds a fixed piece of pure-Python work takes now (median of nine): the speed of this shared
    machine, which drifts by a third from minute to minute, taken before and after each timed run so that
    runs made minutes apart can be compared."""
    import statistics

    def once() -> float:
        t = time.perf_counter()
        sum(i * i for i in range(2_000_000))
        return time.perf_counter() - t

    return statistics.median(once() for _ in range(9))


# (size, pool) -> table row, seconds, speed probe, RSS
_MEASURED: dict[tuple[int, float], tuple[str, float, float, int]] = {}


def run_throughput(sizes: list[int], workers: int | None, scale_pool: bool = False) -> list[str]:
    import statistics
    import subprocess

    from wiretrace import Corpus

    lines = [
        "## Corpus mode: indexing throughput (synthetic corpora from real sentences)"
        + (
            ": sentence pool scaled to the corpus size, so every size reuses each sentence about as often"
            if scale_pool
            else ""
        ),
        "",
        "| articles | sentence reuse | seconds (up to 20k: median of 3, range) | articles/s "
        "| ingest articles/s | verify pairs/s | stories s (share of the run) "
        "| candidates/article | disk bytes/article | indexer peak RSS MB (ingest / verify / stories) "
        "| RSS growth bytes/article | worker peak RSS MB | planted recall | search ms (median / p95) "
        "| speed probe ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    times: dict[int, float] = {}
    probes: dict[int, float] = {}  # seconds of ``speed_probe`` around the run kept
    resident: dict[int, int] = {}  # KB resident at the end of ingest
    for n in sizes:
        pool = n / max(sizes) if scale_pool else 1.0
        if (n, pool) in _MEASURED:  # the same corpus was measured in this run already (full pool)
            row, times[n], probes[n], resident[n] = _MEASURED[n, pool]
            lines.append(row.replace(f"| {n:,} |", f"| {n:,} (the run above) |", 1))
            continue
        records, truth = synthetic_corpus(n, pool=pool)
        reuse = sentence_reuse(records)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "synthetic.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
            db = Path(tmp) / "syn.wt"
            cmd = [sys.executable, __file__, "--index-child", str(path), str(db)]
            if workers is not None:
                cmd += ["--workers", str(workers)]
            # Small corpora are indexed REPEATS times (each into a new file) and the median run is kept:
            # a 20-second run on a shared 2-core machine varies by a fifth from run to run.
            runs = []
            for _ in range(REPEATS if n <= REPEAT_UP_TO else 1):
                for f in Path(tmp).glob("syn.wt*"):
                    f.unlink()
                before = speed_probe()
                done = subprocess.run(cmd, check=True, capture_output=True, text=True)
                runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
                runs[-1]["probe"] = (before + speed_probe()) / 2
            runs.sort(key=lambda r: r["seconds"])
            child = runs[len(runs) // 2]
            secs = child["seconds"]
            spread = f" ({runs[0]['seconds']:.1f}-{runs[-1]['seconds']:.1f})" if len(runs) > 1 else ""
            times[n] = secs
            probes[n] = child["probe"]
            resident[n] = child["rss_ingested_kb"]
            corpus = Corpus(db, workers=workers)
            store = corpus.store
            ids = dict(store.db.execute("SELECT n, id FROM articles"))
            found = {
                frozenset((ids[a], ids[b]))
                for a, b, rel in store.db.execute("SELECT src, dst, relation FROM pairs WHERE status='done'")
                if rel in ("copy", "rewrite")
            }
            recall = len(found & truth) / len(truth)
            rew = {p for p in truth if any(x.startswith("rewrite") for x in p)}
            rew_recall = len(found & rew) / len(rew)
            store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            disk = sum(f.stat().st_size for f in Path(tmp).glob("syn.wt*"))
            by_id = {r["id"]: r for r in records}
            probe = [by_id[f"base-{i}"]["text"] for i in range(0, min(40, n))]
            corpus.search(probe[-1])  # warm: model loaded, pages cached
            lat = []
            for text in probe[:-1]:
                t0 = time.perf_counter()
                corpus.search(text)
                lat.append((time.perf_counter() - t0) * 1000)
            corpus.close()
        lat.sort()
        p95 = lat[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))]
        growth = (
            max(0, child["rss_ingested_kb"] - child["rss_early_kb"])
            * 1024
            / max(1, n - child["early_articles"])
        )
        peaks = child["peaks_kb"] or {}
        phase_peaks = " / ".join(f"{peaks[k] / 1024:.0f}" for k in PHASES if k in peaks)
        lines.append(
            f"| {n:,} | {reuse:.1f} | {secs:.1f}{spread} | {n / secs:.0f} | {n / child['ingest']:.0f} "
            f"| {child['verified'] / max(child['verify'], 1e-9):.0f} "
            f"| {child['stories_s']:.1f} ({child['stories_s'] / secs:.0%}) | {child['candidates'] / n:.2f} "
            f"| {disk / n:.0f} | {phase_peaks or round(child['rss_peak_kb'] / 1024)} | {growth:.0f} "
            f"| {child['workers_peak_kb'] / 1024:.0f} | {recall:.3f} (rewrites {rew_recall:.3f}) "
            f"| {statistics.median(lat):.0f} / {p95:.0f} | {child['probe'] * 1000:.0f} |"
        )
        print(lines[-1], file=sys.stderr, flush=True)
        _MEASURED[n, pool] = (lines[-1], secs, probes[n], resident[n])
    if len(times) >= 2:
        small, big = min(times), max(times)
        lines += [
            "",
            f"time({big:,}) / time({small:,}) = {times[big] / times[small]:.1f} "
            f"(size ratio {big / small:.0f}); each time divided by the speed probe taken around its run: "
            f"{times[big] / probes[big] / (times[small] / probes[small]):.1f}",
            "",
            f"RAM per indexed article, (resident set after indexing {big:,} - after {small:,}) / "
            f"{big - small:,}: {(resident[big] - resident[small]) * 1024 / (big - small):.0f} bytes "
            "(fixed costs, page cache included, cancel out)",
        ]
    lines += [
        "",
        "Each run indexes from a JSONL file on disk in a child process that does nothing else (`wiretrace "
        "index`'s work: ingest, verify, stories; diffs left for later). Sentence reuse is how many articles "
        "hold each distinct sentence of the base articles, on average: the pool of real sentences is fixed, "
        "so a larger corpus reuses each sentence more and unrelated articles share more whole sentences "
        "(more candidate pairs per article). Indexer peak RSS is that process's VmHWM in each phase; RSS "
        "growth per article is (resident set at the end of ingest - resident set once the first tenth is "
        "indexed) / the other nine tenths: what the index keeps in memory per article, fixed costs "
        "(imports, caches, one batch's working memory) left out; worker peak RSS is "
        "the largest analysis/verification worker process (each loads the embedding model). Search latency "
        "is `Corpus.search` on the finished index after one warm-up query, 39 probes (base articles, each "
        "with planted copies or rewrites), full claim-level comparison of every hit included. The speed "
        "probe is a fixed piece of pure-Python work timed just before and just after the run (mean of the "
        "two): this machine's speed drifts by a third within minutes, so a 20-second and a 4-minute run "
        "can meet different machines. The probe sees only single-threaded Python slowing down (it missed a "
        "run whose ingest was a seventh slower), so the ratio divided by it is a hint, not a correction.",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--make-test-data", type=Path, metavar="DIR")
    p.add_argument(
        "--quality", action="store_true", help="derived-pair recall/precision, B-cubed, datasketch"
    )
    p.add_argument("--throughput", default="", help="comma-separated synthetic corpus sizes, e.g. 2000,10000")
    p.add_argument("--workers", type=int, default=None)
    p.add_argument(
        "--scale-pool",
        action="store_true",
        help="also run the sizes with the sentence pool scaled to the corpus size (equal sentence reuse)",
    )
    p.add_argument("--frank-split", default="validation")
    p.add_argument("--summedits-per-doc", type=int, default=8)
    p.add_argument("--ecb-topics", type=int, default=20)
    p.add_argument("--distractors", type=int, default=100)
    p.add_argument("--index-child", nargs=2, type=Path, metavar=("JSONL", "DB"), help=argparse.SUPPRESS)
    p.add_argument("--dump", type=Path, help="write the quality run's story edges (with kinds) as JSON")
    args = p.parse_args(argv)
    if args.index_child:
        print(json.dumps(index_child(*args.index_child, args.workers)))
        return 0
    if args.make_test_data:
        make_test_data(args.make_test_data)
        return 0
    from bench.run import machine

    shown = " ".join(argv if argv is not None else sys.argv[1:])
    out: list[str] = [
        f"- corpus command: `python bench/corpus_bench.py {shown}` (`make bench`; `BENCH_SIZES` sets the "
        f"corpus sizes); machine: {machine()}; date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
    ]
    if args.quality:
        out += [*run_quality(args), "", *run_clusters(args.workers), ""]
    if args.throughput:
        sizes = [int(x) for x in args.throughput.split(",") if x]
        out += run_throughput(sizes, args.workers)
        if args.scale_pool and len(sizes) >= 2:
            out += ["", *run_throughput(sizes, args.workers, scale_pool=True)]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
