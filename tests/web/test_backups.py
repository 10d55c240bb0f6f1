"""manage.py backup and restore: what was stored comes back, on SQLite and on PostgreSQL."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from compare.models import Article, Story
from compare.services import backups
from compare.services.backups import BackupError
from compare.services.ingest import ArticleInput, ingest

TEXT = "Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said."


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_what_was_stored(tmp_path):
    story = Story.objects.create(title="Storm", title_set_by_editor=True)
    article = ingest(ArticleInput(text=TEXT, outlet="Times of Malta"), story=story).article
    path = tmp_path / "compare.backup"
    out = StringIO()
    call_command("backup", str(path), stdout=out)
    assert path.stat().st_size > 0 and str(path) in out.getvalue()

    story_id = story.pk
    story.delete()
    Story.objects.create(title="Written after the backup")
    call_command("restore", str(path), "--yes", stdout=out)

    assert list(Story.objects.values_list("title", flat=True)) == ["Storm"]
    restored = Article.objects.get()
    assert restored.pk == article.pk and restored.raw_text == TEXT and restored.story_id == story_id
    assert restored.sentences.count() == article.sentences.count() > 0


@pytest.mark.django_db
def test_restore_needs_confirmation(tmp_path):
    with pytest.raises(CommandError, match="add --yes"):
        call_command("restore", str(tmp_path / "x.backup"))


@pytest.mark.django_db
def test_restore_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="There is no backup file"):
        call_command("restore", str(tmp_path / "missing.backup"), "--yes")


@pytest.mark.django_db
def test_backup_does_not_overwrite_without_force(tmp_path):
    path = tmp_path / "exists.backup"
    path.write_text("keep me")
    with pytest.raises(CommandError, match="add --force"):
        call_command("backup", str(path))
    assert path.read_text() == "keep me"


@pytest.mark.django_db
def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    path = tmp_path / "notes.backup"
    path.write_text("not a database")
    with pytest.raises(CommandError):
        call_command("restore", str(path), "--yes")
    assert Story.objects.count() == 0  # nothing was touched


def test_missing_postgresql_programs_are_named_with_the_fix(monkeypatch):
    monkeypatch.setattr(backups.shutil, "which", lambda program: None)
    with pytest.raises(BackupError, match="pg_dump is not installed on this machine.*postgresql-client"):
        backups._run("pg_dump", "--version")
