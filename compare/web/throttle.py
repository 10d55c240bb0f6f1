"""Per-client rate limits for costly views, counted in Django's cache.

A fixed one-minute window per client: the signed-in user, or the address the
request came from. The default cache is per process: with several web
processes each counts on its own (set a shared cache to count them together).
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 60


def client_key(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"addr:{request.META.get('REMOTE_ADDR', '')}"


def over_limit(request: HttpRequest, action: str, per_minute: int) -> int:
    """Count this request; seconds until the client may try again when over the limit, else 0."""
    if per_minute <= 0:
        return 0
    window = int(time.time() // WINDOW_SECONDS)
    key = f"throttle:{action}:{client_key(request)}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    if count <= per_minute:
        return 0
    return WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS
