import logging
import time

import pytest

from tests.recording_server import silent_server


@pytest.mark.django_db
def test_healthz_tells_the_public_only_that_the_portal_is_unavailable(client, settings):
    settings.CELERY_BROKER_URL = "redis://:secret-password@127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


@pytest.mark.django_db
def test_healthz_logs_what_failed_without_the_brokers_password(client, settings, caplog):
    settings.CELERY_BROKER_URL = "redis://:secret-password@127.0.0.1:1/0"
    with caplog.at_level(logging.WARNING, logger="d8portal.health"):
        client.get("/healthz")
    [record] = [r for r in caplog.records if r.name == "d8portal.health"]
    assert record.failed == ["broker"]
    assert "broker" in record.getMessage()
    assert "secret-password" not in record.getMessage()


@pytest.mark.django_db
def test_healthz_answers_plain_http_on_any_host_in_production_settings(client, settings):
    # The container's own health check asks http://127.0.0.1:8000/healthz: no TLS proxy, no
    # public host name.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["portal.d8sme.example.org"]
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_pages_other_than_healthz_keep_the_https_redirect_and_host_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["portal.d8sme.example.org"]
    assert client.get("/healthzz", HTTP_HOST="portal.d8sme.example.org").status_code == 301
    assert client.get("/", HTTP_HOST="127.0.0.1:8000").status_code == 400


@pytest.mark.django_db
def test_healthz_answers_503_within_seconds_when_the_broker_hangs(client, settings):
    with silent_server() as port:
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
        started = time.monotonic()
        response = client.get("/healthz")
        took = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert took < 10


@pytest.mark.django_db
def test_healthz_checks_a_live_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_runs_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get("/healthz")


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
