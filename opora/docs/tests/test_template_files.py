"""A template's file follows its record in the admin: replaced, the old file goes; deleted, the file goes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opora.docs.models import DocumentTemplate
from opora.docs.tests.test_region_templates import tiny_template


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored(media: Path) -> set[str]:
    return {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()}


def admin_post(client, url, region, file=None):
    data = {"region": region.pk, "kind": "contract", "description": "", "is_active": "on"}
    if file is not None:
        data["file"] = file
    return client.post(url, data)


def test_a_template_file_replaced_in_the_admin_removes_the_old_one_and_deleting_removes_the_last(
    login, administrator, region, media, django_capture_on_commit_callbacks
):
    client = login(administrator)
    docx = tiny_template("{{ graduate_full_name }}")
    with django_capture_on_commit_callbacks(execute=True):
        admin_post(client, reverse("admin:docs_documenttemplate_add"), region, SimpleUploadedFile("a.docx", docx))
    template = DocumentTemplate.objects.get()
    first = template.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_post(
            client,
            reverse("admin:docs_documenttemplate_change", args=[template.pk]),
            region,
            SimpleUploadedFile("b.docx", docx),
        )
    assert response.status_code == 302
    template.refresh_from_db()
    assert stored(media) == {template.file.name}
    assert first != template.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:docs_documenttemplate_delete", args=[template.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert stored(media) == set()
