"""The whole editor flow in a real browser: sign in, upload a file, preview, submit, compare, export."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from compare.models import Article, Story
from compare.services.roles import grant_role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

THIRD = Path(__file__).parent / "third_outlet.txt"


@pytest.fixture
def seeded(use_real_model, django_user_model):
    call_command("load_seeds", stdout=StringIO())
    user = django_user_model.objects.create_user("editor", password="correct horse battery staple")
    grant_role(user, "editor")
    return Story.objects.get()


def test_an_editor_uploads_a_file_and_exports_the_comparison(live_server, page, screenshot, seeded, tmp_path):
    page.goto(f"{live_server.url}/articles/new/")
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_url("**/articles/new/")

    page.fill("input[name=outlet]", "Wire Service")
    page.set_input_files("input[name=file]", str(THIRD))
    page.wait_for_selector("#upload-preview h2", timeout=60_000)
    preview = page.locator("#upload-preview").inner_text()
    assert "sentences kept" in preview
    assert seeded.title in preview  # the story it would join, with its score
    screenshot("10-upload-preview")

    page.get_by_role("button", name="Add the article").click()
    page.wait_for_url(f"**/stories/{seeded.pk}/**", timeout=60_000)
    article = Article.objects.get(outlet__name="Wire Service")
    assert article.story_id == seeded.pk
    right = page.locator("select[name=right]")
    assert right.input_value() == str(article.pk)
    assert "Added" in page.locator(".messages").inner_text()
    screenshot("11-landed-on-comparison", full_page=False)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="HTML page").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"story-{seeded.pk}-")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    html = target.read_text(encoding="utf-8")
    assert "Wire Service" in html and "<script" not in html
