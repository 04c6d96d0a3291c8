"""The level set at contract signing is provisional until the primary consilium, and the pages say so."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opora.assessment import consilium as consilia
from opora.assessment.tests.consilium_fixtures import hold
from opora.support.models import LevelChange

pytestmark = pytest.mark.django_db
NOTE = "Уровень предварительный — до первичного консилиума"


def test_signing_the_contract_sets_a_provisional_level(active_case, today):
    change = active_case.level_change_on(today)
    assert change.basis == LevelChange.Basis.PROVISIONAL
    assert change.get_basis_display() == "Предварительно, до первичного консилиума"


def test_the_contract_form_says_the_level_is_provisional(login, specialist, contacted_case):
    url = reverse("support:contract_sign", args=[contacted_case.graduate_id, contacted_case.pk])
    assert NOTE in login(specialist).get(url).content.decode()


def test_the_case_page_says_so_until_the_primary_consilium(login, specialist, coordinator, active_case, prepare):
    url = reverse("support:case", kwargs={"pk": active_case.graduate_id})
    page = login(specialist).get(url).content.decode()
    assert 'id="level-provisional"' in page and NOTE in page

    consilium = prepare(kind="primary")
    consilia.add_graduates(consilium, [active_case], actor=coordinator)
    hold(consilium, coordinator)

    assert 'id="level-provisional"' not in login(specialist).get(url).content.decode()
