"""The «Траектория» tab of the graduate card: charts, tables, the selector, scope and query budget."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from opora.core.models import AuditEvent

from .trajectory_factories import CLOSED, NEW, make_assessment, make_case

HOUSING = "Жильё"


@pytest.fixture
def case(graduate, levels):
    return make_case(graduate, levels["Поддерживающий"])


def _quarters(case, count: int):
    made = []
    for i in range(count):
        on = dt.date(2025 + (i // 4), 3 * (i % 4) + 2, 10)
        made.append(
            make_assessment(
                case,
                on,
                {HOUSING: (i % 5, (i + 1) % 5)},
                difficulties={HOUSING: [(f"Трудность {i}", NEW)] + ([(f"Трудность {i - 1}", CLOSED)] if i else [])},
            )
        )
    return made


def test_the_card_has_a_trajectory_tab(client, specialist, case):
    client.force_login(specialist)

    response = client.get(reverse("registry:detail", args=[case.graduate_id]))

    assert reverse("assessment:trajectory", args=[case.graduate_id]) in response.content.decode()
    assert "Траектория" in response.content.decode()


def test_the_tab_shows_radars_of_the_latest_two_assessments_lines_per_domain_and_the_figures_as_a_table(
    client, specialist, case
):
    first, second, third = _quarters(case, 3)
    client.force_login(specialist)

    response = client.get(reverse("assessment:trajectory", args=[case.graduate_id]))

    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="radar-{third.pk}"' in body and f'id="radar-{second.pk}"' in body
    assert f'id="radar-{first.pk}"' not in body
    assert body.count('class="chart domain-line"') == 9
    # The table: specialist / graduate per quarter, «Жильё» 0/1, 1/2, 2/3.
    housing_row = re.search(r"<th scope=\"row\" class=\"fw-normal\">Жильё</th>(.*?)</tr>", body, re.S).group(1)
    assert re.findall(r">(\d) / (\d)<", housing_row) == [("0", "1"), ("1", "2"), ("2", "3")]
    changes = re.search(rf'id="changes-{third.pk}">(.*?)</div>\s*</div>', body, re.S).group(1)
    assert "Трудность 2" in changes and "Трудность 1" in changes
    assert "Поддерживающий" in body and "Первичное определение" in body
    # SVG coordinates stay with a dot, whatever the locale's decimal separator.
    assert re.search(r'points="[\d.]+,[\d.]+ ', body)
    assert "style=" not in body.split('id="trajectory"', 1)[1]


def test_the_selector_shows_the_chosen_assessment(client, specialist, case):
    first, _second, third = _quarters(case, 3)
    client.force_login(specialist)

    response = client.get(reverse("assessment:trajectory", args=[case.graduate_id]), {"a": first.pk, "b": ""})

    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="radar-{first.pk}"' in body
    assert f'id="radar-{third.pk}"' not in body


@pytest.mark.parametrize("value", ["abc", "987654", "1e20", "-1"])
def test_a_choice_that_is_not_one_of_the_graduates_assessments_is_a_400_in_russian(client, specialist, case, value):
    _quarters(case, 2)
    client.force_login(specialist)

    response = client.get(reverse("assessment:trajectory", args=[case.graduate_id]), {"a": value})

    assert response.status_code == 400
    assert "Выберите одну из оценок выпускника." in response.content.decode()


def test_another_graduates_assessment_cannot_be_chosen(client, specialist, case, make_graduate, levels):
    _quarters(case, 1)
    other = make_case(make_graduate(case.graduate.service, last_name="Сидорова"), levels["Поддерживающий"])
    (foreign,) = _quarters(other, 1)
    client.force_login(specialist)

    response = client.get(reverse("assessment:trajectory", args=[case.graduate_id]), {"a": foreign.pk})

    assert response.status_code == 400


def test_a_graduate_without_assessments_gets_a_note(client, specialist, case):
    client.force_login(specialist)

    response = client.get(reverse("assessment:trajectory", args=[case.graduate_id]))

    assert response.status_code == 200
    assert 'id="no-assessments"' in response.content.decode()


def test_the_read_of_the_trajectory_is_audited(client, specialist, case):
    _quarters(case, 1)
    client.force_login(specialist)

    client.get(reverse("assessment:trajectory", args=[case.graduate_id]))

    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, actor=specialist)
    assert event.object_id == str(case.graduate_id)


@pytest.mark.parametrize("role", ["other_specialist", "attracted", "admin"])
def test_a_user_who_may_not_see_the_graduate_gets_no_trajectory(client, users, case, role):
    _quarters(case, 1)
    client.force_login(users[role])

    response = client.get(reverse("assessment:trajectory", args=[case.graduate_id]))

    assert response.status_code == (404 if role == "other_specialist" else 403)


def test_the_tab_takes_the_same_number_of_queries_for_two_or_eight_assessments(
    client, specialist, case, django_assert_max_num_queries
):
    client.force_login(specialist)
    url = reverse("assessment:trajectory", args=[case.graduate_id])
    _quarters(case, 2)
    client.get(url)  # warm the session and the content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        client.get(url)
    case.assessments.all().delete()
    _quarters(case, 8)

    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert len(two.captured_queries) <= 20
