"""Fixtures: one migrated database per test run (SQLite, or PostgreSQL via TEST_DATABASE_URL), emptied after each test."""

import gc
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from contextlib import closing, contextmanager

import pytest
import redis
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db, limiter

# The fair (a booth with a paired tablet) is used by the booth tests and the back-office matrix.
pytest_plugins = ["tests.pos.fixtures"]


@pytest.fixture(scope="session")
def _database_url(tmp_path_factory):
    """SQLite in the run's own folder, or TEST_DATABASE_URL. When pytest-xdist splits the run
    (CI's PostgreSQL pass), its first worker takes that database and each other worker a
    database of its own beside it, made empty now and dropped at the end."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    if worker == "gw0":
        yield url
        return
    given = make_url(url).set(drivername="postgresql+psycopg")
    with scratch_postgres(f"{given.database}_{worker}", given.render_as_string(hide_password=False)) as own:
        yield own


@pytest.fixture(scope="session")
def test_settings(tmp_path_factory, _database_url):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": _database_url,
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
        "DOCUMENT_ROOT": str(tmp_path_factory.mktemp("documents")),
        "STORAGE_ROOT": str(tmp_path_factory.mktemp("storage")),
        "LOG_FORMAT": "text",
        # Tests that seed the demo must not overwrite the passwords of the developer's own demo.
        "DEMO_CREDENTIALS_FILE": str(tmp_path_factory.mktemp("instance") / "demo-credentials.txt"),
        "WTF_CSRF_ENABLED": False,
        # Sign-in limits have their own test; the rest of the suite signs in freely.
        "RATELIMIT_ENABLED": False,
        # Tests change the catalogue behind the app's back (factories); the cache has its own test.
        "CACHE_TYPE": "NullCache",
        # Likewise the whole pages kept for visitors without a session (tests/test_shared_pages.py).
        "SHARED_PAGE_SECONDS": 0,
        # One round instead of scrypt's 65 ms: tests create and sign in users all the time.
        # tests/accounts checks that the shop itself hashes with scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
    }


WEBHOOK_SECRET = "whsec_test_dongkou"


@pytest.fixture(scope="session")
def stripe_settings(test_settings):
    """Stripe switched on; tests that call the API add STRIPE_API_BASE (localstripe)."""
    return {
        **test_settings,
        "STRIPE_SECRET_KEY": "sk_test_dongkou",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_PUBLISHABLE_KEY": "pk_test_dongkou",
        "STRIPE_PAYMENT_METHOD_TYPES": "card",
    }


@pytest.fixture(scope="session")
def _migrated(test_settings):
    from flask_migrate import upgrade

    app = create_app(test_settings)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                _commit_lazily(connection, connection.execute(text("SELECT current_database()")).scalar_one())
                connection.commit()
        upgrade()
        db.engine.dispose()
    return True


def _commit_lazily(connection, database: str) -> None:
    """Test databases only: commits stop waiting for the disk (synchronous_commit off), for every
    session opened on ``database`` from now on, the servers a test starts included. Each commit
    waited 0.25 ms in fdatasync, and a pass commits tens of thousands of times: the report
    property test took 12.1 s waiting and 8.4 s not. Nothing the tests check survives a crash
    of the server; the test of the cart's own lazy commits turns waiting back on for itself."""
    # The database's name is the suite's own or one it made, never input.
    connection.execute(text(f'ALTER DATABASE "{database}" SET synchronous_commit = off'))


@pytest.fixture(scope="session")
def _shared_app(_migrated, test_settings):
    """One app for the whole run: building one per test cost more than most tests."""
    app = create_app(test_settings)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # its pooled connections close now, not at interpreter exit


@pytest.fixture()
def app(_shared_app):
    """The shared app; each test leaves it as it found it: settings restored, tables emptied
    (in one transaction: a DELETE on an empty table costs next to nothing)."""
    settings = dict(_shared_app.config)
    # Flask-Limiter keeps its switch on the one limiter every app shares: an app a test built with
    # limits on (make_app) leaves them on for the rest.
    limiter.enabled = _shared_app.config["RATELIMIT_ENABLED"]
    yield _shared_app
    _shared_app.config.clear()
    _shared_app.config.update(settings)
    with _shared_app.app_context():
        db.session.remove()
        empty_tables()


def empty_tables() -> None:
    """Every table emptied in one transaction, sent as one script: a statement each through
    SQLAlchemy cost 8 ms a test on SQLite and 24 ms on PostgreSQL (a round trip each)."""
    # The names are our models' tables, never input.
    deletes = "".join(f"DELETE FROM {table.name};" for table in reversed(db.metadata.sorted_tables))
    with db.engine.connect() as connection:
        driver = connection.connection.driver_connection
        if connection.dialect.name == "sqlite":
            driver.executescript(f"BEGIN;{deletes}COMMIT;")
        else:
            with driver.transaction():
                driver.execute(deletes)


