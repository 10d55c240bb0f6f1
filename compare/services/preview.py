"""What the upload form shows before anything is stored: the preview."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from compare.models import Article, Story
from compare.nlp.cleaning.credits import CREDIT
from compare.nlp.cleaning.pipeline import REASONS, ProcessedArticle, process_text
from compare.nlp.embedding.encoders import Encoder
from compare.nlp.stories.params import default_params
from compare.services.encoder import get_encoder
from compare.services.ingest import ArticleInput, find_duplicate
from compare.services.placement import suggest_for_sentences


@dataclass(frozen=True)
class StoryMatch:
    """A story the article could join, with its score put in terms an editor can weigh.

    The score is the story assignment's (topic similarity, shared names, time gap,
    story size; ``compare/nlp/stories/clustering.py``): it has no fixed range, so it
    is shown against the threshold at which the article joins.
    """

    story: Story
    score: float
    threshold: float
    similarity: float  # cosine of the article and the story's centroid
    shared: tuple[str, ...]  # names, places and numbers both mention, rarest first

    @property
    def joins(self) -> bool:
        return self.score >= self.threshold

    @property
    def of_threshold(self) -> float:
        """The score as a share of what joining takes (1.0 is just enough), for the meter."""
        return max(self.score, 0.0) / self.threshold if self.threshold > 0 else 0.0


@dataclass
class Preview:
    processed: ProcessedArticle
    duplicate: Article | None
    candidates: list[StoryMatch]
    decision: Story | None

    @property
    def removed(self) -> list[tuple[str, str]]:
        """(reason as an editor reads it, removed text)."""
        return [(REASONS.get(r.reason, r.reason), r.text) for r in self.processed.removed]


def preview_article(data: ArticleInput, encoder: Encoder | None = None) -> Preview:
    """Clean and split the article, and rank the stories it could join; nothing is stored."""
    encoder = encoder or get_encoder()
    processed = process_text(data.text, encoder=encoder, title=data.title or None)
    candidates: list[StoryMatch] = []
    decision = None
    # Credit lines name agencies, not the event: placement leaves them out, as ingest does.
    texts = [s.text for s in processed.sentences if s.kind != CREDIT]
    if texts:
        title = data.title or processed.title or texts[0]
        vectors = encoder.encode([title, *texts])
        assignment = suggest_for_sentences(title, texts, np.asarray(vectors[1:]), data.published, vectors[0])
        stories = Story.objects.in_bulk([c.story for c in assignment.candidates])
        threshold = default_params().threshold
        candidates = [
            StoryMatch(stories[c.story], c.score, threshold, c.similarity, c.shared_entities[:5])
            for c in assignment.candidates
            if c.story in stories
        ]
        decision = stories.get(assignment.story) if assignment.story is not None else None
    return Preview(processed, find_duplicate(data.text), candidates, decision)
