"""An assessment is refused, with a Russian message at the field at fault, unless it is for a graduate
on support that day, for one current quarterly assessment per quarter, with every domain of the
region scored and each score reasoned (issue 8, point 1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from opora.assessment import services
from opora.assessment.models import Assessment, AssessmentDifficulty, DifficultyType
from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.support import services as support_services
from opora.support.models import Domain

from .assess_helpers import answers, difficulty, quarter_day

pytestmark = pytest.mark.django_db


def region_of(case):
    return case.graduate.service.region_id


def test_an_assessment_takes_its_quarter_service_and_the_suggested_level(on_support, assess, levels):
    day = quarter_day(1)

    assessment = assess(on_support, day, {"Жильё": 4})

    assert (assessment.year, assessment.quarter) == (day.year, (day.month - 1) // 3 + 1)
    assert assessment.service == on_support.graduate.service
    assert assessment.suggested_level.name == "Интенсивный"
    assert assessment.domains.count() == Domain.objects.filter(region_id=region_of(on_support)).count()
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=str(assessment.pk))
    assert event.subjects.get().person_id == on_support.graduate_id


def test_a_second_quarterly_assessment_of_the_same_quarter_is_refused(on_support, assess):
    assess(on_support, quarter_day(1))

    with pytest.raises(DomainError, match="уже есть ежеквартальная оценка") as err:
        assess(on_support, quarter_day(1, day=20))

    assert err.value.field == "assessed_on"
    assert Assessment.objects.count() == 1


def test_an_extraordinary_assessment_may_share_the_quarter(on_support, assess):
    assess(on_support, quarter_day(1))

    assess(on_support, quarter_day(1, day=20), kind=Assessment.Kind.EXTRAORDINARY)

    assert Assessment.objects.current().count() == 2


def test_the_database_constraint_gives_the_same_message(on_support, assess, monkeypatch):
    assess(on_support, quarter_day(1))
    monkeypatch.setattr(services, "_check_quarter_free", lambda *a, **k: None)

    with pytest.raises(DomainError, match="уже есть ежеквартальная оценка"):
        assess(on_support, quarter_day(1, day=20))


def test_a_graduate_not_on_support_is_not_assessed(make_graduate, service, specialist, region, support_region):
    graduate = make_graduate(service, last_name="Выявленная")
    case = support_services.open_case(graduate, actor=specialist, identified_at=timezone.localdate())

    with pytest.raises(DomainError, match="только для выпускника на сопровождении"):
        services.create_assessment(
            case, actor=specialist, assessed_on=timezone.localdate(), conclusion="—", domains=answers(region.pk)
        )


def test_a_date_before_the_activation_or_in_the_future_is_refused(on_support, assess):
    with pytest.raises(DomainError, match="раньше постановки на сопровождение"):
        assess(on_support, on_support.activated_at - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="в будущем"):
        assess(on_support, timezone.localdate() + dt.timedelta(days=1))


def test_a_date_after_the_case_was_closed_is_refused(on_support, assess, specialist):
    support_services.close_case(on_support, actor=specialist, reason="adapted", on=quarter_day(1), report="Адаптирован")

    with pytest.raises(DomainError, match="не был на сопровождении"):
        assess(on_support, quarter_day(0))
    assert assess(on_support, quarter_day(2)).pk


def test_every_active_domain_must_be_answered(on_support, assess):
    domains = answers(region_of(on_support))
    housing = Domain.objects.get(region_id=region_of(on_support), name="Жильё")
    del domains[housing.pk]

    with pytest.raises(DomainError, match="не оценены «Жильё»") as err:
        assess(on_support, quarter_day(1), domains=domains)

    assert err.value.field == services.domain_field(housing.pk, "severity")


def test_an_inactive_domain_is_not_asked_for(on_support, assess):
    Domain.objects.filter(region_id=region_of(on_support), name="Служба в ВС").update(is_active=False)

    assessment = assess(on_support, quarter_day(1))

    assert "Служба в ВС" not in {d.domain.name for d in assessment.domains.all()}


def test_every_score_needs_a_reason(on_support, assess):
    domains = answers(region_of(on_support))
    housing = Domain.objects.get(region_id=region_of(on_support), name="Жильё")
    domains[housing.pk]["reason"] = "   "

    with pytest.raises(DomainError, match="Обоснуйте оценку сферы «Жильё»") as err:
        assess(on_support, quarter_day(1), domains=domains)

    assert err.value.field == services.domain_field(housing.pk, "reason")


@pytest.mark.parametrize("severity", [5, -1, "много", None])
def test_a_score_off_the_scale_is_refused(on_support, assess, severity):
    with pytest.raises(DomainError, match="шкал"):
        assess(on_support, quarter_day(1), {"Жильё": severity})


def test_a_difficulty_of_another_domain_or_region_is_refused(on_support, assess, other_region):
    region = region_of(on_support)
    of_education = difficulty(region, "Образование", 0)
    with pytest.raises(DomainError, match="не из каталога сферы «Жильё»"):
        assess(on_support, quarter_day(1), Жильё={"difficulty_types": [of_education.pk]})

    foreign_domain = Domain.objects.create(region=other_region, name="Жильё")
    foreign = DifficultyType.objects.create(region=other_region, domain=foreign_domain, name="Чужая трудность")
    with pytest.raises(DomainError, match="не из каталога"):
        assess(on_support, quarter_day(1), Жильё={"difficulty_types": [foreign.pk]})
    assert not Assessment.objects.exists()


def test_typed_difficulties_are_trimmed_deduplicated_and_matched_to_the_catalogue(on_support, assess):
    region = region_of(on_support)
    item = difficulty(region, "Жильё", 0)

    assessment = assess(
        on_support,
        quarter_day(1),
        {"Жильё": 2},
        Жильё={"texts": ["  Сломан   замок ", "сломан замок", "", item.name.upper()], "difficulty_types": [item.pk]},
    )

    rows = list(assessment.difficulties.all())
    assert [(r.difficulty_type_id, r.text) for r in rows] == [(item.pk, ""), (None, "Сломан замок")]
    assert {r.key for r in rows} == {f"t{item.pk}", AssessmentDifficulty.key_for(None, "сломан замок")}


def test_the_conclusion_is_required(on_support, assess):
    with pytest.raises(DomainError, match="заключение") as err:
        assess(on_support, quarter_day(1), conclusion=" ")

    assert err.value.field == "conclusion"


def test_a_correction_needs_a_reason_and_keeps_the_original(on_support, assess, specialist):
    original = assess(on_support, quarter_day(1), {"Жильё": 1})
    domains = answers(region_of(on_support), {"Жильё": 3})

    with pytest.raises(DomainError, match="причину исправления"):
        services.correct_assessment(original, actor=specialist, reason="", conclusion="—", domains=domains)
    correction = services.correct_assessment(
        original, actor=specialist, reason="Ошибка в оценке жилья", conclusion="Исправлено", domains=domains
    )

    original.refresh_from_db()
    assert not original.is_current and correction.is_current
    assert (correction.year, correction.quarter) == (original.year, original.quarter)
    assert correction.correction_reason == "Ошибка в оценке жилья"
    assert list(Assessment.objects.current()) == [correction]
    with pytest.raises(DomainError, match="уже исправлена"):
        services.correct_assessment(original, actor=specialist, reason="Ещё раз", conclusion="—", domains=domains)


def test_a_correction_of_a_stale_revision_is_refused(on_support, assess, specialist):
    from opora.core.versioning import StaleEdit

    original = assess(on_support, quarter_day(1))

    with pytest.raises(StaleEdit):
        services.correct_assessment(
            original,
            actor=specialist,
            reason="Правка",
            expected_revision=original.revision + 1,
            conclusion="—",
            domains=answers(region_of(on_support)),
        )
    assert Assessment.objects.count() == 1


def test_a_correction_moved_into_a_taken_quarter_is_refused(on_support, assess, specialist):
    assess(on_support, quarter_day(2))
    later = assess(on_support, quarter_day(1))

    with pytest.raises(DomainError, match="уже есть ежеквартальная оценка"):
        services.correct_assessment(
            later,
            actor=specialist,
            reason="Дата",
            assessed_on=quarter_day(2, day=20),
            conclusion="—",
            domains=answers(region_of(on_support)),
        )
    later.refresh_from_db()
    assert later.is_current
