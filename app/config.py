"""Settings read from environment variables, with safe local defaults in instance/."""

import os
import secrets
from pathlib import Path


def _instance_secret(instance_path: str) -> str:
    # A random key kept in instance/ so a local demo never runs on a guessable secret;
    # production sets SECRET_KEY in the environment instead.
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def database_url(instance_path: str, variable: str = "DATABASE_URL") -> str | None:
    url = os.environ.get(variable)
    if not url:
        return f"sqlite:///{Path(instance_path) / 'dongkou.sqlite'}" if variable == "DATABASE_URL" else None
    # Plain postgres:// URLs (Heroku style, psql style) select psycopg 3 explicitly.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load(instance_path: str) -> dict:
    """Return the settings for an app whose instance folder is ``instance_path``."""
    env = os.environ.get
    production = env("APP_ENV", "development") == "production"
    return {
        # production: a real SECRET_KEY is required, cookies are Secure and HSTS is sent.
        "APP_ENV": "production" if production else "development",
        "SECRET_KEY": env("SECRET_KEY") or _instance_secret(instance_path),
        "SECRET_KEY_FROM_ENV": env("SECRET_KEY", ""),
        "REDIS_URL": env("REDIS_URL"),
        # Shops sharing one Redis keep apart by this name: the job queue, page cache and rate limits.
        "JOBS_QUEUE": env("JOBS_QUEUE") or env("REDIS_NAMESPACE", "dongkou"),
        "RATELIMIT_KEY_PREFIX": env("REDIS_NAMESPACE", "dongkou"),
        # Rendered catalogue pages: in Redis when there is one (shared by every worker), else per process.
        "CACHE_TYPE": "RedisCache" if env("REDIS_URL") else "SimpleCache",
        "CACHE_REDIS_URL": env("REDIS_URL"),
        "CACHE_KEY_PREFIX": env("REDIS_NAMESPACE", "dongkou") + ":",
        "CATALOGUE_CACHE_SECONDS": int(env("CATALOGUE_CACHE_SECONDS", 3600)),
        # Whole catalogue pages for visitors without a session (app.shared_pages): how many
        # seconds stock and sales figures on them may lag; 0 turns the layer off.
        "SHARED_PAGE_SECONDS": int(env("SHARED_PAGE_SECONDS", 10)),
        "RATELIMIT_ENABLED": env("RATELIMIT_ENABLED", "1") == "1",
        "FORCE_HTTPS": env("FORCE_HTTPS", "0") == "1",
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are believed (nginx: 1).
        # 0 believes none: a client could claim any address and dodge the sign-in limits.
        "TRUSTED_PROXY_HOPS": int(env("TRUSTED_PROXY_HOPS", 0)),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        # A PostgreSQL read replica for reports and exports; writes never go there.
        "SQLALCHEMY_REPLICA_URI": database_url(instance_path, "DATABASE_REPLICA_URL"),
        # No pool_pre_ping: app.extensions replaces connections the server closed without a round trip.
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "MEDIA_ROOT": env("MEDIA_ROOT") or str(Path(instance_path) / "media"),
        # Issued contracts and delivery notes: private, served only to their unit and to staff.
        "DOCUMENT_ROOT": env("DOCUMENT_ROOT") or str(Path(instance_path) / "documents"),
        # Where seed-demo writes the demo accounts' passwords for the newcomer to find again.
        "DEMO_CREDENTIALS_FILE": env("DEMO_CREDENTIALS_FILE") or str(Path(instance_path) / "demo-credentials.txt"),
        "MAX_CONTENT_LENGTH": int(env("MAX_UPLOAD_BYTES", 8 * 1024 * 1024)),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ("zh_CN", "en"),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "MAIL_SERVER": env("MAIL_SERVER"),
        "MAIL_PORT": int(env("MAIL_PORT", 25)),
        "MAIL_SENDER": env("MAIL_SENDER", "noreply@dongkou.example"),
        "MAIL_TIMEOUT_SECONDS": int(env("MAIL_TIMEOUT_SECONDS", 10)),
        # How long the job that sends new mail waits for more before it looks (app.outbox): a
        # mail goes out that much later, and a rush asks Redis for the job about once per
        # process in that time rather than once per order.
        "OUTBOX_GATHER_SECONDS": float(env("OUTBOX_GATHER_SECONDS", 0.2)),
        "MAIL_MAX_ATTEMPTS": int(env("MAIL_MAX_ATTEMPTS", 5)),
        # The shop's public address, for links in mail written outside a request (jobs).
        "SITE_URL": env("SITE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # local: folders (MEDIA_ROOT, DOCUMENT_ROOT, STORAGE_ROOT for exports and imports);
        # s3: one S3-compatible bucket shared by every node (app/storage.py).
        "STORAGE_BACKEND": env("STORAGE_BACKEND", "local"),
        "STORAGE_ROOT": env("STORAGE_ROOT") or str(Path(instance_path) / "storage"),
        "S3_BUCKET": env("S3_BUCKET", "dongkou"),
        "S3_ENDPOINT_URL": env("S3_ENDPOINT_URL"),
        "S3_REGION": env("S3_REGION", "us-east-1"),
        "EXPORT_KEEP_HOURS": int(env("EXPORT_KEEP_HOURS", 24)),
        # Days ahead the daily mail warns of certifications running out.
        "CERTIFICATION_WARNING_DAYS": int(env("CERTIFICATION_WARNING_DAYS", 30)),
        # Days after a statement is confirmed within which its households should have been paid;
        # later, what is still owed is flagged overdue and reminded daily.
        "PAYOUT_DUE_DAYS": int(env("PAYOUT_DUE_DAYS", 30)),
        # Days after delivery within which a buyer may ask for after-sales (售后).
        "AFTER_SALES_DAYS": int(env("AFTER_SALES_DAYS", 7)),
        # Text messages: "log" writes them to the log (development); a real gateway is a class in app.outbox.sms.
        "SMS_PROVIDER": env("SMS_PROVIDER", "log"),
        # /metrics answers a bearer token, or else the addresses listed (the scraper's).
        "METRICS_TOKEN": env("METRICS_TOKEN", ""),
        "METRICS_ALLOW": tuple(a.strip() for a in env("METRICS_ALLOW", "127.0.0.1,::1").split(",") if a.strip()),
        # json (one object per line, with the request or job id) for the log collector in
        # production; text, the same fields, for a developer's terminal.
        "LOG_FORMAT": env("LOG_FORMAT", "json" if production else "text"),
        # Where units pay bank transfers, printed on contracts and delivery notes.
        "PAYEE_NAME": env("PAYEE_NAME", "洞口县消费扶贫商城运营中心（演示）"),
        "PAYEE_BANK": env("PAYEE_BANK", "中国农业银行洞口县支行（演示）"),
        "PAYEE_ACCOUNT": env("PAYEE_ACCOUNT", "6228 4800 0000 0000 000"),
        # Not read from the environment: only the test suite passes a cheaper method (a scrypt hash
        # costs 65 ms, and the suite signs in thousands of times).
        "PASSWORD_HASH_METHOD": "scrypt",
        "PASSWORD_RESET_MAX_AGE": int(env("PASSWORD_RESET_MAX_AGE", 3600)),
        "PRODUCTS_PER_PAGE": 24,
        "STRIPE_SECRET_KEY": env("STRIPE_SECRET_KEY"),
        "STRIPE_WEBHOOK_SECRET": env("STRIPE_WEBHOOK_SECRET"),
        "STRIPE_PUBLISHABLE_KEY": env("STRIPE_PUBLISHABLE_KEY"),
        "STRIPE_API_BASE": env("STRIPE_API_BASE"),
        "STRIPE_JS_URL": env("STRIPE_JS_URL", "https://js.stripe.com/v3/"),
        "STRIPE_PAYMENT_METHOD_TYPES": env("STRIPE_PAYMENT_METHOD_TYPES", "card,alipay,wechat_pay"),
        "ORDER_PAYMENT_TIMEOUT_MINUTES": int(env("ORDER_PAYMENT_TIMEOUT_MINUTES", 30)),
        "CART_MAX_QUANTITY": int(env("CART_MAX_QUANTITY", 99)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env("SESSION_COOKIE_SECURE", "1" if production else "0") == "1",
        "REMEMBER_COOKIE_SECURE": env("SESSION_COOKIE_SECURE", "1" if production else "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
    }
