"""The features only the offline code computes: pairs judged from bare texts, and context in two articles.

``pair_feature_matrix`` gives the app's pair features (``PAIR_NAMES``) of
pairs read from the pair files (MRPC, STS-B), where no article surrounds
them. The context features describe where a match sits in the whole
article-by-article cosine matrix (rank, mutual best match, centrality); with
the pair features they make ``ALIGNMENT_NAMES``, the features of the
event-level head (``compare.research.event_alignment``), which the app does
not run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from compare.nlp.align.engine import ArticleSentences, unit_vectors
from compare.nlp.align.features import PAIR_NAMES, pair_feature_rows, sentence_info


def pair_feature_matrix(texts_a: Sequence[str], texts_b: Sequence[str], cosines: np.ndarray) -> np.ndarray:
    """Pair features (PAIR_NAMES) of aligned lists of pairs (texts_a[k], texts_b[k]) with their cosines."""
    index = np.arange(len(texts_a))
    infos_a = [sentence_info(text) for text in texts_a]
    infos_b = [sentence_info(text) for text in texts_b]
    return pair_feature_rows(infos_a, infos_b, index, index, cosines)


CONTEXT_NAMES = (
    "row_margin",
    "col_margin",
    "mutual_best",
    "rank_in_row",
    "rank_in_col",
    "centrality_a",
    "centrality_b",
    "article_similarity",
    "position_a",
    "position_b",
)


def _ranks_desc(matrix: np.ndarray, axis: int) -> np.ndarray:
    """Rank of every cell in its row (axis=1) or column (axis=0), 0 = best."""
    order = np.argsort(-matrix, axis=axis, kind="stable")
    return np.argsort(order, axis=axis, kind="stable")


def context_features(
    cos: np.ndarray, emb_a: np.ndarray, emb_b: np.ndarray, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Where each candidate pair sits in the article-by-article cosine matrix.

    Args:
        cos: (n_a, n_b) cosine matrix of the two articles' sentences.
        emb_a, emb_b: the unit sentence embeddings (for article centroids).
        rows, cols: indices of the candidate pairs.
    Returns:
        (len(rows), len(CONTEXT_NAMES)) array.
    """
    n_a, n_b = cos.shape
    pair_cos = cos[rows, cols]
    row_max, col_max = cos.max(axis=1), cos.max(axis=0)
    rank_row = _ranks_desc(cos, axis=1)[rows, cols]
    rank_col = _ranks_desc(cos, axis=0)[rows, cols]
    # A sentence close to the other article's centroid reports the story's main
    # event, which the other outlet is likely to report too.
    centroid_a, centroid_b = emb_a.mean(axis=0), emb_b.mean(axis=0)
    centroid_a /= max(float(np.linalg.norm(centroid_a)), 1e-9)
    centroid_b /= max(float(np.linalg.norm(centroid_b)), 1e-9)
    centrality_a = emb_a[rows] @ centroid_b
    centrality_b = emb_b[cols] @ centroid_a
    article_similarity = float(0.5 * (row_max.mean() + col_max.mean()))
    return np.column_stack(
        [
            pair_cos - row_max[rows],
            pair_cos - col_max[cols],
            ((rank_row == 0) & (rank_col == 0)).astype(np.float64),
            np.log1p(rank_row),
            np.log1p(rank_col),
            centrality_a,
            centrality_b,
            np.full(len(rows), article_similarity),
            rows / max(n_a - 1, 1),
            cols / max(n_b - 1, 1),
        ]
    ).astype(np.float64)


ALIGNMENT_NAMES = PAIR_NAMES + CONTEXT_NAMES


def alignment_features(
    a: ArticleSentences, b: ArticleSentences, cos: np.ndarray, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Features (ALIGNMENT_NAMES) of the pairs (rows[k], cols[k]) of two articles.

    Args:
        a, b: the two articles with their sentence embeddings.
        cos: their cosine matrix (``cosine_matrix``).
        rows, cols: indices of the pairs.
    Returns:
        (len(rows), len(ALIGNMENT_NAMES)) array; the event head and its fitting share it.
    """
    infos_a = [sentence_info(t) for t in a.texts]
    infos_b = [sentence_info(t) for t in b.texts]
    return np.hstack(
        [
            pair_feature_rows(infos_a, infos_b, rows, cols, cos[rows, cols]),
            context_features(cos, unit_vectors(a.embeddings), unit_vectors(b.embeddings), rows, cols),
        ]
    )
