"""The card's support tabs offer the documents as Word files, and the links download them."""

import io

import docx
from django.urls import reverse


def _text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )


def test_the_support_tab_offers_the_contract_and_the_social_card_and_they_download(login, specialist, active_case):
    client = login(specialist)
    graduate = active_case.graduate
    contract = active_case.contracts.get()

    page = client.get(reverse("support:case", args=[graduate.pk])).content.decode()

    contract_url = reverse("docs:contract", args=[graduate.pk, contract.pk])
    card_url = reverse("docs:social_card", args=[graduate.pk])
    assert contract_url in page and card_url in page
    downloaded = client.get(contract_url)
    assert downloaded.status_code == 200
    assert contract.number in _text(downloaded.content)


def test_the_plan_tab_offers_the_plan_as_a_word_file(login, specialist, planned_case):
    client = login(specialist)
    graduate = planned_case.graduate
    plan = planned_case.plans.get()

    page = client.get(reverse("support:plan", args=[graduate.pk])).content.decode()

    plan_url = reverse("docs:plan", args=[graduate.pk, plan.pk])
    assert plan_url in page
    assert client.get(plan_url).status_code == 200
