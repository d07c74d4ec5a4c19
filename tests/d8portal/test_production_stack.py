"""The production configuration, started for real: gunicorn, a Celery worker, PostgreSQL and a
Redis server of the test's own on another loopback port, so stopping it disturbs nothing else."""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
import yaml
from celery import Celery
from django.conf import global_settings
from django.db import connection
from redis import Redis as RedisClient

from actionplans.models import Reminder
from core.clock import secretariat_today
from tests.factories import ActionItemFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout=30, what="the service"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what} did not come up within {timeout} s")


class Redis:
    def __init__(self, port):
        self.port = port
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_until(lambda: socket.create_connection(("127.0.0.1", self.port), 1), what="redis")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class Portal:
    """Talks to the running portal over HTTP as a browser behind the TLS proxy would."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, form=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = {
            "X-Forwarded-Proto": "https",
            "Host": f"127.0.0.1:{self.port}",
            "Referer": f"https://127.0.0.1:{self.port}{path}",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), response.read().decode()

    def log_in(self, username):
        self.request("GET", "/accounts/login/")
        return self.request(
            "POST",
            "/accounts/login/",
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
            },
        )


def redis_client(redis, db):
    return RedisClient(host="127.0.0.1", port=redis.port, db=db)


@pytest.fixture
def stack(tmp_path, django_db_blocker):
    redis = Redis(free_port())
    redis.start()
    web_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    db = connection.settings_dict
    env.update(
        DEBUG="false",
        SECRET_KEY="production-stack-test-" + "s" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        CELERY_BROKER_URL=f"redis://127.0.0.1:{redis.port}/0",
        CACHE_URL=f"redis://127.0.0.1:{redis.port}/1",
        API_THROTTLE_ANON="4/minute",
        VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        EMAIL_URL="",
        LOG_FORMAT="json",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,  # compressing every static file takes minutes on a busy machine
    )
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "d8portal.wsgi",
                "--bind",
                f"127.0.0.1:{web_port}",
                "--workers",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "d8portal",
                "worker",
                "--concurrency=1",
                "--loglevel=warning",
                "--without-heartbeat",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    portal = Portal(web_port)
    wait_until(lambda: portal.request("GET", "/healthz")[0] == 200, what="gunicorn")
    yield portal, redis, env
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=20)
    if redis.process.poll() is None:
        redis.stop()


def compose_healthcheck(port, env):
    """Runs the web service's health check from docker-compose.yml against the stack: the
    command the container runs, with the stack's port for the container's 8000."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    kind, program, *arguments = compose["services"]["web"]["healthcheck"]["test"]
    assert (kind, program) == ("CMD", "python")
    assert any("127.0.0.1:8000" in argument for argument in arguments)
    arguments = [argument.replace(":8000", f":{port}") for argument in arguments]
    return subprocess.run(
        [sys.executable, *arguments], env=env, capture_output=True, timeout=20
    ).returncode


def mail_sent_to(mail_dir, address):
    return mail_dir.exists() and any(
        f"To: {address}" in path.read_text() for path in mail_dir.glob("*.log")
    )


@pytest.mark.django_db(transaction=True)
def test_production_stack_serves_pages_logins_reminders_and_health(
    stack, settings, nigeria, nigeria_focal
):
    portal, redis, env = stack
    # The portal's own hashers, not the tests' fast one: gunicorn checks this password.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    UserFactory(username="secretariat", is_staff=True)

    status, headers, page = portal.request("GET", "/")
    assert status == 200
    assert "SME cooperation among the D-8 member states" in page
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "default-src 'self'" in headers["Content-Security-Policy"]

    status, _, _ = portal.request("GET", "/static/css/portal.css")
    assert status == 200

    # The container's health check passes in production settings (plain HTTP, no host name).
    assert compose_healthcheck(portal.port, env) == 0

    status, headers, _ = portal.log_in("secretariat")
    assert status == 302 and "sessionid" in portal.cookies
    status, _, page = portal.request("GET", "/action-items/")
    assert status == 200 and "Action items of all member states" in page

    # Both gunicorn workers count API requests in the one Redis cache: the allowance is the
    # portal's, not each process's.
    anonymous = Portal(portal.port)
    statuses = [anonymous.request("GET", "/api/v1/member-states/")[0] for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    throttle_keys = redis_client(redis, db=1).keys("*throttle_anon_*")
    assert len(throttle_keys) == 1

    # The daily sweep, delivered through the stack's broker to its worker, e-mails the item's
    # focal point once.
    ActionItemFactory(lead_state=nigeria, due_date=secretariat_today())
    recipient = nigeria_focal.focal_point.email
    client = Celery("production-stack-test", broker=env["CELERY_BROKER_URL"], set_as_current=False)
    client.send_task("actionplans.tasks.deadline_reminder_sweep")
    mail_dir = Path(env["VAR_DIR"]) / "mail"
    wait_until(lambda: mail_sent_to(mail_dir, recipient), what="the reminder e-mail")
    assert Reminder.objects.filter(recipient=recipient, sent_at__isnull=False).count() == 1

    redis.stop()
    status, _, body = portal.request("GET", "/healthz")
    assert status == 503
    assert body == '{"status": "unavailable"}'
    assert compose_healthcheck(portal.port, env) != 0

    redis.start()
    wait_until(lambda: portal.request("GET", "/healthz")[0] == 200, what="healthz after restart")
