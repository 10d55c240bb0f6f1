"""The feeds screen (admins): follow an outlet's feed, see how each poll went, poll one now; and an
article's revisions, for anyone who may read stories."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from compare.models import Article, Feed, Outlet
from compare.services import feeds
from compare.services.feed_tasks import poll_feed_task
from compare.web.access import permission_required, reader_required
from compare.web.forms import FeedForm
from compare.web.views import int_param

FEEDS_PERMISSION = "compare.add_feed"


def _feeds_page(request: HttpRequest, form: FeedForm, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "feeds": Feed.objects.select_related("outlet").order_by("outlet__name", "url"),
        "outlet_names": Outlet.objects.order_by("name").values_list("name", flat=True),
        "poll_interval": settings.FEED_POLL_INTERVAL,
    }
    return render(request, "compare/feeds.html", context, status=status)


@permission_required(FEEDS_PERMISSION)
@require_http_methods(["GET", "POST"])
def feed_list(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _feeds_page(request, FeedForm())
    form = FeedForm(request.POST)
    if form.is_valid():
        try:
            feed = feeds.add_feed(form.cleaned_data["outlet"], form.cleaned_data["url"], request.user)
        except feeds.FeedInputError as exc:
            form.add_error("url", str(exc))
        else:
            messages.success(request, f"Following {feed.url} for {feed.outlet.name}: it is polled next.")
            return redirect("compare:feed-list")
    return _feeds_page(request, form, status=400)


@permission_required(FEEDS_PERMISSION)
@require_POST
def feed_poll(request: HttpRequest, feed_id: int) -> HttpResponse:
    feed = get_object_or_404(Feed, pk=feed_id)
    feeds.poll_soon(feed)
    poll_feed_task.enqueue(feed.pk)  # the immediate backend polls before this returns; workers otherwise
    messages.success(request, f"{feed.url} is being polled.")
    return redirect("compare:feed-list")


@require_GET
@reader_required
def article_revisions(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("outlet", "story"), pk=article_id)
    revisions = list(article.revisions.order_by("number"))
    wanted = int_param(request.GET.get("number"))
    shown = next((r for r in revisions if r.number == wanted), revisions[-1] if revisions else None)
    context = {"article": article, "revisions": revisions, "shown": shown}
    return render(request, "compare/article_revisions.html", context)
