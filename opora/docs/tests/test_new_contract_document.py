"""The contract DOCX of the new contract the receiving service signs after a move: its own number and
service, the level kept, and a line saying which contract it replaces and why that one ended."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.docs import services
from opora.docs.tests.conftest import OBLIGATIONS, days_ago, docx_text
from opora.support import services as support
from opora.support.models import Contract, SupportCase


@pytest.fixture
def new_contract(contract, transfer, other_service, other_specialist) -> Contract:
    """Сёмина moved: the receiving service accepted and signed its own contract today."""
    other_specialist.first_name, other_specialist.last_name, other_specialist.patronymic = (
        "Ольга",
        "Новикова",
        "Ивановна",
    )
    other_specialist.position = "Специалист по социальной работе"
    other_specialist.save()
    support.accept_transfer(transfer, actor=other_specialist)
    case = SupportCase.objects.select_related("graduate").get(pk=transfer.case_id)
    return support.sign_contract(
        case,
        actor=other_specialist,
        signed_at=timezone.localdate(),
        help_agreed="Содействие в постановке на учёт в центре занятости\nПомощь в оформлении регистрации",
        graduate_obligations=OBLIGATIONS,
    )


def render(contract: Contract) -> str:
    contract = services.contract_queryset().get(pk=contract.pk)
    return docx_text(services.render("contract", services.contract_context(contract), region=contract.service.region))


def test_the_new_contract_is_the_receiving_services_with_its_own_number(new_contract, other_service, contract):
    text = render(new_contract)

    assert f"ДОГОВОР № {new_contract.number}" in text
    assert new_contract.number == f"1/{timezone.localdate().year}"
    assert other_service.name in text
    assert "в лице специалиста по социальной работе Новиковой Ольги Ивановны" in text
    assert "2.1.1. Содействие в постановке на учёт в центре занятости;" in text
    # The level in force stays: the one set when the first contract was signed.
    assert "Уровень сопровождения на дату заключения Договора — «Поддерживающий»" in text


def test_the_new_contract_says_which_contract_it_replaces_and_why_that_ended(new_contract, contract, service):
    text = render(new_contract)

    assert (
        f"Договор заключён взамен Договора № {contract.number} от {days_ago(10):%d.%m.%Y}, заключённого "
        f"Выпускником со службой «{service.name}», прекращённого {timezone.localdate():%d.%m.%Y} "
        "в связи с переездом Выпускника."
    ) in text
    assert "в продолжение Договора" not in text
    assert "{%" not in text and "{{" not in text


def test_the_first_contract_replaces_nothing(contract):
    assert "взамен" not in render(contract)


def test_a_new_contract_after_the_term_ran_out_says_so(make_graduate, service, specialist, levels):
    from opora.registry.models import Consent

    graduate = make_graduate(service, last_name="Сроковая")
    Consent.objects.create(graduate=graduate, given_at=days_ago(500), scope="Все данные")
    case = support.open_case(graduate, actor=specialist, identified_at=days_ago(420))
    support.establish_contact(case, actor=specialist, on=days_ago(410))
    old = support.sign_contract(
        case,
        actor=specialist,
        level=levels["Мониторинговый"],
        signed_at=days_ago(400),
        help_agreed="Помощь",
        graduate_obligations="Связь",
    )
    new = support.sign_contract(
        SupportCase.objects.select_related("graduate").get(pk=case.pk),
        actor=specialist,
        signed_at=timezone.localdate(),
        help_agreed="Помощь",
        graduate_obligations="Связь",
    )

    text = render(new)

    assert f"взамен Договора № {old.number} от {old.signed_at:%d.%m.%Y}, срок действия которого истёк" in text
    assert "со службой" not in text


def test_the_receiving_service_downloads_it_and_the_sending_one_gets_404(
    login, new_contract, other_specialist, specialist
):
    url = reverse("docs:contract", args=[new_contract.case.graduate_id, new_contract.pk])

    response = login(other_specialist).get(url)

    assert response.status_code == 200
    assert "Договор заключён взамен" in docx_text(response.content)
    assert login(specialist).get(url).status_code == 404
