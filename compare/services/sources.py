"""Where articles come from, turned into one ArticleInput each: bytes of an uploaded file, a URL, a
pasted text, files on disk and JSON Lines records (``import_articles``, ``load_seeds``).

Decoding, HTML extraction and fetching live here, not in the form, so every
input path reads articles the same way. Files on disk yield inputs or a
one-line reason they were refused, so one bad file never stops a batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from compare.models import web_url
from compare.nlp.text.decoding import HTML_EXTENSIONS, SUPPORTED_EXTENSIONS, DecodeError, decode_bytes
from compare.nlp.text.html import html_to_text, page_metadata
from compare.services.fetching import FetchError, fetch_page
from compare.services.ingest import ArticleInput

MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FileItem:
    """One article read from a file, or the reason it could not be read."""

    source: str
    article: ArticleInput | None = None
    error: str = ""


def parse_published(value: object) -> datetime | None:
    """A date or datetime string (ISO 8601) as an aware datetime; None when absent or unreadable."""
    if not value or not isinstance(value, str):
        return None
    moment = parse_datetime(value.strip())
    if moment is None:
        day = parse_date(value.strip())
        if day is None:
            return None
        moment = datetime.combine(day, time(12, 0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


class SourceError(ValueError):
    """An article that cannot be read from what was given; the message is for the editor."""


def clean_url(value: str) -> str:
    """An article's address as every input path stores it: stripped, http(s) only ("" when absent).

    Raises:
        SourceError: a javascript:, data: or other non-web address (the page would link to it).
    """
    try:
        return web_url(value or "")
    except ValidationError as exc:
        raise SourceError(exc.messages[0]) from None


def _extracted(html: str) -> str:
    text = html_to_text(html)
    if not text.strip():
        raise SourceError("No article text could be found in this page.")
    return text


def with_page_metadata(article: ArticleInput) -> ArticleInput:
    """Fill the title and the publication time a page states, where the editor left them empty."""
    if not article.html or (article.title and article.published):
        return article
    found = page_metadata(article.html)
    return replace(
        article,
        title=article.title or found.title[:500],
        published=article.published or parse_published(found.published),
    )


def from_upload(name: str, data: bytes, *, url: str = "", **fields) -> ArticleInput:
    """An uploaded file's article: decoded, its text extracted when it is an HTML page."""
    url = clean_url(url)
    try:
        text = decode_bytes(data).text
    except DecodeError as exc:
        raise SourceError(str(exc)) from None
    if name.lower().endswith(HTML_EXTENSIONS):
        return with_page_metadata(
            ArticleInput(text=_extracted(text), html=text, source_name=name, url=url, **fields)
        )
    return ArticleInput(text=text, source_name=name, url=url, **fields)


def from_url(url: str, *, headers: dict[str, str] | None = None, **fields) -> ArticleInput:
    """The article at ``url``, fetched within the size and time limits and the address guard.

    ``headers`` go with the request (a feed item's fetch says who is asking: FEED_USER_AGENT).
    """
    url = clean_url(url)
    try:
        page = fetch_page(
            url,
            allow_private=settings.ALLOW_PRIVATE_URLS,
            max_bytes=settings.MAX_UPLOAD_BYTES,
            timeout=settings.FETCH_TIMEOUT_SECONDS,
            headers=headers,
        )
        html = decode_bytes(page.data).text
    except (FetchError, DecodeError) as exc:
        raise SourceError(str(exc)) from None
    return with_page_metadata(
        ArticleInput(text=_extracted(html), html=html, source_name=page.url, url=url, **fields)
    )


def article_from_text(text: str, *, filename: str, outlet: str, **fields) -> ArticleInput:
    """An ArticleInput from a file's decoded text, extracting the text of HTML pages."""
    if filename.lower().endswith(HTML_EXTENSIONS):
        return with_page_metadata(
            ArticleInput(text=html_to_text(text), html=text, outlet=outlet, source_name=filename, **fields)
        )
    return ArticleInput(text=text, outlet=outlet, source_name=filename, **fields)


def _jsonl_items(path: Path, text: str, default_outlet: str) -> Iterator[FileItem]:
    for number, line in enumerate(text.splitlines(), start=1):
        source = f"{path.name}:{number}"
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield FileItem(source, error=f"not valid JSON ({exc.msg})")
            continue
        if (
            not isinstance(record, dict)
            or not isinstance(record.get("text"), str)
            or not record["text"].strip()
        ):
            yield FileItem(source, error="no 'text' field with the article's text")
            continue
        try:
            url = clean_url(str(record.get("url") or ""))
        except SourceError as exc:
            yield FileItem(source, error=str(exc))
            continue
        yield FileItem(
            source,
            ArticleInput(
                text=record["text"],
                outlet=str(record.get("outlet") or default_outlet),
                title=str(record.get("title") or ""),
                url=url,
                published=parse_published(record.get("published")),
                source_name=source,
            ),
        )


def read_article_files(paths: list[Path], default_outlet: str) -> Iterator[FileItem]:
    """Every article in these files (and folders), in order, with refusals as items too."""
    for path in _expand(paths):
        source = str(path)
        if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
            yield FileItem(
                source,
                error=f"unsupported file type '{path.suffix or '(none)'}' "
                f"(use {', '.join(SUPPORTED_EXTENSIONS)})",
            )
            continue
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                yield FileItem(source, error=f"file too large ({size:,} bytes; limit {MAX_FILE_BYTES:,})")
                continue
            decoded = decode_bytes(path.read_bytes())
        except DecodeError as exc:
            yield FileItem(source, error=str(exc))
            continue
        except OSError as exc:
            yield FileItem(source, error=f"cannot read the file ({exc.strerror or exc})")
            continue
        if path.suffix.lower() == ".jsonl":
            yield from _jsonl_items(path, decoded.text, default_outlet)
        else:
            yield FileItem(source, article_from_text(decoded.text, filename=path.name, outlet=default_outlet))


def _expand(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        else:
            yield path
