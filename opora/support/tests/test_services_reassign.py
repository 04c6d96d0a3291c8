"""Giving cases to another specialist of the service, with the reason kept."""

from __future__ import annotations

import pytest

from opora.conftest import _user
from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.core.roles import Role
from opora.support import services
from opora.support.models import Reassignment, SupportCase
from opora.support.tests.conftest import days_ago

pytestmark = pytest.mark.django_db

REASON = "Отпуск по уходу за ребёнком"


@pytest.fixture
def colleague(service):
    return _user("spec_colleague", Role.SPECIALIST, service)


@pytest.fixture
def cases(make_graduate, service, specialist):
    """Three cases of ``specialist`` in ``service``."""
    return [
        services.open_case(make_graduate(service, last_name=name), actor=specialist, identified_at=days_ago(5))
        for name in ("Иванова", "Петрова", "Сидорова")
    ]


def specialists(cases) -> list:
    return [SupportCase.objects.get(pk=c.pk).specialist for c in cases]


def test_one_case_goes_to_a_colleague_with_the_reason_kept(cases, specialist, colleague, coordinator):
    assert services.reassign(cases[:1], actor=coordinator, to_specialist=colleague, reason=REASON) == 1
    assert specialists(cases) == [colleague, specialist, specialist]
    record = Reassignment.objects.get()
    assert (record.case, record.from_specialist, record.to_specialist) == (cases[0], specialist, colleague)
    assert (record.reason, record.decided_by) == (REASON, coordinator)


def test_many_cases_go_at_once_each_with_its_own_record(cases, specialist, colleague, coordinator):
    assert services.reassign(cases, actor=coordinator, to_specialist=colleague, reason=REASON) == 3
    assert specialists(cases) == [colleague] * 3
    assert Reassignment.objects.filter(reason=REASON, to_specialist=colleague).count() == 3
    assert set(Reassignment.objects.values_list("case", flat=True)) == {c.pk for c in cases}


def test_a_case_already_with_that_specialist_is_skipped(cases, specialist, coordinator):
    assert services.reassign(cases, actor=coordinator, to_specialist=specialist, reason=REASON) == 0
    assert not Reassignment.objects.exists()


def test_a_case_without_a_specialist_gets_one(make_graduate, service, coordinator, colleague):
    case = services.open_case(make_graduate(service), actor=coordinator, identified_at=days_ago(1))
    assert case.specialist is None
    services.reassign([case], actor=coordinator, to_specialist=colleague, reason="Распределение новых")
    assert specialists([case]) == [colleague]
    assert Reassignment.objects.get().from_specialist is None


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(cases, colleague, coordinator, reason):
    with pytest.raises(DomainError, match="причину") as error:
        services.reassign(cases, actor=coordinator, to_specialist=colleague, reason=reason)
    assert error.value.field == "reason"
    assert not Reassignment.objects.exists()


def test_a_specialist_of_another_service_is_refused(cases, specialist, other_specialist, coordinator):
    with pytest.raises(DomainError, match="не из службы выпускника") as error:
        services.reassign(cases, actor=coordinator, to_specialist=other_specialist, reason=REASON)
    assert error.value.field == "to_specialist"
    assert specialists(cases) == [specialist] * 3
    assert not Reassignment.objects.exists()


def test_the_service_coordinator_may_take_cases_but_an_attracted_specialist_may_not(
    cases, coordinator, attracted, specialist
):
    with pytest.raises(DomainError, match="не из службы выпускника"):
        services.reassign(cases, actor=coordinator, to_specialist=attracted, reason=REASON)
    services.reassign(cases[:1], actor=coordinator, to_specialist=coordinator, reason=REASON)
    assert specialists(cases) == [coordinator, specialist, specialist]


def test_one_foreign_case_in_a_batch_changes_nothing(cases, foreign_graduate, other_specialist, specialist, colleague):
    foreign = services.open_case(foreign_graduate, actor=other_specialist, identified_at=days_ago(2))
    with pytest.raises(DomainError):
        services.reassign([*cases, foreign], actor=specialist, to_specialist=colleague, reason=REASON)
    assert specialists(cases) == [specialist] * 3
    assert not Reassignment.objects.exists()


def test_a_reassignment_is_audited_against_the_graduate(cases, specialist, colleague, coordinator):
    services.reassign(cases[:1], actor=coordinator, to_specialist=colleague, reason=REASON)
    event = AuditEvent.objects.filter(object_id=str(cases[0].graduate_id)).latest("id")
    assert event.changes == {"specialist": [str(specialist), str(colleague)]}
    assert event.actor == coordinator
