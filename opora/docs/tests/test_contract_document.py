"""The contract is generated from its record: parties, declined names, number, dates, agreed help."""

from __future__ import annotations

import io

from docx import Document

from opora.docs import services
from opora.docs.tests.conftest import days_ago, docx_text


def test_the_contract_names_the_graduate_in_the_proper_cases(contract):
    content = services.render("contract", services.contract_context(contract), region=contract.service.region)

    text = docx_text(content)
    assert "ДОГОВОР № 1/" in text
    assert "Сёмина Алёна Сергеевна, 14.03.2006 года рождения, именуемая в дальнейшем «Выпускник»" in text
    # «сопровождение кого?» — the genitive; «содействие кому?» — the dative.
    assert "постинтернатное сопровождение Сёминой Алёны Сергеевны" in text
    assert "Служба оказывает Сёминой Алёне Сергеевне содействие" in text
    # The service is represented by the specialist who signed, in the genitive.
    assert "в лице специалиста по социальной работе Тестовой Анны Петровны, действующей на основании" in text
    assert "/ Сёмина А. С. /" in text


def test_the_contract_has_its_number_and_dates_as_dd_mm_yyyy(contract):
    text = docx_text(services.render("contract", services.contract_context(contract)))

    assert f"ДОГОВОР № {contract.number}" in text
    assert f"вступает в силу с {contract.starts_on:%d.%m.%Y} и действует по {contract.ends_on:%d.%m.%Y}" in text
    signed = days_ago(10)
    assert f"{signed.year} г." in text
    assert f"«{signed.day:02d}»" in text


def test_the_agreed_help_and_the_graduates_obligations_are_numbered_items(contract):
    text = docx_text(services.render("contract", services.contract_context(contract)))

    assert "2.1.1. Содействие в оформлении документов;" in text
    assert "2.1.2. Помощь в трудоустройстве." in text
    assert "3.2.1. Выходить на связь не реже раза в месяц;" in text
    assert "3.2.2. Сообщать о смене адреса;" in text
    assert "3.2.3. Выполнять мероприятия индивидуального плана" in text
    # No docxtpl tag is left over in the document.
    assert "{%" not in text and "{{" not in text


def test_a_minor_signs_with_the_consent_of_the_legal_representative(contract):
    from opora.registry.models import Graduate

    graduate = contract.case.graduate
    Graduate.objects.filter(pk=graduate.pk).update(
        birth_date=days_ago(17 * 365), legal_representative="Опекун Иванова Мария Ивановна"
    )
    contract = services.contract_queryset().get(pk=contract.pk)

    text = docx_text(services.render("contract", services.contract_context(contract)))

    assert "с согласия законного представителя Выпускника: Опекун Иванова Мария Ивановна" in text


def test_the_contract_is_an_a4_page_in_times_new_roman(contract):
    document = Document(io.BytesIO(services.render("contract", services.contract_context(contract))))

    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0
    assert round(section.page_height.cm, 1) == 29.7
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert "Служба сопровождения Валуйского округа" in section.header.paragraphs[0].text
