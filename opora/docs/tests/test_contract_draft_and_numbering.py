"""The contract's items are numbered once, and a draft of the contract can be printed before signing."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import quote

import pytest
from django.urls import reverse
from docx import Document

from opora.core.models import AuditEvent
from opora.docs import services
from opora.docs.tests.conftest import days_ago, docx_text
from opora.support import services as support
from opora.support.models import Contract

# «2.1.1. 1. …», «5.1. 5.1. …», «3.2.1. а) …»: a document number followed by a typed one.
DOUBLED = re.compile(r"^\d+(?:\.\d+)*\.\s+(?:\(?\d+(?:\.\d+)*[.)]|[а-я]\))\s")


def paragraphs(content: bytes) -> list[str]:
    return [p.text.replace("\u00a0", " ") for p in Document(io.BytesIO(content)).paragraphs]


def test_items_typed_with_their_own_numbers_are_numbered_once(contract):
    Contract.objects.filter(pk=contract.pk).update(
        help_agreed="1. Содействие в оформлении документов\n2) Помощь в трудоустройстве\n- Юридическая консультация",
        graduate_obligations="1. Выходить на связь раз в месяц\nа) Сообщать о смене адреса",
        termination_terms="5.1. По соглашению сторон.\n5.2. При переезде выпускника на другую территорию.",
    )
    contract = services.contract_queryset().get(pk=contract.pk)

    texts = paragraphs(services.render("contract", services.contract_context(contract)))

    assert [t for t in texts if DOUBLED.match(t)] == []
    for line in (
        "2.1.1. Содействие в оформлении документов;",
        "2.1.2. Помощь в трудоустройстве;",
        "2.1.3. Юридическая консультация.",
        "3.2.1. Выходить на связь раз в месяц;",
        "3.2.2. Сообщать о смене адреса;",
        "5.1. По соглашению сторон.",
        "5.2. При переезде выпускника на другую территорию.",
        "5.3. Изменения и дополнения к Договору действительны, если они совершены в письменной форме и "
        "подписаны Сторонами.",
    ):
        assert line in texts, line


def test_the_contract_uses_no_automatic_word_numbering(contract):
    """Word's own list numbering beside the written «1.1.» is what prints numbers twice."""
    document = Document(io.BytesIO(services.render("contract", services.contract_context(contract))))

    numbered = [p.text for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
    styled = [p.text for p in document.paragraphs if p.style.name.startswith("List")]
    assert numbered == [] and styled == []


def test_a_number_inside_an_item_is_kept(contract):
    Contract.objects.filter(pk=contract.pk).update(help_agreed="1.5 тыс. рублей на проезд\n3 встречи в месяц")
    contract = services.contract_queryset().get(pk=contract.pk)

    texts = paragraphs(services.render("contract", services.contract_context(contract)))

    assert "2.1.1. 1.5 тыс. рублей на проезд;" in texts
    assert "2.1.2. 3 встречи в месяц." in texts


@pytest.fixture
def contacted(semina, specialist, levels):
    case = support.open_case(semina, actor=specialist, identified_at=days_ago(6))
    return support.establish_contact(case, actor=specialist, on=days_ago(3))


def draft_url(case) -> str:
    return reverse("docs:contract_draft", args=[case.graduate_id, case.pk])


def test_the_case_tab_offers_the_draft_while_contact_is_established(login, specialist, contacted):
    body = login(specialist).get(reverse("support:case", args=[contacted.graduate_id])).content.decode()

    assert "Распечатать проект договора" in body
    assert f'href="{draft_url(contacted)}"' in body


def test_the_draft_has_the_known_fields_no_number_and_a_proposed_term(login, specialist, contacted, today):
    response = login(specialist).get(draft_url(contacted))

    assert response.status_code == 200
    assert quote("Проект договора, Сёмина Алёна Сергеевна.docx") in response["Content-Disposition"]
    text = docx_text(response.content)
    assert "ДОГОВОР № ________" in text
    assert "ПРОЕКТ — для ознакомления до подписания Сторонами" in text
    assert "«___» ____________ 20___ г." in text  # the signing date is written in on signing
    assert "Сёмина Алёна Сергеевна, 14.03.2006 года рождения, именуемая в дальнейшем «Выпускник»" in text
    ends = support.add_months(today, 12) - dt.timedelta(days=1)
    assert f"вступает в силу с {today:%d.%m.%Y} и действует по {ends:%d.%m.%Y}" in text
    assert "2.1.1. " + services.BLANK_ITEM in text
    assert "{{" not in text and "{%" not in text
    assert not Contract.objects.filter(case=contacted).exists()


def test_printing_the_draft_is_audited_as_a_read_of_the_person(login, specialist, contacted):
    login(specialist).get(draft_url(contacted))

    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.object_id == str(contacted.graduate_id)
    assert event.changes == {"document": "contract", "record": "Проект договора"}
    assert list(event.subjects.values_list("person_id", flat=True)) == [contacted.graduate_id]


def test_a_finished_case_has_no_draft(login, specialist, contacted):
    support.refuse(contacted, actor=specialist, note="Отказался")

    response = login(specialist).get(draft_url(contacted))

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_another_services_case_has_no_draft(login, other_specialist, contacted):
    assert login(other_specialist).get(draft_url(contacted)).status_code == 404


def test_once_signed_the_tab_no_longer_offers_a_draft(login, specialist, case):
    body = login(specialist).get(reverse("support:case", args=[case.graduate_id])).content.decode()

    assert "Распечатать проект договора" not in body
