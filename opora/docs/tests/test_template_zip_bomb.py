"""A template upload is measured before anything unpacks it: a zip bomb is refused, not parsed.

A 348 KB zip bomb once held a worker for 30 s and 3.1 GB: the archive's directory says how much
it unpacks to, and that is checked first (python-docx and docxtpl never see the file).
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opora.docs import validators
from opora.docs.models import DocumentTemplate
from opora.docs.tests.test_region_templates import tiny_template

MB = 1024 * 1024


def bomb(*, zeros_mb: int, members: int = 1) -> bytes:
    """A .docx-shaped archive whose parts are megabytes of zeros (they pack about a thousand times)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        source = zipfile.ZipFile(io.BytesIO(tiny_template("{{ graduate_full_name }}")))
        for item in source.infolist():
            archive.writestr(item, source.read(item))
        zeros = b"\x00" * (zeros_mb * MB)
        for n in range(members):
            archive.writestr(f"word/media/filler{n}.bin", zeros)
    return out.getvalue()


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if python-docx or docxtpl is asked to open the file."""

    def refuse(*args, **kwargs):
        raise AssertionError("the archive was parsed before its size was checked")

    monkeypatch.setattr("docx.Document", refuse)
    monkeypatch.setattr("docxtpl.DocxTemplate", refuse)


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("Договор.docx", content)


def test_a_template_that_unpacks_past_the_limit_is_refused_before_it_is_parsed(settings, no_parsing):
    settings.OPORA_MAX_TEMPLATE_UNPACKED_MB = 2
    content = bomb(zeros_mb=3)
    assert len(content) < 100 * 1024  # small on the wire

    with pytest.raises(ValidationError) as err:
        validators.validate_docx(upload(content))

    assert err.value.messages == ["Документ в распакованном виде больше 2 МБ: это не шаблон документа, файл не принят."]


def test_a_part_packed_like_filler_is_refused_even_under_the_total_limit(no_parsing):
    with pytest.raises(ValidationError) as err:
        validators.validate_docx(upload(bomb(zeros_mb=2)))

    (message,) = err.value.messages
    assert message.startswith("Часть документа «word/media/filler0.bin» сжата в ")
    assert "Файл не принят." in message


def test_an_archive_of_too_many_parts_is_refused(monkeypatch, no_parsing):
    monkeypatch.setattr(validators, "MAX_MEMBERS", 20)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for n in range(25):
            archive.writestr(f"part{n}.xml", "<x/>")

    with pytest.raises(ValidationError) as err:
        validators.validate_docx(upload(out.getvalue()))

    assert err.value.messages == ["В файле слишком много частей (26): это не документ Word."]


def test_a_truncated_archive_is_refused_as_not_a_word_document():
    content = tiny_template("{{ graduate_full_name }}")

    with pytest.raises(ValidationError) as err:
        validators.validate_docx(upload(content[: len(content) // 2]))

    assert "Это не документ Word (.docx)" in err.value.messages[0]


def test_real_templates_pass_the_bounds():
    for kind in DocumentTemplate.Kind.values:
        from opora.docs.services import default_template_path

        validators.check_zip_bounds(default_template_path(kind).read_bytes())
    validators.check_zip_bounds(tiny_template("x" * 200_000))


def test_the_admin_refuses_a_zip_bomb_and_stores_nothing(login, administrator, region, settings, tmp_path, no_parsing):
    settings.MEDIA_ROOT = tmp_path
    settings.OPORA_MAX_TEMPLATE_UNPACKED_MB = 2

    response = login(administrator).post(
        reverse("admin:docs_documenttemplate_add"),
        {"region": region.pk, "kind": "contract", "file": upload(bomb(zeros_mb=3)), "is_active": "on"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"] == [
        "Документ в распакованном виде больше 2 МБ: это не шаблон документа, файл не принят."
    ]
    assert not DocumentTemplate.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_template_over_the_upload_limit_is_refused_by_its_size(settings, login, administrator, region, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.OPORA_MAX_TEMPLATE_MB = 1

    response = login(administrator).post(
        reverse("admin:docs_documenttemplate_add"),
        {"region": region.pk, "kind": "contract", "file": upload(b"PK\x03\x04" + b"1" * (2 * MB)), "is_active": "on"},
    )

    assert response.context["adminform"].form.errors["file"] == [
        "Файл шаблона больше 1 МБ: загрузите документ Word (.docx)."
    ]
    assert not DocumentTemplate.objects.exists()
