"""The coordinator's caseload: the whole service grouped by specialist, and giving cases to another specialist."""

from __future__ import annotations

import re

import pytest

from opora.core.models import AuditEvent
from opora.support.models import Reassignment, SupportCase

pytestmark = pytest.mark.django_db

URL = "/caseload/"
REASSIGN = "/caseload/reassign/"


def groups(body: str) -> list[str]:
    """The group headings of the list, in order."""
    return [
        " ".join(re.sub(r"<[^>]+>", "", h).split())
        for h in re.findall(r'<tr class="caseload-group">(.*?)</tr>', body, re.S)
    ]


def test_the_coordinator_sees_the_service_grouped_by_specialist_with_the_unassigned_first(
    caseload_case, login, coordinator, specialist, colleague
):
    caseload_case("Анина", specialist=specialist)
    caseload_case("Верина", specialist=colleague)
    caseload_case("Ничейная", specialist=None)

    response = login(coordinator).get(URL)
    body = response.content.decode()

    assert response.status_code == 200
    assert groups(body) == ["Без специалиста", str(colleague), str(specialist)]
    assert body.index("Ничейная") < body.index("Верина") < body.index("Анина")
    summary = {row["specialist"]: row["total"] for row in response.context["summary"]}
    assert summary == {None: 1, colleague.pk: 1, specialist.pk: 1}


def test_within_a_specialist_the_one_needing_attention_comes_first(caseload_case, login, coordinator, specialist):
    caseload_case("Спокойнова", contacted=1)
    caseload_case("Тревожнова", contacted=30)

    body = login(coordinator).get(URL).content.decode()

    assert body.index("Тревожнова") < body.index("Спокойнова")


def test_the_coordinator_can_show_one_specialist_or_the_unassigned(caseload_case, login, coordinator, colleague):
    caseload_case("Анина")
    caseload_case("Верина", specialist=colleague)
    caseload_case("Ничейная", specialist=None)
    client = login(coordinator)

    only_vera = client.get(URL, {"specialist": colleague.pk}).content.decode()
    unassigned = client.get(URL, {"specialist": "none"}).content.decode()

    assert "Верина" in only_vera and "Анина" not in only_vera and "Ничейная" not in only_vera
    assert "Ничейная" in unassigned and "Верина" not in unassigned


def test_the_coordinator_gives_many_cases_to_another_specialist_and_the_reason_is_kept(
    caseload_case, login, coordinator, specialist, colleague
):
    first = caseload_case("Анина", specialist=specialist)
    second = caseload_case("Борина", specialist=None)
    stays = caseload_case("Остаётся", specialist=specialist)

    response = login(coordinator).post(
        REASSIGN, {"cases": [first.pk, second.pk], "to_specialist": colleague.pk, "reason": "Отпуск специалиста"}
    )

    assert response.status_code == 302
    assert response["Location"] == URL
    assert set(SupportCase.objects.filter(specialist=colleague).values_list("pk", flat=True)) == {first.pk, second.pk}
    assert SupportCase.objects.get(pk=stays.pk).specialist == specialist
    kept = Reassignment.objects.order_by("case_id")
    assert [(r.case_id, r.from_specialist, r.to_specialist, r.reason, r.decided_by) for r in kept] == [
        (first.pk, specialist, colleague, "Отпуск специалиста", coordinator),
        (second.pk, None, colleague, "Отпуск специалиста", coordinator),
    ]
    events = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, actor=coordinator)
    assert {e.object_id for e in events} == {str(first.graduate_id), str(second.graduate_id)}
    assert all(e.changes["specialist"][1] == str(colleague) for e in events)


def test_the_list_filter_survives_the_reassignment(caseload_case, login, coordinator, colleague):
    case = caseload_case("Анина", specialist=None)

    response = login(coordinator).post(
        REASSIGN,
        {"cases": [case.pk], "to_specialist": colleague.pk, "reason": "Новый специалист", "back_specialist": "none"},
    )

    assert response["Location"] == f"{URL}?specialist=none"


def test_a_reassignment_needs_a_reason(caseload_case, login, coordinator, specialist, colleague):
    case = caseload_case("Анина", specialist=specialist)

    response = login(coordinator).post(REASSIGN, {"cases": [case.pk], "to_specialist": colleague.pk, "reason": "  "})

    assert response.status_code == 400
    assert "Укажите причину передачи." in response.content.decode()
    assert SupportCase.objects.get(pk=case.pk).specialist == specialist
    assert not Reassignment.objects.exists()


def test_a_reassignment_needs_chosen_cases(login, coordinator, colleague, caseload_case):
    caseload_case("Анина")

    response = login(coordinator).post(REASSIGN, {"to_specialist": colleague.pk, "reason": "Отпуск"})

    assert response.status_code == 400
    assert "Отметьте выпускников, которых нужно передать." in response.content.decode()


def test_a_case_of_another_service_cannot_be_reassigned(
    caseload_case, login, coordinator, colleague, other_service, other_specialist
):
    foreign = caseload_case("Чужая", graduate_service=other_service, specialist=other_specialist)

    response = login(coordinator).post(REASSIGN, {"cases": [foreign.pk], "to_specialist": colleague.pk, "reason": "x"})

    assert response.status_code == 400
    assert "Чужая" not in response.content.decode()
    assert SupportCase.objects.get(pk=foreign.pk).specialist == other_specialist
    assert not Reassignment.objects.exists()


def test_a_specialist_of_another_service_is_not_offered_nor_accepted(
    caseload_case, login, coordinator, other_specialist, specialist
):
    case = caseload_case("Анина")
    client = login(coordinator)

    offered = client.get(URL).context["reassign_form"].fields["to_specialist"].choices
    response = client.post(REASSIGN, {"cases": [case.pk], "to_specialist": other_specialist.pk, "reason": "x"})

    assert str(other_specialist.pk) not in {str(value) for value, _label in offered}
    assert response.status_code == 400
    assert SupportCase.objects.get(pk=case.pk).specialist == specialist


def test_a_specialist_cannot_reassign(caseload_case, login, specialist, colleague):
    case = caseload_case("Анина")

    response = login(specialist).post(REASSIGN, {"cases": [case.pk], "to_specialist": colleague.pk, "reason": "x"})

    assert response.status_code == 403
    assert SupportCase.objects.get(pk=case.pk).specialist == specialist


def test_the_regional_centre_reassigns_within_the_chosen_service(
    caseload_case, login, regional, specialist, colleague, service
):
    case = caseload_case("Анина")

    response = login(regional).post(
        REASSIGN, {"service": service.pk, "cases": [case.pk], "to_specialist": colleague.pk, "reason": "Решение РЦ"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?service={service.pk}"
    assert Reassignment.objects.get().reason == "Решение РЦ"
