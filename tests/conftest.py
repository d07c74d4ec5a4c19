"""Test personas, as a story: the Secretariat, Nigeria's and Türkiye's focal points, a delegate."""

import datetime
import os

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from d8portal.permissions import ensure_secretariat_group
from memberstates.models import FocalPoint

from .factories import FocalPointFactory, MemberStateFactory, SMEBodyFactory, UserFactory


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


@pytest.fixture(autouse=True)
def empty_cache():
    # API throttling counts requests in the cache: no test inherits another's count.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()
