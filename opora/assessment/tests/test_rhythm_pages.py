"""The quarter view, the rhythm lists, and the rhythm's figures on the start page and the caseload:
what a coordinator and a specialist see, the links behind each figure, bad filters, query budgets."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from opora.assessment.tests.rhythm_factories import assessed, decided, on_support, open_task
from opora.conftest import _user
from opora.core.models import AuditEvent
from opora.core.roles import Role

D = dt.date
QUARTER = reverse("assessment:quarter")
DUE = reverse("assessment:due")


@pytest.fixture
def colleague(service):
    """A second specialist of ``service``."""
    user = _user("colleague", Role.SPECIALIST, service)
    user.last_name, user.first_name = "Коллегова", "Вера"
    user.save()
    return user


@pytest.fixture
def service_quarter(levels, make_graduate, service, specialist, colleague, travel_to):
    """On 18 November 2026: specialist has «Ждущая» (due, missed Q3: overdue), «Оценённая» (assessed,
    waiting for the consilium, with an open task); colleague has «Решённая» (assessed, decided)."""
    travel_to(D(2026, 11, 18))

    def case(last_name, who):
        return on_support(
            make_graduate(service, last_name=last_name, birth_date=D(2005, 5, 5)), D(2026, 3, 1), specialist=who
        )

    waiting = case("Ждущая", specialist)
    done = case("Оценённая", specialist)
    decided_case = case("Решённая", colleague)
    assessed(done, D(2026, 10, 5))
    assessed(done, D(2026, 7, 5))
    assessed(decided_case, D(2026, 10, 6))
    assessed(decided_case, D(2026, 7, 6))
    decided(decided_case, D(2026, 11, 10))
    open_task(done.graduate, D(2026, 11, 25))
    return {"waiting": waiting, "done": done, "decided": decided_case}


def figures(response) -> dict:
    """{row name: [figures]} of the quarter table, as the page shows them."""
    body = response.content.decode()
    table = body.split('id="quarter-figures"')[1].split("</table>")[0]
    out = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]:
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        out[cells[0]] = [int(c) for c in cells[1:]]
    return out


def test_the_coordinator_sees_the_quarter_per_specialist_and_in_total(login, coordinator, service_quarter):
    response = login(coordinator).get(QUARTER)

    assert response.status_code == 200
    # on support, assessed, due, overdue, tasks, consilium, turning 18
    assert figures(response) == {
        "Тестова А.": [2, 1, 1, 1, 1, 1, 0],
        "Коллегова В.": [1, 1, 0, 0, 0, 0, 0],
        "Всего": [3, 2, 1, 1, 1, 1, 0],
    }


def test_each_figure_links_to_its_list_of_the_same_people(login, coordinator, specialist, service_quarter):
    client = login(coordinator)
    body = client.get(QUARTER).content.decode()
    link = re.search(rf'href="(/assessment/due/\?[^"]*specialist={specialist.pk}[^"]*kind=consilium)"', body)

    listed = client.get(link.group(1).replace("&amp;", "&"))

    assert listed.status_code == 200
    assert [row.graduate.last_name for row in listed.context["rows"]] == ["Оценённая"]


def test_the_overdue_list_says_why(login, coordinator, service_quarter):
    body = login(coordinator).get(DUE, {"kind": "overdue"}).content.decode()

    assert "Ждущая" in body
    assert "нет оценки за 3 квартал 2026 г." in body


def test_a_specialist_sees_only_their_own_cases(login, specialist, service_quarter):
    client = login(specialist)

    quarter = figures(client.get(QUARTER))
    due = client.get(DUE, {"kind": "consilium"})

    assert quarter == {"Тестова А.": [2, 1, 1, 1, 1, 1, 0], "Всего": [2, 1, 1, 1, 1, 1, 0]}
    assert "Решённая" not in due.content.decode()


def test_a_past_quarter_is_shown_as_it_ended(login, coordinator, service_quarter):
    response = login(coordinator).get(QUARTER, {"year": 2026, "quarter": 3})

    assert figures(response)["Всего"][:3] == [3, 2, 1]  # «Ждущая» was not assessed in the third quarter
    assert "3 квартал 2026 г." in response.content.decode()


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        (DUE, {"kind": "everyone"}, "Выберите корректный вариант"),
        (DUE, {}, "Обязательное поле."),
        (DUE, {"kind": "due", "year": "2026"}, "Укажите и год, и квартал"),
        (DUE, {"kind": "due", "year": "2026", "quarter": "5"}, "Выберите корректный вариант"),
        (QUARTER, {"year": "2027", "quarter": "1"}, "Год — от 2000 до 2026."),
        (QUARTER, {"year": "1e20", "quarter": "1"}, "Введите целое число."),
        (DUE, {"kind": "due", "specialist": "99999999999999999999"}, "Выберите корректный вариант"),
    ],
)
def test_a_filter_that_makes_no_sense_is_a_400_with_the_reason(
    login, coordinator, service_quarter, url, params, message
):
    response = login(coordinator).get(url, params)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_quarter_not_yet_begun_is_refused(login, coordinator, service_quarter, travel_to):
    travel_to(D(2026, 12, 31))

    response = login(coordinator).get(QUARTER, {"year": "2026", "quarter": "4"})
    later = login(coordinator).get(DUE, {"kind": "due", "year": "2027", "quarter": "1"})

    assert response.status_code == 200
    assert later.status_code == 400


def test_the_list_is_audited_as_a_read_of_the_graduates_it_names(login, coordinator, service_quarter):
    login(coordinator).get(DUE, {"kind": "due"})

    event = AuditEvent.objects.get(action=AuditEvent.Action.LIST)
    assert event.record_ids == [service_quarter["waiting"].graduate_id]


def test_the_start_page_shows_the_specialists_rhythm_with_links(login, specialist, service_quarter):
    body = login(specialist).get(reverse("home")).content.decode()

    panel = body.split('id="rhythm-panel"')[1].split("</section>")[0]
    counts = dict(re.findall(r'id="rhythm-(\w+)"[^>]*>\s*<span class="start-count[^"]*">(\d+)', panel))
    assert counts == {"due": "1", "overdue": "1", "tasks": "1", "consilium": "1"}
    assert f'href="{DUE}?kind=overdue"' in panel


def test_the_caseload_shows_the_rhythm_of_the_chosen_specialist(login, coordinator, colleague, service_quarter):
    body = login(coordinator).get(reverse("support:caseload"), {"specialist": colleague.pk}).content.decode()

    panel = body.split('id="rhythm-panel"')[1].split("</section>")[0]
    counts = dict(re.findall(r'id="rhythm-(\w+)"[^>]*>\s*<span class="start-count[^"]*">(\d+)', panel))
    assert counts == {"due": "0", "overdue": "0", "tasks": "0", "consilium": "0"}
    assert f"specialist={colleague.pk}&amp;kind=due" in panel


def _more_cases(make_graduate, service, specialist, n):
    for i in range(n):
        case = on_support(
            make_graduate(service, last_name=f"Добавленная{i:02d}", birth_date=D(2005, 5, 5)),
            D(2026, 3, 1),
            specialist=specialist,
        )
        assessed(case, D(2026, 10, 1 + i))
        open_task(case.graduate, D(2026, 11, 1))


@pytest.mark.parametrize(
    ("url", "params"),
    [(QUARTER, {}), (DUE, {"kind": "tasks"}), (reverse("home"), {}), (reverse("support:caseload"), {})],
)
def test_the_rhythm_pages_take_as_many_queries_for_many_cases_as_for_few(
    login, coordinator, specialist, service_quarter, make_graduate, service, django_assert_max_num_queries, url, params
):
    client = login(coordinator)
    client.get(url, params)  # warm the session and the content types
    with django_assert_max_num_queries(40) as few:
        assert client.get(url, params).status_code == 200
    _more_cases(make_graduate, service, specialist, 8)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, params).status_code == 200


def test_the_quarter_form_shows_the_current_quarter_when_none_is_asked_for(login, coordinator, service_quarter, today):
    response = login(coordinator).get(QUARTER)

    body = response.content.decode()
    assert re.search(rf'name="year"[^>]*value="{today.year}"', body)
    assert re.search(rf'<option value="{(today.month - 1) // 3 + 1}" selected>', body)
