"""The «Журнал» tab: quick entry (htmx and plain), details, the list's order and pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.support import services
from opora.support.models import JournalEntry, PlanMeasure, ServiceKind
from opora.support.tests.conftest import days_ago

pytestmark = pytest.mark.usefixtures("support_region")
HTMX = {"HTTP_HX_REQUEST": "true"}


def written() -> object:
    """The entries the tests write (the contact step of the case fixtures wrote its own)."""
    return JournalEntry.objects.exclude(kind=JournalEntry.Kind.CONTACT)


def tab(graduate) -> str:
    return reverse("support:journal", kwargs={"pk": graduate.pk})


def ru(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def test_the_tab_opens_with_the_quick_form_dated_today(login, specialist, active_case):
    response = login(specialist).get(tab(active_case.graduate))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="quick-entry"' in body
    assert f'value="{ru(timezone.localdate())}"' in body
    for label in ("Звонок", "Встреча", "Визит на дом"):
        assert label in body
    assert 'value="phone" autocomplete="off" checked' in body
    assert body.index("Сохранить") < body.index("Подробнее")


def test_a_quick_entry_needs_only_kind_and_text(login, specialist, active_case):
    client = login(specialist)
    graduate = active_case.graduate

    response = client.post(tab(graduate), {"kind": "meeting", "text": "Обсудили поиск работы", "date": ""})

    assert response.status_code == 302
    entry = written().get()
    assert (entry.date, entry.kind, entry.author, entry.case) == (
        timezone.localdate(),
        "meeting",
        specialist,
        active_case,
    )
    body = client.get(tab(graduate)).content.decode()
    assert "Запись добавлена в журнал." in body
    assert "Обсудили поиск работы" in body


def test_an_htmx_entry_comes_back_as_the_new_row_and_a_fresh_form(login, specialist, active_case):
    response = login(specialist).post(
        tab(active_case.graduate), {"kind": "home_visit", "text": "Посетила на дому"}, **HTMX
    )

    body = response.content.decode()
    entry = written().get()
    assert response.status_code == 200
    assert body.lstrip().startswith(
        f'<li class="list-group-item journal-entry journal-entry-new" id="entry-{entry.pk}" tabindex="-1">'
    )
    assert "Посещение на дому (социальный патронат)" in body
    assert 'id="quick-entry" class="card mb-3 quick-entry" hx-swap-oob="true"' in body
    assert 'id="journal-flash" hx-swap-oob="true"' in body
    # The fresh form is empty again.
    assert "Посетила на дому</textarea>" not in body


def test_an_htmx_entry_without_text_returns_the_form_with_its_error(login, specialist, active_case):
    response = login(specialist).post(tab(active_case.graduate), {"kind": "phone", "text": "  "}, **HTMX)

    assert response.status_code == 400
    assert response["HX-Retarget"] == "#quick-entry"
    assert response["HX-Reswap"] == "outerHTML"
    assert "Обязательное поле." in response.content.decode()
    assert not written().exists()


def test_a_future_date_is_refused_at_the_date(login, specialist, active_case):
    response = login(specialist).post(
        tab(active_case.graduate),
        {"kind": "phone", "text": "Звонок", "date": ru(timezone.localdate() + dt.timedelta(days=1))},
        **HTMX,
    )

    assert response.status_code == 400
    assert response.context["form"].errors["date"] == ["Дата не может быть в будущем."]
    assert not written().exists()


def test_details_are_saved_with_the_entry(login, specialist, planned_case, domains):
    plan = planned_case.plans.get()
    measure = services.add_measure(
        plan,
        actor=specialist,
        domain=domains["Жильё"],
        text="Встать на учёт",
        responsible="graduate",
        deadline=plan.ends_on,
    )
    client = login(specialist)
    kind = ServiceKind.objects.filter(region=planned_case.graduate.service.region).first()

    response = client.post(
        tab(planned_case.graduate),
        {
            "kind": "accompanying",
            "text": "Сопроводила в администрацию",
            "date": ru(days_ago(1)),
            "domain": domains["Жильё"].pk,
            "service_kind": kind.pk,
            "result": "Заявление принято",
            "duration_minutes": "90",
            "participants": "Выпускник, специалист",
            "measure": measure.pk,
        },
    )

    assert response.status_code == 302
    entry = written().get()
    assert (entry.domain, entry.service_kind, entry.measure, entry.duration_minutes) == (
        domains["Жильё"],
        kind,
        measure,
        90,
    )
    body = client.get(tab(planned_case.graduate)).content.decode()
    assert "Заявление принято" in body and "90 мин." in body and "по плану: Встать на учёт" in body


def test_a_measure_of_another_graduate_cannot_be_linked(
    login, specialist, active_case, domains, make_graduate, service, give_consent, make_active_case
):
    other = make_graduate(service, last_name="Другая")
    give_consent(other)
    other_plan = services.create_plan(make_active_case(other), actor=specialist)
    foreign = services.add_measure(
        other_plan,
        actor=specialist,
        domain=domains["Жильё"],
        text="Чужое",
        responsible="graduate",
        deadline=other_plan.ends_on,
    )

    response = login(specialist).post(
        tab(active_case.graduate), {"kind": "phone", "text": "Звонок", "measure": foreign.pk}
    )

    assert response.status_code == 400
    assert "measure" in response.context["form"].errors
    assert not written().exists()


def test_a_closed_case_takes_no_new_entries(login, specialist, identified_case):
    services.close_case(identified_case, actor=specialist, reason="other", report="Не нуждается")
    client = login(specialist)

    page = client.get(tab(identified_case.graduate)).content.decode()
    response = client.post(tab(identified_case.graduate), {"kind": "phone", "text": "Звонок"})

    assert 'id="quick-entry"' not in page
    assert "Новые записи вносятся, пока сопровождение открыто" in page
    assert response.status_code == 400
    assert "Сопровождение завершено: новые записи в журнал не вносятся." in response.content.decode()
    assert not written().exists()


def test_the_list_is_newest_first_and_paginated(login, specialist, active_case):
    # Only this test's 25 entries: drop the one the contact step wrote.
    JournalEntry.objects.filter(kind=JournalEntry.Kind.CONTACT).delete()
    for n in range(25):
        JournalEntry.objects.create(
            case=active_case,
            graduate=active_case.graduate,
            date=days_ago(n),
            kind="phone",
            text=f"Запись номер {n:02d}",
        )
    client = login(specialist)

    first = client.get(tab(active_case.graduate)).content.decode()
    second = client.get(tab(active_case.graduate), {"page": 2}).content.decode()

    assert first.index("Запись номер 00") < first.index("Запись номер 01")
    assert "Запись номер 19" in first and "Запись номер 20" not in first
    assert "Запись номер 20" in second and "Запись номер 24" in second
    assert 'id="journal-count">25<' in first


# --- Access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["administrator", "attracted"])
def test_roles_without_personal_data_are_refused(request, login, active_case, role):
    client = login(request.getfixturevalue(role))

    assert client.get(tab(active_case.graduate)).status_code == 403
    assert client.post(tab(active_case.graduate), {"kind": "phone", "text": "x"}, **HTMX).status_code == 403
    assert not written().exists()


def test_a_foreign_services_journal_answers_404(login, other_specialist, active_case):
    client = login(other_specialist)

    assert client.get(tab(active_case.graduate)).status_code == 404
    assert client.post(tab(active_case.graduate), {"kind": "phone", "text": "x"}, **HTMX).status_code == 404
    assert not written().exists()


# --- Query budget --------------------------------------------------------------------------------

TAB_BUDGET = 21  # +1: the count of incoming transfers in the menu


def test_the_journal_tab_costs_the_same_however_many_entries(
    login, specialist, planned_case, domains, django_assert_max_num_queries
):
    client = login(specialist)
    graduate = planned_case.graduate
    plan = planned_case.plans.get()
    measure = services.add_measure(
        plan, actor=specialist, domain=domains["Жильё"], text="Мера", responsible="graduate", deadline=plan.ends_on
    )
    url = tab(graduate)

    def add(n):
        for i in range(n):
            JournalEntry.objects.create(
                case=planned_case,
                graduate=graduate,
                date=days_ago(i % 20),
                kind="meeting",
                text=f"Встреча {i}",
                domain=domains["Жильё"],
                measure=measure,
                author=specialist,
                duration_minutes=30,
            )

    add(2)
    client.get(url)
    with django_assert_max_num_queries(TAB_BUDGET) as small:
        client.get(url)
    add(40)
    with django_assert_max_num_queries(TAB_BUDGET) as big:
        client.get(url)

    assert len(big) == len(small)
    assert PlanMeasure.objects.count() == 1
