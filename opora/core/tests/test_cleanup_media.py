"""``manage.py cleanup_media``: the files no record names (the old orphans) are listed, then removed.

A file still named by a record stays; so does a young one (its record may not be committed
yet) and a kept form upload younger than a day. Temporary copies a killed worker left in
FILE_UPLOAD_TEMP_DIR go too.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from opora.registry.models import Consent

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def dirs(settings, tmp_path) -> tuple[Path, Path]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    (tmp_path / "media").mkdir()
    (tmp_path / "tmp").mkdir()
    return tmp_path / "media", tmp_path / "tmp"


def put(root: Path, name: str, *, age: dt.timedelta, content: bytes = b"x") -> Path:
    """A file ``age`` old by the suite's clock (file times are real; the clock is not)."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    moment = (timezone.now() - age).timestamp()
    os.utime(path, (moment, moment))
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command("cleanup_media", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def scene(dirs, graduate):
    media, temp = dirs
    consent = Consent(graduate=graduate, given_at=timezone.localdate(), scope="Все данные")
    consent.scan.save("consent.pdf", ContentFile(PDF), save=True)
    referenced = media / consent.scan.name
    old = dt.timedelta(days=3)
    moment = (timezone.now() - old).timestamp()
    os.utime(referenced, (moment, moment))
    return {
        "referenced": referenced,
        "orphan": put(media, "contracts/2026/old-contract.pdf", age=old),
        "orphan_photo": put(media, "photos/2026/lost.png", age=dt.timedelta(hours=2)),
        "young": put(media, "contracts/2026/being-saved.pdf", age=dt.timedelta(minutes=5)),
        "kept": put(media, "pending/abc.png", age=dt.timedelta(hours=3)),
        "expired": put(media, "pending/def.png", age=dt.timedelta(hours=30)),
        "temp": put(temp, "tmpab12.upload.pdf", age=dt.timedelta(hours=2)),
        "temp_live": put(temp, "tmpcd34.upload.pdf", age=dt.timedelta(seconds=10)),
    }


def test_a_dry_run_lists_the_orphans_and_removes_nothing(scene):
    output = run("--dry-run")

    for key in ("orphan", "orphan_photo", "expired", "temp"):
        assert str(scene[key]) in output
    for key in ("referenced", "young", "kept", "temp_live"):
        assert str(scene[key]) not in output
    assert "Найдено файлов: 4" in output
    assert "Ничего не удалено (--dry-run)." in output
    assert all(path.exists() for path in scene.values())


def test_without_dry_run_the_orphans_are_removed_and_the_rest_kept(scene):
    output = run()

    assert "Удалено файлов: 4" in output
    for key in ("orphan", "orphan_photo", "expired", "temp"):
        assert not scene[key].exists()
    for key in ("referenced", "young", "kept", "temp_live"):
        assert scene[key].exists()
    assert not (scene["orphan_photo"].parent).exists()  # the emptied folder went as well


def test_the_grace_period_can_be_set(scene):
    run("--grace-minutes", "1")

    assert not scene["young"].exists()
    assert scene["referenced"].exists()


def test_a_negative_grace_period_is_refused(dirs):
    with pytest.raises(CommandError, match="не может быть отрицательным"):
        run("--grace-minutes", "-5")
