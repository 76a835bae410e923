"""Backups and restores of the whole database: SQLite's online backup API (safe while the
shop runs), pg_dump / pg_restore for PostgreSQL."""
import sqlite3
import subprocess  # nosec B404 - runs pg_dump/pg_restore with fixed arguments, no shell
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    pass


def _sqlite_path(url) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return url.database


def _libpq(url) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def backup(database_url: str, folder: Path) -> Path:
    """Write a consistent copy of the database into ``folder``; returns the file."""
    url = make_url(database_url)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    if url.get_backend_name() == "sqlite":
        target = folder / f"dongkou-{stamp}.sqlite"
        with sqlite3.connect(_sqlite_path(url)) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return target
    if url.get_backend_name() == "postgresql":
        target = folder / f"dongkou-{stamp}.pgdump"
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
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={_libpq(url)}", str(backup_file)])
        return
    raise BackupError(f"no restore method for {url.get_backend_name()}")


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=3600)  # nosec B603
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)") from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} failed: {exc.stderr.strip()[-500:]}") from exc
