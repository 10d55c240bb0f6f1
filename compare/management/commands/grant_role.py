"""manage.py grant_role USER ROLE : make a user a reader, an editor or an admin."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from compare.services.roles import ROLES, grant_role


class Command(BaseCommand):
    help = "Give a user a role: reader (reads), editor (adds and corrects), admin (also manages accounts)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=list(ROLES))

    def handle(self, *args, username: str, role: str, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"There is no user '{username}' (create one with createsuperuser).") from None
        grant_role(user, role)
        self.stdout.write(f"{username} is now {'an' if role[0] in 'ae' else 'a'} {role}.")
