"""Accounts and headers: password rules, sign-in throttling, security headers, plain-words errors."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
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
