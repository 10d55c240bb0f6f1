"""The first model-needing editor request after a fresh server start, with and without PRELOAD_MODEL.

Not a test. For each server (runserver, gunicorn with one worker) and each
setting, a throwaway SQLite database gets an editor, the server is started on
127.0.0.1, and once it answers, the editor signs in and sends the upload
preview (the first request that embeds) and then an upload; their wall times
are printed. Uses the real model.

    .venv/bin/python bench/first_request.py
"""

from __future__ import annotations

import http.cookiejar
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = str(REPO / ".venv" / "bin" / "python")
PASSWORD = "first-request-password"
TEXT = (
    "Ferry strike halts crossings to Gozo\n\nFerry crews walked out on Monday, halting all crossings to "
    "Gozo, the union said. The government called the strike unlawful and asked the court to intervene.\n"
)


def _environment(database: Path, preload: bool) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "PRELOAD_MODEL": "1" if preload else "0",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }


def _prepare(env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True)
    make_editor = (
        "from django.contrib.auth.models import User; from compare.services.roles import grant_role; "
        f"grant_role(User.objects.create_user('bench', password='{PASSWORD}'), 'editor')"
    )
    subprocess.run([PYTHON, "manage.py", "shell", "-c", make_editor], cwd=REPO, env=env, check=True,
                   capture_output=True)  # fmt: skip


def _post(opener, jar, url: str, fields: dict[str, str], **headers: str):
    token = next(c.value for c in jar if c.name == "csrftoken")
    data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
    return opener.open(
        urllib.request.Request(url, data=data, headers={"Referer": url, **headers}), timeout=300
    )


def measure(server: list[str], port: int, env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds until the server answers, for the first preview, and for the upload after it."""
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    process = subprocess.Popen(
        server, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        while True:
            try:
                opener.open(f"{base}/accounts/login/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        ready = time.perf_counter() - started
        _post(opener, jar, f"{base}/accounts/login/", {"username": "bench", "password": PASSWORD}).read()
        opener.open(f"{base}/articles/new/").read()
        clock = time.perf_counter()
        _post(
            opener,
            jar,
            f"{base}/articles/preview/",
            {"outlet": "Bench", "text": TEXT},
            **{"HX-Request": "true"},
        )
        preview = time.perf_counter() - clock
        clock = time.perf_counter()
        _post(opener, jar, f"{base}/articles/new/", {"outlet": "Bench", "text": TEXT}).read()
        return ready, preview, time.perf_counter() - clock
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    servers = {
        "runserver": lambda port: [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        "gunicorn -w 1": lambda port: [str(REPO / ".venv/bin/gunicorn"), "compare.wsgi", "-b",
                                       f"127.0.0.1:{port}", "-w", "1", "--timeout", "120"],
    }  # fmt: skip
    print(f"{'server':<14} {'PRELOAD_MODEL':<14} {'answers after':>13} {'first preview':>13} {'upload':>8}")
    for number, (name, command) in enumerate(servers.items()):
        for preload in (False, True):
            with tempfile.TemporaryDirectory() as folder:
                env = _environment(Path(folder) / "db.sqlite3", preload)
                _prepare(env)
                port = 8790 + 2 * number + preload
                ready, preview, upload = measure(command(port), port, env)
            setting = "on" if preload else "off"
            print(f"{name:<14} {setting:<14} {ready:>12.1f}s {preview:>12.2f}s {upload:>7.2f}s")


if __name__ == "__main__":
    sys.exit(main())
