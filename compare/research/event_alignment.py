"""Event-level alignment: ECB+'s "same real-world event" links, for evaluation only.

Far broader than the app's "same fact" (``compare.nlp.align.engine.align_by_similarity``)
and not what the app shows; kept so the evaluation can report the
ECB+-fitted operating point next to the app's. The ``alignment`` head of the
parameters file is fitted for it by ``compare.research.alignment_fit``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from compare.nlp.align.engine import (
    AlignmentParams,
    ArticleSentences,
    Link,
    SentenceRef,
    align_by_similarity,
    candidates,
    load_params,
)
from compare.nlp.align.links import lead_bonus
from compare.research.features import ALIGNMENT_NAMES, alignment_features

# ECB+'s "same event" links many pairs of low cosine (~75% of scored pairs are
# links), so the event level keeps the candidate floor the fact level dropped
# for speed (which costs the fact level 3 of 7,125 links on ECB+ dev).
EVENT_CANDIDATE_FLOOR = 0.2


def event_candidate_floor(floor: float) -> float:
    """The event level's candidate cosine floor, given the fact level's; calibration fits on the same."""
    return min(floor, EVENT_CANDIDATE_FLOOR)


def align_events(
    a: ArticleSentences, b: ArticleSentences, params: AlignmentParams | None = None
) -> list[Link]:
    """Event-level links (ECB+'s notion: the two sentences mention the same real-world event).

    Args:
        a, b: the two articles with their sentence embeddings.
        params: fitted parameters; the packaged file when omitted.
    Returns:
        Links whose kind is the fact-level kind when ``align_by_similarity`` made one,
        else "partial"; the score is the alignment head's probability.
    """
    params = params or load_params()
    found = candidates(a, b, replace(params, candidate_floor=event_candidate_floor(params.candidate_floor)))
    if found is None:
        return []
    cos, rows, cols = found
    logit = params.alignment.logit(alignment_features(a, b, cos, rows, cols), ALIGNMENT_NAMES)
    logit += params.lead_bonus * lead_bonus(a, b, rows, cols)
    p_link = 1.0 / (1.0 + np.exp(-logit))
    facts = {(link.a.sentence, link.b.sentence): link.kind for link in align_by_similarity(a, b, params)}
    return [
        Link(
            SentenceRef(a.article, int(i)),
            SentenceRef(b.article, int(j)),
            facts.get((int(i), int(j)), "partial"),
            round(float(p), 4),
        )
        for i, j, p in zip(rows, cols, p_link, strict=True)
        if p >= params.alignment.threshold
    ]
