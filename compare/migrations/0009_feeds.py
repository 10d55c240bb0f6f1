"""Feeds, their items and hosts, and article revisions; admins get the new models' permissions.

Permissions are normally created after migrations (post_migrate); they are created here first so the
admins group (every compare permission, see 0004_roles) holds them on an existing database too.
"""

import compare.models
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def give_admins_feeds(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("compare")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admins = Group.objects.filter(name="admins").first()
    if admins is not None:
        models_ = ("feed", "feeditem", "feedhost", "articlerevision")
        admins.permissions.add(
            *Permission.objects.filter(content_type__app_label="compare", content_type__model__in=models_)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('compare', '0008_aligned_pair_compared'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FeedHost',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('host', models.CharField(max_length=255, unique=True)),
                ('next_allowed_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('robots_txt', models.TextField(blank=True)),
                ('robots_fetched_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.CreateModel(
            name='Feed',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.URLField(max_length=2000, unique=True, validators=[compare.models.web_url])),
                ('etag', models.CharField(blank=True, max_length=500)),
                ('last_modified', models.CharField(blank=True, max_length=100)),
                ('last_polled_at', models.DateTimeField(blank=True, null=True)),
                ('next_poll_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('lease_until', models.DateTimeField(blank=True, null=True)),
                ('failures', models.PositiveIntegerField(default=0, help_text='Failed polls in a row (the back-off)')),
                ('last_error', models.TextField(blank=True, help_text='In plain words, for the feeds screen')),
                ('items_found', models.PositiveIntegerField(default=0)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('outlet', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='feeds', to='compare.outlet')),
            ],
            options={
                'ordering': ['outlet__name', 'url'],
            },
        ),
        migrations.CreateModel(
            name='ArticleRevision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(help_text='1 is the version first stored')),
                ('fetched_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('raw_html', models.TextField(blank=True)),
                ('text', models.TextField()),
                ('content_hash', models.CharField(max_length=64)),
                ('changes', models.JSONField(blank=True, default=dict)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='compare.article')),
            ],
            options={
                'ordering': ['article', 'number'],
                'constraints': [models.UniqueConstraint(fields=('article', 'number'), name='article_revision_number_unique')],
            },
        ),
        migrations.CreateModel(
            name='FeedItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.URLField(max_length=2000, validators=[compare.models.web_url])),
                ('guid', models.CharField(blank=True, max_length=500)),
                ('title', models.CharField(blank=True, max_length=500)),
                ('first_seen', models.DateTimeField(default=django.utils.timezone.now)),
                ('next_check_at', models.DateTimeField(blank=True, db_index=True, null=True)),
                ('checks', models.PositiveIntegerField(default=0)),
                ('article', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='feed_items', to='compare.article')),
                ('feed', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='compare.feed')),
            ],
            options={
                'ordering': ['-first_seen', 'id'],
                'constraints': [models.UniqueConstraint(fields=('feed', 'url'), name='feed_item_url_unique')],
            },
        ),
        migrations.RunPython(give_admins_feeds, migrations.RunPython.noop),
    ]
