"""The coordinator prepares, fills and holds a consilium on its pages; others see it, and cannot hold it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opora.assessment import consilium as consilia
from opora.assessment.models import Consilium
from opora.assessment.tests.conftest import INTENSIVE, MONITORING, days_ago
from opora.assessment.tests.consilium_factories import make_assessment

pytestmark = pytest.mark.django_db


def decision_data(consilium, **overrides) -> dict:
    """The hold page's form as the browser would send it, with the decisions as they are."""
    data = {"revision": Consilium.objects.get(pk=consilium.pk).revision}
    for d in consilium.decisions.all():
        p = f"d{d.pk}"
        data.update(
            {
                f"{p}-revision": d.revision,
                f"{p}-level": d.level_id or "",
                f"{p}-override_reason": d.override_reason,
                f"{p}-plan_decision": d.plan_decision,
                f"{p}-route": d.route,
                f"{p}-notes": d.notes,
            }
        )
    data.update(overrides)
    return data


def test_the_coordinator_prepares_a_consilium_and_adds_the_due(login, coordinator, specialist, active_case, today):
    client = login(coordinator)
    assert "Подготовить консилиум" in client.get(reverse("assessment:consilium_list")).content.decode()
    response = client.post(
        reverse("assessment:consilium_prepare"),
        {
            "kind": "quarterly",
            "held_on": today.strftime("%d.%m.%Y"),
            "number": "7",
            "participants": [coordinator.pk, specialist.pk],
            "attracted_participants": "Петрова Н. И., психолог, ЦСОН",
        },
    )
    consilium = Consilium.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("assessment:consilium_candidates", args=[consilium.pk])
    page = client.get(response.url).content.decode()
    assert active_case.graduate.full_name in page and "пора на консилиум" in page

    client.post(response.url, {"op": "all_due"})

    assert list(consilium.decisions.values_list("graduate_id", flat=True)) == [active_case.graduate_id]
    assert consilium.participants.count() == 2


def test_holding_on_the_page_raises_the_level(login, coordinator, active_case, levels, level_rules, prepare, today):
    make_assessment(active_case, days_ago(1), {"Жильё": 4})
    consilium = prepare()
    (decision,) = consilia.add_graduates(consilium, [active_case], actor=coordinator)
    client = login(coordinator)
    url = reverse("assessment:consilium", args=[consilium.pk])
    p = f"d{decision.pk}"

    response = client.post(
        url,
        decision_data(
            consilium,
            op="hold",
            **{
                f"{p}-r0-text": "Подать заявление на жильё",
                f"{p}-r0-responsible": "Специалист",
                f"{p}-r0-deadline": "01.02.2027",
            },
        ),
    )

    assert response.status_code == 302
    consilium.refresh_from_db()
    assert consilium.status == Consilium.Status.HELD
    assert active_case.level_on(today) == levels[INTENSIVE]
    page = client.get(url).content.decode()
    assert "Подать заявление на жильё" in page and "уровень изменён" in page


def test_an_override_without_a_reason_is_shown_at_the_field(
    login, coordinator, active_case, levels, level_rules, prepare
):
    make_assessment(active_case, days_ago(1), {"Жильё": 4})
    consilium = prepare()
    (decision,) = consilia.add_graduates(consilium, [active_case], actor=coordinator)

    response = login(coordinator).post(
        reverse("assessment:consilium", args=[consilium.pk]),
        decision_data(consilium, op="hold", **{f"d{decision.pk}-level": levels[MONITORING].pk}),
    )

    assert response.status_code == 400
    assert "укажите, почему" in response.content.decode()
    assert Consilium.objects.get(pk=consilium.pk).status == Consilium.Status.PREPARED


def test_the_specialist_sees_the_consilium_and_cannot_hold_it(login, specialist, coordinator, active_case, prepare):
    consilium = prepare()
    consilia.add_graduates(consilium, [active_case], actor=coordinator)
    client = login(specialist)
    url = reverse("assessment:consilium", args=[consilium.pk])

    page = client.get(url)
    assert page.status_code == 200 and 'id="hold-consilium"' not in page.content.decode()
    assert client.post(url, decision_data(consilium, op="hold")).status_code == 403
    assert client.get(reverse("assessment:consilium_prepare")).status_code == 403
    assert Consilium.objects.get(pk=consilium.pk).status == Consilium.Status.PREPARED


def test_the_card_tab_shows_the_decisions_concerning_the_graduate(login, specialist, coordinator, active_case, prepare):
    consilium = prepare()
    consilia.add_graduates(consilium, [active_case], actor=coordinator)
    page = login(specialist).get(reverse("assessment:graduate_consilia", args=[active_case.graduate_id]))
    assert page.status_code == 200
    assert str(consilium) in page.content.decode()
