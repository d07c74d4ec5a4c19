"""A real Celery worker on Redis (not eager mode) runs the sweep: each reminder goes once,
even when the same task is delivered twice to two worker processes at once (sending is
slowed down so that the two deliveries overlap)."""

import datetime
import email
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from email.policy import default as default_policy
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection

from actionplans.models import Reminder
from core.clock import secretariat_today
from tests.factories import ActionItemFactory

BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/6")
WAIT_SECONDS = 60
BASE_DIR = Path(settings.BASE_DIR)


def worker_environment(tmp_path):
    database = connection.settings_dict
    url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**database)
    if database.get("PASSWORD"):
        url = url.replace("@", f":{database['PASSWORD']}@", 1)
    return {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": BROKER_URL,
        "VAR_DIR": str(tmp_path),  # the worker's mail files go to tmp_path/mail
        "EMAIL_BACKEND": "tests.slow_mail.SlowFileBackend",
        "SECRETARIAT_EMAIL": settings.SECRETARIAT_EMAIL,
        "SITE_URL": settings.SITE_URL,
    }


def wait_for(condition, what):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"gave up after {WAIT_SECONDS}s waiting for {what}")


def messages_in(folder):
    """(recipient, subject) of every message the file-based backend wrote."""
    found = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                message = email.message_from_bytes(chunk.strip(), policy=default_policy)
                found.append((message["To"], message["Subject"]))
    return found


@pytest.fixture
def broker():
    client = redis.Redis.from_url(BROKER_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail(f"this test needs Redis at {BROKER_URL} (set CELERY_TEST_BROKER_URL)")
    client.flushdb()  # leftover messages of an earlier run must not be delivered now
    # Not the current app: the portal's shared tasks must stay bound to the portal's app.
    yield Celery("test-client", broker=BROKER_URL, set_as_current=False)
    client.flushdb()


@contextmanager
def running_worker(tmp_path, *, concurrency=2, **environment):
    """A worker on the test broker; yields (its process, its log file)."""
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "d8portal", "worker"]
            + ["--concurrency", str(concurrency), "--loglevel", "INFO"]
            + ["--without-mingle", "--without-gossip"],
            cwd=BASE_DIR,
            env={**worker_environment(tmp_path), **environment},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(lambda: "ready." in log.read_text(), "the worker to start")
        yield process, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture
def worker(tmp_path, broker):
    with running_worker(tmp_path) as (_, log):
        yield log


@pytest.mark.django_db(transaction=True)
def test_worker_sends_each_reminder_once_when_the_sweep_is_delivered_twice(
    nigeria, turkiye, nigeria_focal, turkiye_focal, broker, worker, tmp_path
):
    today = secretariat_today()  # the task reads the clock itself, as under beat
    ActionItemFactory(reference="NG-7", lead_state=nigeria, due_date=today + datetime.timedelta(7))
    shared = ActionItemFactory(reference="TR-0", lead_state=turkiye, due_date=today)
    shared.supporting_states.add(nigeria)
    ActionItemFactory(
        reference="TR-LATE", lead_state=turkiye, due_date=today - datetime.timedelta(14)
    )

    task_id = str(uuid.uuid4())
    for _ in range(2):  # the same task, delivered twice
        broker.send_task("actionplans.tasks.deadline_reminder_sweep", task_id=task_id)
    # Each finishes; one of them may find the other's rows still claimed, and so plan to
    # check again after a lease (a retry).
    task = f"Task actionplans.tasks.deadline_reminder_sweep[{task_id}]"
    wait_for(
        lambda: (
            sum(worker.read_text().count(f"{task} {end}") for end in ("succeeded", "retry")) == 2
        ),
        "both deliveries to finish",
    )
    received = worker.read_text().count(f"{task} received")
    assert received - worker.read_text().count(f"{task} retry") == 2  # and a retry's own

    sent = messages_in(tmp_path / "mail")
    nigerian = nigeria_focal.focal_point.email
    turkish = turkiye_focal.focal_point.email
    assert sorted(to for to, _ in sent) == sorted([nigerian, turkish, settings.SECRETARIAT_EMAIL])
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0
    assert Reminder.objects.count() == 5  # NG-7 and TR-0 to Nigeria, TR-0 and TR-LATE to
    # Türkiye, TR-LATE escalated


@pytest.mark.django_db(transaction=True)
def test_worker_sweep_run_again_later_sends_nothing_new(
    nigeria, nigeria_focal, broker, worker, tmp_path
):
    ActionItemFactory(lead_state=nigeria, due_date=secretariat_today() + datetime.timedelta(1))
    for _ in range(2):
        task_id = str(uuid.uuid4())
        broker.send_task("actionplans.tasks.deadline_reminder_sweep", task_id=task_id)
        done = f"Task actionplans.tasks.deadline_reminder_sweep[{task_id}] succeeded"
        wait_for(lambda done=done: done in worker.read_text(), "the sweep to finish")
    assert len(messages_in(tmp_path / "mail")) == 1


def pool_children(process):
    found = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True, text=True
    )
    return [int(pid) for pid in found.stdout.split()]


@pytest.mark.django_db(transaction=True)
def test_a_sweep_whose_pool_child_is_killed_is_delivered_again_and_sends_every_reminder(
    nigeria, turkiye, nigeria_focal, turkiye_focal, broker, tmp_path
):
    today = secretariat_today()
    ActionItemFactory(reference="NG-7", lead_state=nigeria, due_date=today + datetime.timedelta(7))
    ActionItemFactory(reference="TR-0", lead_state=turkiye, due_date=today)
    ActionItemFactory(
        reference="TR-LATE", lead_state=turkiye, due_date=today - datetime.timedelta(14)
    )
    # A short lease, so that the rows the killed child held go again within the test.
    with running_worker(tmp_path, concurrency=1, REMINDER_CLAIM_LEASE_MINUTES="0.05") as (
        process,
        log,
    ):
        task_id = str(uuid.uuid4())
        broker.send_task("actionplans.tasks.deadline_reminder_sweep", task_id=task_id)
        wait_for(
            lambda: Reminder.objects.filter(sent_at__isnull=False).exists(), "the first e-mail"
        )
        for child in pool_children(process):  # while it sends the second (slowly)
            os.kill(child, signal.SIGKILL)
        wait_for(
            lambda: not Reminder.objects.filter(sent_at__isnull=True).exists(),
            "every reminder to be sent",
        )
        received = f"Task actionplans.tasks.deadline_reminder_sweep[{task_id}] received"
        assert log.read_text().count(received) >= 2

    sent = messages_in(tmp_path / "mail")
    nigerian = nigeria_focal.focal_point.email
    turkish = turkiye_focal.focal_point.email
    assert sorted(to for to, _ in sent) == sorted([nigerian, turkish, settings.SECRETARIAT_EMAIL])
