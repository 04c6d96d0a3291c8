"""In a real browser: a photo chosen in the graduate form survives an error in another field.

Chromium never fills a file input again; the page says the photo is kept, and the next
«Сохранить» stores it without choosing it a second time.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from opora.conftest import years_ago
from opora.registry.models import Graduate
from opora.registry.tests.test_browser import log_in, page  # noqa: F401  (the page fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (20, 120, 220)).save(out, format="PNG")
    return out.getvalue()


def test_a_chosen_photo_is_kept_through_an_error_and_saved_on_the_next_submit(
    page,  # noqa: F811
    live_server,
    specialist,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    log_in(page, live_server, specialist.username)
    page.goto(f"{live_server.url}/graduates/new/")
    page.fill("input[name=first_name]", "Дарья")
    page.select_option("select[name=sex]", label="женский")
    page.fill("input[name=birth_date]", years_ago(19).strftime("%d.%m.%Y"))
    page.select_option("select[name=status_category]", value="from_orphans")
    page.select_option("select[name=housing]", value="dormitory")
    page.set_input_files(
        "input[name=photo_portrait]", files=[{"name": "портрет.png", "mimeType": "image/png", "buffer": png()}]
    )

    page.get_by_role("button", name="Сохранить").click()  # the surname is missing

    kept = page.locator("[data-upload-pending]")
    assert "Фото выбрано: портрет.png (будет сохранено)" in " ".join(kept.inner_text().split())
    assert not Graduate.objects.exists()

    page.fill("input[name=last_name]", "Смирнова")
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url(f"{live_server.url}/graduates/*/")

    graduate = Graduate.objects.get()
    assert (tmp_path / graduate.photo_portrait.name).read_bytes() == png()
    assert list((tmp_path / "pending").iterdir()) == []
    assert page.locator(f"img[src$='/graduates/{graduate.pk}/photo/portrait/']").count() == 1
