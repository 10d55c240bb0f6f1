"""Reading pages across stories: an outlet's blind spots, and a story's timeline."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from compare.models import Outlet, Story
from compare.services import blind_spots, timeline
from compare.web.access import reader_required


@require_GET
@reader_required
def outlet_detail(request: HttpRequest, outlet_id: int) -> HttpResponse:
    """The outlet's stories, each with the facts only it reported and those it left out."""
    outlet = get_object_or_404(Outlet, pk=outlet_id)
    context = {
        "outlet": outlet,
        "page": blind_spots.outlet_page(outlet, request.GET.get("page")),
        "left_out_min": blind_spots.LEFT_OUT_MIN_OUTLETS,
    }
    return render(request, "compare/outlet_detail.html", context)


@require_GET
@reader_required
def story_timeline(request: HttpRequest, story_id: int) -> HttpResponse:
    """Who published when, and who reported each shared fact first."""
    story = get_object_or_404(Story, pk=story_id)
    context = {"story": story, "timeline": timeline.story_timeline(story)}
    return render(request, "compare/story_timeline.html", context)
