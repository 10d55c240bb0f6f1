"""Accounts and headers: password rules, sign-in throttling, security headers, plain-words errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import path, reverse
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.mark.parametrize("password", ["password", "short1A!", "12345678901234", "iloveyou"])
def test_weak_passwords_are_refused(password, django_user_model):
    user = django_user_model(username="editor")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_uncommon_password_passes(django_user_model):
    validate_password("harbour gale ferry quay", django_user_model(username="editor"))


def test_repeated_wrong_passwords_lock_the_account_out_from_that_address(client, editor):
    statuses = [
        client.post(LOGIN, {"username": "editor", "password": "wrong guess"}).status_code for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth wrong password locks the pair out
    locked = client.post(LOGIN, {"username": "editor", "password": "correct horse battery staple"})
    assert locked.status_code == 429
    assert "Too many wrong passwords" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_right_password_after_a_few_wrong_ones_signs_in(client, editor):
    for _ in range(3):
        client.post(LOGIN, {"username": "editor", "password": "wrong guess"})
    response = client.post(LOGIN, {"username": "editor", "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_pages_carry_a_content_security_policy_and_a_permissions_policy(client):
    response = client.get(reverse("compare:story-list"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert (
        "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    )


def test_htmx_is_told_not_to_add_its_inline_style(client):
    html = client.get(reverse("compare:story-list")).content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in html


def test_password_reset_is_not_offered_without_mail(client):
    assert client.get("/accounts/password_reset/").status_code == 404
    assert client.get(LOGIN).status_code == 200


def test_a_server_error_is_explained_in_plain_words():
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and "Traceback" not in html


def test_a_missing_page_is_explained_in_plain_words(client):
    response = client.get("/stories/999999/")
    assert response.status_code == 404
    assert "There is nothing here" in response.content.decode()


def test_a_processing_failure_shows_plain_words_and_logs_the_details(client, monkeypatch, caplog):
    import compare.services.ingest as ingest_module
    from compare.services.ingest import ArticleInput, ingest

    def broken(*args, **kwargs):
        raise RuntimeError("connection to /var/run/secret.sock refused")

    monkeypatch.setattr(ingest_module, "embed_texts", broken)
    article = ingest(ArticleInput(text="A storm closed the harbour on Tuesday.", outlet="X")).article
    assert article.status == "failed"
    assert "RuntimeError" not in article.error and "secret.sock" not in article.error
    assert "details are in its log" in article.error
    assert "secret.sock" in caplog.text
    page = client.get(reverse("compare:article-status", args=[article.pk])).content.decode()
    assert "secret.sock" not in page and "details are in its log" in page


def test_a_missing_pdf_library_is_explained_without_its_error(client, monkeypatch, caplog):
    import sys

    from compare.models import Story

    story = Story.objects.create(title="Storm")
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # "import weasyprint" now fails
    response = client.get(reverse("compare:story-export", args=[story.pk, "pdf"]))
    assert response.status_code == 503
    message = response.content.decode()
    assert "PDF export is not available on this server" in message
    assert "import" not in message.lower() and "weasyprint" not in message.lower()
    assert "weasyprint" in caplog.text.lower()


def test_signing_out_lands_on_the_apps_own_page(editor_client):
    response = editor_client.post("/accounts/logout/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "You are signed out" in html and "Story comparison" in html
    assert "quality time" not in html and "Django administration" not in html
    assert 'href="/accounts/login/"' in html
    assert "_auth_user_id" not in editor_client.session


def test_the_password_change_pages_are_the_apps(editor_client, editor):
    page = editor_client.get("/accounts/password_change/").content.decode()
    assert "Change your password" in page and 'class="site-header"' in page
    assert "Django administration" not in page
    response = editor_client.post(
        "/accounts/password_change/",
        {
            "old_password": "correct horse battery staple",
            "new_password1": "gale over the quay at dawn",
            "new_password2": "gale over the quay at dawn",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Password changed" in html and 'class="site-header"' in html
    editor.refresh_from_db()
    assert editor.check_password("gale over the quay at dawn")


def test_a_wrong_old_password_is_named_on_the_change_page(editor_client):
    response = editor_client.post(
        "/accounts/password_change/",
        {
            "old_password": "nope",
            "new_password1": "gale over the quay",
            "new_password2": "gale over the quay",
        },
    )
    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()


def test_the_signed_in_name_leads_to_the_password_change_page(editor_client):
    html = editor_client.get("/").content.decode()
    assert '<a href="/accounts/password_change/" title="Change your password">editor</a>' in html


def test_the_server_error_page_looks_like_the_app():
    html = server_error(RequestFactory().get("/")).content.decode()
    assert 'href="/static/compare/app.css"' in html and 'class="site-header"' in html
    assert 'href="/static/compare/favicon.svg"' in html


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom)]


def test_an_exception_in_a_view_renders_the_500_page_with_debug_off(settings, client):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html and "RuntimeError" not in html


def test_every_page_links_the_favicon_and_favicon_ico_leads_to_it(client):
    assert (
        '<link rel="icon" href="/static/compare/favicon.svg" type="image/svg+xml">'
        in client.get("/").content.decode()
    )
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/compare/favicon.svg"
    icon = finders.find("compare/favicon.svg")
    assert icon and Path(icon).read_text(encoding="utf-8").startswith("<svg")
