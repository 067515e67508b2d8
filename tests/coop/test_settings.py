"""Settings are read once per process, so each case runs Django in a fresh one."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG)"
)


def run_django(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    clean.update(DJANGO_SETTINGS_MODULE="coop.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_with_nothing_set_it_runs_embedded_on_sqlite_with_tasks_in_process():
    result = run_django()
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True"]


def test_a_database_and_redis_from_the_environment_are_used():
    result = run_django(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x", REDIS_URL="redis://127.0.0.1:6379/0"
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "False", "True"]


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = run_django(DEBUG="0", SECRET_KEY="django-insecure-short", ALLOWED_HOSTS="x")
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = run_django(DEBUG="0", SECRET_KEY="k" * 60, ALLOWED_HOSTS="portal.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[2] == "False"


def test_a_mistyped_boolean_is_refused_by_name():
    result = run_django(DEBUG="maybe")
    assert "DEBUG must be 1/0" in result.stderr
