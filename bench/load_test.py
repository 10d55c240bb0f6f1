"""A bounded load test: gunicorn on loopback, concurrent page views and uploads.

    .venv/bin/python bench/load_test.py [--seconds 20] [--clients 8] [--workers 2] [--real-model] [--queue]

It sets up a throwaway SQLite database (seed story, one editor), starts
gunicorn on 127.0.0.1 only, runs ``--clients`` threads for ``--seconds``
(4 page views for each upload), then checks that every upload that was
accepted is stored, processed and aligned. It prints throughput, p50/p95 and
errors, and exits non-zero on any error. Never connects anywhere but loopback. With ``--queue`` uploads go
through the database task backend to a ``manage.py db_worker`` process (the
production path: no model in the web workers), and the check waits for the
worker to finish what was accepted.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "load-test-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server at {url} did not start")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One simulated editor: a session cookie, a CSRF token, timed requests."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def request(self, path: str, data: dict | None = None) -> tuple[int, float, str]:
        body = None
        headers = {}
        if data is not None:
            token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
            headers = {"Referer": self.base + path, "X-CSRFToken": token}
        started = time.perf_counter()
        try:
            with self.opener.open(
                urllib.request.Request(self.base + path, body, headers), timeout=120
            ) as resp:
                status, location = resp.status, ""
                resp.read()
        except urllib.error.HTTPError as exc:
            status, location = exc.code, exc.headers.get("Location", "")
            exc.read()
        return status, (time.perf_counter() - started) * 1000, location

    def login(self) -> None:
        self.request("/accounts/login/")
        status, _, _ = self.request("/accounts/login/", {"username": "editor", "password": PASSWORD})
        if status != 302:
            raise SystemExit(f"login failed ({status})")


def article_text(n: int) -> str:
    rng = random.Random(n)
    place = rng.choice(["Valletta", "Lima", "Porto", "Oslo", "Gdansk", "Split"])
    return (
        f"Storm {n} closes the port of {place}\n\n"
        f"Gale-force winds closed the port of {place} on Tuesday, officials said in note {n}.\n"
        f"Ferries were cancelled and {rng.randint(2, 90)} boats were moved inland.\n"
        f"Forecasters expect the wind to ease by {rng.choice(['Thursday', 'Friday', 'the weekend'])}."
    )


def run(args: argparse.Namespace) -> int:
    folder = tempfile.mkdtemp(prefix="load-test-")
    database = Path(folder) / "load.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "HF_HUB_OFFLINE": "1",
        "DEBUG": "0",
        "OPENBLAS_NUM_THREADS": "1",
        "EMBEDDING_BACKEND": "sentence-transformers" if args.real_model else "hashing",
    }
    if args.queue:
        env["TASK_BACKEND"] = "django_tasks_db.DatabaseBackend"
    manage(env, "migrate", "--noinput")
    manage(env, "load_seeds")
    manage(
        env,
        "shell",
        "-c",
        f"from django.contrib.auth.models import User; "
        f"User.objects.create_user('editor', password='{PASSWORD}')",
    )
    manage(env, "grant_role", "editor", "editor")
    worker = (
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
        )
        if args.queue
        else None
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "compare.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(args.workers),
            "--threads",
            "2",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(base + "/")
        latencies: dict[str, list[float]] = {"page": [], "upload": []}
        errors: list[str] = []
        accepted: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + args.seconds
        counter = iter(range(10**9))

        def simulate(seed: int) -> None:
            client = Client(base)
            client.login()
            rng = random.Random(seed)
            while time.monotonic() < stop_at:
                n = next(counter)
                if rng.random() < 0.2:
                    text = article_text(n)
                    status, ms, location = client.request(
                        "/articles/new/", {"outlet": f"Outlet {n % 7}", "text": text}
                    )
                    kind, ok = "upload", status == 302 and "/articles/new/" not in location
                    if ok:
                        with lock:
                            accepted.append(f"Storm {n} closes")
                else:
                    path = rng.choice(["/", "/stories/1/", "/?q=storm", "/stories/1/?left=1&right=2"])
                    status, ms, _ = client.request(path)
                    kind, ok = "page", status == 200
                with lock:
                    latencies[kind].append(ms)
                    if not ok:
                        errors.append(f"{kind} -> {status}")

        threads = [threading.Thread(target=simulate, args=(i,)) for i in range(args.clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    if worker is not None:
        worker_seconds = _wait_for_queue(database, deadline=time.monotonic() + 600)
        worker.terminate()
        worker.wait(timeout=30)

    db = sqlite3.connect(database)
    missing = []
    for prefix in accepted:
        row = db.execute(
            "SELECT a.id, a.status, a.story_id, (SELECT COUNT(*) FROM compare_sentence s "
            "WHERE s.article_id = a.id AND s.fact_id IS NULL) FROM compare_article a WHERE a.title LIKE ?",
            (prefix + "%",),
        ).fetchone()
        if row is None or row[1] != "done" or row[2] is None or row[3] != 0:
            missing.append((prefix, row))
    total = sum(len(v) for v in latencies.values())
    result = {
        "seconds": round(elapsed, 1),
        "clients": args.clients,
        "gunicorn_workers": args.workers,
        "requests": total,
        "requests_per_s": round(total / elapsed, 1),
        "errors": len(errors),
        "uploads_accepted": len(accepted),
        "uploads_not_stored_and_aligned": len(missing),
        "task_backend": "database, one db_worker" if args.queue else "immediate",
    }
    if worker is not None:
        result["queue_drained_after_s"] = worker_seconds
    for kind, values in latencies.items():
        values.sort()
        if values:
            result[f"{kind}_ms_p50"] = round(values[len(values) // 2], 1)
            result[f"{kind}_ms_p95"] = round(values[int(len(values) * 0.95) - 1 if len(values) > 1 else 0], 1)
    for key, value in result.items():
        print(f"{key:32} {value}")
    print(json.dumps(result))
    if errors or missing:
        print("errors:", errors[:10], "missing:", missing[:5], file=sys.stderr)
        return 1
    return 0


def _wait_for_queue(database: Path, deadline: float) -> float:
    """Seconds until no article is pending or processing (the worker has caught up), bounded."""
    started = time.monotonic()
    while time.monotonic() < deadline:
        db = sqlite3.connect(database)
        try:
            (waiting,) = db.execute(
                "SELECT COUNT(*) FROM compare_article WHERE status IN ('pending', 'processing')"
            ).fetchone()
        finally:
            db.close()
        if not waiting:
            break
        time.sleep(1)
    return round(time.monotonic() - started, 1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--real-model", action="store_true", help="embed with the real model (slower uploads)"
    )
    parser.add_argument(
        "--queue", action="store_true", help="uploads go to a db_worker through the database task backend"
    )
    sys.exit(run(parser.parse_args()))
