"""Train the pair-relation classifier shipped in src/wiretrace/data/relation_model.json.

Usage: .venv/bin/python scripts/train_relation.py [--data ../shared/data] [--out PATH] [--features F.npz]

Training pairs (development data only; the relation benchmark's FRANK *validation* pairs, SummEdits and
Falke are never used):
- derived: every ``llm-rewrites`` pair (an LLM polish, rewrite or completion of a BBC text); FRANK *test*
  articles with each model's and the reference summary; Clough and Stevenson cut / light / heavy answers
  with their original; Reuters-21578 updates of one story (same company ticker in both titles, within a
  week, at least 60% of the shorter text's word 3-grams in the other).
- same_event: ECB+ pairs of one topic and sub-event whose near-identical sentences are under 30% of
  either text (those over it are the data's own reprints of one wire story: derived in fact, labelled
  same event; they are left out rather than taught either way); Clough and Stevenson ``non`` answers
  (written on the same task without the source); Reuters template instances: two notices of one title
  template (the title words after the ticker: "QTR NET", "SETS QUARTERLY") for companies with no
  ticker in common, sharing 40% of the shorter text's words. The tickers label pairs; no feature reads
  a title's format. Reuters texts are read as ``wiretrace index`` stores a record (title line, then the
  body), so the headline features see what they see in an index.
- unrelated: random pairs (Reuters, ECB+ of different topics, FRANK test articles).

Only pairs inside the classifier's region (``relation.may_derive``, at least ``UNRELATED_BELOW`` shared
vocabulary) are trained on: outside it the engine never asks the model. Folds (StratifiedGroupKFold,
5) keep a source article, an ECB+ topic, a Clough task and a Reuters title template whole; the figures
printed are out of fold, with pairs outside the region counted as the engine decides them (never derived).
The model is gradient-boosted depth-3 trees, exported as plain arrays (``wiretrace.trees``), run with
numpy alone; the script re-executes itself with PYTHONHASHSEED=0 so the same data gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench import datasets as ds  # noqa: E402
from wiretrace.ingest.read import from_record  # noqa: E402
from wiretrace.relation import CLASSES, FEATURES  # noqa: E402

SEED = 7
TICKER = re.compile(r"<([A-Z0-9.]+)>")
WORD = re.compile(r"[a-z0-9]+")


class Pair:
    """Two texts (with their titles where the data has them), the label and the fold group."""

    __slots__ = ("a", "b", "group", "label", "tag", "titles")

    def __init__(
        self, a: str, b: str, label: str, group: str, tag: str, titles: tuple[str | None, ...] = (None, None)
    ) -> None:
        self.a, self.b, self.label, self.group, self.tag, self.titles = a, b, label, group, tag, titles


def _key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _grams(text: str, n: int = 3) -> set[tuple[str, ...]]:
    w = _words(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def _contain(x: set, y: set) -> float:
    small, big = (x, y) if len(x) <= len(y) else (y, x)
    return len(small & big) / len(small) if small else 0.0


def reuters_pairs(root: Path | None, rng: random.Random) -> list[Pair]:
    """Updates of one story (derived), template instances of two companies (same_event), random pairs."""
    path = ds.data_root(root) / "real-news" / "reuters-21578.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    rows = [r for r in rows if len(_words(r["text"])) >= 12]
    for r in rows:  # the text as ``wiretrace index`` stores a record: the title, then the body
        r["text"] = from_record({"title": r.get("title"), "text": r["text"]}, "reuters").text
    out: list[Pair] = []
    tagged = []
    for r in rows:
        ticks = frozenset(t.split(".")[0] for t in TICKER.findall(r.get("title") or ""))
        if ticks:
            template = " ".join((r["title"] or "").rsplit(">", 1)[-1].split())
            tagged.append((r, ticks, template))
    by_ticker: dict[frozenset[str], list] = defaultdict(list)
    by_template: dict[str, list] = defaultdict(list)
    for item in tagged:
        by_ticker[item[1]].append(item)
        if item[2]:
            by_template[item[2]].append(item)
    updates = []
    for items in by_ticker.values():
        items.sort(key=lambda x: x[0]["published"] or "")
        for i, (x, _, tx) in enumerate(items):
            for y, _, _ in items[i + 1 : i + 8]:
                if (y["published"] or "")[:10] > _later(x["published"]):
                    break
                if _contain(_grams(x["text"]), _grams(y["text"])) >= 0.6:
                    group, titles = f"reuters:{tx}", _titles(x, y)
                    updates.append(Pair(x["text"], y["text"], "derived", group, "reuters update", titles))
    out += updates
    templates = []
    for template in sorted(by_template):
        items = by_template[template]
        if len(items) < 2:
            continue
        cands = [
            (x, y)
            for i, x in enumerate(items[:60])
            for y in items[i + 1 : 60]
            if not (x[1] & y[1]) and _contain(set(_words(x[0]["text"])), set(_words(y[0]["text"]))) >= 0.4
        ]
        for x, y in rng.sample(cands, min(6, len(cands))):
            templates.append(
                Pair(
                    x[0]["text"],
                    y[0]["text"],
                    "same_event",
                    f"reuters:{template}",
                    "reuters template",
                    _titles(x[0], y[0]),
                )
            )
    out += rng.sample(templates, min(1500, len(templates)))
    for _ in range(1500):
        x, y = rng.sample(rows, 2)
        group = f"reuters-random:{x['id']}"
        out.append(Pair(x["text"], y["text"], "unrelated", group, "reuters random", _titles(x, y)))
    return out


def _titles(x: dict, y: dict) -> tuple[str | None, str | None]:
    return x.get("title"), y.get("title")


def _later(published: str | None, days: int = 7) -> str:
    from datetime import date, timedelta

    if not published:
        return "9999"
    return (date.fromisoformat(published[:10]) + timedelta(days=days)).isoformat()


def dev_pairs(root: Path | None) -> list[Pair]:
    rng = random.Random(SEED)
    pairs: list[Pair] = []
    for x in ds.llm_rewrites(root):
        pairs.append(Pair(x.source, x.rewrite, "derived", f"bbc:{_key(x.source)}", f"llm {x.operation}"))
    base = ds.data_root(root)
    arts = ds._frank_articles(base)
    test = sorted(ds._frank_split_hashes(base, "test"))
    for h in test:
        doc = arts[h]
        models = [*sorted(name.removesuffix("_lines") for name in doc["model_names"]), "reference"]
        src = ds._frank_source(doc)
        for model in models:
            summary = ds._frank_summary_text(doc, model)
            if summary.strip():
                pairs.append(Pair(src, summary, "derived", f"frank:{h}", "frank test"))
    for x in ds.clough_stevenson(root):
        label = "same_event" if x.category == "non" else "derived"
        pairs.append(Pair(x.source, x.answer, label, f"clough:{x.task}", f"clough {x.category}"))
    ecb = ds.ecbplus_documents(root)
    by_event: dict[tuple[int, str], list] = defaultdict(list)
    for d in ecb:
        by_event[(d.topic, d.subevent)].append(d)
    same = [
        (x, y)
        for key in sorted(by_event)
        for i, x in enumerate(by_event[key])
        for y in by_event[key][i + 1 :]
        if ds.shared_sentence_share(x.text, y.text) < 0.3
    ]
    for x, y in rng.sample(same, min(1500, len(same))):
        pairs.append(Pair(x.text, y.text, "same_event", f"ecb:{x.topic}", "ecb same event"))
    for _ in range(700):
        x, y = rng.sample(ecb, 2)
        if x.topic != y.topic:
            pairs.append(Pair(x.text, y.text, "unrelated", f"ecb:{x.topic}", "ecb other topic"))
    frank_docs = [(h, ds._frank_source(arts[h])) for h in test]
    for _ in range(500):
        (ha, ta), (_, tb) = rng.sample(frank_docs, 2)
        pairs.append(Pair(ta, tb, "unrelated", f"frank:{ha}", "frank random"))
    pairs += reuters_pairs(root, rng)
    return pairs


def featurize(pairs: list[Pair]) -> tuple[list[dict | None], list[bool], list[str]]:
    """Each pair's features (None outside the model's region), whether it is in the region, and what the
    engine says outside it (``unrelated`` / ``same_event``)."""
    from wiretrace.compare import pair_coverage
    from wiretrace.model import Article
    from wiretrace.prepare import prepare
    from wiretrace.relation import UNRELATED_BELOW, decide_relation, may_derive, relation_features, repeated
    from wiretrace.relation import vocabulary_containment as vc

    docs: dict[str, tuple] = {}

    def doc(text: str, title: str | None):
        if text not in docs:
            d = prepare(Article(text=text, title=title), light=True)
            docs[text] = (d, None)
        return docs[text]

    feats, inside, outside = [], [], []
    for k, p in enumerate(pairs):
        (da, _), (db, _) = doc(p.a, p.titles[0]), doc(p.b, p.titles[1])
        vocab = vc(da, db)
        body_a = sum(s.kind == "body" for s in da.sentences)
        body_b = sum(s.kind == "body" for s in db.sentences)
        if vocab < UNRELATED_BELOW or not may_derive(
            body_a, body_b, vocab, lambda da=da, db=db: repeated(da, db)
        ):
            feats.append(None)
            inside.append(False)
            if vocab < UNRELATED_BELOW:
                outside.append("unrelated")
            else:  # the engine's rule outside the region needs the alignment's share
                b_cov, a_cov = pair_coverage(da, db, (_vec(docs, p.a), _vec(docs, p.b)))
                outside.append(decide_relation(da, db, b_cov, a_cov).type)
            continue
        b_cov, a_cov = pair_coverage(da, db, (_vec(docs, p.a), _vec(docs, p.b)))
        feats.append(relation_features(da, db, b_cov, a_cov))
        inside.append(True)
        outside.append("")
        if k % 500 == 0:
            print(f"featurised {k} of {len(pairs)}", file=sys.stderr, flush=True)
    return feats, inside, outside


def _vec(docs: dict, text: str):
    from wiretrace.compare import sentence_vectors

    d, v = docs[text]
    if v is None:
        v = sentence_vectors(d)
        docs[text] = (d, v)
    return v


def make_classifier():
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_depth=3,
        max_iter=150,
        learning_rate=0.08,
        min_samples_leaf=20,
        l2_regularization=1.0,
        random_state=0,
    )


def report(pairs: list[Pair], called: list[str]) -> dict[str, tuple[int, float]]:
    """Share of each tag's pairs called derived."""
    groups: dict[str, list[bool]] = defaultdict(list)
    for p, c in zip(pairs, called, strict=True):
        groups[p.tag].append(c == "derived")
    return {tag: (len(v), sum(v) / len(v)) for tag, v in sorted(groups.items())}


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "src/wiretrace/data/relation_model.json")
    parser.add_argument("--features", type=Path, default=None, help="cache of the features (npz)")
    parser.add_argument("--cv-json", type=Path, default=None, help="write the cross-validated figures")
    args = parser.parse_args()
    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict

    from wiretrace.trees import export_trees

    pairs = dev_pairs(args.data)
    if args.features and args.features.exists():
        cache = np.load(args.features, allow_pickle=False)
        X_all, inside, outside = cache["X"], cache["inside"].tolist(), cache["outside"].tolist()
    else:
        feats, inside, outside = featurize(pairs)
        X_all = np.array([[f[k] for k in FEATURES] if f else [np.nan] * len(FEATURES) for f in feats])
        if args.features:
            np.savez(args.features, X=X_all, inside=np.array(inside), outside=np.array(outside))
    idx = np.flatnonzero(inside)
    X = X_all[idx]
    y = np.array([CLASSES.index(pairs[i].label) for i in idx])
    groups = [pairs[i].group for i in idx]
    folds = StratifiedGroupKFold(5, shuffle=True, random_state=0)
    oof = cross_val_predict(make_classifier(), X, y, cv=folds, groups=groups, method="predict_proba")
    called = list(outside)
    for k, i in enumerate(idx):
        called[i] = CLASSES[int(oof[k].argmax())]
    figures = report(pairs, called)
    print(f"{len(pairs)} pairs, {len(idx)} inside the region; cross-validated share called derived:")
    for tag, (n, share) in figures.items():
        print(f"  {tag:22s} {share:.3f} of {n}")
    llm = [c == "derived" for p, c in zip(pairs, called, strict=True) if p.tag.startswith("llm")]
    print(f"  llm overall            {sum(llm) / len(llm):.3f} of {len(llm)}")
    brier = float(np.mean(((oof - np.eye(len(CLASSES))[y]) ** 2).sum(axis=1)))
    print(f"out-of-fold Brier score {brier:.3f} (in-region pairs)")
    if args.cv_json:
        args.cv_json.write_text(json.dumps({"figures": figures, "llm": sum(llm) / len(llm)}, indent=1) + "\n")
    clf = make_classifier().fit(X, y)
    model = {
        "features": list(FEATURES),
        "labels": list(CLASSES),
        **export_trees(clf),
        "trained_on": {tag: n for tag, (n, _) in figures.items()},
        "recipe": "scripts/train_relation.py",
    }
    args.out.write_text(json.dumps(model, separators=(",", ":")) + "\n")
    print(f"trained on {len(y)} pairs; wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
