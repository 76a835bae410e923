"""A signed-in visitor's own parts of a shared page (their cart's count and account menu), kept
per user in the shared cache so the layer in front of Flask can answer them a catalogue page
whole, as it answers visitors without a session (app.shared_pages).

Who is signed in: the first page a session cookie asks for goes through Flask, which checks the
cookie's signature and age and loads its user (Flask-Login); each process then remembers which
user and session version that very cookie (with the address and browser Flask-Login checks it
against) carried, for ``SESSION_SECONDS``. Nothing about a session is trusted beyond that: the
kept parts carry the session version they were rendered for, and a session ended anywhere
(sign-out everywhere, a new password, a disabled account) moves the version, so its cookie
finds no parts of its own and goes back to Flask, which refuses it.

A guest with a session (a cart kept in their cookie, no account) needs nothing kept: their
parts follow from the cookie alone, so each process remembers them with the cookie, with or
without a shared cache.

How fresh: every committed change to a user or their cart moves their generation (a counter in
the shared cache) once its transaction has ended; parts rendered before the change carry the
generation read before their user was, and are not served again. Only a shared cache (Redis)
gives every process that counter, so only then are parts kept; with a cache per process the
pages are answered in Flask, as before."""

import functools
import threading
import time
from collections import OrderedDict
from itertools import chain
from typing import TYPE_CHECKING, NamedTuple

from cachelib.redis import RedisCache
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User

PARTS = "personal-parts:"  # + user id: (session version, generation, {part name: its HTML, encoded})
GENERATION = "personal-parts-generation:"  # + user id: moved by every change to them or their cart
PARTS_SECONDS = 600
SESSION_SECONDS = 60
KNOWN_SESSIONS = 1024
_MOVED = "personal_parts_moved"


def keys(user_id: int) -> tuple[str, str]:
    return f"{PARTS}{user_id}", f"{GENERATION}{user_id}"


def kept_for_members(backend) -> bool:
    """Whether parts may be kept: every process must see every generation move."""
    return isinstance(backend, RedisCache)


def before_loading(backend, session_id: str | None) -> tuple[int, str, int | None] | None:
    """For a signed-in visitor whose parts may be kept: their user id, the key to keep them
    under and their generation now, read before their user is loaded."""
    from app.accounts.services import session_key

    found = session_key(session_id)
    if found is None or not kept_for_members(backend):
        return None
    parts_key, generation_key = keys(found[0])
    return found[0], parts_key, backend.get(generation_key)


def fingerprint(environ: dict) -> tuple[str, str, str, str]:
    """What Flask checked a session by: its cookie, and the address and browser that Flask-Login's
    session protection compares with the ones it signed in from."""
    return (
        environ.get("HTTP_COOKIE", ""),
        environ.get("REMOTE_ADDR", ""),
        environ.get("HTTP_X_FORWARDED_FOR", ""),
        environ.get("HTTP_USER_AGENT", ""),
    )


class SignedIn(NamedTuple):
    """A session cookie Flask found signed in: whose, and at which session version."""

    user_id: int
    session_version: int


class Guest(NamedTuple):
    """A session cookie Flask found signed out: the parts it rendered for it, which follow from
    the cookie alone (the cart's count in it, the sign-in links)."""

    parts: dict[bytes, bytes]


class KnownSessions:
    """Per process: what Flask lately found each session cookie to be (SignedIn or Guest), so
    its next catalogue pages need neither its signature checked again nor its user loaded.
    Bounded: the least lately seen are forgotten first. Locked: a threaded server's requests
    share it."""

    def __init__(self, size: int = KNOWN_SESSIONS, seconds: float = SESSION_SECONDS):
        self.size, self.seconds = size, seconds
        self._found: OrderedDict[tuple, tuple[SignedIn | Guest, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> SignedIn | Guest | None:
        with self._lock:
            found = self._found.get(key)
            if found is None:
                return None
            if found[1] < time.monotonic():
                del self._found[key]
                return None
            self._found.move_to_end(key)
            return found[0]

    def remember(self, key: tuple, found: SignedIn | Guest) -> None:
        with self._lock:
            self._found[key] = (found, time.monotonic() + self.seconds)
            self._found.move_to_end(key)
            if len(self._found) > self.size:
                self._found.popitem(last=False)


def changed(user_id: int) -> None:
    """Their cart or account changes in the session's transaction: their kept parts are not
    served once it has ended (committed or not: a needless rebuild is harmless)."""
    _mark(db.session, user_id)


def _mark(session, user_id: int) -> None:
    session.info.setdefault(_MOVED, set()).add(user_id)


@event.listens_for(Session, "after_flush")
def _users_changed(session: Session, _context) -> None:
    # Before the flush's bookkeeping: dirty and deleted still list what was written.
    user = _user_model()
    for obj in chain(session.dirty, session.deleted):
        if isinstance(obj, user) and (obj in session.deleted or session.is_modified(obj)):
            _mark(session, obj.id)


@functools.cache
def _user_model() -> "type[User]":
    # Imported when first needed: the accounts package imports the views that import this layer.
    from app.accounts.models import User

    return User


@event.listens_for(Session, "after_transaction_end")
def _move_generations(session: Session, transaction: SessionTransaction) -> None:
    # After the commit, never before: parts rendered from the old rows while it was pending
    # carry the old generation. A statement run alone (autocommit) has committed by now too.
    if transaction.parent is not None:
        return
    moved = session.info.pop(_MOVED, None)
    if moved:
        from app.shared_pages import _backend

        backend = _backend(current_app)
        if not kept_for_members(backend):
            return  # no parts are kept, so no generation is read
        for user_id in moved:
            backend.inc(keys(user_id)[1])
