"""Who may do what: three roles, each a Django group with a fixed set of permissions.

- **reader**: reads stories (needed only when ``READING_REQUIRES_LOGIN`` is on).
- **editor**: a reader who also adds articles and corrects the machine.
- **admin**: an editor who also deletes and manages accounts in the admin site.

The groups are created by migration ``0004_roles``; ``ensure_roles`` brings
them back in step with this table (``manage.py grant_role`` calls it, so a
database flushed by the tests or edited by hand is repaired on first use).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.db import transaction

READER = ("view_story", "view_article", "view_sentence", "view_link", "view_fact", "view_removal")
EDITOR = (*READER, "add_article", "change_article", "change_story", "add_link", "change_link")
ADMIN_AUTH = ("view_user", "add_user", "change_user", "view_group")

# role name -> (group name, compare permissions); admins get every compare permission.
ROLES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "reader": ("readers", READER),
    "editor": ("editors", EDITOR),
    "admin": ("admins", None),
}


class UnknownRole(ValueError):
    """A role name that is not one of ``ROLES``."""


def _permissions(codenames: tuple[str, ...] | None, role: str) -> list[Permission]:
    compare = Permission.objects.filter(content_type__app_label="compare")
    if codenames is not None:
        return list(compare.filter(codename__in=codenames))
    auth = Permission.objects.filter(content_type__app_label="auth", codename__in=ADMIN_AUTH)
    return [*compare, *auth]


@transaction.atomic
def ensure_roles() -> dict[str, Group]:
    """Create the role groups if missing and set each one's permissions to the table above."""
    groups = {}
    for role, (name, codenames) in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(codenames, role))
        groups[role] = group
    return groups


@transaction.atomic
def grant_role(user: AbstractBaseUser, role: str) -> None:
    """Give ``user`` exactly this role (the other role groups are taken away).

    Admins are staff (they may sign in to the admin site); the others are not, unless superusers.
    """
    if role not in ROLES:
        raise UnknownRole(f"Unknown role '{role}': choose one of {', '.join(ROLES)}.")
    groups = ensure_roles()
    user.groups.remove(*(group for name, group in groups.items() if name != role))
    user.groups.add(groups[role])
    user.is_staff = role == "admin" or user.is_superuser
    user.save(update_fields=["is_staff"])


def role_of(user: AbstractBaseUser) -> str | None:
    """The user's role, the highest if several; None without one."""
    names = set(user.groups.values_list("name", flat=True))
    return next((role for role in reversed(ROLES) if ROLES[role][0] in names), None)
