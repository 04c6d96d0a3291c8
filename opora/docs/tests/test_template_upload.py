"""Uploading a region's template in the admin: only a real .docx whose tags parse is accepted."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opora.docs.models import DocumentTemplate
from opora.docs.tests.test_region_templates import tiny_template
from opora.docs.validators import validate_docx


def _docx(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _admin_post(client, region, file, kind="contract"):
    return client.post(
        reverse("admin:docs_documenttemplate_add"),
        {"region": region.pk, "kind": kind, "file": file, "description": "", "is_active": "on"},
    )


def test_an_administrator_uploads_a_regions_template(login, administrator, region):
    client = login(administrator)

    response = _admin_post(client, region, _docx("Договор.docx", tiny_template("{{ graduate_full_name }}")))

    assert response.status_code == 302
    template = DocumentTemplate.objects.get()
    assert (template.region, template.kind, template.is_active) == (region, "contract", True)
    assert template.uploaded_by == administrator


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.pdf", b"%PDF-1.4\n%%EOF\n"),
        ("renamed.docx", b"%PDF-1.4\n%%EOF\n"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
    ],
)
def test_a_file_that_is_not_a_docx_is_rejected(login, administrator, region, name, content):
    response = _admin_post(login(administrator), region, _docx(name, content))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"]
    assert not DocumentTemplate.objects.exists()


def test_a_zip_that_is_not_a_word_document_is_rejected():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "привет")

    with pytest.raises(ValidationError, match="нет документа Word"):
        validate_docx(_docx("archive.docx", out.getvalue()))


def test_a_template_with_a_broken_tag_is_rejected_with_the_reason():
    with pytest.raises(ValidationError, match="Ошибка в полях шаблона"):
        validate_docx(_docx("broken.docx", tiny_template("{% for m in measures %} без конца")))


def test_the_admin_offers_the_default_templates_to_start_from(login, administrator):
    response = login(administrator).get(reverse("admin:docs_documenttemplate_default", args=["social_card"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    content = b"".join(response.streaming_content)
    validate_docx(_docx("default.docx", content))


def test_the_default_templates_are_for_administrators_only(login, specialist):
    response = login(specialist).get(reverse("admin:docs_documenttemplate_default", args=["contract"]))

    assert response.status_code == 302  # to the admin's login page


def test_the_admin_form_links_the_defaults(login, administrator):
    response = login(administrator).get(reverse("admin:docs_documenttemplate_add"))

    assert response.status_code == 200
    assert reverse("admin:docs_documenttemplate_default", args=["contract"]) in response.content.decode()
