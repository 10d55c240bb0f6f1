"""Web tests run on a real database with the model-free hashing encoder by default."""

from __future__ import annotations

import pytest

from compare.ingest import ArticleInput

ARTICLE_TEXT = """Storm closes harbour in Valletta

Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said.
Ferries to Gozo were cancelled until Wednesday morning.

Share this article

Forecasters expect the wind to drop by the weekend. Fishermen moved their boats inland.
"""


@pytest.fixture
def article_input() -> ArticleInput:
    return ArticleInput(text=ARTICLE_TEXT, outlet="Times of Malta", url="https://example.org/storm")


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password="correct horse battery staple")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
