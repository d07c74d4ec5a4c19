import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path):
    # Nothing of the test process's own setup (e.g. the browser tests' async switch).
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY"} and not k.startswith(("DJANGO_", "PYTEST_"))
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="x7-" + "k" * 60 + "-production-like-secret",
        ALLOWED_HOSTS="portal.d8sme.example.org",
        VAR_DIR=str(tmp_path),
    )
    return env


def test_check_deploy_reports_nothing_under_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_compose_file_is_valid(tmp_path):
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        ["docker-compose", "config", "-q"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_env_example_names_every_setting_the_portal_reads():
    settings_source = (ROOT / "d8portal" / "settings.py").read_text()
    example = (ROOT / ".env.example").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source))
    named = set(re.findall(r"^#?\s*([A-Z_]+)=", example, flags=re.M))
    assert read - named - {"VAR_DIR", "STATIC_ROOT", "MEDIA_ROOT", "DEMO_PASSWORD"} == set()


def test_a_web_worker_keeps_what_it_loaded_at_start_out_of_full_collections(tmp_path):
    code = "import gc, d8portal.wsgi; print(gc.get_freeze_count())"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**production_env(tmp_path), "DJANGO_SETTINGS_MODULE": "d8portal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) > 10_000
