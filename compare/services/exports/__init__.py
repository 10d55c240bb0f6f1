"""Comparison pages to share, one module per format, all listed in ``EXPORTERS``.

The story page's buttons, the export view and ``manage.py export_story`` read
the registry: a new format is a new ``as_<format>.py`` module with an
``EXPORTER``, added to the tuple below.
"""

from __future__ import annotations

from compare.models import Article, Sentence, Story
from compare.services.exports import as_csv, as_html, as_json, as_pdf
from compare.services.exports.base import Button, Exporter, ExportFile, ExportUnavailable, export_filename

__all__ = [
    "EXPORTERS",
    "FORMATS",
    "ExportFile",
    "ExportTooLarge",
    "ExportUnavailable",
    "buttons",
    "export_story",
    "story_sentences",
]

EXPORTERS: dict[str, Exporter] = {
    exporter.fmt: exporter
    for exporter in (as_html.EXPORTER, as_pdf.EXPORTER, as_csv.EXPORTER, as_json.EXPORTER)
}
FORMATS = tuple(EXPORTERS)


class ExportTooLarge(ValueError):
    """The story is larger than a web request may export; the message is for the editor."""


def story_sentences(story: Story) -> int:
    """How many sentences an export of the story renders (its processed articles')."""
    return Sentence.objects.filter(article__story=story, article__status=Article.Status.DONE).count()


def export_story(
    story: Story,
    fmt: str,
    left_id: int | None = None,
    right_id: int | None = None,
    *,
    max_sentences: int | None = None,
) -> ExportFile:
    """The story (or the chosen pair of its articles) in this format.

    Args:
        max_sentences: refuse larger stories (the web view's limit; ``manage.py export_story`` has none).
    Raises:
        ExportTooLarge: over ``max_sentences``.
    """
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if max_sentences is not None and (count := story_sentences(story)) > max_sentences:
        raise ExportTooLarge(
            f"This story has {count:,} sentences; a {fmt.upper()} export from the web page is limited to "
            f"{max_sentences:,}. An administrator can export it with "
            f"manage.py export_story {story.pk} --format {fmt}"
        )
    return ExportFile(
        exporter.render(story, left_id, right_id), exporter.content_type, export_filename(story, fmt)
    )


def buttons() -> list[tuple[str, Button]]:
    """(format, button) for every export the story page offers, in registry order."""
    return [(fmt, button) for fmt, exporter in EXPORTERS.items() for button in exporter.buttons]
