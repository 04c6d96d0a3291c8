"""Uploads on the wire: a huge file stops being written at the cap, and a cut-off upload leaves no copy.

Files larger than FILE_UPLOAD_MAX_MEMORY_SIZE stream into temporary files under
FILE_UPLOAD_TEMP_DIR; whatever becomes of the request — the body ends early, the client goes
away mid-file — none of them stays there.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from PIL import Image

from opora.registry.models import Graduate

MB = 1024 * 1024


def png(extra: int = 0) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG")
    return out.getvalue() + b"\x00" * extra


@pytest.fixture(autouse=True)
def dirs(settings, tmp_path) -> tuple[Path, Path]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024  # anything bigger streams to a temporary file
    (tmp_path / "tmp").mkdir()
    return tmp_path / "media", tmp_path / "tmp"


@pytest.fixture
def temp_files_made(monkeypatch) -> list[str]:
    """The temporary files the request created (to show the test did exercise them)."""
    made: list[str] = []
    original = TemporaryUploadedFile.__init__

    def spy(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self.temporary_file_path())

    monkeypatch.setattr(TemporaryUploadedFile, "__init__", spy)
    return made


def body_with_photo(graduate_form, size: int) -> bytes:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return encode_multipart(BOUNDARY, {**graduate_form(), "photo_portrait": SimpleUploadedFile("p.png", png(size))})


def test_a_photo_far_over_the_limit_is_refused_by_size_and_never_written_in_full(
    login, specialist, graduate_form, dirs, settings, monkeypatch, temp_files_made
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.OPORA_MAX_PHOTO_MB, settings.OPORA_MAX_SCAN_MB, settings.OPORA_MAX_TEMPLATE_MB = 5, 10, 5
    written: list[int] = []
    original = TemporaryFileUploadHandler.receive_data_chunk
    monkeypatch.setattr(
        TemporaryFileUploadHandler,
        "receive_data_chunk",
        lambda self, raw, start: (written.append(len(raw)), original(self, raw, start))[1],
    )

    response = login(specialist).post(
        reverse("registry:create"), {**graduate_form(), "photo_portrait": SimpleUploadedFile("p.png", png(20 * MB))}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["photo_portrait"] == ["Файл слишком большой: не более 5 МБ."]
    assert not Graduate.objects.exists()
    assert temp_files_made and sum(written) <= 10 * MB
    media, temp = dirs
    assert list(temp.iterdir()) == []
    assert not media.exists() or [p for p in media.rglob("*") if p.is_file()] == []


def test_an_upload_cut_short_leaves_no_temporary_copy(login, specialist, graduate_form, dirs, temp_files_made):
    body = body_with_photo(graduate_form, 1 * MB)
    client = login(specialist)
    client.raise_request_exception = False

    # The body ends in the middle of the photo, before the length it announced.
    response = client.generic(
        "POST",
        reverse("registry:create"),
        data=body,
        content_type=MULTIPART_CONTENT,
        **{"wsgi.input": io.BytesIO(body[: len(body) // 2])},
    )

    assert response.status_code == 400
    assert not Graduate.objects.exists()
    assert temp_files_made
    assert list(dirs[1].iterdir()) == []


class DroppedConnection(io.RawIOBase):
    """A client that goes away after sending ``limit`` bytes."""

    def __init__(self, data: bytes, limit: int):
        self.data, self.limit, self.pos = data, limit, 0

    def read(self, size=-1):
        if self.pos >= self.limit:
            raise OSError("connection reset by peer")
        size = len(self.data) if size is None or size < 0 else size
        chunk = self.data[self.pos : min(self.pos + size, self.limit)]
        self.pos += len(chunk)
        return chunk

    def readline(self, size=-1):
        return self.read(size)


def test_a_client_that_goes_away_mid_upload_leaves_no_temporary_copy(
    login, specialist, graduate_form, dirs, temp_files_made
):
    body = body_with_photo(graduate_form, 2 * MB)
    client = login(specialist)
    client.raise_request_exception = False

    client.generic(
        "POST",
        reverse("registry:create"),
        data=body,
        content_type=MULTIPART_CONTENT,
        **{"wsgi.input": DroppedConnection(body, len(body) // 2)},
    )

    assert not Graduate.objects.exists()
    assert temp_files_made
    assert list(dirs[1].iterdir()) == []


def test_a_completed_big_upload_leaves_no_temporary_copy_either(
    login, specialist, graduate_form, dirs, temp_files_made
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = login(specialist).post(
        reverse("registry:create"), {**graduate_form(), "photo_portrait": SimpleUploadedFile("p.png", png(MB))}
    )

    assert response.status_code == 302
    assert temp_files_made
    assert list(dirs[1].iterdir()) == []
    assert Graduate.objects.get().photo_portrait.size == len(png(MB))
