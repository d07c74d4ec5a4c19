"""Settings read from the environment: refuse to start unsafe, generate a key when embedded."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def start_django(env, code="import django; django.setup()"):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def environment(tmp_path, **overrides):
    """The current environment with VAR_DIR in tmp_path; a None override removes the variable."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="d8portal.settings", VAR_DIR=str(tmp_path))
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def test_portal_refuses_to_start_without_debug_and_without_a_secret_key(tmp_path):
    env = environment(tmp_path, DEBUG="false", SECRET_KEY=None, ALLOWED_HOSTS="portal.example.org")

    result = start_django(env)

    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "SECRET_KEY" in result.stderr


def test_portal_refuses_to_start_without_debug_and_without_allowed_hosts(tmp_path):
    env = environment(tmp_path, DEBUG="false", SECRET_KEY="s3cret-" * 8, ALLOWED_HOSTS=None)

    result = start_django(env)

    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "ALLOWED_HOSTS" in result.stderr


def test_portal_without_debug_starts_with_a_secret_key_and_allowed_hosts(tmp_path):
    env = environment(
        tmp_path, DEBUG="false", SECRET_KEY="s3cret-" * 8, ALLOWED_HOSTS="portal.example.org"
    )

    result = start_django(env)

    assert result.returncode == 0, result.stderr


def test_embedded_portal_generates_a_secret_key_once_and_reuses_it(tmp_path):
    env = environment(tmp_path, DEBUG=None, SECRET_KEY=None, ALLOWED_HOSTS=None)
    key_file = tmp_path / "secret_key"

    first = start_django(env)
    generated = key_file.read_text()
    second = start_django(env)

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert generated.strip()
    assert key_file.read_text() == generated


def test_embedded_portal_uses_the_generated_secret_key(tmp_path):
    env = environment(tmp_path, DEBUG=None, SECRET_KEY=None, ALLOWED_HOSTS=None)

    result = start_django(
        env,
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SECRET_KEY)",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (tmp_path / "secret_key").read_text().strip()


def test_generated_secret_key_is_readable_by_its_owner_only(tmp_path):
    env = environment(tmp_path, DEBUG=None, SECRET_KEY=None, ALLOWED_HOSTS=None)

    start_django(env)

    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_cache_is_redis_when_cache_url_names_it(tmp_path):
    env = environment(tmp_path, CACHE_URL="redis://127.0.0.1:6379/9")

    result = start_django(
        env,
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/9",
    ]


def test_cache_is_in_process_memory_without_cache_url(tmp_path):
    env = environment(tmp_path, CACHE_URL=None)

    result = start_django(
        env,
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'])",
    )

    assert result.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"
