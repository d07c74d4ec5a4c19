"""Test personas, as a story: the Secretariat, Nigeria's and Türkiye's focal points, a delegate."""

import datetime
import os
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from core import clock
from d8portal.permissions import ensure_secretariat_group
from memberstates.models import FocalPoint

from .factories import FocalPointFactory, MemberStateFactory, SMEBodyFactory, UserFactory

# Tests that start a browser, a worker, the production stack or a fuzzer, or load the whole
# demo: `make test` runs them, `make test-fast` leaves them out (-m "not slow").
SLOW = ("browser/", "test_worker.py", "test_production_stack.py", "schemathesis", "test_demo.py")


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.path.as_posix()
        if any(part in path for part in SLOW):
            item.add_marker(pytest.mark.slow)


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("REQUIRE_POSTGRESQL") and "postgresql" not in engine:
        raise pytest.UsageError(f"REQUIRE_POSTGRESQL is set but the database engine is {engine}")


@pytest.fixture
def nigeria(db):
    return MemberStateFactory(
        name="Nigeria", slug="nigeria", iso_code="NG", joined_on=datetime.date(1997, 6, 15)
    )


@pytest.fixture
def turkiye(db):
    return MemberStateFactory(
        name="Türkiye", slug="turkiye", iso_code="TR", joined_on=datetime.date(1997, 6, 15)
    )


@pytest.fixture
def smedan(nigeria):
    return SMEBodyFactory(
        state=nigeria,
        acronym="SMEDAN",
        name="Small and Medium Enterprises Development Agency of Nigeria",
    )


@pytest.fixture
def kosgeb(turkiye):
    return SMEBodyFactory(
        state=turkiye,
        acronym="KOSGEB",
        name="Small and Medium Enterprises Development Organization",
    )


@pytest.fixture
def secretariat_group(db):
    # Re-created here because transactional tests flush the rows the data migration made.
    return ensure_secretariat_group()


@pytest.fixture
def secretariat(secretariat_group):
    user = UserFactory(username="secretariat", is_staff=True)
    user.groups.add(secretariat_group)
    return user


@pytest.fixture
def nigeria_focal(smedan):
    user = UserFactory(username="focal.nigeria")
    FocalPointFactory(body=smedan, user=user, full_name="Amina Bello", role=FocalPoint.Role.PRIMARY)
    return user


@pytest.fixture
def turkiye_focal(kosgeb):
    user = UserFactory(username="focal.turkiye")
    FocalPointFactory(
        body=kosgeb, user=user, full_name="Deniz Yılmaz", role=FocalPoint.Role.PRIMARY
    )
    return user


@pytest.fixture
def delegate(db):
    return UserFactory(username="delegate")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The default PBKDF2 costs ~0.3 s per hash; tests do not need that protection.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class SecretariatClock:
    """The Secretariat's today, as every module that imported `secretariat_today` reads it."""

    def __init__(self, real):
        self.real = real
        self.today = None

    def set(self, date):
        self.today = date

    def __call__(self):
        return self.today or self.real()


@pytest.fixture
def secretariat_clock(monkeypatch):
    """Control the Secretariat's calendar: `secretariat_clock.set(date)`; the real date until
    set. Patched wherever the function was imported, the live server's thread included."""
    real = clock.secretariat_today
    controlled = SecretariatClock(real)
    for module in list(sys.modules.values()):
        if getattr(module, "__dict__", {}).get("secretariat_today") is real:
            monkeypatch.setattr(module, "secretariat_today", controlled)
    yield controlled
    # Modules first imported during the test took the controlled clock: give them the real one.
    for module in list(sys.modules.values()):
        if getattr(module, "__dict__", {}).get("secretariat_today") is controlled:
            module.secretariat_today = real


@pytest.fixture(autouse=True)
def empty_cache():
    # API throttling counts requests in the cache: no test inherits another's count.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()
