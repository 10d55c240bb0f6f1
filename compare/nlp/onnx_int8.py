"""The sentence model run by ONNX Runtime with 8-bit weights: the fastest CPU path measured here.

The packaged model's transformer is exported to ONNX from its own weights
(nothing is downloaded) and its matrix products quantised to int8, with the
activations quantised on the fly. One product is left in float32: the first
layer's feed-forward output. With every product in int8, STS-B news dev
Spearman fell by 0.005; of the feed-forward products tried in float32 (first
layer, last layer, both, the first three, every input side), keeping this one
lost least speed for the most quality back: 0.002 below float32, at 2.2-2.8
times its speed here (``bench/bench_encode.py``). Per-channel weights did worse.

Tokenisation, mean pooling and normalisation are those of the
sentence-transformers model (all-MiniLM-L6-v2), so the vectors are the same
kind. The quantised file is built once per model and library versions and
kept in a cache folder; building it takes a few seconds.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

# The one product kept in float32 (see above); names as the exporter gives them.
KEEP_FLOAT = ("/bert/encoder/layer.0/output/dense/MatMul",)
RECIPE = "dynamic int8, per-tensor, float32: " + ", ".join(KEEP_FLOAT)


def available() -> bool:
    """ONNX Runtime and the exporter's ``onnx`` package are installed."""
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def _cache_key(model_path: str) -> str:
    import onnxruntime
    import torch

    config = Path(model_path, "config.json")
    weights = sorted(Path(model_path).glob("*.safetensors")) + sorted(Path(model_path).glob("*.bin"))
    stamp = [str(p.stat().st_size) for p in weights] + [config.read_text(encoding="utf-8")]
    parts = [str(Path(model_path).resolve()), *stamp, torch.__version__, onnxruntime.__version__, RECIPE]
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def quantised_model(model, model_path: str, cache_dir: str | None = None) -> Path:
    """The int8 ONNX file of this sentence-transformers model, built if not cached yet.

    Args:
        model: the loaded ``SentenceTransformer`` (its transformer is exported).
        model_path: the folder it was loaded from (part of the cache key).
        cache_dir: where to keep the file; a folder in the system's temporary directory by default.
    """
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folder = Path(cache_dir or Path(tempfile.gettempdir()) / "compare-onnx")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"minilm-int8-{_cache_key(model_path)}.onnx"
    if target.exists():
        return target
    transformer = model[0].auto_model.eval()

    class Hidden(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = transformer

        def forward(self, ids, mask, types):
            return self.bert(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state

    sample = model.tokenizer(["A sentence.", "Another, longer sentence."], padding=True, return_tensors="pt")
    dynamic = {"0": "batch", "1": "tokens"}
    # Unique names: several workers may build at once; each moves its own file into place.
    plain = folder / f"plain-{os.getpid()}-{target.name}"
    built = folder / f"built-{os.getpid()}-{target.name}"
    try:
        torch.onnx.export(
            Hidden(),
            (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
            str(plain),
            input_names=["ids", "mask", "types"],
            output_names=["hidden"],
            dynamic_axes={
                name: {int(k): v for k, v in dynamic.items()} for name in ("ids", "mask", "types", "hidden")
            },
            opset_version=17,
            dynamo=False,
        )
        quantize_dynamic(
            str(plain), str(built), weight_type=QuantType.QInt8, nodes_to_exclude=list(KEEP_FLOAT)
        )
        os.replace(built, target)
    finally:
        plain.unlink(missing_ok=True)
        built.unlink(missing_ok=True)
    return target


class Int8Session:
    """Encodes texts with the quantised model: tokenise, run, mean-pool, normalise."""

    def __init__(self, model, onnx_path: Path, threads: int | None = None):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        self.session = onnxruntime.InferenceSession(
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = model.tokenizer
        self.max_length = model.max_seq_length

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        """Unit float32 rows, in the order of ``texts``; batches of similar length pad little."""
        out = np.zeros((len(texts), 384), dtype=np.float32)
        order = np.argsort([-len(text) for text in texts], kind="stable")
        for first in range(0, len(texts), batch_size):
            rows = order[first : first + batch_size]
            tokens = self.tokenizer(
                [texts[i] for i in rows],
                padding=True,
                truncation="longest_first",
                max_length=self.max_length,
                return_tensors="np",
            )
            mask = tokens["attention_mask"].astype(np.int64)
            hidden = self.session.run(
                None,
                {
                    "ids": tokens["input_ids"].astype(np.int64),
                    "mask": mask,
                    "types": tokens["token_type_ids"].astype(np.int64),
                },
            )[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[rows] = pooled / np.where(norms == 0, 1.0, norms)
        return out
