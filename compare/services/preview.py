"""What the upload form shows before anything is stored: the preview."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from compare.models import Article, Story
from compare.nlp.cleaning.pipeline import REASONS, ProcessedArticle, process_text
from compare.nlp.embedding.encoders import Encoder
from compare.services.encoder import get_encoder
from compare.services.ingest import ArticleInput, find_duplicate
from compare.services.placement import suggest_for_sentences


@dataclass
class Preview:
    processed: ProcessedArticle
    duplicate: Article | None
    candidates: list[tuple[Story, float]]
    decision: Story | None

    @property
    def removed(self) -> list[tuple[str, str]]:
        """(reason as an editor reads it, removed text)."""
        return [(REASONS.get(r.reason, r.reason), r.text) for r in self.processed.removed]


def preview_article(data: ArticleInput, encoder: Encoder | None = None) -> Preview:
    """Clean and split the article, and rank the stories it could join; nothing is stored."""
    encoder = encoder or get_encoder()
    processed = process_text(data.text, encoder=encoder, title=data.title or None)
    candidates: list[tuple[Story, float]] = []
    decision = None
    if processed.sentences:
        texts = [s.text for s in processed.sentences]
        title = data.title or processed.title or texts[0]
        vectors = encoder.encode([title, *texts])
        assignment = suggest_for_sentences(title, texts, np.asarray(vectors[1:]), data.published, vectors[0])
        stories = Story.objects.in_bulk([c.story for c in assignment.candidates])
        candidates = [(stories[c.story], c.score) for c in assignment.candidates if c.story in stories]
        decision = stories.get(assignment.story) if assignment.story is not None else None
    return Preview(processed, find_duplicate(data.text), candidates, decision)
