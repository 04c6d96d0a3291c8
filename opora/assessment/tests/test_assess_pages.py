"""The «Оценка» tab as a specialist uses it: the list, a new assessment on one page with the previous
scores beside each domain, errors that keep everything typed, the detail with the graduate's own
ratings and the difficulties' statuses, a correction that keeps the original readable."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opora.assessment.models import Assessment, Monitoring
from opora.assessment.services import domain_field
from opora.core.models import AuditEvent
from opora.support.models import Domain

from .assess_helpers import difficulty, quarter_day

pytestmark = pytest.mark.django_db


def form_data(region_id, *, scores=None, day=None, **extra) -> dict:
    """What a specialist sends: every domain scored 0 with a reason unless ``scores`` says otherwise."""
    scores = scores or {}
    data = {"assessed_on": (day or quarter_day(0)).strftime("%d.%m.%Y"), "kind": "quarterly", "conclusion": "Итог"}
    for domain in Domain.objects.filter(region_id=region_id, is_active=True):
        data[domain_field(domain.pk, "severity")] = str(scores.get(domain.name, 0))
        data[domain_field(domain.pk, "reason")] = f"Почему так: {domain.name}"
        data[domain_field(domain.pk, "graduate_severity")] = ""
    data.update(extra)
    return data


def dom(region_id, name) -> int:
    return Domain.objects.get(region_id=region_id, name=name).pk


@pytest.fixture
def region_id(on_support):
    return on_support.graduate.service.region_id


def test_the_tab_offers_a_new_assessment_for_a_graduate_on_support(client, specialist, on_support):
    client.force_login(specialist)

    response = client.get(reverse("assessment:assessments", args=[on_support.graduate_id]))

    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("assessment:assessment_new", args=[on_support.graduate_id]) in body
    assert "Оценка" in body and 'id="not-on-support"' not in body


def test_the_tab_says_why_there_is_no_new_assessment_when_not_on_support(client, specialist, graduate, support_region):
    client.force_login(specialist)

    response = client.get(reverse("assessment:assessments", args=[graduate.pk]))
    new = client.get(reverse("assessment:assessment_new", args=[graduate.pk]))

    body = response.content.decode()
    assert 'id="not-on-support"' in body
    assert reverse("assessment:assessment_new", args=[graduate.pk]) not in body
    assert new.status_code == 302


def test_a_specialist_fills_an_assessment_and_sees_the_suggested_level_and_both_ratings(
    client, specialist, on_support, region_id
):
    client.force_login(specialist)
    housing = dom(region_id, "Жильё")
    item = difficulty(region_id, "Жильё", 0)
    data = form_data(
        region_id,
        scores={"Жильё": 4},
        **{
            domain_field(housing, "difficulty_types"): [str(item.pk)],
            domain_field(housing, "texts"): "Сосед угрожает выселением\n\n",
            domain_field(housing, "graduate_severity"): "2",
            domain_field(housing, "graduate_comment"): "Справлюсь сам",
        },
    )

    response = client.post(reverse("assessment:assessment_new", args=[on_support.graduate_id]), data, follow=True)

    assessment = Assessment.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "assessment:assessment_detail", args=[on_support.graduate_id, assessment.pk]
    )
    body = response.content.decode()
    assert "Уровень по правилу региона: «Интенсивный»" in body
    assert "Справлюсь сам" in body and "Сосед угрожает выселением" in body and item.name in body
    assert body.count('data-status="new"') == 2
    row = assessment.domains.get(domain_id=housing)
    assert (row.severity, row.graduate_severity) == (4, 2)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_id=str(assessment.pk)).exists()


def test_a_refused_form_keeps_everything_typed_and_saves_nothing(client, specialist, on_support, region_id):
    client.force_login(specialist)
    housing, education = dom(region_id, "Жильё"), dom(region_id, "Образование")
    data = form_data(
        region_id,
        **{domain_field(housing, "reason"): "", domain_field(education, "texts"): "Прогуливает пары"},
    )

    response = client.post(reverse("assessment:assessment_new", args=[on_support.graduate_id]), data)

    assert response.status_code == 400
    body = response.content.decode()
    assert "Прогуливает пары" in body
    assert response.context["form"].errors[domain_field(housing, "reason")]
    assert not Assessment.objects.exists()


def test_the_form_shows_the_previous_score_and_difficulties_beside_each_domain(
    client, specialist, on_support, region_id, assess
):
    item = difficulty(region_id, "Жильё", 1)
    assess(on_support, quarter_day(1), {"Жильё": 3}, Жильё={"difficulty_types": [item.pk]})
    client.force_login(specialist)

    response = client.get(reverse("assessment:assessment_new", args=[on_support.graduate_id]))

    section = next(s for s in response.context["sections"] if s["domain"].name == "Жильё")
    assert section["previous"] == {"severity": 3, "graduate_severity": None, "found": [item.name]}
    assert item.name in response.content.decode()


def test_the_monitoring_is_offered_when_due_and_saved_with_the_assessment(client, specialist, on_support, region_id):
    client.force_login(specialist)
    monitoring = {f"m_{name}": "Описание" for name in Monitoring.INDICATORS}
    data = form_data(region_id, with_monitoring="on", m_outcome="successful", m_criterion_housing="on", **monitoring)

    page = client.get(reverse("assessment:assessment_new", args=[on_support.graduate_id]))
    response = client.post(reverse("assessment:assessment_new", args=[on_support.graduate_id]), data)

    assert 'id="monitoring-section"' in page.content.decode()
    assert response.status_code == 302
    saved = Monitoring.objects.get()
    assert saved.assessment == Assessment.objects.get()
    assert saved.criteria_met == ["обеспечен жильём"]
    again = client.get(reverse("assessment:assessment_new", args=[on_support.graduate_id]))
    assert 'id="monitoring-section"' not in again.content.decode(), "not offered once done this half-year"


def test_a_monitoring_left_unchecked_is_not_saved(client, specialist, on_support, region_id):
    client.force_login(specialist)

    response = client.post(reverse("assessment:assessment_new", args=[on_support.graduate_id]), form_data(region_id))

    assert response.status_code == 302
    assert not Monitoring.objects.exists()


def test_a_monitoring_alone_has_its_own_page(client, specialist, on_support):
    client.force_login(specialist)
    data = {f"{name}": "Описание" for name in Monitoring.INDICATORS}
    data.update(monitored_on=quarter_day(0).strftime("%d.%m.%Y"), outcome="partial", criterion_employment="on")
    url = reverse("assessment:monitoring_new", args=[on_support.graduate_id])

    refused = client.post(url, {**data, "law_abidance": ""})
    response = client.post(url, data, follow=True)

    assert refused.status_code == 400 and "Заполните показатель «законопослушность»" in refused.content.decode()
    body = response.content.decode()
    assert "Частично социализирован" in body and "трудоустроен" in body


def test_a_correction_starts_from_the_original_and_keeps_it_readable(client, specialist, on_support, region_id, assess):
    original = assess(on_support, quarter_day(1), {"Жильё": 1})
    client.force_login(specialist)
    url = reverse("assessment:assessment_correct", args=[on_support.graduate_id, original.pk])

    page = client.get(url)
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "assessed_on": original.assessed_on.strftime("%d.%m.%Y"),
            domain_field(dom(region_id, "Жильё"), "severity"): "3",
            "reason": "Неверно оценили жильё",
        }
    )
    data = {k: v for k, v in data.items() if not isinstance(v, list) or v}
    response = client.post(url, data)

    assert page.status_code == 200
    assert form.initial[domain_field(dom(region_id, "Жильё"), "severity")] == "1"
    assert response.status_code == 302, response.context["form"].errors
    correction = Assessment.objects.get(corrects=original)
    tab = client.get(reverse("assessment:assessments", args=[on_support.graduate_id])).content.decode()
    assert "исправлена" in tab
    detail = client.get(reverse("assessment:assessment_detail", args=[on_support.graduate_id, original.pk]))
    assert 'id="corrected"' in detail.content.decode()
    assert 'id="assessment-correct"' not in detail.content.decode()
    assert correction.domains.get(domain__name="Жильё").severity == 3


def test_a_correction_of_a_changed_assessment_is_refused_with_the_form_kept(
    client, specialist, on_support, region_id, assess
):
    original = assess(on_support, quarter_day(1))
    client.force_login(specialist)
    data = form_data(region_id, day=quarter_day(1), reason="Правка", revision=str(original.revision + 5))
    data.pop("kind")

    response = client.post(reverse("assessment:assessment_correct", args=[on_support.graduate_id, original.pk]), data)

    assert response.status_code == 409
    assert "Правка" in response.content.decode()
    assert Assessment.objects.count() == 1
