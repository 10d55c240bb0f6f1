"""Backups of the whole database, and restoring one: SQLite through its backup API, PostgreSQL
through pg_dump and pg_restore (the PostgreSQL client programs, which must be installed).

A SQLite backup is a consistent copy taken while the app runs (the backup API
copies page by page under the database's own locks); a PostgreSQL backup is
pg_dump's custom format, consistent as of the moment it starts.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

from compare.services.story_index import reset_index


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


def engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def backup(path: Path) -> str:
    """Write the whole database to ``path``; returns what was written, for the operator."""
    path = Path(path)
    if engine() == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        target.close()
        return f"SQLite database copied to {path} ({path.stat().st_size:,} bytes)"
    _run("pg_dump", "--format=custom", "--no-owner", f"--file={path}", _pg_database())
    return f"PostgreSQL database dumped to {path} ({path.stat().st_size:,} bytes)"


def restore(path: Path) -> str:
    """Replace the whole database with the backup at ``path``."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    if engine() == "sqlite":
        _check_sqlite_backup(path)
        connection.ensure_connection()
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
        source.close()
        reset_index()  # this process's story index described the data just replaced
        return f"SQLite database restored from {path}"
    try:
        _run("pg_restore", "--list", str(path))  # reads the file only: is it a pg_dump archive?
    except BackupError:
        raise BackupError(f"{path} is not a PostgreSQL backup made by manage.py backup.") from None
    connection.close()  # pg_restore drops and recreates the tables: no session of ours may hold them
    _run(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        f"--dbname={_pg_database()}",
        str(path),
    )
    reset_index()
    return f"PostgreSQL database restored from {path}"


def _check_sqlite_backup(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as source:
            tables = {row[0] for row in source.execute("select name from sqlite_master where type='table'")}
        source.close()
    except sqlite3.DatabaseError:
        raise BackupError(f"{path} is not a SQLite database.") from None
    if not {"django_migrations", "compare_article"} <= tables:
        raise BackupError(f"{path} is not a backup of this app's database (its tables are missing).")


def _pg_database() -> str:
    """The database's name; host, port and user travel in the environment (see ``_pg_environment``)."""
    return connection.settings_dict["NAME"]


def _pg_environment() -> dict[str, str]:
    settings_dict = connection.settings_dict
    env = dict(os.environ)
    for variable, key in [
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ]:
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _run(program: str, *args: str) -> None:
    if shutil.which(program) is None:
        raise BackupError(
            f"{program} is not installed on this machine: PostgreSQL backups need the PostgreSQL client "
            "programs (Debian: apt-get install postgresql-client, of the server's major version or newer)."
        )
    result = subprocess.run([program, *args], env=_pg_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip() or f'exit status {result.returncode}'}")
