"""The download buttons that the case and plan tabs include."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse


def test_the_include_offers_the_documents_it_is_given(contract, plan, transfer):
    graduate = contract.case.graduate

    html = render_to_string(
        "docs/_links.html",
        {"graduate": graduate, "contract": contract, "plan": plan, "transfer": transfer, "social_card": True},
    )

    assert reverse("docs:contract", args=[graduate.pk, contract.pk]) in html
    assert reverse("docs:plan", args=[graduate.pk, plan.pk]) in html
    assert reverse("docs:transfer", args=[graduate.pk, transfer.pk]) in html
    assert reverse("docs:social_card", args=[graduate.pk]) in html
    assert f"Договор № {contract.number} (DOCX)" in html


def test_the_include_shows_only_what_is_there(semina):
    only_card = render_to_string("docs/_links.html", {"graduate": semina, "contract": None, "social_card": True})
    nothing = render_to_string("docs/_links.html", {"graduate": semina})

    assert "Социальная карта" in only_card
    assert "Договор" not in only_card
    assert nothing.strip() == ""
