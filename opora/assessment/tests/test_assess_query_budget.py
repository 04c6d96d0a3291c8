"""The «Оценка» pages cost a fixed number of queries, whatever the number of assessments, domains
and difficulties of the graduate."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.assessment.models import Monitoring
from opora.assessment.services import record_monitoring
from opora.support.models import Domain

from .assess_helpers import difficulty, quarter_day

pytestmark = pytest.mark.django_db

BUDGET = 40


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def fill(case, assess, quarters, specialist):
    region = case.graduate.service.region_id
    latest = None
    for back in quarters:
        latest = assess(
            case,
            quarter_day(back),
            {"Жильё": 3, "Образование": 2},
            Жильё={"difficulty_types": [difficulty(region, "Жильё", back % 3).pk], "texts": [f"Трудность {back}"]},
        )
        if back % 2 == 0:
            data = {name: "Описание" for name in Monitoring.INDICATORS}
            record_monitoring(case, actor=specialist, monitored_on=quarter_day(back), outcome="partial", **data)
    return latest


@pytest.mark.parametrize(
    "page", ["assessment:assessments", "assessment:assessment_new", "assessment:assessment_detail"]
)
def test_the_page_costs_the_same_with_one_assessment_and_with_many(
    client, specialist, long_case, assess, page, django_assert_max_num_queries
):
    few, many = long_case("Малова"), long_case("Многова")
    one = fill(few, assess, [2], specialist)  # a monitoring too, as the other has
    last = fill(many, assess, [6, 5, 4, 3, 2, 1], specialist)
    Domain.objects.create(region_id=few.graduate.service.region_id, name="Досуг", order=99)  # one more domain for both
    client.force_login(specialist)

    def url(case, assessment):
        kwargs = {"pk": case.graduate_id}
        if page.endswith("detail"):
            kwargs["assessment_pk"] = assessment.pk
        return reverse(page, kwargs=kwargs)

    counted = [queries(client, url(few, one)), queries(client, url(many, last))]
    with django_assert_max_num_queries(BUDGET):
        client.get(url(many, last))

    assert counted[0] == counted[1], counted
