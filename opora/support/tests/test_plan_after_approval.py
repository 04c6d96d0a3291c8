"""An approved plan is not changed silently (issue 7, point 6).

The plan is agreed and signed with the graduate (domain.md, «individual plan»): once approved,
its goals and measures change only in a new version («Новая версия плана»), approved again,
while the approved version stays as it was. Recording the progress of its measures (status,
result) goes on in the approved plan: that is carrying it out, not changing it. The rule lives
in the services, so the page and the API refuse alike.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from opora.core.errors import DomainError
from opora.support import services
from opora.support.models import PlanGoal, PlanMeasure, SupportPlan

pytestmark = pytest.mark.usefixtures("support_region")


@pytest.fixture
def approved(planned_case, specialist, coordinator, domains) -> SupportPlan:
    """Version 1 with a goal and a measure, approved by the coordinator."""
    plan = planned_case.plans.get()
    goal = services.add_goal(plan, actor=specialist, domain=domains["Жильё"], text="Встать в очередь на жильё")
    services.add_measure(
        plan,
        actor=specialist,
        goal=goal,
        domain=domains["Жильё"],
        text="Подать заявление в администрацию",
        responsible=PlanMeasure.Responsible.GRADUATE,
        deadline=plan.ends_on,
    )
    return services.approve_plan(plan, actor=coordinator)


def measure_fields(plan, domains, **extra) -> dict:
    return {
        "domain": domains["Образование"],
        "text": "Поступить в колледж",
        "responsible": PlanMeasure.Responsible.SPECIALIST,
        "deadline": plan.ends_on,
        **extra,
    }


def test_an_approved_plan_refuses_a_new_measure_and_a_new_goal(approved, specialist, domains):
    with pytest.raises(DomainError, match="новую версию плана") as measure_refused:
        services.add_measure(approved, actor=specialist, **measure_fields(approved, domains))
    with pytest.raises(DomainError, match="новую версию плана"):
        services.add_goal(approved, actor=specialist, domain=domains["Образование"], text="Получить профессию")

    assert measure_refused.value.code == "plan_approved"
    assert approved.measures.count() == 1 and approved.goals.count() == 1


def test_the_progress_of_an_approved_plans_measure_is_still_recorded(approved, specialist):
    measure = approved.measures.get()

    services.update_measure(measure, actor=specialist, status="done", result="Заявление принято")

    measure.refresh_from_db()
    assert (measure.status, measure.result) == ("done", "Заявление принято")


def test_a_new_version_takes_the_change_and_leaves_the_approved_one_as_it_was(
    approved, planned_case, specialist, coordinator, domains
):
    second = services.create_plan(planned_case, actor=specialist, review_reason="Решили добавить обучение")
    services.add_measure(second, actor=specialist, **measure_fields(second, domains))
    services.approve_plan(second, actor=coordinator)

    approved.refresh_from_db()
    assert approved.status == SupportPlan.Status.SUPERSEDED
    assert list(approved.measures.values_list("text", flat=True)) == ["Подать заявление в администрацию"]
    assert set(second.measures.values_list("text", flat=True)) == {
        "Подать заявление в администрацию",
        "Поступить в колледж",
    }
    assert second.goals.get().text == "Встать в очередь на жильё"


def test_the_tab_of_an_approved_plan_offers_a_new_version_instead_of_the_add_forms(login, specialist, approved):
    graduate = approved.case.graduate

    body = login(specialist).get(reverse("support:plan", kwargs={"pk": graduate.pk})).content.decode()

    assert 'id="plan-approved-locked"' in body
    assert reverse("support:plan_measure_add", args=[graduate.pk, approved.pk]) not in body
    assert reverse("support:plan_goal_add", args=[graduate.pk, approved.pk]) not in body
    assert 'id="new-plan"' in body and "Новая версия плана" in body
    # Progress is still recorded on the page.
    measure = approved.measures.get()
    assert reverse("support:measure_update", args=[graduate.pk, measure.pk]) in body


def test_a_draft_plan_has_the_add_forms_and_no_such_notice(login, specialist, planned_case):
    plan = planned_case.plans.get()

    body = login(specialist).get(reverse("support:plan", kwargs={"pk": planned_case.graduate_id})).content.decode()

    assert reverse("support:plan_measure_add", args=[planned_case.graduate_id, plan.pk]) in body
    assert 'id="plan-approved-locked"' not in body


def test_a_page_opened_before_the_approval_cannot_slip_a_measure_in_after_it(
    login, specialist, coordinator, planned_case, domains
):
    plan = planned_case.plans.get()
    services.add_measure(plan, actor=specialist, **measure_fields(plan, domains))
    client = login(specialist)
    client.get(reverse("support:plan", kwargs={"pk": planned_case.graduate_id}))  # the form is on screen
    services.approve_plan(plan, actor=coordinator)  # meanwhile, the coordinator approves

    response = client.post(
        reverse("support:plan_measure_add", args=[planned_case.graduate_id, plan.pk]),
        {
            "domain": domains["Жильё"].pk,
            "text": "Ещё одно мероприятие",
            "responsible": "graduate",
            "deadline": plan.ends_on.strftime("%d.%m.%Y"),
        },
    )

    assert response.status_code == 400
    assert "новую версию плана" in response.content.decode()
    assert not PlanMeasure.objects.filter(text="Ещё одно мероприятие").exists()


def test_the_api_refuses_to_change_an_approved_plan_in_the_same_words(login, specialist, approved, domains):
    client = login(specialist)

    measure = client.post(
        "/api/v1/measures/",
        json.dumps(
            {
                "plan": approved.pk,
                "domain": domains["Образование"].pk,
                "text": "Поступить в колледж",
                "responsible": "specialist",
                "deadline": approved.ends_on.isoformat(),
            }
        ),
        content_type="application/json",
    )
    goal = client.post(
        f"/api/v1/plans/{approved.pk}/goals/",
        json.dumps({"domain": domains["Образование"].pk, "text": "Получить профессию"}),
        content_type="application/json",
    )

    assert measure.status_code == goal.status_code == 400
    assert "новую версию плана" in measure.json()["non_field_errors"][0]
    assert "новую версию плана" in goal.json()["non_field_errors"][0]
    assert approved.measures.count() == 1
    assert PlanGoal.objects.filter(plan=approved).count() == 1
