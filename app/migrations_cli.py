"""Alembic, through Flask-Migrate, loaded only where migrations are run: the ``flask`` command
line (``flask db …``) and the tests. With Mako and Pygments it weighs 11 MB, which no gunicorn
worker serving pages needs; /readyz reads the migrations' heads from the files themselves."""

import re
from functools import lru_cache
from pathlib import Path

from flask import Flask

from app.extensions import db


def init_migrations(app: Flask) -> None:
    """Give ``app`` Flask-Migrate, once."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    Migrate(render_as_batch=True, compare_type=True).init_app(app, db, directory=app.config["MIGRATIONS_DIRECTORY"])


@lru_cache
def migration_heads(directory: str) -> frozenset[str]:
    """The revisions no other revision follows, read from the version files (as Alembic would)."""
    revisions, followed = set(), set()
    for path in Path(directory, "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision = re.search(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", text, re.M)
        down = re.search(r"^down_revision\s*=\s*(.+)$", text, re.M)
        if revision:
            revisions.add(revision.group(1))
        if down:
            followed.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return frozenset(revisions - followed)
