"""Settings: production refuses an insecure secret key; bad values are named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env: str) -> subprocess.CompletedProcess:
    ignored = {"SECRET_KEY", "PRODUCTION", "DEBUG", "DATABASE_URL"}
    environment = {k: v for k, v in os.environ.items() if k not in ignored}
    environment.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import compare.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_development_needs_no_configuration_and_debug_is_off():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.sqlite3"]


def test_production_refuses_to_start_without_a_real_secret_key():
    result = load_settings(PRODUCTION="1")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_secret_key():
    assert load_settings(PRODUCTION="1", SECRET_KEY="x" * 50).returncode == 0


def test_a_bad_boolean_is_named():
    result = load_settings(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_database_url_selects_postgresql():
    result = load_settings(DATABASE_URL="postgres://postgres@127.0.0.1:5432/compare")
    assert result.stdout.split()[1] == "django.db.backends.postgresql"


def test_check_deploy_is_clean_with_production_settings():
    # (the browser tests allow async-unsafe ORM calls in their own process only)
    dropped = {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(
        PRODUCTION="1",
        SECRET_KEY="k" * 20 + "-random-enough-for-a-test-0123456789",
        ALLOWED_HOSTS="news.example",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
