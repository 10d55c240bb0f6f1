"""Reading the evaluation files, encoding their texts once, ever, and naming what a fit read.

``read_jsonl`` reads every JSON Lines file the evaluation and fitting code
use; ``DiskCachedEncoder`` keeps the vectors it computes on disk, so a file
re-read by many fitting runs on a shared two-core machine is encoded once;
``sha256_of`` and ``module_command`` are what a params file's provenance
records of its data and of the command that fitted it.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from compare.nlp.embedding.encoders import Encoder, text_hash


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """The records of a JSON Lines file, skipping blank lines.

    Args:
        path: the file.
    Returns:
        One dict per non-blank line, in file order.
    Raises:
        ValueError: a line is not JSON (the message names the file and line).
        OSError: the file cannot be read.
    """
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
    return records


def sha256_of(path: str | Path) -> str:
    """The file's sha256, hex: how a params file names the data it was fitted on."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def module_command(module: str, argv: Sequence[str] | None = None) -> str:
    """The command line that ran ``python -m module`` (``argv``: its arguments; the process's by default)."""
    return shlex.join(["python", "-m", module, *(sys.argv[1:] if argv is None else argv)])


class DiskCachedEncoder:
    """Encodes each distinct text once, ever: vectors persist in one ``.npz`` file, keyed by text hash.

    With ``autosave`` (the default) each call that encoded anything writes the
    file, so a long fitting run that dies keeps what it encoded. Code that
    asks for a few texts at a time passes ``autosave=False`` and calls
    ``flush()`` at the end: rewriting the whole file per call would cost more
    than the encoding.
    """

    def __init__(self, inner: Encoder, path: str | Path, autosave: bool = True):
        self.inner, self.path, self.dim, self.autosave = inner, Path(path), inner.dim, autosave
        self.model_id = inner.model_id
        self._vectors: dict[str, np.ndarray] = {}
        self._dirty = False
        if self.path.exists():
            with np.load(self.path) as stored:
                # Another model's vectors (or a file from before models were recorded) are not reused.
                if "model" in stored and str(stored["model"]) == self.model_id:
                    self._vectors = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_hash(t) for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._vectors}
        if missing:
            fresh = np.asarray(self.inner.encode(list(missing.values())), dtype=np.float32)
            self._vectors.update(zip(missing, fresh.reshape(-1, self.dim), strict=True))
            self._dirty = True
            if self.autosave:
                self.flush()
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)

    def flush(self) -> None:
        """Write the vectors encoded since the last write."""
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(
            tmp,
            model=np.array(self.model_id),
            keys=np.array(list(self._vectors)),
            vectors=np.stack(list(self._vectors.values())),
        )
        tmp.replace(self.path)
        self._dirty = False
