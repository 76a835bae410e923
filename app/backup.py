"""Backups and restores of a whole shop: the database (SQLite's online backup API, safe while
the shop runs; pg_dump / pg_restore for PostgreSQL) and every stored file (product pictures,
issued documents, exports, staged imports) from the configured storage, local or bucket.

A backup is a folder holding ``database.sqlite`` or ``database.pgdump`` and ``storage.tar``
(one member per file, named ``<area>/<key>``). Secrets are not in it: keep SECRET_KEY, the
Stripe keys and the storage keys apart (README, Production)."""

import io
import sqlite3
import subprocess  # nosec B404 - runs pg_dump/pg_restore with fixed arguments, no shell
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from app.storage import AREAS, storage_for


class BackupError(Exception):
    pass


def _sqlite_path(url) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return url.database


def _libpq(url) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def backup_shop(config, folder: Path) -> Path:
    """A new backup folder in ``folder`` with the database and every stored file; returns it.
    The database is copied first: a file it names that arrives meanwhile is in the tar too."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"dongkou-{stamp}"
    target.mkdir(parents=True)
    backup(config["SQLALCHEMY_DATABASE_URI"], target)
    with tarfile.open(target / "storage.tar", "w") as archive:
        for area in AREAS:
            files = storage_for(config, area)
            for key in files.keys():
                with files.open(key) as stored:
                    data = stored.read()
                member = tarfile.TarInfo(f"{area}/{key}")
                member.size = len(data)
                archive.addfile(member, io.BytesIO(data))
    return target


def restore_shop(config, source: Path) -> int:
    """Put a backup folder's database and files back; returns the number of files. A single
    database file (backups made before files were included) restores the database only."""
    if source.is_file():
        restore(config["SQLALCHEMY_DATABASE_URI"], source)
        return 0
    databases = sorted(source.glob("database.*"))
    if not databases:
        raise BackupError(f"{source} holds no database.sqlite or database.pgdump")
    restore(config["SQLALCHEMY_DATABASE_URI"], databases[0])
    restored = 0
    with tarfile.open(source / "storage.tar") as archive:
        for member in archive:
            area, _, key = member.name.partition("/")
            if not member.isfile() or area not in AREAS:
                continue
            content = archive.extractfile(member)
            if content is None:
                continue
            storage_for(config, area).put(key, content)
            restored += 1
    return restored


def backup(database_url: str, folder: Path) -> Path:
    """Write a consistent copy of the database into ``folder``; returns the file."""
    url = make_url(database_url)
    folder.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        target = folder / "database.sqlite"
        with sqlite3.connect(_sqlite_path(url)) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return target
    if url.get_backend_name() == "postgresql":
        target = folder / "database.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq(url)])
        return target
    raise BackupError(f"no backup method for {url.get_backend_name()}")


def restore(database_url: str, backup_file: Path) -> None:
    """Replace the database's contents with the backup's. Stop the app's writers first."""
    if not backup_file.is_file():
        raise BackupError(f"{backup_file} does not exist")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(backup_file) as source, sqlite3.connect(_sqlite_path(url)) as live:
            source.backup(live)
        return
    if url.get_backend_name() == "postgresql":
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={_libpq(url)}",
                str(backup_file),
            ]
        )
        return
    raise BackupError(f"no restore method for {url.get_backend_name()}")


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=3600)  # nosec B603
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)") from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} failed: {exc.stderr.strip()[-500:]}") from exc
