"""The knobs of story assignment and where their calibrated values live (params/clustering.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from compare.nlp.embedding.encoders import PACKAGED_MODEL_ID as DEFAULT_MODEL_ID

PARAMS_PATH = Path(__file__).resolve().parents[1] / "params" / "clustering.json"


@dataclass(frozen=True)
class ClusteringParams:
    """Every knob of profile building and assignment; see params/clustering.json for values."""

    # Fallbacks when params/clustering.json is missing; they equal its fitted values.
    title_weight: float = 1.0  # the headline counts as one more lead sentence
    lead_weight: float = 1.0  # the first sentences say who, what, where
    lead_sentences: int = 3
    max_sentences: int = 5  # later sentences drift to background shared by look-alike events
    entity_sentences: int = 10  # names further down are mostly other cases and history
    cosine_weight: float = 1.0
    entity_weight: float = 2.0
    time_weight: float = 0.03  # per log-day of gap: 1 day costs 0.02, a week 0.06, a year 0.18
    size_weight: float = 0.1
    threshold: float = 1.1
    top_n: int = 20  # stories re-ranked with entities after the cosine pre-selection
    window_days: float = 365.0  # stories this far from the article's date are not candidates
    version: str = "defaults"
    model_id: str = DEFAULT_MODEL_ID  # the embedding model the values were fitted with

    def profile_key(self) -> str:
        """The knobs an article's profile is built with. A story's stored profile is a running
        sum of its articles' profiles, so one built under other knobs must be rebuilt, not updated."""
        return (
            f"title {self.title_weight!r}, lead {self.lead_weight!r} x {self.lead_sentences}, "
            f"sentences {self.max_sentences}, names from {self.entity_sentences}"
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClusteringParams:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


def load_params(path: str | Path | None = None) -> ClusteringParams:
    """Read the calibrated parameters (the ``params`` object of params/clustering.json, and its model)."""
    data = json.loads(Path(path or PARAMS_PATH).read_text(encoding="utf-8"))
    return ClusteringParams.from_dict(
        {**data.get("params", data), "model_id": data.get("model_id", DEFAULT_MODEL_ID)}
    )


_DEFAULT_PARAMS: ClusteringParams | None = None


def default_params() -> ClusteringParams:
    """The shipped parameters, read once; built-in defaults if the file is missing."""
    global _DEFAULT_PARAMS
    if _DEFAULT_PARAMS is None:
        _DEFAULT_PARAMS = load_params() if PARAMS_PATH.exists() else ClusteringParams()
    return _DEFAULT_PARAMS
