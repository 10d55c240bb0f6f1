"""A three-outlet story for the fact matrix and export tests (hashing encoder, no model).

The harbour closure is told by all three outlets: Times of Malta in its headline
and again in its body (the body says it in full), MaltaToday on the wrong day
(a date conflict), TVM as Times of Malta did. Each outlet has a fact of its own.
"""

from __future__ import annotations

from compare.models import Article, Story
from compare.services.ingest import ArticleInput, ingest

HARBOUR = "Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said."
HARBOUR_WEDNESDAY = HARBOUR.replace("Tuesday", "Wednesday")
HEADLINE = "Harbour closed by gale"
SCHOOLS = "Schools stayed open across the island."

TEXTS = [
    ("Times of Malta", f"{HEADLINE}\n\n{HARBOUR}\nFerries to Gozo were cancelled."),
    ("MaltaToday", f"Storm shuts Valletta harbour\n\n{SCHOOLS}\n{HARBOUR_WEDNESDAY}"),
    ("TVM", f"Valletta harbour shut\n\n{HARBOUR}\nFishermen moved their boats inland."),
]


def build_storm_story() -> Story:
    story = Story.objects.create(title="Storm in Valletta", title_set_by_editor=True)
    for outlet, text in TEXTS:
        ingest(ArticleInput(text=text, outlet=outlet, url=f"https://example.org/{outlet}"), story=story)
    return story


def articles(story: Story) -> list[Article]:
    """The story's articles in the order the page shows them, outlets selected."""
    return list(story.articles.select_related("outlet").order_by("published", "id"))
