"""One validator per kind of file: the size, the extension and the real content, whatever the channel."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from opora.core.files import UploadValidator, sniff, validate_photo, validate_scan
from opora.core.uploads import OversizedUpload

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
WRONG_SCAN = "Содержимое файла не соответствует его расширению: загрузите скан в формате PDF, JPG или PNG."
WRONG_PHOTO = "Содержимое файла не соответствует его расширению: загрузите фото в формате JPG, PNG или WEBP."


def image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 200, 10)).save(out, format=fmt)
    return out.getvalue()


def messages(validator, name: str, content: bytes) -> list[str]:
    with pytest.raises(ValidationError) as err:
        validator(SimpleUploadedFile(name, content))
    return err.value.messages


@pytest.mark.parametrize(
    ("name", "content"),
    [("scan.pdf", PDF), ("scan.PDF", PDF), ("scan.jpg", image("JPEG")), ("scan.jpeg", image("JPEG"))]
    + [("scan.png", image("PNG"))],
)
def test_a_scan_that_is_what_its_name_says_passes(name, content):
    validate_scan(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("contract.pdf", image("PNG")),  # a PNG named .pdf
        ("contract.pdf", HTML),  # an HTML page named .pdf
        ("contract.pdf", b"MZ\x90\x00 a program"),
        ("contract.png", image("JPEG")),  # a JPEG named .png: the extension must match the content
        ("contract.jpg", PDF),
        ("contract.pdf", b""),
    ],
)
def test_a_scan_whose_content_is_not_what_its_name_says_is_refused(name, content):
    assert messages(validate_scan, name, content) == [WRONG_SCAN]


@pytest.mark.parametrize("name", ["contract.html", "contract.exe", "contract.docx", "contract"])
def test_a_scan_of_an_extension_not_allowed_is_refused_naming_the_allowed_ones(name):
    (message,) = messages(validate_scan, name, PDF)

    assert "Разрешенные расширения: pdf, jpg, jpeg, png." in message


def test_a_scan_over_the_limit_is_refused_with_the_limit_in_the_message(settings):
    settings.OPORA_MAX_SCAN_MB = 1

    validate_scan(SimpleUploadedFile("ok.pdf", PDF + b"0" * (1024 * 1024 - len(PDF))))
    assert messages(validate_scan, "big.pdf", PDF + b"0" * (1024 * 1024)) == ["Файл слишком большой: не более 1 МБ."]


def test_an_upload_the_handler_cut_off_is_refused_by_its_real_size(settings):
    settings.OPORA_MAX_SCAN_MB = 10

    with pytest.raises(ValidationError) as err:
        validate_scan(OversizedUpload("huge.pdf", "application/pdf", 20 * 1024 * 1024))

    assert err.value.messages == ["Файл слишком большой: не более 10 МБ."]


@pytest.mark.parametrize(("name", "fmt"), [("p.jpg", "JPEG"), ("p.jpeg", "JPEG"), ("p.png", "PNG"), ("p.webp", "WEBP")])
def test_a_photo_of_an_allowed_type_passes(name, fmt):
    validate_photo(SimpleUploadedFile(name, image(fmt)))


@pytest.mark.parametrize(
    ("name", "content"), [("p.jpg", image("PNG")), ("p.png", HTML), ("p.webp", b"RIFF\x00\x00\x00\x00WAVEfmt ")]
)
def test_a_photo_whose_content_is_not_what_its_name_says_is_refused(name, content):
    assert messages(validate_photo, name, content) == [WRONG_PHOTO]


def test_a_photo_over_its_own_limit_is_refused_though_a_scan_may_be_that_big(settings):
    settings.OPORA_MAX_PHOTO_MB, settings.OPORA_MAX_SCAN_MB = 1, 10
    big = image("PNG") + b"\x00" * (1024 * 1024)

    assert messages(validate_photo, "p.png", big) == ["Файл слишком большой: не более 1 МБ."]
    validate_scan(SimpleUploadedFile("p.png", big))


def test_a_file_already_in_storage_is_not_read_again(graduate, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    graduate.photo_portrait.save("p.png", SimpleUploadedFile("p.png", image("PNG")), save=True)
    (tmp_path / graduate.photo_portrait.name).unlink()  # it would fail to open if it were read
    graduate.refresh_from_db()

    validate_photo(graduate.photo_portrait)
    graduate.full_clean(exclude=["service", "territory"])


def test_validators_compare_by_kind_so_migrations_stay_still():
    assert UploadValidator("scan") == validate_scan
    assert UploadValidator("photo") != validate_scan
    assert validate_scan.deconstruct() == ("opora.core.files.UploadValidator", ("scan",), {})


def test_the_type_comes_from_the_first_bytes():
    assert sniff(PDF) == "pdf"
    assert sniff(image("PNG")) == "png"
    assert sniff(image("JPEG")) == "jpeg"
    assert sniff(image("WEBP")) == "webp"
    assert sniff(HTML) is None
