"""What every export format shares: the registry entry, the file it produces, its name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.text import slugify

from compare.models import Story


class ExportUnavailable(RuntimeError):
    """The format cannot be produced on this machine (a system library is missing)."""


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str


@dataclass(frozen=True)
class Button:
    """A link on the story page: its label, and whether it carries the pair the editor is viewing."""

    label: str
    follows_pair: bool = False


@dataclass(frozen=True)
class Exporter:
    """One export format: how to render a story (optionally a chosen pair) and how to offer it."""

    fmt: str
    content_type: str
    render: Callable[[Story, int | None, int | None], bytes]
    buttons: tuple[Button, ...]


def export_filename(story: Story, extension: str, when: datetime | None = None) -> str:
    """``story-12-putin-meets-assad-2026-11-22.html``: the story and the date."""
    when = when or timezone.now()
    slug = slugify(story.title)[:60].strip("-") or "story"
    return f"story-{story.pk}-{slug}-{when:%Y-%m-%d}.{extension}"
