"""Editor-facing pages. Thin: each view parses the request, asks a service, renders."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_GET

from compare.models import Article, Correction, Link, Outlet, Sentence, Story
from compare.nlp.diff import conflicts, sentence_diff
from compare.services import exports, fact_matrix, revisions, screens
from compare.services.undo import can_undo
from compare.web.access import reader_required
from compare.web.throttle import over_limit

# The largest id a database integer column holds (PostgreSQL bigint, SQLite INTEGER).
MAX_ID = 2**63 - 1


def int_param(value: str | None) -> int | None:
    """A request parameter as a positive id; None when absent, not a number, or beyond any id."""
    if not value or not value.isascii() or len(value) > 19:
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 < number <= MAX_ID else None


def _date_or_none(value: str | None) -> date | None:
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None


@require_GET
@reader_required
def story_list(request: HttpRequest) -> HttpResponse:
    filters = screens.StoryFilters(
        query=request.GET.get("q", "").strip()[:200],
        outlet=int_param(request.GET.get("outlet")),
        since=_date_or_none(request.GET.get("since")),
        until=_date_or_none(request.GET.get("until")),
        sort=request.GET.get("sort", ""),
        seen=_seen_or_none(request.GET.get("seen")),
    )
    page = screens.story_page(filters, request.GET.get("page"))
    template = "compare/story_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#story-results"
    # The poll asks for the same page again, marking what arrived after the page was opened.
    params = request.GET.copy()
    params["seen"] = (filters.seen or timezone.now()).isoformat()
    context = {
        "page": page,
        "filters": filters,
        "sorts": screens.STORY_SORTS,
        "outlets": Outlet.objects.order_by("name"),
        "querystring": _querystring_without_page(request),
        "poll_querystring": params.urlencode(),
        "new_stories": sum(card.is_new for card in page.object_list),
    }
    return render(request, template, context)


def _seen_or_none(value: str | None) -> datetime | None:
    """The poll's "page opened at" time; anything unreadable just marks nothing as new."""
    try:
        seen = parse_datetime(value) if value and len(value) <= 40 else None
    except ValueError:
        return None
    if seen is not None and timezone.is_naive(seen):
        seen = timezone.make_aware(seen)
    return seen


def _querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("seen", None)
    return params.urlencode()


def _pick(articles: list[Article], wanted: int | None) -> Article | None:
    return next((a for a in articles if a.pk == wanted), None)


def return_url(story: Story, left: Article | None, right: Article | None, focus: Sentence | None) -> str:
    """The story page showing this pair and this followed sentence: where a correction returns to.

    Forms inside the htmx fragment must not use the request's own path, which is the
    fragment's URL, not the page the editor is looking at.
    """
    params = {"left": left.pk if left else None, "right": right.pk if right else None}
    if focus is not None:
        params["focus"] = focus.pk
    query = "&".join(f"{key}={value}" for key, value in params.items() if value)
    url = reverse("compare:story-detail", args=[story.pk]) + (f"?{query}" if query else "")
    if focus is not None:
        url += f"#s-{focus.article_id}-{focus.index}"
    return url


# The parts of the story page that follow the pair: when htmx swaps the comparison panel,
# the export buttons and the fact matrix come along out of band.
PAIR_PARTIALS = ("comparison-panel", "export-buttons", "fact-matrix-slot")


@require_GET
@reader_required
def story_detail(request: HttpRequest, story_id: int) -> HttpResponse:
    story = get_object_or_404(Story, pk=story_id)
    articles = list(
        story.articles.select_related("outlet").prefetch_related("removals").order_by("published", "id")
    )
    done = [a for a in articles if a.status == Article.Status.DONE]
    default_left, default_right = screens.default_pair(done, screens.shared_fact_counts(story))
    left = _pick(done, int_param(request.GET.get("left"))) or default_left
    right = _pick(done, int_param(request.GET.get("right"))) or default_right
    if left and right and left.pk == right.pk:
        right = next((a for a in done if a.pk != left.pk), None)
    if left and right:
        columns = screens.compare_pair(story, left, right)
    else:  # a story with a single article still shows it
        columns = tuple(screens.all_outlet_columns(story, done[:1]))
    focus = _focus(request, columns)
    outlets, rows = fact_matrix.fact_matrix(story, done, request.GET.get("sort", ""))
    context = {
        "story": story,
        "articles": articles,
        "done": done,
        "left": left,
        "right": right,
        "columns": columns,
        "focus": focus,
        "return_url": return_url(story, left, right, focus["sentence"] if focus else None),
        "outlets": outlets,
        "matrix": rows,
        "sort": request.GET.get("sort", ""),
        "export_buttons": exports.buttons(),
    }
    if request.htmx and not request.htmx.history_restore_request:
        context["oob"] = True
        parts = (
            render_to_string(f"compare/story_detail.html#{name}", context, request) for name in PAIR_PARTIALS
        )
        return HttpResponse("".join(parts))
    context.update(
        coverage=fact_matrix.coverage(outlets, rows),
        article_updates=revisions.story_updates(story),
        other_stories=Story.objects.exclude(pk=story.pk).order_by("-updated_at").only("id", "title")[:100]
        if request.user.has_perm("compare.change_article") or request.user.has_perm("compare.change_story")
        else [],
    )
    return render(request, "compare/story_detail.html", context)


