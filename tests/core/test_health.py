import pytest

pytestmark = pytest.mark.django_db


def test_live_answers_without_login(client):
    response = client.get("/-/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_reports_database_and_degrades_without_failing(client):
    response = client.get("/-/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["database"] is True
    assert body["status"] in {"ok", "degraded"}


def test_ready_is_degraded_not_fatal_when_the_broker_is_down(client, monkeypatch):
    from intranet.celery import app

    dead_broker = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    # Celery prefers the environment variable over its configuration, so set both.
    monkeypatch.setenv("CELERY_BROKER_URL", dead_broker)
    original = app.conf.broker_url
    app.conf.broker_url = dead_broker
    try:
        response = client.get("/-/ready")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["broker"] is False

