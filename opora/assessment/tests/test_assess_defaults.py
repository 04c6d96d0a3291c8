"""A region whose support directories are set up gets the default catalogue of typical difficulties
(per domain, by name) and the default level-suggestion rule, once; the rule suggests a level from
the scores (issue 8, points 1 and 3)."""

from __future__ import annotations

import pytest

from opora.assessment.defaults import DEFAULT_DIFFICULTIES, DEFAULT_LEVEL_RULES
from opora.assessment.models import DifficultyType, LevelRule, suggest_level
from opora.assessment.services import setup_region_assessment
from opora.support import services as support_services
from opora.support.models import Domain, SupportLevel

pytestmark = pytest.mark.django_db


def test_setting_up_the_support_directories_gives_the_catalogue_and_the_rule(region):
    support_services.setup_region(region)

    housing = DifficultyType.objects.filter(region=region, domain__name="Жильё")
    assert list(housing.values_list("name", flat=True)) == DEFAULT_DIFFICULTIES["Жильё"]
    assert DifficultyType.objects.filter(region=region).count() == sum(map(len, DEFAULT_DIFFICULTIES.values()))
    rules = list(LevelRule.objects.filter(region=region).select_related("level"))
    assert len(rules) == len(DEFAULT_LEVEL_RULES)
    assert rules[0].level.name == "Интенсивный" and rules[0].min_severity == 4


def test_setting_up_again_duplicates_nothing_and_keeps_the_regions_edits(region):
    support_services.setup_region(region)
    DifficultyType.objects.filter(region=region).first().delete()
    LevelRule.objects.filter(region=region, order=4).delete()
    count, rules = DifficultyType.objects.filter(region=region).count(), LevelRule.objects.filter(region=region).count()

    support_services.setup_region(region)
    setup_region_assessment(region)

    assert DifficultyType.objects.filter(region=region).count() == count
    assert LevelRule.objects.filter(region=region).count() == rules


def test_a_domain_the_region_does_not_have_gets_no_catalogue(region):
    Domain.objects.create(region=region, name="Свои сферы", order=1)
    support_services.setup_region(region)  # the region keeps its own domains

    assert not DifficultyType.objects.filter(region=region).exists()


@pytest.mark.parametrize(
    ("severities", "expected"),
    [
        ([4, 0, 0], "Интенсивный"),
        ([3, 3, 0], "Интенсивный"),
        ([3, 1, 0], "Поддерживающий"),
        ([2, 2, 0], "Поддерживающий"),
        ([2, 1, 1], "Мониторинговый"),
        ([0, 0, 0], "Мониторинговый"),
    ],
)
def test_the_rule_suggests_a_level_from_the_scores(support_region, region, severities, expected):
    assert suggest_level(region.pk, severities).name == expected


def test_the_region_edits_the_rule(support_region, region):
    LevelRule.objects.filter(region=region, order=1).update(min_domains=2)

    assert suggest_level(region.pk, [4, 0, 0]).name == "Поддерживающий"
    assert SupportLevel.objects.filter(region=region).count() == 3
