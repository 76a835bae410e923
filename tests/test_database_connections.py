"""Pooled connections the database server closed are replaced before a request uses them."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from app.extensions import db
from tests.conftest import PG_ADMIN_URL

pytestmark = pytest.mark.own_databases


def _end_every_session_of(database: str) -> int:
    # What a restart or an idle timeout does to the pool's connections, waiting until they are gone.
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        ended = conn.execute(
            text(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) "
                "FROM pg_stat_activity WHERE datname = :name"
            ),
            {"name": database},
        ).scalar()
    admin.dispose()
    return ended


def _postgresql_only(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite has no server to close connections")


def test_requests_after_the_server_closed_the_pooled_connections_succeed(own_db_app):
    _postgresql_only(own_db_app)
    client = own_db_app.test_client()
    assert client.get("/healthz").status_code == 200
    with own_db_app.app_context():
        database = db.engine.url.database
        pooled = db.engine.pool.checkedin()
    assert pooled >= 1 and _end_every_session_of(database) >= pooled
    for _ in range(3):
        answer = client.get("/healthz")
        assert answer.status_code == 200, answer.get_json()


def test_a_pooled_connection_with_something_harmless_to_read_is_kept(own_db_app):
    # A notification waiting on the socket makes it readable, as the server's goodbye does;
    # the ping tells them apart, so the connection and its server session stay.
    _postgresql_only(own_db_app)
    with own_db_app.app_context():
        with db.engine.connect() as conn:
            backend = conn.execute(text("SELECT pg_backend_pid()")).scalar()
            conn.execute(text("LISTEN pool_check"))
            conn.commit()
        notifier = create_engine(db.engine.url, poolclass=NullPool)
        with notifier.begin() as other:
            other.execute(text("NOTIFY pool_check"))
        notifier.dispose()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() == backend
