"""Pooled connections the database server closed are replaced before a request uses them."""
import pytest
from sqlalchemy import create_engine, text

from app.extensions import db
from tests.conftest import PG_ADMIN_URL

pytestmark = pytest.mark.own_databases


def _end_every_session_of(database: str) -> int:
    # What a restart or an idle timeout does to the pool's connections, waiting until they are gone.
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        ended = conn.execute(text("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) "
                                  "FROM pg_stat_activity WHERE datname = :name"), {"name": database}).scalar()
    admin.dispose()
    return ended


def test_requests_after_the_server_closed_the_pooled_connections_succeed(own_db_app):
    if own_db_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite has no server to close connections")
    client = own_db_app.test_client()
    assert client.get("/healthz").status_code == 200
    with own_db_app.app_context():
        database = db.engine.url.database
        pooled = db.engine.pool.checkedin()
    assert pooled >= 1 and _end_every_session_of(database) >= pooled
    for _ in range(3):
        answer = client.get("/healthz")
        assert answer.status_code == 200, answer.get_json()
