"""The demo app is development-only: OPORA_DEMO_APP=0 leaves it out and the product runs without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings as django_settings


def manage(tmp_path, *args: str, demo: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "OPORA_DEMO_APP": demo,
        "OPORA_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "demo-switch-0123456789abcdefghijklmnopqrstuvwxyz-0123456789",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own thread
    manage_py = Path(django_settings.BASE_DIR) / "manage.py"
    return subprocess.run(  # noqa: S603 - our own manage.py with a fixed argument list
        [sys.executable, str(manage_py), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_demo_app_is_installed_by_default():
    assert "opora.demo" in django_settings.INSTALLED_APPS


def test_without_the_demo_app_the_project_passes_its_checks_and_has_no_demo_commands(tmp_path):
    check = manage(tmp_path, "check", demo="0")
    assert check.returncode == 0, check.stdout + check.stderr

    for command in ("load_demo", "bench"):
        result = manage(tmp_path, "help", command, demo="0")
        assert result.returncode != 0
        assert f"Unknown command: '{command}'" in result.stderr


def test_a_bad_value_of_the_switch_stops_the_start_with_its_name(tmp_path):
    result = manage(tmp_path, "check", demo="maybe")

    assert result.returncode != 0
    assert "OPORA_DEMO_APP must be a boolean" in result.stderr
