"""The file arrives as a Word document with a Russian name, and is never cached."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.urls import reverse
from docx import Document


def test_the_contract_downloads_as_a_docx_with_a_russian_file_name(login, specialist, contract):
    response = login(specialist).get(reverse("docs:contract", args=[contract.case.graduate_id, contract.pk]))

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    disposition = response["Content-Disposition"]
    name = f"Договор № {contract.number.replace('/', '-')}, Сёмина Алёна Сергеевна.docx"
    assert disposition.startswith("attachment; ")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert f'filename="contract-{contract.number.replace("/", "-")}.docx"' in disposition
    assert "no-store" in response["Cache-Control"]
    Document(io.BytesIO(response.content))  # opens


def test_each_document_has_its_own_file_name(login, specialist, plan, transfer):
    client = login(specialist)
    graduate_pk = plan.case.graduate_id

    names = [
        client.get(url)["Content-Disposition"]
        for url in (
            reverse("docs:plan", args=[graduate_pk, plan.pk]),
            reverse("docs:social_card", args=[graduate_pk]),
            reverse("docs:transfer", args=[graduate_pk, transfer.pk]),
        )
    ]

    assert quote("Индивидуальный план (версия 1), Сёмина Алёна Сергеевна.docx") in names[0]
    assert quote("Социальная карта, Сёмина Алёна Сергеевна.docx") in names[1]
    assert quote("Уведомление о смене места жительства, Сёмина Алёна Сергеевна.docx") in names[2]
