"""Rendered catalogue pages are cached, keyed by a catalogue version that every catalogue change
bumps in its own transaction. Every worker reads the version (one indexed row) per request, so a
change shows everywhere at once; Redis holds the fragments when REDIS_URL is set."""
import functools

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import select, update
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import today
from app.extensions import cache, db


class CatalogueVersion(db.Model):
    __tablename__ = "catalogue_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)


def catalogue_version() -> int:
    # Every catalogue page asks first: a statement built once, run below the ORM (a fifth of a
    # cached product page's time went to building and running it as an ORM query).
    return db.session.connection().scalar(_reading_version()) or 0


@functools.cache
def _reading_version():
    table = CatalogueVersion.__table__
    return select(table.c.version).where(table.c.id == 1)


def bump_catalogue_version() -> None:
    """Call inside the transaction that changes what the catalogue pages show. Does not commit."""
    moved = db.session.execute(update(CatalogueVersion).where(CatalogueVersion.id == 1)
                               .values(version=CatalogueVersion.version + 1)).rowcount
    if not moved:
        db.session.add(CatalogueVersion(id=1, version=2))


def cached(name: str, variant: str, build, version: int | None = None):
    """What ``build()`` makes for (name, language, day, catalogue version, variant), built on a miss."""
    version = catalogue_version() if version is None else version
    key = f"{name}:{get_locale()}:{today()}:{version}:{variant}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=current_app.config["CATALOGUE_CACHE_SECONDS"])
    return value


def cached_body(name: str, variant: str, build, version: int | None = None) -> Markup:
    """A rendered page body; nothing in it may depend on who is asking."""
    # The body is the output of our own autoescaped templates, not user input.
    return Markup(cached(name, variant, build, version))  # nosec B704
