"""The start page is the specialist's working day, not the registry list (issue 7, point 6).

Who needs attention today (the caseload's facts), transfers waiting, what is due this week —
for a specialist their own cases, for a coordinator the service's, for the regional centre the
region in figures. Scoped like every page, audited as read, within a query budget.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.core.models import AuditEvent
from opora.registry.models import Graduate
from opora.support import services
from opora.support.models import PlanMeasure, SupportCase, SupportPlan
from opora.support.tests.conftest import INTENSIVE, days_ago

HOME = reverse("home")


def in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def attention_names(response) -> list[str]:
    return [row.graduate.full_name for row in response.context["sections"][0]["section"]["attention"]]


@pytest.fixture
def day(caseload_case):
    """A specialist's caseload: one late contact, one within the norm, one only identified, one
    whose contract ends in 20 days, one with a measure due in 3 days (and one due in 10)."""
    late = caseload_case("Опоздалова", level=INTENSIVE, contacted=20)
    fine = caseload_case("Впорядкова", level=INTENSIVE, contacted=2)
    new = caseload_case("Новенькая", status=SupportCase.Status.IDENTIFIED, activated=5)
    ending = caseload_case("Договорова", level=INTENSIVE, contacted=1, contract_ends_in=20)
    busy = caseload_case("Мероприятиева", level=INTENSIVE, contacted=1, plan_ends_in=60)
    plan = SupportPlan.objects.get(case=busy)
    for text, days in (("Сходить в МФЦ", 3), ("Подать документы в колледж", 10)):
        PlanMeasure.objects.create(
            plan=plan,
            domain=plan.case.graduate.service.region.domains.first(),
            text=text,
            responsible=PlanMeasure.Responsible.GRADUATE,
            deadline=in_days(days),
        )
    return {"late": late, "fine": fine, "new": new, "ending": ending, "busy": busy}


def test_a_specialist_lands_on_the_working_day_not_on_the_registry(login, specialist, day):
    response = login(specialist).get(HOME)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="working-day"' in body
    assert "Кому нужно внимание сегодня" in body


def test_the_attention_list_names_who_needs_something_and_why(login, specialist, day):
    response = login(specialist).get(HOME)

    names = attention_names(response)
    assert set(names) == {"Опоздалова Алёна Сергеевна", "Новенькая Алёна Сергеевна", "Договорова Алёна Сергеевна"}
    assert names[0] == "Опоздалова Алёна Сергеевна"  # in work and late comes before only identified
    body = response.content.decode()
    assert "нет контакта 20 дн. (норма — раз в 7 дн.)" in body
    assert "ждёт установления контакта" in body
    assert f"договор до {in_days(20):%d.%m.%Y}" in body
    assert "Впорядкова" not in body.split('id="attention-list"')[1].split("</div>\n  </div>")[0]


def test_what_is_due_this_week_is_listed_and_the_later_deadline_is_not(login, specialist, day):
    body = login(specialist).get(HOME).content.decode()

    due = body.split('id="due-list"')[1]
    assert "Сходить в МФЦ" in due
    assert "Подать документы в колледж" not in due


def test_the_counters_show_attention_and_transfers(
    login, specialist, other_specialist, day, other_service, support_region
):
    services.start_transfer(day["late"], actor=specialist, moved_at=days_ago(5), to_service=other_service)

    sender = login(specialist).get(HOME)
    receiver = login(other_specialist).get(HOME)

    section = sender.context["sections"][0]["section"]
    assert section["attention_count"] == 3
    assert section["outgoing"] == {"pending": 1, "overdue": 0}
    receiving = receiver.context["sections"][0]["section"]
    assert receiving["incoming_count"] == 1
    assert [t.graduate.last_name for t in receiving["incoming"]] == ["Опоздалова"]
    assert 'id="nav-incoming-count"' in receiver.content.decode()
    assert 'id="nav-incoming-count"' not in sender.content.decode()


def test_the_outgoing_counter_marks_a_notice_past_its_three_days(login, specialist, day, other_service, travel_to):
    services.start_transfer(day["late"], actor=specialist, moved_at=days_ago(1), to_service=other_service)
    travel_to(in_days(4))

    section = login(specialist).get(HOME).context["sections"][0]["section"]

    assert section["outgoing"] == {"pending": 1, "overdue": 1}


def test_a_colleagues_cases_are_not_on_a_specialists_list_but_on_the_coordinators(
    login, specialist, coordinator, colleague, caseload_case
):
    caseload_case("Своя", level=INTENSIVE, contacted=20)
    caseload_case("Коллегина", level=INTENSIVE, contacted=20, specialist=colleague)
    caseload_case("Ничейная", level=INTENSIVE, contacted=20, specialist=None)

    own = attention_names(login(specialist).get(HOME))
    service = login(coordinator).get(HOME)

    assert [n.split()[0] for n in own] == ["Своя"]
    assert {n.split()[0] for n in attention_names(service)} == {"Своя", "Коллегина", "Ничейная"}
    body = service.content.decode()
    assert 'id="start-unassigned"' in body
    assert f"{reverse('support:caseload')}?specialist=none" in body
    assert "Все выпускники службы" in body


def test_another_services_cases_never_appear(login, specialist, caseload_case, other_service, other_specialist):
    caseload_case("Чужая", level=INTENSIVE, contacted=40, graduate_service=other_service, specialist=other_specialist)

    body = login(specialist).get(HOME).content.decode()

    assert "Чужая" not in body


def test_the_regional_centre_sees_the_regions_services_in_figures(
    login, regional, caseload_case, other_service, other_specialist, service
):
    caseload_case("Первая", level=INTENSIVE, contacted=20)
    caseload_case("Вторая", level=INTENSIVE, contacted=20, graduate_service=other_service, specialist=other_specialist)

    response = login(regional).get(HOME)

    body = response.content.decode()
    assert 'id="region-services"' in body
    assert f"?service={service.pk}" in body and f"?service={other_service.pk}" in body
    assert "Первая" not in body and "Вторая" not in body


def test_an_administrator_goes_to_the_admin_and_an_attracted_specialist_reads_a_note(client, administrator, attracted):
    client.force_login(administrator)
    assert client.get(HOME)["Location"] == reverse("admin:index")
    client.force_login(attracted)
    response = client.get(HOME)
    assert response.status_code == 200
    assert "привлечённый специалист увидит выпускников" in response.content.decode()


def test_the_graduates_the_page_names_are_audited_as_read(login, specialist, day):
    login(specialist).get(HOME)

    event = AuditEvent.objects.filter(action=AuditEvent.Action.LIST, path=HOME).get()
    named = {day[k].graduate_id for k in ("late", "new", "ending", "busy")}
    assert set(event.record_ids) == named
    assert day["fine"].graduate_id not in event.record_ids


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(HOME)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("extra", [0, 12])
def test_the_start_page_keeps_to_its_query_budget_however_many_cases(
    login, specialist, caseload_case, django_assert_max_num_queries, extra
):
    for n in range(3 + extra):
        caseload_case(f"Фамилия{n:02d}", level=INTENSIVE, contacted=20, overdue_measures=1, plan_ends_in=3)
    client = login(specialist)

    with django_assert_max_num_queries(18):
        response = client.get(HOME)

    assert response.status_code == 200
    assert len(attention_names(response)) == min(10, 3 + extra)


def test_the_nav_badge_is_one_scoped_count_once_a_request(
    login, rf, other_specialist, coordinator, active_case, specialist, other_service, django_assert_num_queries
):
    from opora.support.transfer_lists import incoming_count

    services.start_transfer(active_case, actor=specialist, moved_at=days_ago(1), to_service=other_service)
    request = rf.get("/")
    request.user = other_specialist

    with django_assert_num_queries(1):
        assert incoming_count(request) == 1
        assert incoming_count(request) == 1  # the page's second use is free
    sender = rf.get("/")
    sender.user = coordinator
    assert incoming_count(sender) == 0
    body = login(other_specialist).get(reverse("registry:list")).content.decode()
    assert 'id="nav-incoming-count">1<' in body


def test_a_graduate_who_left_the_service_is_not_on_its_start_page(
    login, specialist, other_specialist, day, other_service
):
    transfer = services.start_transfer(day["late"], actor=specialist, moved_at=days_ago(1), to_service=other_service)
    services.accept_transfer(transfer, actor=other_specialist)

    body = login(specialist).get(HOME).content.decode()

    assert Graduate.objects.get(pk=day["late"].graduate_id).service == other_service
    assert "Опоздалова" not in body
