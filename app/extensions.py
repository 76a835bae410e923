"""The Flask extensions, created unbound and initialised by the application factory."""

import select
from types import SimpleNamespace
from typing import TYPE_CHECKING

from flask import request
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import Pool
from werkzeug.datastructures import Headers

from app.replica import ReplicaAwareSession

# Named constraints let Alembic alter tables on SQLite and keep migrations reproducible.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """SQLAlchemy 2.0's typed declarative base, under Flask-SQLAlchemy's db.Model."""

    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base, session_options={"class_": ReplicaAwareSession})

# What models subclass: at run time db.Model (built on Base, with Flask-SQLAlchemy's table
# names and session), to the type checker Base itself, whose Mapped columns it understands.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()


class ViewLimiter(Limiter):
    """Flask-Limiter, asked before a request only when some limit covers every view.

    Its before-request hook works out, for every request, which limits apply to the view: 0.23 M
    instructions a request (callgrind), a fifteenth of a signed-in page, on every page. This
    shop's limits are declared on the views that need them (sign-in, the phone code, notices),
    and each such view's decorator checks its limits itself when the view runs; the hook only
    adds default, application, meta and blueprint limits, of which it has none. Should one be
    set, the hook checks every request again."""

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        if in_middleware and not self._limits_beyond_views():
            return
        super()._check_request_limit(callable_name, in_middleware)

    def _limits_beyond_views(self) -> bool:
        manager = self.limit_manager
        return bool(
            self._meta_limits or manager._default_limits or manager._application_limits or manager._blueprint_limits
        )


# Limits are declared on the views that need them (sign-in); storage is set per app.
limiter = ViewLimiter(key_func=get_remote_address)


class SecurityHeaders(Talisman):
    """Flask-Talisman, with the headers it sets worked out once per view and scheme.

    It builds the same policy strings again for every answer, and looks each view's options up
    three times a request: 0.27 M instructions a request (callgrind), 7 % of an order's two.
    Without nonces the headers depend on nothing but the view's options and whether the request
    came over HTTPS (HSTS), so each (endpoint, scheme) pair's are kept once built, and each
    view's options once looked up."""

    _by_view: dict[tuple[str | None, bool], list[tuple[str, str]]]
    _options_by_view: dict[str | None, dict]

    def init_app(self, app, **options) -> None:
        # Talisman keeps one app's settings (the last one given): so do its kept headers.
        super().init_app(app, **options)
        self._by_view, self._options_by_view = {}, {}

    def _get_local_options(self):
        # A view's options are its decorator's and the app's settings: fixed once the app runs.
        options = self._options_by_view.get(request.endpoint)
        if options is None:
            options = self._options_by_view[request.endpoint] = super()._get_local_options()
        return options

    def _force_https(self):
        # Talisman also sets SESSION_COOKIE_SECURE from its own argument on every request; ours
        # is that setting itself (init_security), so a view that does not force HTTPS has
        # nothing left to do here.
        if self._get_local_options()["force_https"]:
            return super()._force_https()
        return None

    def _set_response_headers(self, response):
        if self.content_security_policy_nonce_in and getattr(request, "csp_nonce", None):
            return super()._set_response_headers(response)
        key = (request.endpoint, request.is_secure or request.headers.get("X-Forwarded-Proto") == "https")
        headers = self._by_view.get(key)
        if headers is None:
            # Talisman writes on a response's headers: a bare stand-in keeps only its own.
            blank = SimpleNamespace(headers=Headers())
            super()._set_response_headers(blank)
            headers = self._by_view[key] = list(blank.headers.items())
        response.headers.update(headers)
        return response


talisman = SecurityHeaders()
cache = Cache()


@event.listens_for(Engine, "connect")
def _session_settings(dbapi_connection, _record):
    if type(dbapi_connection).__module__.startswith("psycopg"):
        # Times are stored as UTC without a zone. PostgreSQL turns the aware datetimes we send
        # into its session's zone, and COPY (bulk writes) takes them as written: a UTC session
        # makes both the same whatever the server's TimeZone.
        dbapi_connection.execute("SET TIME ZONE 'UTC'")
        # The reports' scans of the roll-up cost enough to be JIT-compiled, and compiling took
        # longer than it saved (65 ms on a 285 ms query on the county data); nothing else here
        # runs long enough to gain from it.
        dbapi_connection.execute("SET jit = off")
        dbapi_connection.commit()
        return
    # SQLite ignores foreign keys unless asked, and WAL lets readers run beside a writer.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()


@event.listens_for(Pool, "checkout")
def _replace_closed_connection(dbapi_connection, _record, _proxy):
    """Refuse a pooled PostgreSQL connection the server has closed, so the pool opens a new one
    before the request uses it (a database restart, an idle timeout, pg_terminate_backend).

    This stands in for pool_pre_ping, whose SELECT 1 was one more round trip on every request
    (checkout took a fifth more orders per second without it). An idle connection normally has
    nothing to read; only when its socket is readable (the server's goodbye, or something
    harmless such as a notice) is it pinged, and refused if the ping fails. A network that
    drops silently still shows up only at the first query, which then fails and resets the pool."""
    if not type(dbapi_connection).__module__.startswith("psycopg"):
        return
    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("the connection is closed")
    poller = select.poll()
    poller.register(dbapi_connection.pgconn.socket, select.POLLIN)
    if not poller.poll(0):
        return
    try:
        dbapi_connection.execute("SELECT 1")
        dbapi_connection.rollback()
    except dbapi_connection.Error as error:
        raise DisconnectionError("the server closed this idle connection") from error
