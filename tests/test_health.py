"""The load balancer's health and readiness checks, and the scraper's metrics."""

from sqlalchemy import text

from app import create_app
from app.extensions import db
from tests.impact.test_reports import sold  # noqa: F401


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(test_settings, tmp_path):
    unreachable = f"sqlite:///{tmp_path / 'missing-dir' / 'nothing.sqlite'}"
    app = create_app({**test_settings, "SQLALCHEMY_DATABASE_URI": unreachable})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_readyz_says_ready_with_the_schema_at_head_and_not_behind_it(app, client):
    assert client.get("/readyz").get_json() == {"status": "ready", "database": "ok", "migrations": "at head"}
    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = '9d41b7e2c5f3'"))
        db.session.commit()
    try:
        answer = client.get("/readyz")
        assert answer.status_code == 503 and answer.get_json()["migrations"].startswith("behind")
    finally:
        with app.app_context():
            db.session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": _head()})
            db.session.commit()


def test_readyz_answers_503_when_redis_is_unreachable(make_app, test_settings):
    app = make_app({**test_settings, "REDIS_URL": "redis://127.0.0.1:1/0"})
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503 and answer.get_json()["redis"] == "unreachable"


def test_metrics_are_for_the_scraper_only(make_app, test_settings, client):
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 403
    client.get("/healthz")
    body = client.get("/metrics").get_data(as_text=True)  # the test client comes from 127.0.0.1
    assert 'dongkou_request_seconds_bucket{endpoint="site.healthz"' in body
    assert 'dongkou_mail_messages{status="pending"} 0.0' in body
    tokened = make_app({**test_settings, "METRICS_TOKEN": "scrape-me", "METRICS_ALLOW": ()}).test_client()
    assert tokened.get("/metrics").status_code == 403
    assert tokened.get("/metrics", headers={"Authorization": "Bearer scrape-me"}).status_code == 200


def test_metrics_count_orders_placed_and_paid_by_channel(app, client, sold):  # noqa: F811
    body = client.get("/metrics").get_data(as_text=True)
    assert 'dongkou_orders_placed_total{channel="online"} 2.0' in body
    assert 'dongkou_orders_paid_total{channel="online"} 1.0' in body


def _head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory("migrations").get_current_head()
