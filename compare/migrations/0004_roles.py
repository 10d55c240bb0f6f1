"""The three role groups (readers, editors, admins) with their permissions.

Permissions are normally created after migrations run (post_migrate); they are
created here first so the groups can hold them on a fresh database. The table
is a frozen copy of compare/services/roles.py at the time of writing;
``manage.py grant_role`` re-applies the current one.
"""

from django.db import migrations

READER = ("view_story", "view_article", "view_sentence", "view_link", "view_fact", "view_removal")
EDITOR = (*READER, "add_article", "change_article", "change_story", "add_link", "change_link")
ADMIN_AUTH = ("view_user", "add_user", "change_user", "view_group")


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    compare = Permission.objects.filter(content_type__app_label="compare")
    table = {
        "readers": list(compare.filter(codename__in=READER)),
        "editors": list(compare.filter(codename__in=EDITOR)),
        "admins": [
            *compare,
            *Permission.objects.filter(content_type__app_label="auth", codename__in=ADMIN_AUTH),
        ],
    }
    for name, permissions in table.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["readers", "editors", "admins"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("compare", "0003_sentence_embedding_model"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
