"""A region's own template replaces the default, for that region only."""

from __future__ import annotations

import io
import logging

from django.core.files.base import ContentFile
from django.urls import reverse
from docx import Document

from opora.docs import services
from opora.docs.models import DocumentTemplate
from opora.docs.tests.conftest import docx_text


def tiny_template(text: str) -> bytes:
    """A one-paragraph .docx made with python-docx, as an administrator would make in Word."""
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(region, kind: str, text: str, *, active: bool = True, user=None) -> DocumentTemplate:
    template = DocumentTemplate(region=region, kind=kind, is_active=active)
    template.file.save(f"{kind}.docx", ContentFile(tiny_template(text)), save=False)
    return services.save_template(template, actor=user)


def test_the_regions_uploaded_template_replaces_the_default(login, specialist, contract, region):
    upload(region, "contract", "Договор нашей области: {{ graduate_full_name }}, в лице {{ graduate_genitive }}.")

    response = login(specialist).get(reverse("docs:contract", args=[contract.case.graduate_id, contract.pk]))

    text = docx_text(response.content)
    assert "Договор нашей области: Сёмина Алёна Сергеевна, в лице Сёминой Алёны Сергеевны." in text
    assert "о постинтернатном сопровождении" not in text


def test_another_regions_template_is_not_used(specialist, contract, other_region):
    upload(other_region, "contract", "Чужой шаблон {{ graduate_full_name }}")

    content = services.render("contract", services.contract_context(contract), region=contract.service.region)

    text = docx_text(content)
    assert "Чужой шаблон" not in text
    assert "ДОГОВОР №" in text


def test_a_template_of_another_kind_or_switched_off_is_not_used(contract, region):
    upload(region, "plan", "План {{ graduate_full_name }}")
    upload(region, "contract", "Выключенный {{ graduate_full_name }}", active=False)

    text = docx_text(services.render("contract", services.contract_context(contract), region=region))

    assert "ДОГОВОР №" in text


def test_a_new_upload_replaces_the_regions_previous_template(contract, region, administrator):
    old = upload(region, "contract", "Старый {{ graduate_full_name }}", user=administrator)
    new = upload(region, "contract", "Новый {{ graduate_full_name }}", user=administrator)

    text = docx_text(services.render("contract", services.contract_context(contract), region=region))

    assert "Новый Сёмина Алёна Сергеевна" in text
    old.refresh_from_db()
    assert not old.is_active
    assert new.uploaded_by == administrator


def test_a_template_that_fails_to_render_falls_back_to_the_default_and_is_logged(contract, region, caplog):
    upload(region, "contract", "{{ graduate_full_name.upper(1, 2, 3) }}")

    with caplog.at_level(logging.ERROR, logger="opora.docs.services"):
        text = docx_text(services.render("contract", services.contract_context(contract), region=region))

    assert "ДОГОВОР №" in text
    assert "failed" in caplog.text


def test_a_template_cannot_reach_beyond_the_values_it_is_given(contract, region):
    """Templates come from administrators, who see no personal data: Jinja runs sandboxed."""
    upload(region, "contract", "{{ graduate_by_sex.__globals__ }}|{{ ''.__class__.__mro__ }}")

    text = docx_text(services.render("contract", services.contract_context(contract), region=region))

    assert "Graduate" not in text and "object" not in text
