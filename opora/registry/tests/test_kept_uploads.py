"""A file chosen in a form is kept when another field has an error: the user does not choose it again.

Browsers never fill a file input again, so the file is put aside on the server and the form
says «Фото выбрано: имя (будет сохранено)»; the next submit saves it, unless the user removed
it or chose another.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from opora.conftest import years_ago
from opora.registry.models import Consent, Graduate


def png_bytes(color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(out, format="PNG")
    return out.getvalue()


RED, BLUE = png_bytes(), png_bytes((0, 0, 250))
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pending_files(media: Path) -> list[Path]:
    return sorted((media / "pending").glob("*")) if (media / "pending").exists() else []


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def token_of(response, field: str) -> str:
    match = re.search(rf'name="{field}-pending" value="([^"]+)"', response.content.decode())
    assert match, f"no kept file for {field}"
    return match.group(1)


@pytest.fixture
def client_of(login, specialist):
    return login(specialist)


def create(client, data, **files):
    return client.post(reverse("registry:create"), {**data, **files})


def test_a_photo_is_kept_when_another_field_has_an_error_and_saved_on_the_next_submit(
    client_of, graduate_form, media, django_capture_on_commit_callbacks
):
    data = graduate_form()
    failed = create(client_of, {**data, "last_name": ""}, photo_portrait=SimpleUploadedFile("портрет.png", RED))

    assert failed.status_code == 400
    assert "Фото выбрано: портрет.png (будет сохранено)" in text(failed)
    assert len(pending_files(media)) == 1
    token = token_of(failed, "photo_portrait")

    with django_capture_on_commit_callbacks(execute=True):
        saved = create(client_of, {**data, "photo_portrait-pending": token})

    assert saved.status_code == 302
    graduate = Graduate.objects.get()
    assert graduate.photo_portrait.name.startswith("photos/")
    assert graduate.photo_portrait.name.endswith(".png")
    assert (media / graduate.photo_portrait.name).read_bytes() == RED
    assert pending_files(media) == []  # the kept copy went once the record was saved


def test_a_photo_is_kept_when_the_service_refuses_the_record(client_of, graduate_form, media):
    # The form is valid; the registry refuses the age (the service's check, after the form's).
    data = graduate_form(birth_date=years_ago(40).isoformat())

    failed = create(client_of, data, photo_full=SimpleUploadedFile("рост.png", RED))

    assert failed.status_code == 400
    assert "Возраст 40 не входит в диапазон службы" in text(failed)
    assert "Фото выбрано: рост.png (будет сохранено)" in text(failed)
    token_of(failed, "photo_full")


def test_a_kept_photo_the_user_removed_is_not_saved(
    client_of, graduate_form, media, django_capture_on_commit_callbacks
):
    data = graduate_form()
    failed = create(client_of, {**data, "first_name": ""}, photo_portrait=SimpleUploadedFile("p.png", RED))

    with django_capture_on_commit_callbacks(execute=True):
        saved = create(
            client_of,
            {
                **data,
                "photo_portrait-pending": token_of(failed, "photo_portrait"),
                "photo_portrait-pending-discard": "on",
            },
        )

    assert saved.status_code == 302
    assert not Graduate.objects.get().photo_portrait
    assert pending_files(media) == []


def test_another_file_chosen_after_the_error_replaces_the_kept_one(
    client_of, graduate_form, media, django_capture_on_commit_callbacks
):
    data = graduate_form()
    failed = create(client_of, {**data, "first_name": ""}, photo_portrait=SimpleUploadedFile("red.png", RED))

    with django_capture_on_commit_callbacks(execute=True):
        saved = create(
            client_of,
            {**data, "photo_portrait-pending": token_of(failed, "photo_portrait")},
            photo_portrait=SimpleUploadedFile("blue.png", BLUE),
        )

    assert saved.status_code == 302
    graduate = Graduate.objects.get()
    assert (media / graduate.photo_portrait.name).read_bytes() == BLUE
    assert pending_files(media) == []


def test_a_refused_photo_is_not_kept(client_of, graduate_form, media):
    failed = create(
        client_of, {**graduate_form(), "last_name": ""}, photo_portrait=SimpleUploadedFile("p.jpg", RED)
    )  # a PNG named .jpg

    assert failed.status_code == 400
    assert "Фото выбрано" not in text(failed)
    assert pending_files(media) == []


def test_a_kept_photo_is_not_usable_by_another_user(login, specialist, coordinator, graduate_form, media):
    data = graduate_form()
    failed = create(login(specialist), {**data, "last_name": ""}, photo_portrait=SimpleUploadedFile("p.png", RED))

    response = create(login(coordinator), {**data, "photo_portrait-pending": token_of(failed, "photo_portrait")})

    assert response.status_code == 302
    assert not Graduate.objects.get().photo_portrait


def test_a_kept_photo_expires_after_a_day(login, specialist, graduate_form, media, today, travel_to):
    data = graduate_form()
    failed = create(login(specialist), {**data, "last_name": ""}, photo_portrait=SimpleUploadedFile("p.png", RED))
    travel_to(today + dt.timedelta(days=2))

    response = create(login(specialist), {**data, "photo_portrait-pending": token_of(failed, "photo_portrait")})

    assert response.status_code == 302
    assert not Graduate.objects.get().photo_portrait


def test_a_forged_token_is_ignored(client_of, graduate_form, media):
    (media / "pending").mkdir()
    (media / "pending" / "x.png").write_bytes(RED)

    response = create(client_of, {**graduate_form(), "photo_portrait-pending": "pending/x.png"})

    assert response.status_code == 302
    assert not Graduate.objects.get().photo_portrait


def test_a_consent_scan_is_kept_when_the_dates_are_refused(
    login, specialist, graduate, media, django_capture_on_commit_callbacks
):
    client = login(specialist)
    url = reverse("registry:consents", args=[graduate.pk])
    data = {"given_at": "2024-05-01", "given_by": "graduate", "scope": "Все данные"}

    failed = client.post(url, {**data, "valid_until": "2024-01-01", "scan": SimpleUploadedFile("согласие.pdf", PDF)})

    assert failed.status_code == 400
    assert "Файл выбран: согласие.pdf (будет сохранено)" in text(failed)
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(url, {**data, "scan-pending": token_of(failed, "scan")})
    assert saved.status_code == 302
    consent = Consent.objects.get()
    assert (media / consent.scan.name).read_bytes() == PDF
    assert pending_files(media) == []


def test_a_photo_is_kept_when_a_colleague_changed_the_record_meanwhile(
    client_of, specialist, graduate, graduate_form, media
):
    from opora.registry import services

    data = {
        **graduate_form(snils=graduate.snils, last_name=graduate.last_name, first_name=graduate.first_name),
        "revision": graduate.revision,
    }
    services.update_graduate(graduate, actor=specialist, data={"notes": "коллега успел раньше"})

    response = client_of.post(
        reverse("registry:update", args=[graduate.pk]), {**data, "photo_portrait": SimpleUploadedFile("p.png", RED)}
    )

    assert response.status_code == 409
    assert "Фото выбрано: p.png (будет сохранено)" in text(response)
    token_of(response, "photo_portrait")
