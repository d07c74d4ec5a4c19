"""The portal's Celery app pointed at a broker for one test (instead of running tasks
in-process), to see what a request does when the broker is down or hung."""

from contextlib import contextmanager

from d8portal.celery import app


def _forget_connections():
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_at(url):
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = url, False
    _forget_connections()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        _forget_connections()
