"""No editor request waits for the model: web processes load it when they start (PRELOAD_MODEL)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from compare.models import Article
from compare.services import encoder as encoding

pytestmark = pytest.mark.django_db

TEXT = (
    "Port of Valletta closed by storm\n\n"
    "Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said.\n"
    "Ferries to Gozo were cancelled until Wednesday morning.\n"
)


def start_web_process() -> None:
    """What gunicorn and runserver do first: import the WSGI module (with no encoder built yet)."""
    import compare.wsgi

    encoding._default_encoder.cache_clear()  # the autouse fixture built one

    importlib.reload(compare.wsgi)


def editor_actions(client) -> None:
    fields = {"outlet": "Times of Malta", "text": TEXT}
    assert client.post("/articles/preview/", fields, HTTP_HX_REQUEST="true").status_code == 200
    assert client.post("/articles/new/", fields).status_code == 302
    sentence = Article.objects.get().sentences.order_by("index").last()
    assert client.post(f"/sentences/{sentence.pk}/furniture/").status_code == 302


def test_a_started_web_process_has_its_encoder_before_any_request(editor_client, settings):
    settings.PRELOAD_MODEL = True
    start_web_process()
    built = encoding._default_encoder.cache_info().misses
    assert built == 1
    editor_actions(editor_client)
    # The preview, the upload and the re-processing after a correction all used the preloaded encoder.
    assert encoding._default_encoder.cache_info().misses == built
    assert encoding.get_encoder().misses > 0


def test_without_preloading_the_first_request_builds_it(editor_client, settings):
    settings.PRELOAD_MODEL = False
    start_web_process()
    assert encoding._default_encoder.cache_info().misses == 0
    editor_actions(editor_client)
    assert encoding._default_encoder.cache_info().misses == 1


@pytest.mark.slow
def test_starting_a_web_process_loads_the_real_model(tmp_path):
    probe = (
        "import compare.wsgi\n"
        "from compare.services.encoder import get_encoder\n"
        "print(get_encoder().inner._model is not None)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "compare.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PRELOAD_MODEL": "1",
        "EMBEDDING_BACKEND": "sentence-transformers",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "True"
