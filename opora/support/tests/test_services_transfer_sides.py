"""Which side of a transfer may do what is the access scope's rule, in the services as in the views.

The sending service marks the notice and cancels; the receiving service (or the regional
centre of that region) accepts or declines. A regional centre of another region does neither.
"""

from __future__ import annotations

import pytest

from opora.conftest import _user
from opora.core.errors import DomainError
from opora.core.roles import Role
from opora.org.models import Service, Territory
from opora.support import services
from opora.support.models import Transfer
from opora.support.tests.conftest import days_ago


@pytest.fixture
def pending(active_case, specialist, other_service) -> Transfer:
    return services.start_transfer(active_case, actor=specialist, moved_at=days_ago(1), to_service=other_service)


@pytest.fixture
def outside_regional(other_region):
    territory = Territory.objects.create(region=other_region, name="Чужой район")
    centre = Service.objects.create(
        region=other_region, territory=territory, name="Чужой центр", kind=Service.Kind.REGIONAL_CENTRE
    )
    return _user("regional_outside", Role.REGIONAL, centre)


@pytest.mark.parametrize("workflow", ["accept", "decline"])
def test_the_sending_service_neither_accepts_nor_declines(pending, specialist, workflow):
    with pytest.raises(DomainError, match="только принимающая служба"):
        _call(workflow, pending, specialist)
    assert Transfer.objects.get(pk=pending.pk).status == Transfer.Status.PENDING


@pytest.mark.parametrize("workflow", ["cancel", "notice"])
def test_the_receiving_service_neither_cancels_nor_marks_the_notice(pending, other_specialist, workflow):
    with pytest.raises(DomainError, match="только передающая служба"):
        _call(workflow, pending, other_specialist)
    pending.refresh_from_db()
    assert pending.status == Transfer.Status.PENDING and pending.notice_sent_at is None


@pytest.mark.parametrize("workflow", ["accept", "decline", "cancel", "notice"])
def test_a_regional_centre_of_another_region_does_nothing_with_the_transfer(pending, outside_regional, workflow):
    with pytest.raises(DomainError):
        _call(workflow, pending, outside_regional)
    assert Transfer.objects.get(pk=pending.pk).status == Transfer.Status.PENDING


def test_the_regional_centre_of_the_region_may_accept(pending, regional, other_service):
    services.accept_transfer(pending, actor=regional)

    assert Transfer.objects.get(pk=pending.pk).status == Transfer.Status.ACCEPTED
    assert pending.graduate.__class__.objects.get(pk=pending.graduate_id).service == other_service


def _call(workflow, transfer, actor):
    if workflow == "accept":
        return services.accept_transfer(transfer, actor=actor)
    if workflow == "decline":
        return services.decline_transfer(transfer, actor=actor, reason="Причина")
    if workflow == "cancel":
        return services.cancel_transfer(transfer, actor=actor)
    return services.mark_notice_sent(transfer, actor=actor)
