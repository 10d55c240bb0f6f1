"""Settings: production refuses an insecure secret key; bad values are named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


REAL_KEY = "kq3V7mZ0-pW9sT2xR8aL5cN1bH6yJ4dF0gE7uI3oP9qS2wX5zA8v"


def test_production_starts_with_a_real_secret_key():
    result = load_settings(PRODUCTION="1", SECRET_KEY=REAL_KEY)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("x" * 60, "only 1 different characters"),
        ("abcde" * 12, ""),
        ("k" * 20 + "-short-0123456789", "fewer than 50"),
        ("django-insecure-" + "a1b2c3d4e5" * 5, "development key"),
    ],
)
def test_production_refuses_a_weak_secret_key(key, reason):
    result = load_settings(PRODUCTION="1", SECRET_KEY=key)
    if not reason:
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode != 0
    assert reason in result.stderr


def test_production_refuses_debug():
    result = load_settings(PRODUCTION="1", SECRET_KEY=REAL_KEY, DEBUG="1")
    assert result.returncode != 0
    assert "PRODUCTION=1 refuses DEBUG=1" in result.stderr


def load_value(name: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "PRODUCTION", "DEBUG"}}
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-c", f"import compare.settings as s; print(s.{name})"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_hsts_lasts_a_year_when_preloading():
    assert load_value("SECURE_HSTS_SECONDS", PRODUCTION="1", SECRET_KEY=REAL_KEY) == str(365 * 24 * 3600)


def test_preloading_with_a_shorter_hsts_is_refused():
    result = load_settings(PRODUCTION="1", SECRET_KEY=REAL_KEY, SECURE_HSTS_SECONDS="3600")
    assert result.returncode != 0
    assert "SECURE_HSTS_PRELOAD needs SECURE_HSTS_SECONDS of a year" in result.stderr


def test_without_preloading_a_shorter_hsts_is_allowed():
    env = {"PRODUCTION": "1", "SECRET_KEY": REAL_KEY, "SECURE_HSTS_PRELOAD": "0"}
    assert load_value("SECURE_HSTS_SECONDS", **env) == "3600"


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
        SECRET_KEY=REAL_KEY,
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
