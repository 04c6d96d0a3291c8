"""Storage follows the records: a file no record names any more is removed — once the change commits.

Deleting a record (with whatever cascades from it), replacing or clearing its file through a
form, removes the old file after the transaction commits; a transaction that rolls back keeps
it, since the record still names it.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from opora.registry import services as registry
from opora.registry.models import Consent, Graduate

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def png(color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored(media: Path) -> set[str]:
    return {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()}


@pytest.fixture
def graduate_with_files(graduate, media):
    """A graduate with a photo and a consent scan in storage."""
    graduate.photo_portrait.save("portrait.png", ContentFile(png()), save=True)
    consent = Consent(graduate=graduate, given_at=days_ago(20), scope="Все данные")
    consent.scan.save("consent.pdf", ContentFile(PDF), save=True)
    assert len(stored(media)) == 2
    return graduate


def test_deleting_a_graduate_removes_the_photo_and_every_scan_under_them(
    login, coordinator, graduate_with_files, media, django_capture_on_commit_callbacks
):
    client = login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registry:delete", args=[graduate_with_files.pk]), {"confirm_name": graduate_with_files.last_name}
        )

    assert response.status_code == 302
    assert not Graduate.objects.exists()
    assert stored(media) == set()


def test_nothing_is_removed_before_the_transaction_commits(graduate_with_files, coordinator, media):
    with transaction.atomic():
        registry.delete_graduate(graduate_with_files, actor=coordinator)
        assert len(stored(media)) == 2


def test_a_deletion_that_rolls_back_keeps_the_files(
    graduate_with_files, coordinator, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            registry.delete_graduate(graduate_with_files, actor=coordinator)
            raise RuntimeError("the request failed after the deletion")

    assert callbacks == []
    assert Graduate.objects.exists()
    assert len(stored(media)) == 2


def update_form(graduate_form, graduate) -> dict:
    return {
        **graduate_form(snils=graduate.snils, last_name=graduate.last_name, first_name=graduate.first_name),
        "revision": graduate.revision,
    }


def test_a_photo_replaced_in_the_form_removes_the_old_file(
    login, specialist, graduate_with_files, graduate_form, media, django_capture_on_commit_callbacks
):
    graduate = Graduate.objects.get()
    old = graduate.photo_portrait.name
    client = login(specialist)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registry:update", args=[graduate.pk]),
            {**update_form(graduate_form, graduate), "photo_portrait": SimpleUploadedFile("new.png", png((0, 0, 9)))},
        )

    assert response.status_code == 302
    graduate.refresh_from_db()
    assert graduate.photo_portrait.name != old
    assert old not in stored(media)
    assert (media / graduate.photo_portrait.name).read_bytes() == png((0, 0, 9))


def test_a_photo_cleared_in_the_form_is_removed(
    login, specialist, graduate_with_files, graduate_form, media, django_capture_on_commit_callbacks
):
    graduate = Graduate.objects.get()
    old = graduate.photo_portrait.name

    with django_capture_on_commit_callbacks(execute=True):
        login(specialist).post(
            reverse("registry:update", args=[graduate.pk]),
            {**update_form(graduate_form, graduate), "photo_portrait-clear": "on"},
        )

    graduate.refresh_from_db()
    assert not graduate.photo_portrait
    assert old not in stored(media)


def test_a_stale_save_that_is_refused_removes_nothing(
    login, specialist, graduate_with_files, graduate_form, media, django_capture_on_commit_callbacks
):
    graduate = Graduate.objects.get()
    data = update_form(graduate_form, graduate)
    registry.update_graduate(graduate, actor=specialist, data={"notes": "коллега успел раньше"})

    with django_capture_on_commit_callbacks(execute=True):
        response = login(specialist).post(
            reverse("registry:update", args=[graduate.pk]),
            {**data, "photo_portrait": SimpleUploadedFile("new.png", png((0, 0, 9)))},
        )

    assert response.status_code == 409
    graduate.refresh_from_db()
    assert (media / graduate.photo_portrait.name).exists()


def test_saving_a_record_without_a_new_file_keeps_it(
    specialist, graduate_with_files, media, django_capture_on_commit_callbacks
):
    graduate = Graduate.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        registry.update_graduate(graduate, actor=specialist, data={"notes": "без нового фото"})
        Graduate.objects.get().save()

    assert len(stored(media)) == 2
