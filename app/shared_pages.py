"""Whole pages for visitors who carry no session, served before Flask is even asked.

Most people who open the shop are browsing: no account, no cart, no cookie. For them a
catalogue page is the same page, so it is kept whole in the shared cache (Redis when the shop
runs on several nodes) and answered from there by this WSGI layer: no routing, no session, no
database, no template. A view opts in with ``@shared_page``; its page is then rendered without
a session (forms fetch their CSRF token when they are submitted, see static/js/csrf.js), and
kept only if the answer set no cookie.

How fresh: every entry remembers the catalogue version it was built at. A change to a price,
a product or the registry moves that version in the database (app.catalog.cache), and the
commit drops the version's copy in the shared cache, so every node builds the page again on
its next request (at most ``VERSION_SECONDS`` later when the cache is per process, without
Redis). Stock and the sales figures do not move the version; an entry is rebuilt once it is
``SHARED_PAGE_SECONDS`` old (10 s by default), which bounds how old they can be: the first
request past that time is answered from the copy and builds the page again once its answer is
sent, and the others meanwhile get the copy too, older by that one rebuild's time.
A page whose copy is of an older catalogue version is built again by one request too: the
others wait for its copy (up to ``WAIT_FOR_BUILD_SECONDS``) instead of all building it at once
(after a price change, every visitor of a page that takes a second to build).

Browsers get an ETag and revalidate each time (``no-cache``): an unchanged page costs a 304.

A visitor with a session gets the same copy with the header's personal parts (their cart and
account menu) rendered for them in Flask (``personal_copy``): their user is read with their
cart's count in one statement, the page is not built again. Their next catalogue pages are
answered by this layer as well, without Flask: a guest's (their parts follow from their
cookie), and with a shared cache (Redis) a signed-in visitor's, whose parts are kept per user
(app.personal_parts says how they stay fresh and whose they are).
"""

import functools
import hashlib
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable

from babel import Locale
from flask import Response, current_app, g, request, session
from flask_babel import get_locale
from markupsafe import Markup
from werkzeug.wsgi import ClosingIterator

from app import metrics, personal_parts
from app.models_base import without_transaction

log = logging.getLogger(__name__)
VERSION_KEY = "shared-pages:catalogue-version"
# Without Redis each process keeps its own copy of the version; this bounds how long another
# process's change can go unseen.
VERSION_SECONDS = 5
# How long one request may take to rebuild a page before another may try.
REBUILD_SECONDS = 30
REBUILDING = ":rebuilding"
# That a URL's page was kept, for longer than its copy: a copy lapses after 40 s without a
# visitor without a session, and signed-in visitors rebuild only what was kept before.
KEPT = ":kept"
KEPT_SECONDS = 86400
WAIT_FOR_BUILD_SECONDS = 3.0
WAIT_STEP_SECONDS = 0.02
MARK = "X-Shared-Page"
MEMBER_COPY = "dongkou.shared_copy"  # the environ key of the copy the layer found for a visitor with a session
FOUND_SESSION = "dongkou.session_found"  # where personal_copy tells the layer what it found the session to be
# Per-response headers a stored page must not repeat to the next visitor.
NOT_SHARED = {"set-cookie", "x-request-id", "date", "retry-after", "cache-control", MARK.lower()}
SKIPPED_PREFIXES = ("/static/", "/api/", "/bootstrap/", "/media/", "/healthz", "/readyz", "/metrics")


