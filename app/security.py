"""The security baseline every answer gets: headers and a Content-Security-Policy (Talisman),
rate limits (Flask-Limiter, in Redis when REDIS_URL is set), no caching of private pages,
a request id on every log line, and a refusal to run in production on a weak secret."""

import logging
import re
import secrets
import sys
import uuid
from urllib.parse import urlsplit

from flask import Flask, g, has_request_context, request, session
from pythonjsonlogger.json import JsonFormatter

from app.extensions import limiter, talisman

# Pages with personal or business data: never kept by a browser or a proxy.
PRIVATE_PREFIXES = ("/account", "/units", "/staff", "/pos", "/orders", "/pay", "/checkout", "/cart", "/api")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
WEAK_SECRETS = {"", "dev", "change-me", "changeme", "secret", "test-secret-key-not-for-production"}


class InsecureConfiguration(RuntimeError):
    pass


def check_production_settings(config: dict) -> None:
    """Production must be given a real SECRET_KEY; the instance-folder fallback is for demos."""
    if config.get("APP_ENV") != "production":
        return
    key = config.get("SECRET_KEY_FROM_ENV") or ""
    if key in WEAK_SECRETS or len(key) < 32:
        raise InsecureConfiguration(
            "APP_ENV=production needs SECRET_KEY set in the environment to a random value of at least 32 "
            "characters (e.g. python -c 'import secrets; print(secrets.token_hex(32))')."
        )


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def content_security_policy(config: dict) -> dict:
    """Scripts only from us and Stripe; no plugins, no framing, no foreign base or forms."""
    stripe_js = _origin(config.get("STRIPE_JS_URL"))
    stripe_api = _origin(config.get("STRIPE_API_BASE")) or "https://api.stripe.com"
    stripe_frames = [o for o in (stripe_js, "https://hooks.stripe.com") if o]
    return {
        "default-src": ["'self'"],
        "script-src": ["'self'"] + ([stripe_js] if stripe_js else []),
        # Bootstrap components and Stripe's Payment Element set inline styles; scripts stay strict.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'", stripe_api] + ([stripe_js] if stripe_js else []),
        "frame-src": stripe_frames,
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "media-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }


class RequestIdFilter(logging.Filter):
    """Adds the current request's id, or the running job's, to every record ("-" for neither),
    so one request or one job can be followed through the logs of every process."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(g, "request_id", "-") if has_request_context() else "-"
        # Only a process that runs jobs has loaded RQ; a page server need not load it to learn that.
        rq = sys.modules.get("rq")
        job = rq.get_current_job() if rq is not None else None
        record.job_id = job.id if job is not None else "-"
        return True


def configure_logging(log_format: str = "json") -> None:
    """One line per record on stderr: a JSON object (for the log collector) or plain text.
    The handler is installed once per process; the format follows the app made last."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if any(isinstance(f, RequestIdFilter) for f in h.filters)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.addFilter(RequestIdFilter())
        root.handlers = [handler]
    if log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(job_id)s",
                rename_fields={"levelname": "level", "asctime": "time"},
                json_ensure_ascii=False,
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s %(job_id)s] %(name)s: %(message)s")
        )
    root.setLevel(logging.INFO)
    # WeasyPrint and fontTools narrate every step of a PDF at INFO: keep their warnings only.
    for chatty in ("weasyprint", "fontTools"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


def rotate_session() -> None:
    """Start a fresh session at sign-in, keeping only the guest cart and the language, so
    nothing placed in the session before sign-in (session fixation) survives it."""
    keep = {key: session[key] for key in ("cart", "lang") if key in session}
    session.clear()
    session.update(keep)
    session["sid"] = secrets.token_urlsafe(16)


def init_security(app: Flask) -> None:
    production = app.config.get("APP_ENV") == "production"
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config.get("FORCE_HTTPS", False),
        strict_transport_security=production,
        strict_transport_security_max_age=31536000,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=content_security_policy(app.config),
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )

    @app.before_request
    def assign_request_id():
        offered = request.headers.get("X-Request-ID", "")
        g.request_id = offered if _REQUEST_ID.match(offered) else uuid.uuid4().hex

    @app.after_request
    def private_pages_are_not_cached(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if request.path.startswith(PRIVATE_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
        return response
