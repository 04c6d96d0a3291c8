"""The workflows behind the API refuse, on their own, references that the API's fields already narrow.

Defence in depth: a page, a command or a future endpoint that forgets to narrow a field still
cannot put a case in the hands of another service's specialist or use another region's directory.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from opora.core.errors import DomainError
from opora.support import services
from opora.support.models import Domain, ServiceKind, Transfer
from opora.support.tests.conftest import days_ago


def test_a_case_is_not_opened_for_a_specialist_of_another_service(graduate, specialist, other_specialist):
    with pytest.raises(DomainError) as refused:
        services.open_case(graduate, actor=specialist, specialist=other_specialist)

    assert (refused.value.field, refused.value.message) == ("specialist", "Специалист не из службы выпускника.")


def test_an_accepted_case_goes_to_a_specialist_of_the_receiving_service_only(
    active_case, specialist, other_specialist, other_service
):
    transfer = services.start_transfer(active_case, actor=specialist, moved_at=days_ago(1), to_service=other_service)

    with pytest.raises(DomainError) as refused:
        services.accept_transfer(transfer, actor=other_specialist, specialist=specialist)

    assert (refused.value.field, refused.value.message) == ("specialist", "Специалист не из принимающей службы.")
    assert Transfer.objects.get().status == Transfer.Status.PENDING


@pytest.fixture
def foreign_directories(other_region):
    services.setup_region(other_region)
    return Domain.objects.filter(region=other_region).first(), ServiceKind.objects.filter(region=other_region).first()


def test_a_measure_takes_a_domain_of_the_region_only(active_case, specialist, foreign_directories):
    plan = services.create_plan(active_case, actor=specialist)

    with pytest.raises(DomainError) as refused:
        services.add_measure(
            plan,
            actor=specialist,
            domain=foreign_directories[0],
            text="Заявление",
            responsible="graduate",
            deadline=plan.ends_on,
        )

    assert refused.value.field == "domain"


@pytest.mark.parametrize("field", ["domain", "service_kind"])
def test_a_journal_entry_takes_directories_of_the_region_only(active_case, specialist, foreign_directories, field):
    value = foreign_directories[0] if field == "domain" else foreign_directories[1]

    with pytest.raises(DomainError) as refused:
        services.add_journal_entry(active_case, actor=specialist, kind="phone", text="Звонок", **{field: value})

    assert refused.value.field == field


def test_a_plan_is_not_approved_on_a_future_date(active_case, specialist, domains):
    plan = services.create_plan(active_case, actor=specialist)
    services.add_measure(
        plan, actor=specialist, domain=domains["Жильё"], text="Заявление", responsible="graduate", deadline=plan.ends_on
    )

    with pytest.raises(DomainError) as refused:
        services.approve_plan(plan, actor=specialist, on=timezone.localdate() + dt.timedelta(days=1))

    assert (refused.value.field, refused.value.message) == ("approved_at", "Дата не может быть в будущем.")