def shared_page(view: Callable) -> Callable:
    """Mark a public page that is the same for every visitor without a session."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if _has_session(request.environ, current_app.config):
            copy = personal_copy()
            return copy if copy is not None else view(*args, **kwargs)
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code == 200:
            response.headers[MARK] = "1"
        return response

    wrapped.shared_page = True  # type: ignore[attr-defined]  # read by SharedPages._is_shared
    return wrapped


def personal_copy() -> Response | None:
    """For a visitor with a session (signed in, or a guest with a cart): the shared copy of this
    page with the header's own parts, their cart count and account menu, rendered for them
    (templates/macros/personal_nav.html). Nothing else on a shared page depends on who looks,
    so this costs one statement (their user with their cart's count), not the page. None when
    their page must be built instead: no copy of the current catalogue version (the layer,
    which rebuilds one that is due, finds none for a request other than a GET), a message
    waiting for them, or another language than the copy's.

    How fresh: as for visitors without a session (the module's docstring)."""
    entry = request.environ.get(MEMBER_COPY)  # found by the layer (SharedPages._copy_for_member)
    if (
        entry is None
        or "_flashes" in session
        # A copy is built without a session: in the default language.
        or get_locale() != locale_named(current_app.config["BABEL_DEFAULT_LOCALE"])
    ):
        return None
    _version, _built_at, status, headers, body = entry
    backend = _backend(current_app)
    # Read before their user is: parts rendered from rows a change has since replaced then carry
    # the generation that change moved on.
    keeping = personal_parts.before_loading(backend, session.get("_user_id")) if "_login_user" not in g else None
    # What follows only reads (the visitor with their cart's count): two of the page's three
    # round trips were the transaction's.
    without_transaction()
    context: dict = {}
    current_app.update_template_context(context)
    parts = current_app.jinja_env.get_template("macros/personal_nav.html").module
    count = context["cart_count"]()
    user = context["current_user"]
    # Their sign-out form fetches its token when sent, as the copy's own forms do: the parts
    # are kept for every session of theirs.
    rendered = {
        b"cart-badge": str(parts.cart_badge(count)).encode(),  # type: ignore[attr-defined]  # a template's macro
        b"account-menu": str(parts.account_menu(user, count, lazy_csrf=True)).encode(),  # type: ignore[attr-defined]
    }
    if keeping is not None and user.is_authenticated and user.id == keeping[0]:
        backend.set(keeping[1], (user.session_version, keeping[2], rendered), timeout=personal_parts.PARTS_SECONDS)
        request.environ[FOUND_SESSION] = personal_parts.SignedIn(user.id, user.session_version)
    elif "_user_id" not in session:
        request.environ[FOUND_SESSION] = personal_parts.Guest(rendered)
    metrics.SHARED_PAGES.labels("personal").inc()
    response = Response(with_parts(body, rendered), status=status, content_type=dict(headers)["Content-Type"])
    response.headers["Cache-Control"] = "private, no-cache"
    return response


_PERSONAL_PART = re.compile(rb"<!--personal:([a-z-]+)-->.*?<!--/personal-->", re.S)


def with_parts(body: bytes, rendered: dict[bytes, bytes]) -> bytes:
    """A shared copy with a visitor's own parts in place of the copy's (as kept: encoded, the
    smaller in memory, and nothing left to encode per page)."""
    return _PERSONAL_PART.sub(lambda found: rendered[found.group(1)], body)


def csrf_field(lazy: bool = False) -> Markup:
    """The hidden CSRF field of a form: the token itself, or for a visitor without a session (or
    when ``lazy``) an empty field that static/js/csrf.js fills when the form is submitted. A token
    lives in the session, so handing one out would set a cookie on every page a visitor merely
    looks at (the language switch is on all of them, error pages included) and end the page's
    sharing."""
    if lazy or not _has_session(request.environ, current_app.config):
        g.lazy_csrf = True
        return Markup('<input type="hidden" name="csrf_token" value="" data-csrf-lazy>')
    from flask_wtf.csrf import generate_csrf

    return Markup('<input type="hidden" name="csrf_token" value="%s">') % generate_csrf()


@functools.cache
def locale_named(name: str) -> Locale:
    """A language's Locale, parsed once per process: personal_copy compares with one on every
    signed-in catalogue page, and the app's locale selector answers one for every request
    (Flask-Babel parses whatever else it answers, every time)."""
    return Locale.parse(name)


def _has_session(environ: dict, config) -> bool:
    cookie = environ.get("HTTP_COOKIE", "")
    if not cookie:
        return False
    names = (config["SESSION_COOKIE_NAME"], config.get("REMEMBER_COOKIE_NAME") or "remember_token")
    return any(f"{name}=" in cookie for name in names)


def _page_key(environ: dict) -> str:
    return (
        "shared-page:"
        + environ.get("HTTP_HOST", "")
        + environ.get("PATH_INFO", "")
        + "?"
        + environ.get("QUERY_STRING", "")
    )


def catalogue_changed() -> None:
    """Called after a commit that moved the catalogue version: every node rebuilds its pages."""
    backend = _backend(current_app)
    if backend is not None:
        backend.delete(VERSION_KEY)


def _backend(app):
    """The cache's storage (cachelib), used directly: this layer runs outside any app context."""
    from app.extensions import cache

    return app.extensions.get("cache", {}).get(cache)


class SharedPages:
    """The WSGI layer in front of the Flask app."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app, self.app = wsgi_app, app
        self.seconds = app.config["SHARED_PAGE_SECONDS"]
        self.known_sessions = personal_parts.KnownSessions()
        self._shared_paths: tuple[frozenset[str], tuple[str, ...]] | None = None

    def _is_shared(self, environ: dict) -> bool:
        """Whether the path may be a ``@shared_page`` view's: the others (the cart, checkout,
        staff pages, a sign-in form) go straight to Flask, without a look in the shared cache.
        A string test on the views' rules (matching the URL map cost 2 % of a page); a path it
        lets through that is not shared only costs that look."""
        if self._shared_paths is None:  # the views are all registered by the first request
            exact: set[str] = set()
            prefixes: set[str] = set()
            for rule in self.app.url_map.iter_rules():
                if getattr(self.app.view_functions.get(rule.endpoint), "shared_page", False):
                    static, converter, _rest = rule.rule.partition("<")
                    (prefixes if converter else exact).add(static)
            self._shared_paths = (frozenset(exact), tuple(sorted(prefixes)))
        path = environ.get("PATH_INFO", "")
        return path in self._shared_paths[0] or path.startswith(self._shared_paths[1])

    def __call__(self, environ: dict, start_response):
        started = time.perf_counter()
        if (
            environ["REQUEST_METHOD"] not in ("GET", "HEAD")
            or environ.get("PATH_INFO", "").startswith(SKIPPED_PREFIXES)
            or "HTTP_AUTHORIZATION" in environ
            or not self._is_shared(environ)
        ):
            return self.wsgi_app(environ, start_response)
        if _has_session(environ, self.app.config):
            if environ["REQUEST_METHOD"] == "GET":
                return self._for_member(environ, start_response, started)
            return self.wsgi_app(environ, start_response)
        backend = _backend(self.app)
        key = _page_key(environ)
        entry, version = backend.get_many(key, VERSION_KEY)
        if version is None:
            version = self._read_version(backend)
        if entry is None:
            # Not built yet, or a page its view did not keep (an error, a page of results): no waiting.
            return self._fill(environ, start_response, backend, key, version)
        if entry[0] != version:
            return self._rebuild_new_version(environ, start_response, backend, key, version, started)
        if time.time() - entry[1] <= self.seconds:
            return self._answer(environ, start_response, entry, "fresh", started)
        # Due for a rebuild: one request rebuilds, the others meanwhile get the copy there is
        # (a page that takes a second to build must not be built by every request of that second).
        answer = self._answer(environ, start_response, entry, "stale", started)
        if not backend.add(key + REBUILDING, 1, timeout=REBUILD_SECONDS):
            return answer
        # The rebuilding request's visitor is answered from the copy too, and the page is built
        # once that answer is sent (the server closes it): nobody waits for a rebuild. On the
        # county's data one visitor of the impact page every ten seconds waited 0.12 s for it on
        # a quiet server, 0.7 s under load; now 2 to 7 ms.
        # As a plain GET: the page it keeps is the one every visitor gets (a HEAD keeps none).
        again = {name: value for name, value in environ.items() if name != "HTTP_IF_NONE_MATCH"}
        rebuild = functools.partial(self._rebuild, {**again, "REQUEST_METHOD": "GET"}, backend, key, version)
        return ClosingIterator(answer, rebuild)

    def _rebuild(self, environ: dict, backend, key: str, version: int) -> None:
        try:
            _read(self._fill_as_builder(environ, lambda status, headers, exc_info=None: None, backend, key, version))
        except Exception:
            # The visitor has their answer; the next request past the copy's time tries again.
            log.exception("rebuilding the shared page %s failed", key)

    def _for_member(self, environ: dict, start_response, started: float):
        """A visitor with a session: the kept copy with their parts, when this process knows
        their session (a guest's parts follow from their cookie; a signed-in visitor's are kept
        in the shared cache while current, app.personal_parts); otherwise Flask answers, given
        the copy to render their parts into (``personal_copy``), and this process learns what
        Flask found their session to be."""
        backend = _backend(self.app)
        key = _page_key(environ)
        signature = personal_parts.fingerprint(environ)
        known = self.known_sessions.get(signature)
        names = [key, VERSION_KEY, key + REBUILDING, key + KEPT]
        if isinstance(known, personal_parts.SignedIn):
            names += personal_parts.keys(known.user_id)
        found = backend.get_many(*names)
        copy = self._copy_for_member(environ, backend, key, *found[:4])
        if copy is not None and isinstance(known, personal_parts.Guest):
            return self._answer_member(environ, start_response, copy, known.parts, started)
        if copy is not None and isinstance(known, personal_parts.SignedIn):
            parts, generation = found[4:]
            if parts is not None and parts[0] == known.session_version and parts[1] == generation:
                return self._answer_member(environ, start_response, copy, parts[2], started)
        environ[MEMBER_COPY] = copy

        def learning(status, headers, exc_info=None):
            session_found = environ.get(FOUND_SESSION)
            if session_found is not None and not any(name.lower() == "set-cookie" for name, _value in headers):
                self.known_sessions.remember(signature, session_found)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, learning)

    def _copy_for_member(self, environ: dict, backend, key, entry, version, rebuilding, kept) -> tuple | None:
        """The kept copy a visitor with a session may be given, or None.

        A copy that is due is built again first, as a visitor without a session would see it,
        by one request, so pages that only signed-in visitors open stay shared too; while
        another request builds it, the copy there is serves, as for everyone. So is a copy that
        lapsed, of a page kept within the day (KEPT). A page never kept is left to the others:
        its view may not keep it (an error page)."""
        if entry is None and kept is None:
            return None
        if version is None:
            version = self._read_version(backend)
        if entry is not None and entry[0] == version and (time.time() - entry[1] <= self.seconds or rebuilding):
            return entry
        if not backend.add(key + REBUILDING, 1, timeout=REBUILD_SECONDS):
            return None  # of an older catalogue version, and being built: the visitor's own page
        without_session = {k: v for k, v in environ.items() if k not in ("HTTP_COOKIE", "HTTP_AUTHORIZATION")}
        _read(self._fill_as_builder(without_session, lambda *_args: None, backend, key, version))
        entry = backend.get(key)
        return entry if entry is not None and entry[0] == version else None

    def _rebuild_new_version(self, environ, start_response, backend, key, version, started):
        """The catalogue changed since the copy was built, so nobody may be shown it: one request
        builds the page again while the others wait for its copy (up to WAIT_FOR_BUILD_SECONDS,
        and only while it is building), instead of every visitor building it at once."""
        if backend.add(key + REBUILDING, 1, timeout=REBUILD_SECONDS):
            return self._fill_as_builder(environ, start_response, backend, key, version)
        deadline = time.monotonic() + WAIT_FOR_BUILD_SECONDS
        while time.monotonic() < deadline:
            time.sleep(WAIT_STEP_SECONDS)
            entry, building = backend.get_many(key, key + REBUILDING)
            if entry is not None and entry[0] == version:
                return self._answer(environ, start_response, entry, "waited", started)
            if building is None:
                break  # the builder is done and kept no copy (the page is no longer shared)
        return self._fill(environ, start_response, backend, key, version)

    def _fill_as_builder(self, environ, start_response, backend, key, version):
        """Build and keep the page, holding the key that tells the others it is being built."""
        try:
            return self._fill(environ, start_response, backend, key, version)
        finally:
            backend.delete(key + REBUILDING)

    def _read_version(self, backend) -> int:
        from app.catalog.cache import catalogue_version

        with self.app.app_context():
            version = catalogue_version()
        backend.set(VERSION_KEY, version, timeout=VERSION_SECONDS)
        return version

    def _fill(self, environ, start_response, backend, key, version):
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)
            return lambda data: None  # the app writes no body through it: Flask returns an iterable

        result = self.wsgi_app(environ, capture)
        headers = captured["headers"]
        names = {name.lower() for name, _value in headers}
        if MARK.lower() not in names or "set-cookie" in names or not captured["status"].startswith("200"):
            start_response(captured["status"], [(n, v) for n, v in headers if n != MARK])
            return result
        body = _read(result)
        kept = [(n, v) for n, v in headers if n.lower() not in NOT_SHARED and not n.lower().startswith("x-ratelimit")]
        kept += [("ETag", '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"')]
        entry = (version, time.time(), captured["status"], kept, body)
        if environ["REQUEST_METHOD"] == "GET":
            # Kept past its freshness so there is a copy to serve while it is being rebuilt.
            backend.set(key, entry, timeout=self.seconds + REBUILD_SECONDS)
            backend.set(key + KEPT, 1, timeout=KEPT_SECONDS)
        # The app timed this request itself (its endpoint is known there): only counted here.
        return self._answer(environ, start_response, entry, "built")

    def _answer(self, environ, start_response, entry, outcome: str, started: float | None = None):
        _version, _built_at, status, headers, body = entry
        etag = headers[-1][1]
        served = [*headers, ("Cache-Control", "public, no-cache"), ("X-Request-ID", uuid.uuid4().hex)]
        if environ.get("HTTP_IF_NONE_MATCH") == etag:
            outcome, status = "not_modified", "304 Not Modified"
            served = [(n, v) for n, v in served if n.lower() not in ("content-length",)]
        return self._send(environ, start_response, status, served, body, outcome, started)

    def _answer_member(self, environ, start_response, entry, rendered: dict[bytes, bytes], started: float):
        """The copy with a signed-in visitor's own parts, as personal_copy answers it in Flask:
        private to them, and without the copy's ETag, which names the copy, not their page."""
        _version, _built_at, status, headers, body = entry
        page = with_parts(body, rendered)
        served = [(n, v) for n, v in headers if n.lower() not in ("etag", "content-length")]
        served += [
            ("Content-Length", str(len(page))),
            ("Cache-Control", "private, no-cache"),
            ("Vary", "Cookie"),
            ("X-Request-ID", uuid.uuid4().hex),
        ]
        return self._send(environ, start_response, status, served, page, "personal", started)

    @staticmethod
    def _send(environ, start_response, status: str, headers: list, body: bytes, outcome: str, started):
        metrics.SHARED_PAGES.labels(outcome).inc()
        if started is not None:
            metrics.observe(
                metrics.SHARED_PAGE_ENDPOINT, environ["REQUEST_METHOD"], status, time.perf_counter() - started
            )
        start_response(status, headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" or status.startswith("304") else [body]


def _read(result: Iterable[bytes]) -> bytes:
    try:
        return b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
