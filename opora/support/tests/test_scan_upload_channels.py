"""A contract's scan is checked the same way on every channel: the sign and renew pages and their API twins.

Each channel refuses a file over the limit, a PNG named .pdf and an HTML page named .pdf with a
400 and a Russian message, and saves nothing (no contract, no file in storage); a real PDF is
accepted. The API once took what the forms refused.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from opora.support import services
from opora.support.models import Contract
from opora.support.tests.conftest import HELP_AGREED, OBLIGATIONS, SUPPORTING, days_ago

pytestmark = pytest.mark.usefixtures("support_region")

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
WRONG = "Содержимое файла не соответствует его расширению: загрузите скан в формате PDF, JPG или PNG."
TOO_BIG = "Файл слишком большой: не более 1 МБ."


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(out, format="PNG")
    return out.getvalue()


BAD_FILES = {
    "over the limit": (PDF + b"0" * (1024 * 1024), TOO_BIG),
    "a PNG named .pdf": (png(), WRONG),
    "an HTML page named .pdf": (
        b"<!doctype html><html><body><h1>\xd0\x94\xd0\xbe\xd0\xb3\xd0\xbe\xd0\xb2\xd0\xbe\xd1\x80</h1>",
        WRONG,
    ),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    settings.OPORA_MAX_SCAN_MB = 1
    (tmp_path / "tmp").mkdir()
    return settings.MEDIA_ROOT


def stored(media: Path) -> list[str]:
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.fixture
def contacted(consented_graduate, specialist):
    case = services.open_case(consented_graduate, actor=specialist, identified_at=days_ago(5))
    services.establish_contact(case, actor=specialist, on=days_ago(2))
    return case


def sign_on_page(client, case, levels, scan):
    return client.post(
        reverse("support:contract_sign", args=[case.graduate_id, case.pk]),
        {
            "level": levels[SUPPORTING].pk,
            "signed_at": timezone.localdate().strftime("%d.%m.%Y"),
            "help_agreed": HELP_AGREED,
            "graduate_obligations": OBLIGATIONS,
            "scan": scan,
        },
    )


def sign_through_api(client, case, levels, scan):
    return client.post(
        f"/api/v1/cases/{case.pk}/sign-contract/",
        {
            "level": levels[SUPPORTING].pk,
            "signed_at": timezone.localdate().isoformat(),
            "help_agreed": HELP_AGREED,
            "graduate_obligations": OBLIGATIONS,
            "scan": scan,
        },
    )


def renew_on_page(client, contract, scan):
    return client.post(
        reverse("support:contract_renew", args=[contract.case.graduate_id, contract.pk]),
        {
            "signed_at": timezone.localdate().strftime("%d.%m.%Y"),
            "help_agreed": contract.help_agreed,
            "graduate_obligations": contract.graduate_obligations,
            "scan": scan,
        },
    )


def renew_through_api(client, contract, scan):
    return client.post(
        f"/api/v1/contracts/{contract.pk}/renew/", {"signed_at": timezone.localdate().isoformat(), "scan": scan}
    )


def error_of(response, api: bool) -> str:
    if api:
        return " ".join(response.json()["scan"])
    return " ".join(response.context["form"].errors["scan"])


@pytest.mark.parametrize("bad", list(BAD_FILES))
@pytest.mark.parametrize("channel", ["page", "api"])
def test_signing_refuses_a_bad_scan_and_saves_nothing(login, specialist, contacted, levels, media, channel, bad):
    content, message = BAD_FILES[bad]
    sign = sign_on_page if channel == "page" else sign_through_api

    response = sign(login(specialist), contacted, levels, SimpleUploadedFile("договор.pdf", content))

    assert response.status_code == 400
    assert message in error_of(response, channel == "api")
    assert not Contract.objects.exists()
    contacted.refresh_from_db()
    assert contacted.status == "contact"
    assert stored(media) == []  # not kept for a next submit either: the file itself was refused


@pytest.mark.parametrize("bad", list(BAD_FILES))
@pytest.mark.parametrize("channel", ["page", "api"])
def test_renewing_refuses_a_bad_scan_and_saves_nothing(login, specialist, active_case, media, channel, bad):
    content, message = BAD_FILES[bad]
    contract = active_case.contracts.get()
    renew = renew_on_page if channel == "page" else renew_through_api

    response = renew(login(specialist), contract, SimpleUploadedFile("продление.pdf", content))

    assert response.status_code == 400
    assert message in error_of(response, channel == "api")
    assert Contract.objects.count() == 1
    assert stored(media) == []  # not kept for a next submit either: the file itself was refused


@pytest.mark.parametrize("channel", ["page", "api"])
def test_signing_accepts_a_real_pdf_and_stores_it(login, specialist, contacted, levels, media, channel):
    sign = sign_on_page if channel == "page" else sign_through_api

    response = sign(login(specialist), contacted, levels, SimpleUploadedFile("договор.pdf", PDF))

    assert response.status_code in (201, 302), response.content
    contract = Contract.objects.get()
    assert contract.scan.name.startswith("contracts/")
    assert (media / contract.scan.name).read_bytes() == PDF


@pytest.mark.parametrize("channel", ["page", "api"])
def test_renewing_accepts_a_real_scan(login, specialist, active_case, media, channel):
    renew = renew_on_page if channel == "page" else renew_through_api

    response = renew(login(specialist), active_case.contracts.get(), SimpleUploadedFile("продление.png", png()))

    assert response.status_code in (201, 302), response.content
    renewal = Contract.objects.exclude(renewed_from=None).get()
    assert (media / renewal.scan.name).read_bytes() == png()


def test_the_service_itself_refuses_a_bad_scan_whoever_calls_it(contacted, specialist, levels, media):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        services.sign_contract(
            contacted,
            actor=specialist,
            level=levels[SUPPORTING],
            signed_at=timezone.localdate(),
            help_agreed=HELP_AGREED,
            graduate_obligations=OBLIGATIONS,
            scan=SimpleUploadedFile("c.pdf", png()),
        )

    assert err.value.message_dict == {"scan": [WRONG]}


def test_a_20_mb_scan_sent_to_the_api_is_refused_without_being_written_out(
    login, specialist, contacted, levels, media, settings, monkeypatch
):
    """The case of the issue: 20 MB through the API. It is refused, and past the cap nothing is written."""
    settings.OPORA_MAX_SCAN_MB = 10
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    written = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def counting(self, raw_data, start):
        written.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting)

    response = sign_through_api(
        login(specialist), contacted, levels, SimpleUploadedFile("big.pdf", PDF + b"0" * (20 * 1024 * 1024))
    )

    assert response.status_code == 400
    assert response.json()["scan"] == ["Файл слишком большой: не более 10 МБ."]
    assert not Contract.objects.exists()
    assert sum(written) <= 10 * 1024 * 1024
    assert list(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir()) == []


def test_a_scan_chosen_on_the_sign_page_is_kept_when_another_field_has_an_error(
    login, specialist, contacted, levels, media, django_capture_on_commit_callbacks
):
    import re

    client = login(specialist)
    url = reverse("support:contract_sign", args=[contacted.graduate_id, contacted.pk])
    data = {
        "level": levels[SUPPORTING].pk,
        "signed_at": timezone.localdate().strftime("%d.%m.%Y"),
        "help_agreed": HELP_AGREED,
        "graduate_obligations": "",
    }

    failed = client.post(url, {**data, "scan": SimpleUploadedFile("договор.pdf", PDF)})

    assert failed.status_code == 400
    body = failed.content.decode()
    assert "Файл выбран: <strong>договор.pdf</strong> (будет сохранено)" in body
    token = re.search(r'name="scan-pending" value="([^"]+)"', body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        signed = client.post(url, {**data, "graduate_obligations": OBLIGATIONS, "scan-pending": token})
    assert signed.status_code == 302
    contract = Contract.objects.get()
    assert (media / contract.scan.name).read_bytes() == PDF
    assert stored(media) == [contract.scan.name]
