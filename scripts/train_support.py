"""Train the sentence-support classifier shipped in src/wiretrace/data/support_model.json.

Usage: .venv/bin/python scripts/train_support.py [--data ../shared/data]

Training data (development sets only; the benchmark sets it is scored on are held out):
- FRANK *test* split summary sentences (benchmarks score the validation split),
- MSRP *train* pairs (benchmarks score dev), each direction a (source, sentence) item.
SummEdits and the Falke triples are never trained on: they stay zero-shot checks of generalisation.
The model is a standardised logistic regression over the features in wiretrace.support.FEATURES.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.datasets import frank_sentences, msrp  # noqa: E402
from bench.featurize import featurize  # noqa: E402
from wiretrace.support import FEATURES  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "src/wiretrace/data/support_model.json")
    args = parser.parse_args()
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    items = [(x.source, x.sentence, x.supported) for x in frank_sentences("test", args.data)]
    for p in msrp("train", args.data):
        items.append((p.a, p.b, p.paraphrase))
        items.append((p.b, p.a, p.paraphrase))
    rows, labels = featurize(items)
    X = np.array([[r[f] for f in FEATURES] for r in rows], dtype=float)
    y = np.array(labels, dtype=int)
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
    clf.fit((X - mean) / scale, y)
    model = {
        "features": list(FEATURES),
        "coef": [round(float(c), 6) for c in clf.coef_[0]],
        "mean": [round(float(m), 6) for m in mean],
        "scale": [round(float(s), 6) for s in scale],
        "intercept": round(float(clf.intercept_[0]), 6),
        "trained_on": {
            "frank_test_sentences": sum(1 for _ in frank_sentences("test", args.data)),
            "msrp_train_pairs_both_directions": int(len(items) - len(frank_sentences("test", args.data))),
        },
        "positives": int(y.sum()),
        "negatives": int(len(y) - y.sum()),
        "recipe": "scripts/train_support.py",
    }
    args.out.write_text(json.dumps(model, indent=1) + "\n")
    print(f"trained on {len(y)} items ({int(y.sum())} supported); wrote {args.out}")
    for name, c in sorted(zip(FEATURES, clf.coef_[0], strict=True), key=lambda t: -abs(t[1])):
        print(f"  {name:22s} {c:+.3f}")


if __name__ == "__main__":
    main()
