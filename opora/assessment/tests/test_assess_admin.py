"""The administrator edits the region's catalogue of difficulties and level rule in the admin,
filtered by region and domain; a domain or level of another region is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opora.assessment.models import DifficultyType
from opora.support.models import Domain

pytestmark = pytest.mark.django_db


def test_the_catalogue_and_the_rule_are_listed_with_filters(client, administrator, support_region, region):
    client.force_login(administrator)
    domain = Domain.objects.get(region=region, name="Жильё")

    catalogue = client.get(reverse("admin:assessment_difficultytype_changelist"), {"domain__id__exact": domain.pk})
    rules = client.get(reverse("admin:assessment_levelrule_changelist"), {"region__id__exact": region.pk})

    assert catalogue.status_code == rules.status_code == 200
    assert "Угроза утраты жилья" in catalogue.content.decode()
    assert "Не учится и не имеет профессии" not in catalogue.content.decode()
    assert "Интенсивный" in rules.content.decode()


def test_a_difficulty_of_another_regions_domain_is_refused(client, administrator, support_region, region, other_region):
    client.force_login(administrator)
    foreign = Domain.objects.create(region=other_region, name="Жильё")

    response = client.post(
        reverse("admin:assessment_difficultytype_add"),
        {"region": region.pk, "domain": foreign.pk, "name": "Новая трудность", "order": 1, "is_active": "on"},
    )

    assert response.status_code == 200
    assert "Сфера из справочника другого региона" in response.content.decode()
    assert not DifficultyType.objects.filter(name="Новая трудность").exists()
