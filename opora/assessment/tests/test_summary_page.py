"""The summary card page: the rows, the counts over all rows, filters, the service's scope, the query budget."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from opora.assessment.models import quarter_of
from opora.conftest import suite_today
from opora.core.models import AuditEvent

from .summary_data import third_quarter

URL = "assessment:summary"
_year, _quarter = quarter_of(suite_today())
NEXT_QUARTER = {"year": str(_year + (_quarter == 4)), "quarter": str(_quarter % 4 + 1)}


@pytest.fixture
def quarter(service, other_service, levels, make_graduate):
    return third_quarter(service, other_service, levels, make_graduate)


def _totals(body: str) -> dict[str, list[str]]:
    foot = re.search(r'<tfoot[^>]*id="summary-totals">(.*?)</tfoot>', body, re.S).group(1)
    return {
        label: re.findall(r"<td>([^<]*)</td>", cells)
        for label, cells in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', foot, re.S)
    }


def test_the_card_shows_the_services_graduates_and_the_counts_per_domain(client, quarter, specialist):
    client.force_login(specialist)

    response = client.get(reverse(URL), {"year": 2026, "quarter": 3})

    body = response.content.decode()
    assert response.status_code == 200
    for name in ("Иванова", "Борисова", "Васильева"):
        assert name in body
    assert "Дмитриева" not in body  # the other service's
    assert "Григорьев" not in body  # moved to the other service: counted, not named
    assert 'id="hidden-rows"' in body
    totals = _totals(body)
    # Domains in the region's order: Правовой статус, Образование, Жильё, …, Дети (7th).
    assert totals["Выпускников с оценкой 1 и выше"][:3] == ["0", "1", "4"]
    assert totals["Выявлено трудностей (новые и сохраняющиеся)"][:3] == ["0", "1", "4"]
    assert totals["Из них выявлено впервые"][:3] == ["0", "1", "3"]
    assert totals["Средняя оценка"][:3] == ["0,00", "0,25", "2,75"]
    assert totals["Выявлено трудностей (новые и сохраняющиеся)"][6] == "1"


def test_the_defaults_are_the_users_service_and_the_current_quarter(client, quarter, specialist, service, today):
    client.force_login(specialist)

    response = client.get(reverse(URL))

    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.service, (summary.year, summary.quarter)) == (service, quarter_of(today))
    assert 'id="no-rows"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"quarter": "5"}, "quarter", "Нужно целое число от 1 до 4."),
        ({"quarter": "abc"}, "quarter", "Нужно целое число от 1 до 4."),
        ({"year": "1999"}, "year", "Нужно целое число от 2000 до 9999."),
        ({"year": "99999999999999999999999"}, "year", "Нужно целое число от 2000 до 9999."),
        (NEXT_QUARTER, "quarter", "Этот квартал ещё не наступил."),
        ({"service": "1.5"}, "service", "Нужно целое число от 1"),
    ],
)
def test_a_bad_filter_is_a_400_with_the_reason_in_russian(client, quarter, specialist, query, field, message):
    client.force_login(specialist)

    response = client.get(reverse(URL), query)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors


def test_a_service_out_of_reach_answers_like_a_missing_one(client, quarter, specialist, other_service):
    client.force_login(specialist)

    foreign = client.get(reverse(URL), {"service": other_service.pk, "year": 2026, "quarter": 3})
    missing = client.get(reverse(URL), {"service": 987654, "year": 2026, "quarter": 3})

    assert foreign.status_code == missing.status_code == 404
    assert "Дмитриева" not in foreign.content.decode()


def test_the_regional_centre_chooses_any_service_of_its_region_and_sees_every_row(
    client, quarter, regional, service, other_service
):
    client.force_login(regional)

    response = client.get(reverse(URL), {"service": service.pk, "year": 2026, "quarter": 3})

    body = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{other_service.pk}"' in body
    assert "Григорьев" in body
    assert 'id="hidden-rows"' not in body


@pytest.mark.parametrize("role", ["attracted", "admin"])
def test_roles_without_personal_data_get_no_summary(client, quarter, users, role):
    client.force_login(users[role])

    assert client.get(reverse(URL), {"year": 2026, "quarter": 3}).status_code == 403


def test_the_rows_shown_are_written_to_the_audit_log(client, quarter, specialist):
    client.force_login(specialist)

    client.get(reverse(URL), {"year": 2026, "quarter": 3})

    event = AuditEvent.objects.get(action=AuditEvent.Action.LIST, actor=specialist)
    shown = {a.pk for a in quarter["rows"]} - {quarter["moved"].pk}
    assert set(event.record_ids) == shown
    graduates = quarter["graduates"]
    assert set(event.subjects.values_list("person_id", flat=True)) == {
        graduates[k].pk for k in ("ivanova", "borisova", "vasilieva")
    }


def test_the_counts_cover_every_row_not_only_the_page(client, quarter, specialist, monkeypatch):
    monkeypatch.setattr("opora.assessment.views.summary.PAGE_SIZE", 2)
    client.force_login(specialist)

    first = client.get(reverse(URL), {"year": 2026, "quarter": 3})
    second = client.get(reverse(URL), {"year": 2026, "quarter": 3, "page": 2})

    assert len(first.context["rows"]) == 2 and len(second.context["rows"]) == 1
    assert _totals(first.content.decode()) == _totals(second.content.decode())
    assert _totals(first.content.decode())["Выпускников с оценкой 1 и выше"][2] == "4"


def test_the_page_takes_the_same_number_of_queries_for_few_or_many_graduates(
    client, quarter, specialist, service, levels, make_graduate, django_assert_max_num_queries
):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .trajectory_factories import NEW, make_assessment, make_case

    client.force_login(specialist)
    query = {"year": 2026, "quarter": 3}
    client.get(reverse(URL), query)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(URL), query)
    for i in range(12):
        graduate = make_graduate(service, last_name=f"Егорова{i}")
        make_assessment(
            make_case(graduate, levels["Поддерживающий"]),
            dt.date(2026, 8, 3),
            {"Жильё": 2},
            difficulties={"Жильё": [(f"Т{i}", NEW)]},
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(URL), query)
    assert len(response.context["rows"]) == 15
