"""Gradient-boosted trees exported from scikit-learn to plain JSON, run with numpy alone.

The shipped classifiers (sentence support, pair relation) are small tree ensembles trained by the recipes
in ``scripts/``; scikit-learn is needed only there. ``export_trees`` reads a fitted
``HistGradientBoostingClassifier`` into lists; ``raw_scores`` walks every tree of a model at once.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import numpy as np


def export_trees(clf) -> dict:
    """A fitted ``HistGradientBoostingClassifier`` as plain lists. Binary: one tree per iteration and a
    float ``baseline`` (the support model's layout); more classes: ``classes`` trees per iteration, in
    class order, and one baseline per class."""
    trees = []
    for predictors in clf._predictors:
        for pred in predictors:
            n = pred.nodes
            trees.append(
                {
                    "feature": [int(x) for x in n["feature_idx"]],
                    "threshold": [float(x) for x in n["num_threshold"]],
                    "left": [int(x) for x in n["left"]],
                    "right": [int(x) for x in n["right"]],
                    "value": [round(float(x), 6) for x in n["value"]],
                    "leaf": [bool(x) for x in n["is_leaf"]],
                }
            )
    baseline = clf._baseline_prediction.ravel()
    if len(baseline) == 1:
        return {"type": "trees", "baseline": float(baseline[0]), "trees": trees}
    return {
        "type": "trees",
        "classes": len(baseline),
        "baseline": [float(x) for x in baseline],
        "trees": trees,
    }


@lru_cache(maxsize=4)
def load_model(name: str) -> dict:
    """A shipped model (``data/NAME``), its trees flattened into one node table so that every row walks
    every tree together, one level per step."""
    model = json.loads((resources.files("wiretrace") / "data" / name).read_text())
    if model["type"] == "trees":
        sizes = [len(t["leaf"]) for t in model["trees"]]
        offsets = np.cumsum([0, *sizes])[:-1]
        flat = {
            k: np.concatenate([np.asarray(t[k]) for t in model["trees"]])
            for k in ("feature", "threshold", "left", "right", "value", "leaf")
        }
        for k in ("left", "right"):
            flat[k] = flat[k] + np.repeat(offsets, sizes)
        model["flat"], model["roots"] = flat, offsets
    return model


def raw_scores(model: dict, X: np.ndarray) -> np.ndarray:
    """The ensemble's raw score of each row of ``X``: shape (rows,) for a binary model, (rows, classes)
    for a multi-class one (the logits before the softmax)."""
    t = model["flat"]
    node = np.tile(model["roots"], (len(X), 1))  # (rows, trees)
    row = np.arange(len(X))[:, None]
    while not t["leaf"][node].all():
        go_left = X[row, t["feature"][node]] <= t["threshold"][node]
        step = np.where(go_left, t["left"][node], t["right"][node])
        node = np.where(t["leaf"][node], node, step)
    values = t["value"][node]
    classes = model.get("classes", 1)
    if classes == 1:
        return model["baseline"] + values.sum(axis=1)
    # trees are stored iteration by iteration, one per class
    return np.asarray(model["baseline"]) + values.reshape(len(X), -1, classes).sum(axis=1)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