def _focus(request: HttpRequest, columns) -> dict | None:
    """The sentence an editor followed without JavaScript (``?focus=<sentence id>``)."""
    wanted = int_param(request.GET.get("focus"))
    for column, other in zip(columns, reversed(columns)):
        for paragraph in column.paragraphs:
            for marked in paragraph:
                if marked.sentence.pk == wanted:
                    other_sentences = [m.sentence for p in other.paragraphs for m in p]
                    detail = _fact_detail(marked.sentence, marked.counterparts, other_sentences)
                    return detail | {"outlet": column.article.outlet, "other_outlet": other.article.outlet}
    return None


def _fact_detail(sentence: Sentence, counterparts: list[Sentence], other_sentences: list[Sentence]) -> dict:
    """A followed sentence: each counterpart with its link, word diff and conflicts."""
    links = {
        frozenset((link.a_id, link.b_id)): link
        for link in Link.objects.filter(Q(a=sentence) | Q(b=sentence)).exclude(verdict=Link.Verdict.REJECTED)
    }
    return {
        "sentence": sentence,
        "other_sentences": other_sentences,
        "counterparts": [
            {
                "sentence": other,
                "link": links.get(frozenset((sentence.pk, other.pk))),
                "diff": sentence_diff(sentence.text, other.text),
                "conflicts": conflicts(sentence.text, other.text),
            }
            for other in counterparts
        ],
    }


@require_GET
@reader_required
def sentence_detail(request: HttpRequest, story_id: int, sentence_id: int) -> HttpResponse:
    """A followed fact: the sentence's counterparts in the other column, word by word."""
    sentence = get_object_or_404(
        Sentence.objects.select_related("article__outlet"), pk=sentence_id, article__story_id=story_id
    )
    other = get_object_or_404(
        Article.objects.select_related("outlet"),
        pk=int_param(request.GET.get("other")) or 0,
        story_id=story_id,
    )
    if other.pk == sentence.article_id:
        raise Http404("Choose the other column's article")
    story = sentence.article.story
    column, other_column = screens.compare_pair(story, sentence.article, other)
    marked = next((m for p in column.paragraphs for m in p if m.sentence.pk == sentence.pk), None)
    if marked is None:
        raise Http404("A credit line is not a fact: it has no counterparts")
    other_sentences = [m.sentence for p in other_column.paragraphs for m in p]
    # The page's own order of the pair: the followed sentence may be in the right-hand column.
    left, right = (
        (other, sentence.article) if request.GET.get("side") == "right" else (sentence.article, other)
    )
    context = {
        "focus": _fact_detail(sentence, marked.counterparts, other_sentences)
        | {"outlet": sentence.article.outlet, "other_outlet": other.outlet},
        "story": story,
        "left": left,
        "right": right,
        "return_url": return_url(story, left, right, sentence),
    }
    return render(request, "compare/story_detail.html#fact-detail", context)


@require_GET
@reader_required
def story_export(request: HttpRequest, story_id: int, fmt: str) -> HttpResponse:
    story = get_object_or_404(Story, pk=story_id)
    if fmt not in exports.FORMATS:
        raise Http404("Unknown export format")
    if wait := over_limit(request, "export", settings.EXPORTS_PER_MINUTE):
        response = _plain(f"Too many exports in a minute: try again in {wait} seconds.", 429)
        response["Retry-After"] = str(wait)
        return response
    limit = settings.MAX_PDF_EXPORT_SENTENCES if fmt == "pdf" else settings.MAX_EXPORT_SENTENCES
    left, right = int_param(request.GET.get("left")), int_param(request.GET.get("right"))
    try:
        result = exports.export_story(story, fmt, left, right, max_sentences=limit)
    except exports.ExportTooLarge as exc:
        return _plain(str(exc), 413)
    except exports.ExportUnavailable as exc:
        return _plain(str(exc), 503)
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


def _plain(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


# What each recorded action is called on the story's history page.
ACTIONS = {
    "renamed": "Renamed",
    "moved": "Moved an article",
    "merged": "Merged another story into this one",
    "link-confirmed": "Confirmed a link",
    "link-rejected": "Rejected a link",
    "link-added": "Linked two sentences",
    "marked-furniture": "Marked a sentence as page furniture",
    "restored": "Restored removed text",
    "retried": "Retried processing",
    "undo-renamed": "Undid a rename",
    "undo-moved": "Undid a move",
    "undo-merged": "Undid a merge",
    "undo-link-confirmed": "Undid a link confirmation",
    "undo-link-rejected": "Undid a link rejection",
}


@require_GET
@reader_required
def story_history(request: HttpRequest, story_id: int) -> HttpResponse:
    """Who changed what in the story, newest first, including the stories merged into it."""
    story = get_object_or_404(Story, pk=story_id)
    corrections = (
        Correction.objects.filter(Q(story=story) | Q(action="moved", detail__source=story.pk))
        .select_related("user")
        .order_by("-created_at", "-id")[:500]
    )
    corrections = list(corrections)
    texts = _linked_texts(corrections)
    entries = [
        {
            "correction": c,
            "label": ACTIONS.get(c.action, c.action),
            "undoable": can_undo(c),
            "sentences": [texts[pk] for pk in (c.detail.get("a"), c.detail.get("b")) if pk in texts],
        }
        for c in corrections
    ]
    return render(request, "compare/story_history.html", {"story": story, "entries": entries})


def _linked_texts(corrections: list[Correction]) -> dict[int, str]:
    """The sentences a link correction joined, so the history says which link it was (one query)."""
    ids = {
        pk
        for c in corrections
        if c.action.startswith(("link-", "undo-link-"))
        for pk in (c.detail.get("a"), c.detail.get("b"))
        if isinstance(pk, int)
    }
    return dict(Sentence.objects.filter(pk__in=ids).values_list("id", "text")) if ids else {}
