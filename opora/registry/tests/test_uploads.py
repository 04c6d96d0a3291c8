"""Uploads: photos and consent scans are checked for type and size and served only within the scope."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from opora.registry.models import Consent, Graduate

NOT_AN_IMAGE = "Загрузите правильное изображение."
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png_bytes(size=(8, 8), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def png(name: str = "portrait.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture
def create(login, specialist, graduate_form):
    client = login(specialist)

    def post(**files):
        return client.post(reverse("registry:create"), {**graduate_form(), **files})

    return post


def test_a_real_photo_is_accepted_and_shown_on_the_card(create, login, specialist):
    response = create(photo_portrait=png())

    assert response.status_code == 302
    graduate = Graduate.objects.get()
    assert graduate.photo_portrait.name.endswith(".png")
    card = login(specialist).get(reverse("registry:detail", args=[graduate.pk])).content.decode()
    assert reverse("registry:photo", args=[graduate.pk, "portrait"]) in card


def test_a_photo_is_served_only_within_the_scope(create, client, specialist, other_specialist, regional):
    create(photo_portrait=png())
    graduate = Graduate.objects.get()
    url = reverse("registry:photo", args=[graduate.pk, "portrait"])

    client.force_login(specialist)
    own = client.get(url)
    client.force_login(regional)
    region = client.get(url)
    client.force_login(other_specialist)
    foreign = client.get(url)

    assert own.status_code == 200
    assert b"".join(own.streaming_content) == png_bytes()
    assert own["Content-Type"] == "image/png"
    assert "no-store" in own["Cache-Control"]  # a shared office computer keeps no face in its cache
    assert "max-age" not in own["Cache-Control"]
    assert region.status_code == 200
    assert foreign.status_code == 404


def test_an_uploaded_file_is_not_reachable_by_its_media_address(create, client, specialist):
    create(photo_portrait=png())
    graduate = Graduate.objects.get()
    client.force_login(specialist)

    assert client.get(f"/media/{graduate.photo_portrait.name}").status_code == 404


def test_a_card_without_a_photo_answers_404_for_the_photo(login, specialist, graduate):
    client = login(specialist)

    assert client.get(reverse("registry:photo", args=[graduate.pk, "portrait"])).status_code == 404
    assert client.get(reverse("registry:photo", args=[graduate.pk, "passport"])).status_code == 404


def test_a_text_file_named_png_is_refused_with_a_russian_message(create):
    response = create(photo_portrait=SimpleUploadedFile("portrait.png", b"just some text", content_type="image/png"))

    assert response.status_code == 400
    errors = response.context["form"].errors["photo_portrait"]
    assert errors[0].startswith(NOT_AN_IMAGE)
    assert NOT_AN_IMAGE in response.content.decode()
    assert not Graduate.objects.exists()


def test_an_image_of_a_type_not_allowed_is_refused(create):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="GIF")

    response = create(photo_full=SimpleUploadedFile("full.gif", buffer.getvalue(), content_type="image/gif"))

    assert response.status_code == 400
    message = response.context["form"].errors["photo_full"][0]
    assert "gif" in message
    assert "jpg, jpeg, png, webp" in message


def test_a_photo_over_the_size_limit_is_refused(create, settings):
    settings.OPORA_MAX_PHOTO_MB = 0

    response = create(photo_portrait=png())

    assert response.status_code == 400
    assert response.context["form"].errors["photo_portrait"] == ["Файл слишком большой: не более 0 МБ."]
    assert not Graduate.objects.exists()


def test_a_photo_can_be_replaced_and_removed_on_edit(login, specialist, graduate, graduate_form):
    client = login(specialist)
    data = graduate_form(snils=graduate.snils, last_name=graduate.last_name, first_name=graduate.first_name)
    url = reverse("registry:update", args=[graduate.pk])

    client.post(url, {**data, "photo_portrait": png()})
    graduate.refresh_from_db()
    assert graduate.photo_portrait

    client.post(url, {**data, "photo_portrait-clear": "on"})
    graduate.refresh_from_db()
    assert not graduate.photo_portrait


# --- consent scans ---------------------------------------------------------------------------


def post_consent(client, graduate, scan):
    return client.post(
        reverse("registry:consents", args=[graduate.pk]),
        {"given_at": "2024-05-01", "given_by": "graduate", "scope": "Все данные", "scan": scan},
    )


def test_a_pdf_scan_is_accepted_and_served_within_the_scope(login, specialist, graduate, client, other_specialist):
    response = post_consent(login(specialist), graduate, SimpleUploadedFile("consent.pdf", PDF, "application/pdf"))

    assert response.status_code == 302
    consent = Consent.objects.get()
    url = reverse("registry:consent_scan", args=[graduate.pk, consent.pk])
    own = client.get(url)
    assert own.status_code == 200
    assert own["Content-Type"] == "application/pdf"
    assert b"".join(own.streaming_content) == PDF

    client.force_login(other_specialist)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("consent.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("consent.html", b"<script>alert(1)</script>"),
    ],
)
def test_a_scan_of_a_type_not_allowed_is_refused(login, specialist, graduate, name, content):
    response = post_consent(login(specialist), graduate, SimpleUploadedFile(name, content))

    assert response.status_code == 400
    message = response.context["form"].errors["scan"][0]
    assert "pdf, jpg, jpeg, png" in message
    assert not Consent.objects.exists()


@pytest.mark.parametrize("name", ["consent.pdf", "consent.jpg", "consent.png"])
def test_a_program_renamed_as_a_scan_is_refused(login, specialist, graduate, name):
    response = post_consent(
        login(specialist), graduate, SimpleUploadedFile(name, b"MZ\x90\x00\x03\x00\x00\x00 program")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["scan"] == [
        "Содержимое файла не соответствует его расширению: загрузите скан в формате PDF, JPG или PNG."
    ]
    assert not Consent.objects.exists()


def test_a_scan_over_the_size_limit_is_refused(login, specialist, graduate, settings):
    settings.OPORA_MAX_SCAN_MB = 0

    response = post_consent(login(specialist), graduate, SimpleUploadedFile("consent.pdf", PDF, "application/pdf"))

    assert response.status_code == 400
    assert response.context["form"].errors["scan"] == ["Файл слишком большой: не более 0 МБ."]
