"""Who may see and do what, checked on every view: the roles live in compare/services/roles.py.

Someone not signed in is sent to the sign-in page; someone signed in without
the permission gets a 403 page saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]

# The permission every reading page needs when READING_REQUIRES_LOGIN is on.
READ = "compare.view_story"


def _check(request: HttpRequest, perm: str) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(perm):
        raise PermissionDenied("Your account does not have the role this needs.")
    return None


def permission_required(perm: str) -> Callable[[View], View]:
    """The view needs a signed-in user holding ``perm`` (an app_label.codename)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            return _check(request, perm) or view(request, *args, **kwargs)

        return wrapper

    return decorator


def reader_required(view: View) -> View:
    """Reading is open unless READING_REQUIRES_LOGIN is on (checked per request, so tests can flip it)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if settings.READING_REQUIRES_LOGIN and (refused := _check(request, READ)):
            return refused
        return view(request, *args, **kwargs)

    return wrapper
