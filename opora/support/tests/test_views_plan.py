"""The «План» tab: versions of the individual plan, goals by life domain, measures and their progress."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.support import services
from opora.support.models import PlanGoal, PlanMeasure, SupportPlan
from opora.support.tests.conftest import days_ago

pytestmark = pytest.mark.usefixtures("support_region")


def tab(graduate) -> str:
    return reverse("support:plan", kwargs={"pk": graduate.pk})


def ru(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def measure_data(domains, plan, **overrides) -> dict:
    data = {
        "domain": domains["Жильё"].pk,
        "text": "Подать заявление о включении в список на жильё",
        "responsible": "graduate",
        "responsible_name": "",
        "deadline": ru(plan.ends_on),
    }
    data.update(overrides)
    return data


def measure_fields(domains, plan, **overrides) -> dict:
    fields = {
        "domain": domains["Образование"],
        "text": "Поступить в колледж",
        "responsible": PlanMeasure.Responsible.GRADUATE,
        "deadline": plan.ends_on,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def plan(planned_case) -> SupportPlan:
    return planned_case.plans.get()


def test_before_the_contract_the_tab_says_when_a_plan_is_made(login, specialist, contacted_case):
    response = login(specialist).get(tab(contacted_case.graduate))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Индивидуальный план составляют для выпускника на сопровождении" in body
    assert reverse("support:plan_create", args=[contacted_case.graduate_id]) not in body


def test_creating_a_plan_takes_its_period_from_the_level(login, specialist, active_case):
    client = login(specialist)
    today = timezone.localdate()

    response = client.post(reverse("support:plan_create", args=[active_case.graduate_id]), {"starts_on": ru(today)})

    assert response.status_code == 302
    plan = SupportPlan.objects.get(case=active_case)
    # «Поддерживающий»: a plan period of three months.
    assert plan.ends_on == services.add_months(today, 3) - dt.timedelta(days=1)
    body = client.get(tab(active_case.graduate)).content.decode()
    assert "Индивидуальный план, версия 1" in body
    assert f"{ru(today)} — {ru(plan.ends_on)}" in body


def test_a_plan_is_refused_for_a_case_not_on_support(login, specialist, contacted_case):
    response = login(specialist).post(
        reverse("support:plan_create", args=[contacted_case.graduate_id]), {"starts_on": ru(timezone.localdate())}
    )

    assert response.status_code == 400
    assert "План составляют для выпускника на сопровождении (после договора)." in response.content.decode()
    assert not SupportPlan.objects.exists()


def test_goals_and_measures_are_added_and_grouped_by_domain(login, specialist, plan, domains):
    client = login(specialist)
    graduate = plan.case.graduate

    goal = client.post(
        reverse("support:plan_goal_add", args=[graduate.pk, plan.pk]),
        {"domain": domains["Жильё"].pk, "text": "Получить жильё из специализированного фонда"},
    )
    goal_pk = PlanGoal.objects.get(plan=plan).pk
    measure = client.post(
        reverse("support:plan_measure_add", args=[graduate.pk, plan.pk]),
        measure_data(domains, plan, goal=goal_pk, domain=""),
    )
    loose = client.post(
        reverse("support:plan_measure_add", args=[graduate.pk, plan.pk]),
        measure_data(
            domains,
            plan,
            domain=domains["Трудоустройство"].pk,
            text="Встать на учёт в центре занятости",
            responsible="organisation",
            responsible_name="Центр занятости",
        ),
    )

    assert goal.status_code == measure.status_code == loose.status_code == 302
    by_goal = PlanMeasure.objects.get(goal_id=goal_pk)
    assert by_goal.domain == domains["Жильё"]
    body = client.get(tab(graduate)).content.decode()
    assert body.index("Жильё") < body.index("Получить жильё") < body.index("Подать заявление")
    assert body.index("Трудоустройство") < body.index("Встать на учёт в центре занятости")
    assert "Привлечённая организация: Центр занятости" in body
    assert "Выпускник" in body


def test_a_measure_past_the_plan_period_is_refused_at_the_deadline(login, specialist, plan, domains):
    response = login(specialist).post(
        reverse("support:plan_measure_add", args=[plan.case.graduate_id, plan.pk]),
        measure_data(domains, plan, deadline=ru(plan.ends_on + dt.timedelta(days=1))),
    )

    assert response.status_code == 400
    errors = response.context["measure_form"].errors["deadline"]
    assert errors == [f"Срок должен быть в периоде плана: с {ru(plan.starts_on)} по {ru(plan.ends_on)}."]
    assert not PlanMeasure.objects.exists()


def test_a_measure_needs_a_domain_or_a_goal(login, specialist, plan, domains):
    response = login(specialist).post(
        reverse("support:plan_measure_add", args=[plan.case.graduate_id, plan.pk]),
        measure_data(domains, plan, domain=""),
    )

    assert response.status_code == 400
    assert response.context["measure_form"].errors["domain"] == ["Выберите сферу или цель плана."]


def test_a_plan_without_measures_cannot_be_approved(login, specialist, plan):
    response = login(specialist).post(reverse("support:plan_approve", args=[plan.case.graduate_id, plan.pk]))

    assert response.status_code == 400
    assert "В плане нет ни одного мероприятия." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.DRAFT


def test_a_plan_is_approved(login, coordinator, plan, domains, specialist):
    services.add_measure(plan, actor=specialist, **measure_fields(domains, plan))
    client = login(coordinator)

    response = client.post(reverse("support:plan_approve", args=[plan.case.graduate_id, plan.pk]))

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.APPROVED
    assert plan.approved_by == coordinator
    assert "План (версия 1) утверждён." in client.get(tab(plan.case.graduate)).content.decode()


def test_a_new_version_needs_a_review_reason(login, specialist, plan):
    response = login(specialist).post(
        reverse("support:plan_create", args=[plan.case.graduate_id]), {"starts_on": ru(timezone.localdate())}
    )

    assert response.status_code == 400
    assert response.context["create_form"].errors["review_reason"] == ["Укажите причину пересмотра плана."]
    assert SupportPlan.objects.count() == 1


def test_a_new_version_keeps_the_old_one_readable(login, specialist, plan, domains):
    services.add_measure(plan, actor=specialist, **measure_fields(domains, plan))
    done = services.add_measure(plan, actor=specialist, **measure_fields(domains, plan, text="Сдать документы"))
    services.update_measure(done, actor=specialist, status="done", result="Сданы")
    client = login(specialist)
    graduate = plan.case.graduate

    response = client.post(
        reverse("support:plan_create", args=[graduate.pk]),
        {"starts_on": ru(timezone.localdate()), "review_reason": "Изменилась жизненная ситуация"},
    )
    current = client.get(tab(graduate))
    old = client.get(reverse("support:plan_version", args=[graduate.pk, plan.pk]))

    assert response.status_code == 302
    new = SupportPlan.objects.get(case=plan.case, version=2)
    assert current.context["plan"] == new
    body = current.content.decode()
    assert "Изменилась жизненная ситуация" in body
    assert reverse("support:plan_version", args=[graduate.pk, plan.pk]) in body
    # Only the unfinished measure is carried over.
    assert list(new.measures.values_list("text", flat=True)) == ["Поступить в колледж"]
    old_body = old.content.decode()
    assert old.status_code == 200
    assert "Прежняя версия плана: только для чтения." in old_body
    assert "Сдать документы" in old_body and "Сданы" in old_body
    assert reverse("support:plan_measure_add", args=[graduate.pk, plan.pk]) not in old_body
    assert "Отметить выполнение" not in old_body


def test_an_old_version_refuses_changes(login, specialist, plan, domains):
    services.add_measure(plan, actor=specialist, **measure_fields(domains, plan))
    services.create_plan(plan.case, actor=specialist, review_reason="Пересмотр")

    response = login(specialist).post(
        reverse("support:plan_measure_add", args=[plan.case.graduate_id, plan.pk]), measure_data(domains, plan)
    )

    assert response.status_code == 400
    assert "Это прежняя версия плана: её можно только читать." in response.content.decode()
    assert plan.measures.count() == 1


def test_progress_of_a_measure_is_recorded(login, specialist, plan, domains):
    measure = services.add_measure(plan, actor=specialist, **measure_fields(domains, plan))
    client = login(specialist)
    url = reverse("support:measure_update", args=[plan.case.graduate_id, measure.pk])

    page = client.get(url)
    response = client.post(url, {"status": "done", "result": "Зачислен на первый курс", "done_at": ""})

    assert page.status_code == 200
    assert "Поступить в колледж" in page.content.decode()
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == PlanMeasure.Status.DONE
    assert measure.done_at == timezone.localdate()
    assert "Зачислен на первый курс" in client.get(tab(plan.case.graduate)).content.decode()


def test_a_finished_measure_needs_a_result(login, specialist, plan, domains):
    measure = services.add_measure(plan, actor=specialist, **measure_fields(domains, plan))

    response = login(specialist).post(
        reverse("support:measure_update", args=[plan.case.graduate_id, measure.pk]), {"status": "done", "result": ""}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["result"] == ["Опишите результат мероприятия."]
    measure.refresh_from_db()
    assert measure.status == PlanMeasure.Status.PLANNED


def test_an_overdue_measure_is_marked(login, specialist, domains, give_consent, graduate, make_active_case):
    give_consent(graduate, on=days_ago(40))
    case = make_active_case(graduate, signed_at=days_ago(30))
    plan = services.create_plan(case, actor=specialist, starts_on=days_ago(30))
    services.add_measure(plan, actor=specialist, **measure_fields(domains, plan, deadline=days_ago(2)))

    body = login(specialist).get(tab(graduate)).content.decode()

    assert "просрочено" in body


# --- Access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["administrator", "attracted"])
def test_roles_without_personal_data_are_refused(request, login, plan, domains, role):
    client = login(request.getfixturevalue(role))
    graduate = plan.case.graduate

    assert client.get(tab(graduate)).status_code == 403
    response = client.post(
        reverse("support:plan_measure_add", args=[graduate.pk, plan.pk]), measure_data(domains, plan)
    )
    assert response.status_code == 403
    assert not PlanMeasure.objects.exists()


def test_a_foreign_plan_and_measure_answer_404(login, other_specialist, plan, domains, specialist):
    measure = services.add_measure(plan, actor=specialist, **measure_fields(domains, plan))
    client = login(other_specialist)
    graduate = plan.case.graduate

    assert client.get(reverse("support:plan_version", args=[graduate.pk, plan.pk])).status_code == 404
    assert (
        client.post(
            reverse("support:measure_update", args=[graduate.pk, measure.pk]), {"status": "cancelled"}
        ).status_code
        == 404
    )
    measure.refresh_from_db()
    assert measure.status == PlanMeasure.Status.PLANNED


def test_a_measure_of_another_graduate_is_not_reachable_through_ones_own_card(
    login, specialist, plan, domains, make_graduate, service, give_consent, make_active_case
):
    other = make_graduate(service, last_name="Другая")
    give_consent(other)
    other_plan = services.create_plan(make_active_case(other), actor=specialist)
    measure = services.add_measure(other_plan, actor=specialist, **measure_fields(domains, other_plan))
    client = login(specialist)
    own = plan.case.graduate

    assert client.get(reverse("support:measure_update", args=[own.pk, measure.pk])).status_code == 404
    assert client.get(reverse("support:plan_version", args=[own.pk, other_plan.pk])).status_code == 404
    response = client.post(reverse("support:plan_approve", args=[own.pk, other_plan.pk]))
    assert response.status_code == 404


# --- Query budget --------------------------------------------------------------------------------

TAB_BUDGET = 24  # + the card's allowed actions, + the read filed under the graduate, + the menu's incoming count


def test_the_plan_tab_costs_the_same_however_many_measures(
    login, specialist, plan, domains, django_assert_max_num_queries
):
    client = login(specialist)
    url = tab(plan.case.graduate)
    services.add_goal(plan, actor=specialist, domain=domains["Жильё"], text="Цель")
    services.add_measure(plan, actor=specialist, **measure_fields(domains, plan))
    client.get(url)
    with django_assert_max_num_queries(TAB_BUDGET) as small:
        client.get(url)
    goals = [
        services.add_goal(plan, actor=specialist, domain=domain, text=f"Цель в сфере {domain.name}")
        for domain in domains.values()
    ]
    for n in range(30):
        goal = goals[n % len(goals)]
        services.add_measure(plan, actor=specialist, **measure_fields(domains, plan, domain=goal.domain, goal=goal))
    with django_assert_max_num_queries(TAB_BUDGET) as big:
        client.get(url)

    assert len(big) == len(small)


def test_the_plan_tab_asks_for_a_review_after_a_level_change(login, specialist, plan, levels):
    client = login(specialist)
    url = reverse("support:plan", args=[plan.case.graduate_id])
    assert "plan-review-due" not in client.get(url).content.decode()

    services.change_level(plan.case, levels["Интенсивный"], actor=specialist, reason="Потерял работу и жильё")

    body = client.get(url).content.decode()
    assert "plan-review-due" in body and "теперь «Интенсивный»" in body


def test_the_plan_tab_asks_for_a_review_when_the_period_is_over(login, specialist, plan):
    SupportPlan.objects.filter(pk=plan.pk).update(starts_on=days_ago(100), ends_on=days_ago(1))

    body = login(specialist).get(reverse("support:plan", args=[plan.case.graduate_id])).content.decode()

    assert "plan-review-due" in body
    assert f"период плана закончился {days_ago(1):%d.%m.%Y}" in body