@pytest.fixture()
def make_app(app):
    """Build another app on the same database with some settings changed; its connections
    are closed after the test (the ``app`` fixture still empties the tables)."""
    made = []

    def build(settings: dict):
        other = create_app(settings)
        made.append(other)
        return other

    yield build
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture()
def shared_redis():
    """A key prefix of its own on the machine's Redis: two apps here are two nodes of one shop."""
    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    yield prefix
    server = redis.Redis()
    for key in server.scan_iter(f"{prefix}*"):
        server.delete(key)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def _seeded_demo(tmp_path_factory):
    """Where the first test that asks for the demo county keeps a copy of it: a SQLite file, or
    each PostgreSQL table's rows as binary COPY data."""
    return {"sqlite": tmp_path_factory.mktemp("demo") / "demo.sqlite", "postgresql": {}}


@pytest.fixture()
def demo_county(app, runner, _seeded_demo):
    """The demo county (seed-demo) in the test's database. Seeding takes seconds (4.5 s on
    PostgreSQL): it runs once per session and the later tests get a copy of what it wrote (the
    tables are emptied after every test; the pictures it stored stay in the session's media
    folder)."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            tables = _seeded_demo["postgresql"]
            if tables:
                _copy_into_postgres(tables)
            else:
                assert runner.invoke(args=["seed-demo"]).exit_code == 0
                _copy_out_of_postgres(tables)
            return
    copy = _seeded_demo["sqlite"]
    if copy.exists():
        engine.dispose()  # no pooled connection keeps pages of the emptied database
        _copy_sqlite(str(copy), engine.url.database)
    else:
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
        engine.dispose()
        _copy_sqlite(engine.url.database, str(copy))


def _copy_sqlite(source: str, target: str) -> None:
    with closing(sqlite3.connect(source)) as reading, closing(sqlite3.connect(target)) as writing:
        reading.backup(writing)


# The table names below are our models', never input.
def _copy_out_of_postgres(tables: dict[str, bytes]) -> None:
    with db.engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()
        for table in db.metadata.sorted_tables:
            with cursor.copy(f"COPY {table.name} TO STDOUT (FORMAT BINARY)") as copy:
                tables[table.name] = b"".join(bytes(block) for block in copy)


def _copy_into_postgres(tables: dict[str, bytes]) -> None:
    """The rows back, parents first, in one transaction. Their ids were drawn from the tables'
    sequences when the demo was seeded, so the sequences are past them already."""
    with db.engine.connect() as connection:
        driver = connection.connection.driver_connection
        with driver.transaction():
            cursor = driver.cursor()
            for table in db.metadata.sorted_tables:
                with cursor.copy(f"COPY {table.name} FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(tables[table.name])


@pytest.fixture()
def ctx(app):
    """An app context for arranging data and asserting on the database directly."""
    with app.app_context():
        yield


@contextmanager
def serving(app):
    """Serve ``app`` on a free local port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture()
def live_server(app):
    """The app on a real port, for browser tests and for servers that call back (webhooks)."""
    with serving(app) as url:
        yield url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def localstripe():
    """A localstripe server (Stripe API, signed webhooks, fake Stripe.js) on a free port."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(base + "/v1/balance", timeout=0.2)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=10)


PG_ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _postgres_reachable() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@contextmanager
def scratch_postgres(prefix: str, admin_url: str = PG_ADMIN_URL):
    """A new empty PostgreSQL database for the block (its URL), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(admin_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        _commit_lazily(conn, name)
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pytest_configure(config):
    # The suite keeps a large heap alive (one app, SQLAlchemy's caches, every library it has
    # imported) and allocates fast: at Python's default thresholds the collector walked that heap
    # in full about 36 times a pass, 10 s of the SQLite pass's 130 s, and the pass's CPU time fell
    # by 13 % with these (its peak memory rose from 750 to 920 MB). Cycles are still collected.
    gc.set_threshold(50_000, 20, 100)


def pytest_collection_modifyitems(items):
    # The tests that build their own databases give the same answer in either of CI's passes:
    # it runs their SQLite variants in its SQLite pass and the rest in its PostgreSQL pass
    # (-m sqlite_pass), which keeps the two passes about as long as each other.
    for item in items:
        callspec = getattr(item, "callspec", None)
        sqlite_variant = callspec is not None and "sqlite" in callspec.id.split("-")
        if item.get_closest_marker("own_databases") and sqlite_variant:
            item.add_marker(pytest.mark.sqlite_pass)


@pytest.fixture(params=["sqlite", "postgresql"])
def own_db_app(request, app, make_app, test_settings, tmp_path):
    """The app on a fresh migrated SQLite file, and on a fresh PostgreSQL database (skipped
    when none is reachable), with a pool big enough for a crowd of threads. Tests using it
    are marked own_databases: they give the same answer whatever TEST_DATABASE_URL says."""
    from flask_migrate import upgrade

    pool = {"pool_size": 30, "max_overflow": 30, "pool_timeout": 60}
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'own.sqlite'}"
        sqlite_app = make_app({**test_settings, "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": pool})
        with sqlite_app.app_context():
            upgrade()
        yield sqlite_app
        return
    if not _postgres_reachable():
        pytest.skip("no PostgreSQL server reachable at " + PG_ADMIN_URL)
    with scratch_postgres("dongkou_own") as url:
        pg_app = make_app({**test_settings, "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": pool})
        with pg_app.app_context():
            upgrade()
        yield pg_app
        with pg_app.app_context():
            db.session.remove()
            db.engine.dispose()
