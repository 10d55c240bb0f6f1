"""An experiment, not part of the app: the model in ONNX Runtime with 8-bit weights, and why it is left out.

Dynamic int8 quantisation (ONNX Runtime's ``quantize_dynamic``) of the packaged
model is the fastest CPU path measured here, 2.2-2.9 times float32 PyTorch,
and keeping one product in float32 (the first layer's feed-forward output)
holds STS-B news dev Spearman within 0.002 of float32. But its activations
are quantised with one scale per batch, so a sentence's vector depends on the
other sentences it is encoded with: the same sentence alone and in a batch
of 64 gave vectors with cosine down to 0.987 (200 dev sentences), a sizeable
part of int8's whole distance from float32 (0.979). That breaks the app's
promise that a sentence has one vector, whatever it was uploaded with.
Encoding one sentence at a time keeps the promise, but was 2.0 times float32
here: what bfloat16 already gives on CPUs that have it. This script measures
all of that, so the decision can be revisited (static calibration, another
runtime) with numbers:

    .venv/bin/pip install onnx==1.23.2 onnxruntime==1.31.1   # not in requirements
    .venv/bin/python bench/int8_probe.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_encode import STSB_DEV, _spearman_of, load_stsb  # noqa: E402
from bench.common import offline_environment, progress  # noqa: E402
from compare.nlp.embedding.encoders import SentenceTransformerEncoder, normalize_rows  # noqa: E402

KEEP_FLOAT = ["/bert/encoder/layer.0/output/dense/MatMul"]


def _export(model, folder: Path) -> Path:
    """The model's transformer as ONNX, from the packaged weights."""
    import torch

    transformer = model[0].auto_model.eval()

    class Hidden(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = transformer

        def forward(self, ids, mask, types):
            return self.bert(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state

    sample = model.tokenizer(["A sentence.", "Another, longer sentence."], padding=True, return_tensors="pt")
    path = folder / "minilm.onnx"
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        Hidden(),
        (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
        str(path),
        input_names=["ids", "mask", "types"],
        output_names=["hidden"],
        dynamic_axes={name: axes for name in ("ids", "mask", "types", "hidden")},
        opset_version=17,
        dynamo=False,
    )
    return path


def _encoder(model, path: Path, batch_size: int):
    """Tokenise as sentence-transformers does, run, mean-pool, normalise."""
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])

    def encode(texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        for first in range(0, len(texts), batch_size):
            rows = order[first : first + batch_size]
            tokens = model.tokenizer(
                [texts[i] for i in rows], padding=True, truncation=True, max_length=256, return_tensors="np"
            )
            feed = {
                "ids": tokens["input_ids"],
                "mask": tokens["attention_mask"],
                "types": tokens["token_type_ids"],
            }
            hidden = session.run(None, {k: v.astype(np.int64) for k, v in feed.items()})[0]
            weights = tokens["attention_mask"][..., None].astype(np.float32)
            out[rows] = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return normalize_rows(out)

    return encode


def _best_rate(encode, texts: list[str], rounds: int = 3) -> tuple[float, np.ndarray]:
    encode(texts[:64])
    best, vectors = float("inf"), None
    for _ in range(rounds):
        started = time.perf_counter()
        vectors = encode(texts)
        best = min(best, time.perf_counter() - started)
    return round(len(texts) / best, 1), vectors


def main() -> dict[str, object]:
    offline_environment()
    from onnxruntime.quantization import QuantType, quantize_dynamic

    first, second, scores = load_stsb()
    texts = first + second
    progress(f"int8 probe: {len(texts)} sentences from {STSB_DEV}")
    fp32 = SentenceTransformerEncoder(precision="fp32")
    fp32.encode(texts[:8])
    model = fp32._model
    result: dict[str, object] = {}
    rate, reference = _best_rate(fp32.encode, texts)
    result.update(fp32_sentences_per_s=rate, fp32_spearman=_spearman_of(reference, len(scores), scores))
    with tempfile.TemporaryDirectory() as tmp:
        plain = _export(model, Path(tmp))
        for name, keep in (("int8_all", []), ("int8_keep_layer0_ffn_out", KEEP_FLOAT)):
            path = Path(tmp) / f"{name}.onnx"
            quantize_dynamic(str(plain), str(path), weight_type=QuantType.QInt8, nodes_to_exclude=keep)
            rate, vectors = _best_rate(_encoder(model, path, 64), texts)
            result[f"{name}_sentences_per_s"] = rate
            result[f"{name}_speedup_vs_fp32"] = round(rate / result["fp32_sentences_per_s"], 2)
            result[f"{name}_spearman"] = _spearman_of(vectors, len(scores), scores)
            result[f"{name}_mean_cosine_to_fp32"] = round(
                float(np.mean(np.sum(vectors * reference, axis=1))), 4
            )
            progress(f"int8 probe: {name} {rate} sentences/s")
        # The same sentences alone and in their batches: one vector per sentence, or not?
        alone_encode = _encoder(model, Path(tmp) / "int8_keep_layer0_ffn_out.onnx", 1)
        alone = alone_encode(texts[:200])
        batched = _encoder(model, Path(tmp) / "int8_keep_layer0_ffn_out.onnx", 64)(texts[:200])
        result["int8_alone_vs_batched_min_cosine"] = round(float(np.min(np.sum(alone * batched, axis=1))), 4)
        rate, _ = _best_rate(alone_encode, texts, rounds=1)
        result["int8_one_at_a_time_speedup_vs_fp32"] = round(rate / result["fp32_sentences_per_s"], 2)
    return result


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    print(json.dumps(main(), indent=2))
