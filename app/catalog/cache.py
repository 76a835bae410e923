"""Rendered catalogue pages are cached, keyed by a catalogue version that moves in the same
transaction as any change to what those pages show. Every worker reads the version (one indexed
row) per request, so a change shows everywhere at once; Redis holds the fragments when REDIS_URL
is set.

Nobody bumps the version by hand: the listeners below watch the session for writes to the
tables behind the cached pages (catalogue, registry, events) and move it. Stock is not on the
cached pages (offers are read live), so stock-only updates leave the cache alone."""

import functools

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from app.catalog.models import Category, Certification, Product, ProductImage, Sku
from app.clock import today
from app.events.models import Event
from app.extensions import Model, cache, db
from app.models_base import table_of
from app.registry.models import BenefitLink, Household, Producer, Township, Village
from app.shared_pages import catalogue_changed


class CatalogueVersion(Model):
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


def _bump(session: Session) -> None:
    # Below the ORM: it runs inside a flush, where the session takes no new statements.
    session.info["catalogue_moved"] = True
    connection = session.connection()
    table = table_of(CatalogueVersion)
    if not connection.execute(update(table).where(table.c.id == 1).values(version=table.c.version + 1)).rowcount:
        connection.execute(insert(table).values(id=1, version=2))


# What the cached pages show: the catalogue, who it helps (registry), and the current event.
WATCHED = (
    Category,
    Certification,
    Product,
    ProductImage,
    Sku,
    Event,
    BenefitLink,
    Household,
    Producer,
    Township,
    Village,
)


def _shown_change(session: Session, obj) -> bool:
    if not isinstance(obj, WATCHED):
        return False
    if obj in session.dirty:
        if not session.is_modified(obj):
            return False
        if isinstance(obj, Sku):
            return any(a.history.has_changes() for a in inspect(obj).attrs if a.key != "stock")
    return True


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    if any(_shown_change(session, obj) for obj in (*session.new, *session.dirty, *session.deleted)):
        _bump(session)


@event.listens_for(Session, "do_orm_execute")
def _on_bulk_statement(state: ORMExecuteState) -> None:
    """INSERT/UPDATE/DELETE statements on the watched tables (an import's households), except
    the stock-taking UPDATEs on SKUs that every sale makes."""
    if not (state.is_insert or state.is_update or state.is_delete) or state.bind_mapper is None:
        return
    model = state.bind_mapper.class_
    if issubclass(model, WATCHED) and model is not Sku:
        _bump(state.session)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop("catalogue_moved", False):
        catalogue_changed()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("catalogue_moved", None)


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
