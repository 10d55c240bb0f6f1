"""Outlets, stories, articles, sentences, and what the machine (or an editor) made of them."""

from __future__ import annotations

import urllib.parse
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from compare.nlp.cleaning.credits import CREDIT as CREDIT_KIND
from compare.nlp.cleaning.rules import REASONS

# What browsers drop around a URL before reading its scheme: " javascript:" is still javascript.
_URL_EDGES = "".join(chr(c) for c in range(0x21))


def web_url(value: str) -> str:
    """An article's address, stripped, if it is a plain http(s) URL; "" stays "".

    Every input path (form, file import, JSON Lines, seeds) reaches this through
    ``Article.save``; ``compare.services.sources.clean_url`` asks it first so the
    editor gets the reason before anything is stored. Tabs and newlines inside
    are refused, not removed: browsers drop them, so "javascript:" split by a tab is still a script.

    Raises:
        ValidationError: any other scheme (javascript:, data:, vbscript:, ftp:...), no host, or junk.
    """
    url = value.strip(_URL_EDGES)
    if not url:
        return ""
    message = "The article's URL must be an http:// or https:// address."
    if any(c in url for c in "\t\r\n"):
        raise ValidationError(message, code="url-scheme")
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        raise ValidationError(message, code="url-scheme") from None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise ValidationError(message, code="url-scheme")
    return url


class Outlet(models.Model):
    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Story(models.Model):
    title = models.CharField(max_length=500)
    # An editor's title is never replaced by the machine's choice.
    title_set_by_editor = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The story's running representation for online assignment (see compare/nlp/clustering.py).
    profile_vector = models.BinaryField(null=True, blank=True, editable=False)
    profile_state = models.JSONField(default=dict, blank=True, editable=False)
    # Every version of the row, kept after the story is merged away (the admin shows it).
    history = HistoricalRecords(excluded_fields=["profile_vector", "profile_state", "updated_at"])

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title or f"Story {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("compare:story-detail", args=[self.pk])


class Article(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be processed"
        PROCESSING = "processing", "Processing"
        DONE = "done", "Processed"
        FAILED = "failed", "Failed"

    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=500, blank=True)
    url = models.URLField(max_length=2000, blank=True, validators=[web_url])
    published = models.DateTimeField(null=True, blank=True)
    source_name = models.CharField(max_length=300, blank=True, help_text="File name or URL it came from")
    # Exactly as received: never altered, so nothing an outlet wrote is ever lost.
    raw_text = models.TextField()
    raw_html = models.TextField(blank=True)
    cleaned_text = models.TextField(blank=True)
    # sha256 of the normalised raw text: finds an article submitted twice. Unique, so two submissions
    # of one text at the same moment cannot both be stored (the second is told it is already there).
    content_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    # Set when an editor chose or moved the story: re-clustering must not move it.
    placed_by_editor = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Which story it was in, and who put it there, over time (the texts are not copied).
    history = HistoricalRecords(
        excluded_fields=["raw_text", "raw_html", "cleaned_text", "error", "updated_at"]
    )

    class Meta:
        ordering = ["published", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.outlet}: {self.title or '(untitled)'}"

    def clean(self) -> None:
        super().clean()
        self.url = web_url(self.url)

    @property
    def is_stuck(self) -> bool:
        """Waiting or processing for longer than PROCESSING_STUCK_MINUTES: its worker has likely stopped."""
        if self.status not in {self.Status.PENDING, self.Status.PROCESSING}:
            return False
        return timezone.now() - self.updated_at > timedelta(minutes=settings.PROCESSING_STUCK_MINUTES)

    def save(self, *args, **kwargs) -> None:
        # The page links to ``url``: no path may store a javascript: or data: address, whatever it skipped.
        self.url = web_url(self.url)
        super().save(*args, **kwargs)


