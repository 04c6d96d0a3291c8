"""What holding a consilium needs, and what it refuses."""

from __future__ import annotations

import pytest

from opora.assessment import consilium as consilia
from opora.assessment.models import Consilium, ConsiliumDecision
from opora.assessment.tests.conftest import days_ago  # noqa: F401
from opora.assessment.tests.consilium_factories import make_assessment
from opora.assessment.tests.consilium_fixtures import hold
from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.support import services
from opora.support.models import SupportPlan

pytestmark = pytest.mark.django_db


def test_holding_twice_is_refused(active_case, level_rules, prepare, coordinator):
    consilium = prepare()
    consilia.add_graduates(consilium, [active_case], actor=coordinator)
    hold(consilium, coordinator)
    with pytest.raises(DomainError) as err:
        hold(consilium, coordinator)
    assert err.value.code == "held"
    assert "уже проведён" in err.value.message


def test_a_held_consilium_takes_no_more_graduates_or_edits(active_case, level_rules, prepare, coordinator):
    consilium = prepare()
    (decision,) = consilia.add_graduates(consilium, [active_case], actor=coordinator)
    hold(consilium, coordinator)
    with pytest.raises(DomainError):
        consilia.update_decision(decision, actor=coordinator, notes="поздно")
    with pytest.raises(DomainError):
        consilia.add_graduates(consilium, [active_case], actor=coordinator)


def test_holding_needs_a_participant_and_a_graduate(active_case, prepare, coordinator):
    empty = prepare(participants=[], attracted_participants="")
    with pytest.raises(DomainError) as err:
        hold(empty, coordinator)
    assert err.value.field == "participants"
    with pytest.raises(DomainError) as err:
        hold(prepare(), coordinator)
    assert "ни один выпускник" in err.value.message


def test_holding_needs_a_level_for_every_graduate(active_case, prepare, coordinator):
    consilium = prepare()
    (decision,) = consilia.add_graduates(consilium, [active_case], actor=coordinator)
    ConsiliumDecision.objects.filter(pk=decision.pk).update(level=None)
    with pytest.raises(DomainError) as err:
        hold(consilium, coordinator)
    assert str(active_case.graduate) in err.value.message
    consilium.refresh_from_db()
    assert consilium.status == Consilium.Status.PREPARED


def test_only_the_coordinator_of_the_service_prepares_and_holds(
    active_case, prepare, specialist, regional, coordinator, service
):
    for user in (specialist, regional):
        with pytest.raises(DomainError):
            consilia.prepare_consilium(service, actor=user, held_on=days_ago(0))
    consilium = prepare()
    consilia.add_graduates(consilium, [active_case], actor=coordinator)
    with pytest.raises(DomainError):
        hold(consilium, specialist)


def test_a_graduate_is_in_one_regular_consilium_a_quarter_and_again_only_in_an_extraordinary(
    active_case, prepare, coordinator
):
    consilia.add_graduates(prepare(), [active_case], actor=coordinator)
    with pytest.raises(DomainError) as err:
        consilia.add_graduates(prepare(), [active_case], actor=coordinator)
    assert "внеочередном" in err.value.message
    (extra,) = consilia.add_graduates(prepare(kind="extraordinary"), [active_case], actor=coordinator)
    assert extra.consilium.kind == Consilium.Kind.EXTRAORDINARY


def test_a_graduate_not_on_support_in_the_service_cannot_be_added(
    foreign_graduate, give_consent, make_active_case, other_specialist, prepare, coordinator
):
    give_consent(foreign_graduate)
    foreign = make_active_case(foreign_graduate, actor=other_specialist)
    with pytest.raises(DomainError):
        consilia.add_graduates(prepare(), [foreign], actor=coordinator)


def test_a_plan_approved_at_the_consilium_is_approved_and_one_sent_back_stays_a_draft(
    active_case, make_active_case, make_graduate, give_consent, service, domains, prepare, coordinator, specialist
):
    second = make_graduate(service, last_name="Сидоров", first_name="Пётр", sex="male")
    give_consent(second)
    second_case = make_active_case(second)
    plans = []
    for case in (active_case, second_case):
        plan = services.create_plan(case, actor=specialist)
        services.add_measure(
            plan,
            actor=specialist,
            domain=next(iter(domains.values())),
            text="Собрать документы",
            responsible="specialist",
            deadline=days_ago(-30),
        )
        plans.append(plan)
    consilium = prepare()
    approve, send_back = consilia.add_graduates(consilium, [active_case, second_case], actor=coordinator)
    consilia.update_decision(approve, actor=coordinator, plan_decision="approved")
    consilia.update_decision(send_back, actor=coordinator, plan_decision="returned")

    hold(consilium, coordinator)

    statuses = dict(SupportPlan.objects.filter(pk__in=[p.pk for p in plans]).values_list("case_id", "status"))
    assert statuses == {active_case.pk: "approved", second_case.pk: "draft"}


def test_holding_is_written_to_the_audit_log(active_case, level_rules, prepare, coordinator):
    make_assessment(active_case, days_ago(2), {"Жильё": 4})
    consilium = prepare()
    consilia.add_graduates(consilium, [active_case], actor=coordinator)
    hold(consilium, coordinator)
    events = AuditEvent.objects.filter(actor=coordinator, action=AuditEvent.Action.UPDATE)
    assert events.filter(object_id=str(consilium.pk), changes__has_key="consilium_status").exists()
    assert events.filter(object_id=str(active_case.graduate_id), changes__has_key="support_level").exists()
