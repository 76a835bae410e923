"""The load balancer's health check."""
from app import create_app


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

