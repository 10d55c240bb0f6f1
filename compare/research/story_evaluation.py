"""Alignment scored the way the app shows it: facts of whole stories, not links of one article pair.

The facts file holds every outlet pair of an event (its id's first part names
the event). Here the articles of one event are loaded as one story, each pair
of them aligned as the app aligns a story, and the links grouped into facts
(``group_facts``). Two sentences of different outlets count as linked when
they sit in one fact, so a fact that chains unrelated sentences through a
weak middle link loses precision; a sentence counts as reported alone when
its fact holds no other outlet. Gold: the hand-made links of the event's
pairs; a sentence with none is reported alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from compare.nlp.align.engine import ArticleSentences, align_pair, group_facts
from compare.nlp.align.pair_model import FactModel
from compare.nlp.align.types import Fact, Link, SentenceRef
from compare.nlp.embedding.encoders import Encoder
from compare.research.evaluation import article_vectors, event_of, scores_of

# Links one pair of a story's articles (the app's ``align_pair`` by default).
PairAligner = Callable[[ArticleSentences, ArticleSentences], list[Link]]


@dataclass
class EventStory:
    """One event's articles (keyed 0..n-1 in file order) and its gold links between them."""

    event: str
    names: list[str] = field(default_factory=list)
    sentences: list[Sequence[str]] = field(default_factory=list)
    gold: set[frozenset[SentenceRef]] = field(default_factory=set)


def event_stories(records: Iterable[dict]) -> list[EventStory]:
    """The records grouped into one story per event, each article once."""
    stories: dict[str, EventStory] = {}
    for record in records:
        story = stories.setdefault(event_of(record["id"]), EventStory(event_of(record["id"])))
        keys = []
        for side in ("a", "b"):
            name = record[side]["id"]
            if name not in story.names:
                story.names.append(name)
                story.sentences.append(record[side]["sentences"])
            keys.append(story.names.index(name))
        for i, j in record["gold_links"]:
            story.gold.add(frozenset({SentenceRef(keys[0], i), SentenceRef(keys[1], j)}))
    return list(stories.values())


def story_articles(story: EventStory, vectors: dict[str, np.ndarray]) -> list[ArticleSentences]:
    return [
        ArticleSentences(key, texts, np.stack([vectors[t] for t in texts]))
        for key, texts in enumerate(story.sentences)
    ]


def story_links(
    articles: list[ArticleSentences], align: PairAligner | None = None, model: FactModel | None = None
) -> list[Link]:
    """Every article pair of the story aligned, as the app aligns a story."""
    align = align or (lambda a, b: align_pair(a, b, model=model))
    return [link for a, b in combinations(articles, 2) for link in align(a, b)]


def count_story(story: EventStory, facts: Sequence[Fact], counts: dict[str, int]) -> None:
    """Add one story's co-membership and reported-alone counts (alone: a fact of kind "unique")."""
    predicted = {
        frozenset({x, y})
        for fact in facts
        for x, y in combinations(fact.members, 2)
        if x.article != y.article
    }
    counts["tp"] += len(predicted & story.gold)
    counts["fp"] += len(predicted - story.gold)
    counts["fn"] += len(story.gold - predicted)
    gold_linked = {ref for pair in story.gold for ref in pair}
    for fact in facts:
        alone = fact.kind == "unique"
        for ref in fact.members:
            gold_alone = ref not in gold_linked
            counts["alone_tp"] += alone and gold_alone
            counts["alone_fp"] += alone and not gold_alone
            counts["alone_fn"] += gold_alone and not alone


def evaluate_stories(
    records: Iterable[dict],
    encoder: Encoder,
    align: PairAligner | None = None,
    model: FactModel | None = None,
    min_link_fraction: float | None = None,
) -> dict:
    """Fact co-membership and reported-alone precision/recall/F1, pooled over the events' stories.

    Args:
        records: facts-file records (all outlet pairs of each event).
        encoder: turns sentences into unit vectors.
        align: the pair aligner (default: the app's ``align_pair``).
        model: the pair model ``align_pair`` uses (default: the shipped one).
        min_link_fraction: how linked two groups must be to form one fact (default: the model's).
    """
    records = list(records)
    vectors = article_vectors(records, encoder)
    counts: dict[str, int] = defaultdict(int)
    stories = event_stories(records)
    for story in stories:
        articles = story_articles(story, vectors)
        facts = group_facts(articles, story_links(articles, align, model), min_link_fraction)
        count_story(story, facts, counts)
    return {
        "level": "story",
        "n_stories": len(stories),
        "n_articles": sum(len(s.names) for s in stories),
        **scores_of(counts),
    }
