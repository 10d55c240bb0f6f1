"""The upload form: one article, as pasted text, a file, or a URL."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.utils import timezone

from compare.models import Story
from compare.services import sources
from compare.services.ingest import ArticleInput

UPLOAD_EXTENSIONS = (".txt", ".md", ".html", ".htm")
PUBLISHED_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
]


class UploadForm(forms.Form):
    title = forms.CharField(max_length=500, required=False, help_text="Left empty, the headline is used.")
    outlet = forms.CharField(max_length=200, help_text="An existing outlet's name, or a new one.")
    url = forms.URLField(
        max_length=2000,
        assume_scheme="https",
        required=False,
        label="URL of the article",
        help_text="Where it was published. Tick 'fetch' to import the page from it.",
    )
    fetch_url = forms.BooleanField(required=False, label="Fetch the article from this URL")
    # A text box, not type="datetime-local": that one will not take a date without a time,
    # and a page often gives only the day. A date alone means midnight.
    published = forms.DateTimeField(
        required=False,
        label="Published (date, time optional)",
        help_text="A date such as 2018-05-17, or a date and time: 2018-05-17 14:30. "
        "Left empty, the page's own date is used where it has one.",
        widget=forms.TextInput(
            attrs={"placeholder": "YYYY-MM-DD or YYYY-MM-DD HH:MM", "inputmode": "numeric"}
        ),
        input_formats=PUBLISHED_FORMATS,
        error_messages={"invalid": "Give a date as YYYY-MM-DD, or a date and time as YYYY-MM-DD HH:MM."},
    )
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        strip=False,
        label="Article text",
        help_text="Paste the article, or choose a file below.",
    )
    file = forms.FileField(required=False, help_text=".txt, .md, .html or .htm")
    story = forms.CharField(
        required=False, help_text="Left to the app, it joins the most similar story or starts a new one."
    )

    def clean_story(self) -> Story | str | None:
        value = (self.cleaned_data.get("story") or "").strip()
        if not value:
            return None
        if value == "new":
            return "new"
        # isdigit() accepts "²" and int() refuses it; 18 digits keep the id within a database integer.
        story = (
            Story.objects.filter(pk=int(value)).first()
            if value.isascii() and value.isdigit() and len(value) <= 18
            else None
        )
        if story is None:
            raise forms.ValidationError("That story does not exist.")
        return story

    def clean_url(self) -> str:
        try:
            return sources.clean_url(self.cleaned_data.get("url") or "")
        except sources.SourceError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if PurePath(upload.name).suffix.lower() not in UPLOAD_EXTENSIONS:
            raise forms.ValidationError(f"Choose a {', '.join(UPLOAD_EXTENSIONS)} file.")
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{settings.MAX_UPLOAD_BYTES / 1024 / 1024:.0f} MB."
            )
        return upload

    def clean(self):
        data = super().clean()
        text = data.get("text") or ""
        upload = data.get("file")
        fetch = data.get("fetch_url")
        sources = sum([bool(text.strip()), upload is not None, bool(fetch)])
        if sources == 0 and not self.errors.get("file"):
            raise forms.ValidationError("Paste the article's text, choose a file, or fetch it from its URL.")
        if sources > 1:
            raise forms.ValidationError(
                "Give the article one way only: pasted text, a file, or a URL to fetch."
            )
        if fetch and not data.get("url"):
            self.add_error("url", "Give the URL to fetch the article from.")
        if text and len(text.encode("utf-8")) > settings.MAX_UPLOAD_BYTES:
            self.add_error(
                "text", f"The text is over the {settings.MAX_UPLOAD_BYTES // 1024 // 1024} MB limit."
            )
        return data

    def article_input(self) -> ArticleInput:
        """The submitted article; raises ValidationError for content that cannot be read."""
        data = self.cleaned_data
        fields = {
            "title": data.get("title") or "",
            "outlet": data["outlet"],
            "published": _aware(data.get("published")),
        }
        if data.get("file") is not None:
            try:
                return sources.from_upload(
                    data["file"].name, data["file"].read(), url=data.get("url") or "", **fields
                )
            except sources.SourceError as exc:
                raise forms.ValidationError({"file": str(exc)}) from None
        if data.get("fetch_url"):
            try:
                return sources.from_url(data["url"], **fields)
            except sources.SourceError as exc:
                raise forms.ValidationError({"url": str(exc)}) from None
        return ArticleInput(text=data["text"], source_name="pasted text", url=data.get("url") or "", **fields)


def _aware(moment):
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


class FeedForm(forms.Form):
    """A feed to follow; the address checks are the service's (compare/services/feeds.add_feed)."""

    outlet = forms.CharField(max_length=200, label="Outlet")
    url = forms.CharField(max_length=2000, label="Feed address (RSS or Atom)")
