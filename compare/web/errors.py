"""The app's own error answers: a gone story leads to where its articles went."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from compare.models import Story
from compare.services.story_trail import where_articles_went

_STORY_PATH = re.compile(r"^/stories/(?P<id>[0-9]{1,18})/(?P<rest>.*)$")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404; for a story merged or emptied away, its one destination (302) or a list of them."""
    destinations: list[Story] = []
    match = _STORY_PATH.match(request.path)
    if match and not Story.objects.filter(pk=int(match["id"])).exists():
        destinations = where_articles_went(int(match["id"]))
        if len(destinations) == 1 and request.method in {"GET", "HEAD"}:
            # Not permanent: a merge can be undone and the old id's articles come back elsewhere.
            # Never for a form sent to the gone story: the editor must see it did not happen.
            target = f"/stories/{destinations[0].pk}/{match['rest']}"
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(f"{target}?{query}" if query else target)
    return render(request, "404.html", {"destinations": destinations}, status=404)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to the SVG."""
    return HttpResponseRedirect(static("compare/favicon.svg"))
