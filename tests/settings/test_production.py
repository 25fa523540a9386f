"""Production settings: refuse to start without the public base URL; `check --deploy` is clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-production-secret-key-that-is-long-and-random-enough-0123456789-abcdef"


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "WAGTAILADMIN_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="cms.settings.production", **environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_on_the_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=SECRET,
        WAGTAILADMIN_BASE_URL="https://clinic.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("base_url", [None, "", "   "])
def test_production_refuses_to_start_without_the_public_base_url(base_url):
    environment = {"DJANGO_SECRET_KEY": SECRET}
    if base_url is not None:
        environment["WAGTAILADMIN_BASE_URL"] = base_url
    result = manage("check", **environment)
    assert result.returncode != 0
    assert "set the environment variable WAGTAILADMIN_BASE_URL" in result.stderr
    assert "https://clinic.example" in result.stderr


@pytest.mark.parametrize("base_url", ["clinic.example", "/en/", "https://clinic.example/?x=1"])
def test_production_refuses_a_base_url_that_is_not_absolute(base_url):
    result = manage("check", DJANGO_SECRET_KEY=SECRET, WAGTAILADMIN_BASE_URL=base_url)
    assert result.returncode != 0
    assert f"WAGTAILADMIN_BASE_URL={base_url!r} is not an absolute" in result.stderr


def test_production_requires_a_secret_key():
    result = manage("check", WAGTAILADMIN_BASE_URL="https://clinic.example")
    assert result.returncode != 0
    assert "set the environment variable DJANGO_SECRET_KEY" in result.stderr


def test_the_public_host_is_allowed_and_the_base_url_loses_its_trailing_slash():
    code = (
        "from django.conf import settings; "
        "print(settings.WAGTAILADMIN_BASE_URL, settings.ALLOWED_HOSTS, settings.DEBUG)"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DJANGO_SECRET_KEY=SECRET,
        WAGTAILADMIN_BASE_URL="https://clinic.example/",
        DJANGO_ALLOWED_HOSTS="internal.example, ",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "https://clinic.example ['clinic.example', 'internal.example'] False"
    )
