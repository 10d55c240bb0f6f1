"""Web tests run on a real database with the model-free hashing encoder by default."""

from __future__ import annotations

import random

import pytest
from django.core.cache import cache

from compare.services.ingest import ArticleInput
from compare.services.roles import grant_role
from compare.services.vectors import forget_checks

ARTICLE_TEXT = """Storm closes harbour in Valletta

Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said.
Ferries to Gozo were cancelled until Wednesday morning.

Share this article

Forecasters expect the wind to drop by the weekend. Fishermen moved their boats inland.
"""


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fresh_model_check():
    """Each test's database is new: the once-per-process model check must look at it again."""
    forget_checks()
    yield
    forget_checks()


@pytest.fixture
def article_input() -> ArticleInput:
    return ArticleInput(text=ARTICLE_TEXT, outlet="Times of Malta", url="https://example.org/storm")


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", password="correct horse battery staple")
    grant_role(user, "editor")
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


WORDS = (
    "harbour boats ferry storm wind inspectors council mayor fishermen police coast damage repairs insurers "
    "engineers quay crane warehouse cargo tanker pilot captain union schools roads power lines hospital"
).split()


@pytest.fixture
def distinct_sentences():
    """``count`` sentences unlike each other (repeated lines would rightly be removed as repetition)."""

    def make(count: int) -> str:
        lines = []
        for n in range(count):
            rng = random.Random(n)
            lines.append(
                f"Report {n}: the {' '.join(rng.sample(WORDS, 9))} were named by witness {n * 7919 % 10007}."
            )
        return "\n".join(lines)

    return make