class Sentence(models.Model):
    class Kind(models.TextChoices):
        HEADLINE = "headline", "Headline"
        STANDFIRST = "standfirst", "Standfirst"
        HEADING = "heading", "Crosshead"
        BODY = "body", "Body"
        # A wire or contributor credit ("Reuters contributed to this report"): part of the
        # article, shown as its credit, but not a fact: never aligned, grouped or counted.
        CREDIT = CREDIT_KIND, "Credit"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sentences")
    index = models.PositiveIntegerField()
    paragraph = models.PositiveIntegerField()
    start = models.PositiveIntegerField(help_text="Offset in the article's cleaned text")
    end = models.PositiveIntegerField()
    text = models.TextField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.BODY)
    text_hash = models.CharField(max_length=40, db_index=True)
    # float32 little-endian, unit length; see vector().
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    # The model the vector came from (``Encoder.model_id``): vectors of two models never meet.
    embedding_model = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    # Every sentence of an aligned article belongs to exactly one fact of its story.
    fact = models.ForeignKey(
        "Fact", null=True, blank=True, on_delete=models.SET_NULL, related_name="sentences"
    )

    class Meta:
        ordering = ["article", "index"]
        constraints = [models.UniqueConstraint(fields=["article", "index"], name="sentence_order_unique")]

    def __str__(self) -> str:
        return self.text[:80]

    def vector(self) -> np.ndarray | None:
        if self.embedding is None:
            return None
        return np.frombuffer(bytes(self.embedding), dtype="<f4")


class Removal(models.Model):
    """A block that cleaning removed from an article, kept so an editor can see or restore it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="removals")
    position = models.PositiveIntegerField(help_text="Block number in the normalised text")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    reason = models.CharField(max_length=40)

    class Meta:
        ordering = ["article", "position", "start"]

    def __str__(self) -> str:
        return f"{self.reason}: {self.text[:60]}"

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason.replace("-", " ").capitalize())


class Fact(models.Model):
    """A group of sentences from a story's articles that report the same thing."""

    class Kind(models.TextChoices):
        SHARED = "shared", "Shared"
        PARTIAL = "partial", "Partly shared"
        UNIQUE = "unique", "Reported alone"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="facts")
    number = models.PositiveIntegerField(help_text="Order of the fact within the story")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    outlet_count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["story", "number"]


class Link(models.Model):
    """Two sentences of different articles that report the same fact, fully or in part."""

    class Kind(models.TextChoices):
        SAME = "same", "Same fact"
        PARTIAL = "partial", "Part of the fact"

    class Origin(models.TextChoices):
        MACHINE = "machine", "Machine"
        EDITOR = "editor", "Editor"

    class Verdict(models.TextChoices):
        NONE = "", "Not reviewed"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="links")
    a = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="links_as_a")
    b = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="links_as_b")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    score = models.FloatField(default=0.0)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MACHINE)
    verdict = models.CharField(max_length=10, choices=Verdict.choices, default=Verdict.NONE, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Editors' verdicts over time (the machine's links are written in bulk and not recorded).
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["a", "b"], name="link_pair_unique")]


class TextOverride(models.Model):
    """An editor's word on cleaning: keep a block the machine removed, or drop a sentence it kept."""

    class Action(models.TextChoices):
        KEEP = "keep", "Restored"
        DROP = "drop", "Marked as page furniture"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="overrides")
    text = models.TextField()
    action = models.CharField(max_length=4, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "created_at"]


class Correction(models.Model):
    """The audit trail: who corrected what, and when."""

    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=40)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} by {self.user} at {self.created_at:%Y-%m-%d %H:%M}"


class AlignedPair(models.Model):
    """Two articles of a story whose sentences the machine has aligned (with or without links).

    Recorded explicitly so that a pair with no common fact is not aligned
    again every time another article joins the story.
    """

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="aligned_pairs")
    first = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    # False: passed over, neither article among the other's nearest (``alignment.NEAREST_ARTICLES``).
    compared = models.BooleanField(default=True)
    aligned_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="aligned_pair_unique")]
