"""Editors at work: upload articles (with a live preview) and correct the machine."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from compare.models import Article, Correction, Link, Outlet, Removal, Sentence, Story
from compare.services import corrections
from compare.services.corrections import CorrectionError
from compare.services.ingest import IngestError, near_duplicates, validate_input
from compare.services.preview import preview_article
from compare.services.tasks import process_article_task, submit_article
from compare.services.undo import undo
from compare.web.access import permission_required, reader_required
from compare.web.forms import UploadForm
from compare.web.views import int_param

TOO_BIG = "The submitted text is too large: upload it as a file instead (within the size limit)."


def _upload_page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    context = {
        "outlet_names": Outlet.objects.order_by("name").values_list("name", flat=True),
        "story_choices": Story.objects.order_by("-updated_at").only("id", "title")[:200],
        **context,
    }
    return render(request, template, context, status=status)


def _too_big(request: HttpRequest, template: str) -> HttpResponse:
    return _upload_page(request, template, {"form": UploadForm(), "too_big": TOO_BIG}, status=413)


@permission_required("compare.add_article")
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    duplicate: Article | None = None
    if request.method == "POST":
        try:
            form = UploadForm(request.POST, request.FILES)
        except RequestDataTooBig:
            return _too_big(request, "compare/article_new.html")
        if form.is_valid():
            try:
                data = form.article_input()
                story = form.cleaned_data["story"]
                result = submit_article(
                    data, story=story if story not in (None, "new") else None, new_story=story == "new"
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except IngestError as exc:
                form.add_error(None, str(exc))
            else:
                if not result.created:
                    duplicate = result.article
                else:
                    return _after_upload(request, result.article)
    else:
        form = UploadForm(initial={"story": request.GET.get("story", "")})
    return _upload_page(request, "compare/article_new.html", {"form": form, "duplicate": duplicate})


def _after_upload(request: HttpRequest, article: Article) -> HttpResponse:
    if article.status != Article.Status.DONE or article.story_id is None:
        # Processing runs in the background (or failed): the status page follows it.
        return redirect("compare:article-status", article.pk)
    for other, share in near_duplicates(article):
        messages.warning(
            request,
            f"{share:.0%} of its sentences also appear in “{other.title}” ({other.outlet.name}): wire copy?",
        )
    messages.success(request, f"Added “{article.title}” from {article.outlet.name}.")
    return redirect(_comparison_url(article))


@require_GET
@reader_required
def article_status(request: HttpRequest, article_id: int) -> HttpResponse:
    """Where an upload waits for background processing; refreshes itself until done."""
    article = get_object_or_404(Article.objects.select_related("outlet"), pk=article_id)
    if article.status == Article.Status.DONE and article.story_id:
        target = _comparison_url(article)
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    template = (
        "compare/article_status.html#article-progress" if request.htmx else "compare/article_status.html"
    )
    return render(request, template, {"article": article, "stuck_minutes": settings.PROCESSING_STUCK_MINUTES})


@permission_required("compare.change_article")
@require_POST
def article_retry(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    if article.status in (Article.Status.PENDING, Article.Status.PROCESSING) and not article.is_stuck:
        # Queued or under way already: a second task would only redo (and race) the first.
        messages.info(request, "It is being processed right now: this page follows it.")
    elif article.status != Article.Status.DONE:
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PENDING, error="")
        process_article_task.enqueue(article.pk, article.story_id, False)
        corrections.record(article.story, request.user, "retried", article=article.pk)
    return redirect("compare:article-status", article.pk)


def _comparison_url(article: Article) -> str:
    others = article.story.articles.exclude(pk=article.pk).filter(status=Article.Status.DONE).order_by("id")
    left = others.first()
    query = f"?left={left.pk}&right={article.pk}" if left else ""
    return reverse("compare:story-detail", args=[article.story_id]) + query


@permission_required("compare.add_article")
@require_POST
def article_preview(request: HttpRequest) -> HttpResponse:
    """The htmx preview: kept sentences, what cleaning removes and why, likely stories."""
    try:
        form = UploadForm(request.POST, request.FILES)
    except RequestDataTooBig:
        return _too_big(request, "compare/article_new.html#upload-preview")
    context: dict = {"form": form}
    if form.is_valid():
        try:
            data = form.article_input()
            validate_input(data)  # the checks an upload meets, before any cleaning or embedding
        except ValidationError as exc:
            form.add_error(None, exc)
        except IngestError as exc:
            context["refused"] = str(exc)
        else:
            context["preview"] = preview_article(data)
    return _upload_page(request, "compare/article_new.html#upload-preview", context)


def _back_to_story(request: HttpRequest, story_id: int) -> HttpResponse:
    """After a correction: the page the editor came from (the same pair), or the story."""
    target = request.POST.get("next", "")
    story_url = reverse("compare:story-detail", args=[story_id])
    if not target.startswith(story_url):
        target = story_url
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


def _apply(request: HttpRequest, story_id: int, action, success: str) -> HttpResponse:
    try:
        action()
    except CorrectionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return _back_to_story(request, story_id)


@permission_required("compare.change_link")
@require_POST
def link_verdict(request: HttpRequest, link_id: int) -> HttpResponse:
    link = get_object_or_404(Link, pk=link_id)
    verdict = request.POST.get("verdict", "")
    return _apply(
        request,
        link.story_id,
        lambda: corrections.set_link_verdict(link, verdict, request.user),
        "Link confirmed." if verdict == "confirmed" else "Link rejected.",
    )


@permission_required("compare.add_link")
@require_POST
def link_add(request: HttpRequest, story_id: int) -> HttpResponse:
    story = get_object_or_404(Story, pk=story_id)
    a = get_object_or_404(
        Sentence.objects.select_related("article"), pk=int_param(request.POST.get("a")) or 0
    )
    b = get_object_or_404(
        Sentence.objects.select_related("article"), pk=int_param(request.POST.get("b")) or 0
    )
    kind = request.POST.get("kind", "same")
    return _apply(
        request, story.pk, lambda: corrections.add_link(story, a, b, kind, request.user), "Sentences linked."
    )


@permission_required("compare.change_article")
@require_POST
def sentence_furniture(request: HttpRequest, sentence_id: int) -> HttpResponse:
    sentence = get_object_or_404(Sentence.objects.select_related("article"), pk=sentence_id)
    story_id = sentence.article.story_id
    return _apply(
        request,
        story_id,
        lambda: corrections.mark_furniture(sentence, request.user),
        "Marked as page furniture; the article was processed again.",
    )


@permission_required("compare.change_article")
@require_POST
def removal_restore(request: HttpRequest, removal_id: int) -> HttpResponse:
    removal = get_object_or_404(Removal.objects.select_related("article"), pk=removal_id)
    return _apply(
        request,
        removal.article.story_id,
        lambda: corrections.restore_removal(removal, request.user),
        "Restored; the article was processed again.",
    )


@permission_required("compare.change_article")
@require_POST
def article_move(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    target_id = request.POST.get("story", "")
    if target_id == "new":
        target = Story.objects.create(title=article.title or "Untitled story")
    else:
        target = get_object_or_404(Story, pk=int_param(target_id) or 0)
    try:
        corrections.move_article(article, target, request.user)
    except CorrectionError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("compare:story-detail", args=[article.story_id]) if article.story_id else "/")
    messages.success(request, f"Moved “{article.title}” to “{target.title}”.")
    return redirect(reverse("compare:story-detail", args=[target.pk]))


@permission_required("compare.change_story")
@require_POST
def story_merge(request: HttpRequest, story_id: int) -> HttpResponse:
    story = get_object_or_404(Story, pk=story_id)
    other = get_object_or_404(Story, pk=int_param(request.POST.get("other")) or 0)
    return _apply(
        request,
        story.pk,
        lambda: corrections.merge_stories(story, other, request.user),
        f"Merged “{other.title}” into this story.",
    )


@permission_required("compare.change_story")
@require_POST
def story_rename(request: HttpRequest, story_id: int) -> HttpResponse:
    story = get_object_or_404(Story, pk=story_id)
    title = request.POST.get("title", "")
    return _apply(
        request, story.pk, lambda: corrections.rename_story(story, title, request.user), "Story renamed."
    )


@permission_required("compare.change_story")
@require_POST
def correction_undo(request: HttpRequest, correction_id: int) -> HttpResponse:
    correction = get_object_or_404(Correction, pk=correction_id)
    try:
        done = undo(correction, request.user)
    except CorrectionError as exc:
        messages.error(request, str(exc))
        story_id = correction.story_id
    else:
        messages.success(request, "Undone.")
        story_id = done.story_id
    if story_id is None or not Story.objects.filter(pk=story_id).exists():
        return redirect("compare:story-list")
    return redirect("compare:story-history", story_id)
