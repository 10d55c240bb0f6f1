"""Pipeline step 4: teasers at the end of the page, with an on-topic flag from embeddings.

``remove_teasers`` asks ``teasers.find_teasers`` which blocks advertise other
stories; the on-topic flag it passes says whether each block is close to the
article's own content, judged by the encoder's embeddings when there is one.
"""

from __future__ import annotations

import numpy as np

from compare.nlp.cleaning.block_work import Editor, Work, remove
from compare.nlp.cleaning.teasers import MARKER_REASONS, find_teasers
from compare.nlp.embedding.encoders import Encoder
from compare.nlp.text.shape import is_body_like

# Off topic: less than this share of the body's median similarity to the centroid.
_OFF_TOPIC_RATIO = 0.5
# Fewer body paragraphs than this give no reliable centroid.
_MIN_CORE_FOR_TOPIC = 3


def _similarity_to_others(vectors: np.ndarray, members: list[int]) -> np.ndarray:
    """Cosine of each row to the mean of the members, leaving a member itself out.

    Leaving itself out matters for short articles: with a handful of members,
    a block's similarity to a mean that includes it mostly measures itself.
    """
    total = vectors[members].sum(axis=0)
    others = np.repeat(total[None, :], len(vectors), axis=0)
    others[members] -= vectors[members]
    norms = np.linalg.norm(others, axis=1)
    norms[norms == 0] = 1.0
    return np.einsum("ij,ij->i", vectors, others) / norms


def _blocks_to_judge(texts: list[str], reasons: list[str | None]) -> tuple[list[int], list[int]]:
    """The kept blocks worth embedding, and which of them are body paragraphs.

    Body-like paragraphs and the first kept block (the likely headline) make
    the reference; other blocks matter only after furniture that follows the
    body, where teasers live. With no such furniture nothing is embedded.
    """
    kept = [i for i, t in enumerate(texts) if t]
    body = [i for i in kept if is_body_like(texts[i])]
    if not body:
        return [], []
    marker = next((i for i in range(body[0], len(texts)) if reasons[i] in MARKER_REASONS), None)
    if marker is None:
        return [], []
    judged = sorted({kept[0], *body} | {i for i in kept if i > marker})
    return judged, [judged.index(i) for i in body]


def _on_topic(texts: list[str], reasons: list[str | None], encoder: Encoder | None) -> list[bool]:
    """Whether each block is close to the article's own content, by embedding.

    The reference is the headline with the body paragraphs, computed twice so
    that a long off-topic teaser cannot pull it away. The threshold is
    relative to how close the body itself is, so it suits any encoder.
    Without an encoder, or with too little body to judge, every block counts
    as on topic.
    """
    on_topic = [True] * len(texts)
    judged, body = _blocks_to_judge(texts, reasons) if encoder is not None else ([], [])
    if encoder is None or len(body) < _MIN_CORE_FOR_TOPIC:
        return on_topic
    vectors = np.asarray(encoder.encode([texts[i] for i in judged]), dtype=np.float32)
    members = sorted({0, *body})
    for _ in range(2):
        similarity = _similarity_to_others(vectors, members)
        threshold = _OFF_TOPIC_RATIO * float(np.median(similarity[body]))
        members = [k for k in members if similarity[k] >= threshold] or members
    for k, i in enumerate(judged):
        on_topic[i] = bool(similarity[k] >= threshold)
    return on_topic


def remove_teasers(works: list[Work], text: str, encoder: Encoder | None, editor: Editor) -> None:
    """Remove the teasers for other stories at the end of the page.

    A credit line is judged as the closing marker it is ("credit"), never as
    text: it is neither body nor a teaser.
    """
    texts = [text[w.start : w.end] if w.kept and not w.is_credit else "" for w in works]
    reasons = [w.signal for w in works]
    for index in sorted(find_teasers(texts, reasons, _on_topic(texts, reasons, encoder))):
        work = works[index]
        if not work.protected and remove(work, text, "teaser", work.start, work.end, editor):
            work.drop()
