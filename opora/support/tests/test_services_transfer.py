"""Transfer of a case when the graduate moves (000 §3.2.7): notice within 3 days, the whole history goes along."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from opora.conftest import _user
from opora.core.errors import DomainError
from opora.org.models import Service
from opora.support import services
from opora.support.models import (
    Contract,
    JournalEntry,
    LevelChange,
    PlanMeasure,
    SupportCase,
    SupportPlan,
    Transfer,
)
from opora.support.tests.conftest import INTENSIVE, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(graduate, give_consent, make_active_case, specialist, coordinator, levels, domains):
    """A case with a history: contract, two levels, a plan with a measure, two journal entries."""
    give_consent(graduate, on=days_ago(200))
    case = make_active_case(graduate, signed_at=days_ago(150))
    services.change_level(case, levels[INTENSIVE], actor=coordinator, reason="Кризис", effective_from=days_ago(60))
    plan = services.create_plan(case, actor=specialist, starts_on=days_ago(60))
    measure = services.add_measure(
        plan,
        actor=specialist,
        text="Помочь найти временное жильё",
        domain=domains["Жильё"],
        responsible=PlanMeasure.Responsible.SPECIALIST,
        deadline=plan.ends_on,
    )
    for day in (50, 20):
        services.add_journal_entry(
            case, actor=specialist, date=days_ago(day), kind=JournalEntry.Kind.MEETING, text="Встреча", measure=measure
        )
    return case


@pytest.fixture
def transfer(case, specialist, other_service):
    return services.start_transfer(
        case,
        actor=specialist,
        moved_at=days_ago(1),
        to_service=other_service,
        new_address="Белгородская обл., г. Старый Оскол, мкр. Жукова, д. 5, кв. 12",
        recommendations="Нужна помощь с жильём",
    )


def sees(user, obj) -> bool:
    return type(obj).objects.restrict(user).filter(pk=obj.pk).exists()


def history_seen_by(user, case) -> dict[str, int]:
    """How much of the case's history ``user`` reaches, model by model."""
    return {
        "case": SupportCase.objects.restrict(user).filter(pk=case.pk).count(),
        "contracts": Contract.objects.restrict(user).filter(case=case).count(),
        "levels": LevelChange.objects.restrict(user).filter(case=case).count(),
        "plans": SupportPlan.objects.restrict(user).filter(case=case).count(),
        "measures": PlanMeasure.objects.restrict(user).filter(plan__case=case).count(),
        "journal": JournalEntry.objects.restrict(user).filter(case=case).count(),
    }


# --- Starting ------------------------------------------------------------------------------------


def test_a_transfer_within_the_region_is_due_for_notice_in_three_days(transfer, service, other_service):
    today = timezone.localdate()
    assert transfer.status == Transfer.Status.PENDING
    assert (transfer.from_service, transfer.to_service) == (service, other_service)
    assert transfer.started_at == today
    assert transfer.notice_due == today + dt.timedelta(days=3)
    assert transfer.notice_sent_at is None
    assert not transfer.notice_overdue(today + dt.timedelta(days=3))


def test_the_notice_holds_what_the_receiving_service_must_know(transfer, graduate):
    notice = transfer.notice
    assert notice["full_name"] == graduate.full_name
    assert notice["birth_date"] == graduate.birth_date.strftime("%d.%m.%Y")
    assert notice["support_level"] == INTENSIVE
    assert notice["contract"].startswith("Договор № 1/")
    assert notice["recommendations"] == "Нужна помощь с жильём"


def test_while_pending_both_services_see_the_graduate_and_the_case(
    transfer, case, graduate, specialist, other_specialist, other_service
):
    graduate.refresh_from_db()
    assert graduate.incoming_service == other_service
    for user in (specialist, other_specialist):
        assert sees(user, graduate), user
        assert sees(user, case), user
        assert sees(user, transfer), user
    assert history_seen_by(other_specialist, case) == history_seen_by(specialist, case)
    assert all(history_seen_by(other_specialist, case).values())


def test_the_case_stays_with_the_sender_until_accepted(transfer, case, graduate, service, specialist):
    graduate.refresh_from_db()
    case.refresh_from_db()
    assert graduate.service == service
    assert case.specialist == specialist


def test_a_second_pending_transfer_is_refused(transfer, case, specialist, regional_centre):
    with pytest.raises(DomainError, match="уже начата"):
        services.start_transfer(case, actor=specialist, moved_at=days_ago(1), to_service=regional_centre)
    assert Transfer.objects.filter(case=case).count() == 1


def test_a_transfer_to_the_graduates_own_service_is_refused(case, specialist, service):
    with pytest.raises(DomainError, match="уже в этой службе"):
        services.start_transfer(case, actor=specialist, moved_at=days_ago(1), to_service=service)


def test_a_service_of_another_region_is_refused(case, specialist, other_region):
    foreign = Service.objects.create(region=other_region, name="Служба соседней области")
    with pytest.raises(DomainError, match="другого региона"):
        services.start_transfer(case, actor=specialist, moved_at=days_ago(1), to_service=foreign)


@pytest.mark.parametrize("both", [True, False])
def test_exactly_one_destination_is_named(case, specialist, other_service, both):
    with pytest.raises(DomainError, match="одно из двух"):
        services.start_transfer(
            case,
            actor=specialist,
            moved_at=days_ago(1),
            to_service=other_service if both else None,
            to_external="Курская область" if both else "  ",
        )


def test_a_move_in_the_future_is_refused(case, specialist, other_service):
    with pytest.raises(DomainError, match="будущем"):
        services.start_transfer(
            case, actor=specialist, moved_at=timezone.localdate() + dt.timedelta(days=1), to_service=other_service
        )


def test_a_finished_case_is_not_transferred(case, specialist, other_service):
    services.close_case(case, actor=specialist, reason="adapted", report="Адаптирован.")
    with pytest.raises(DomainError, match="незавершённое"):
        services.start_transfer(case, actor=specialist, moved_at=days_ago(1), to_service=other_service)


# --- Accepting -----------------------------------------------------------------------------------


def test_accepting_moves_the_graduate_and_the_case_to_the_receiving_service(
    transfer, case, graduate, other_service, other_specialist
):
    services.accept_transfer(transfer, actor=other_specialist)
    transfer.refresh_from_db()
    graduate.refresh_from_db()
    case.refresh_from_db()
    assert transfer.status == Transfer.Status.ACCEPTED
    assert (transfer.accepted_at, transfer.accepted_by) == (timezone.localdate(), other_specialist)
    assert graduate.service == other_service
    assert graduate.territory == other_service.territory
    assert graduate.actual_address == "Белгородская обл., г. Старый Оскол, мкр. Жукова, д. 5, кв. 12"
    assert graduate.incoming_service is None
    assert case.specialist == other_specialist
    assert case.status == SupportCase.Status.ACTIVE


def test_after_acceptance_the_sender_no_longer_sees_the_graduate(
    transfer, case, graduate, specialist, other_specialist
):
    before = history_seen_by(specialist, case)
    services.accept_transfer(transfer, actor=other_specialist)
    assert not sees(specialist, graduate)
    assert not sees(specialist, case)
    assert set(history_seen_by(specialist, case).values()) == {0}
    assert history_seen_by(other_specialist, case) == before


def test_the_whole_history_goes_along_with_the_case(transfer, case, other_specialist, levels):
    services.accept_transfer(transfer, actor=other_specialist)
    case = SupportCase.objects.restrict(other_specialist).get(pk=case.pk)
    assert case.contracts.count() == 1
    assert case.level_on(days_ago(100)) is not None and case.level_on(timezone.localdate()) == levels[INTENSIVE]
    assert case.level_changes.count() == 2
    assert case.plans.count() == 1
    assert PlanMeasure.objects.filter(plan__case=case).count() == 1
    assert case.journal.count() == 3  # the contact step's entry and two linked to the plan
    assert [e.kind for e in case.journal.all() if not e.measure_id] == ["contact"]


def test_the_receiving_coordinator_may_name_the_specialist(transfer, case, other_service, other_specialist):
    boss = _user("coord_other", "coordinator", other_service)
    services.accept_transfer(transfer, actor=boss, specialist=other_specialist)
    case.refresh_from_db()
    assert case.specialist == other_specialist


def test_only_the_receiving_service_may_accept(transfer, specialist, coordinator, graduate, service):
    for user in (specialist, coordinator):
        with pytest.raises(DomainError, match="только принимающая служба"):
            services.accept_transfer(transfer, actor=user)
    transfer.refresh_from_db()
    graduate.refresh_from_db()
    assert transfer.status == Transfer.Status.PENDING
    assert graduate.service == service


def test_the_regional_centre_may_accept_for_the_receiving_service(transfer, regional, graduate, other_service):
    services.accept_transfer(transfer, actor=regional)
    graduate.refresh_from_db()
    assert graduate.service == other_service


def test_a_transfer_is_accepted_only_once(transfer, other_specialist):
    services.accept_transfer(transfer, actor=other_specialist)
    with pytest.raises(DomainError, match="уже завершена или отменена"):
        services.accept_transfer(transfer, actor=other_specialist)


# --- Cancelling ----------------------------------------------------------------------------------


def test_a_cancelled_transfer_leaves_the_graduate_with_the_sender(transfer, graduate, specialist, other_specialist):
    services.cancel_transfer(transfer, actor=specialist)
    transfer.refresh_from_db()
    graduate.refresh_from_db()
    assert transfer.status == Transfer.Status.CANCELLED
    assert graduate.incoming_service is None
    assert sees(specialist, graduate)
    assert not sees(other_specialist, graduate)
    with pytest.raises(DomainError, match="уже завершена или отменена"):
        services.accept_transfer(transfer, actor=other_specialist)


def test_after_a_cancellation_a_new_transfer_may_start(transfer, case, specialist, other_service):
    services.cancel_transfer(transfer, actor=specialist)
    again = services.start_transfer(case, actor=specialist, moved_at=days_ago(1), to_service=other_service)
    assert again.status == Transfer.Status.PENDING


# --- The 3-day notice deadline -------------------------------------------------------------------


def test_the_notice_is_overdue_after_three_days_without_it(transfer):
    started = days_ago(5)
    Transfer.objects.filter(pk=transfer.pk).update(started_at=started, notice_due=started + dt.timedelta(days=3))
    transfer.refresh_from_db()
    today = timezone.localdate()
    assert transfer.notice_overdue(today)
    assert not transfer.notice_overdue(started + dt.timedelta(days=3))  # the last day is still in time
    assert transfer.notice_overdue(started + dt.timedelta(days=4))


def test_the_notice_once_sent_is_no_longer_overdue(transfer, specialist):
    started = days_ago(5)
    Transfer.objects.filter(pk=transfer.pk).update(started_at=started, notice_due=started + dt.timedelta(days=3))
    transfer.refresh_from_db()
    services.mark_notice_sent(transfer, actor=specialist, on=days_ago(1))
    transfer.refresh_from_db()
    assert transfer.notice_sent_at == days_ago(1)
    assert not transfer.notice_overdue(timezone.localdate())
    with pytest.raises(DomainError, match="уже отмечено"):
        services.mark_notice_sent(transfer, actor=specialist)


def test_a_notice_sent_in_the_future_is_refused(transfer, specialist):
    with pytest.raises(DomainError, match="будущем"):
        services.mark_notice_sent(transfer, actor=specialist, on=timezone.localdate() + dt.timedelta(days=1))


# --- Outside the region --------------------------------------------------------------------------


def test_a_move_outside_the_region_closes_the_case_as_moved_with_the_notice_sent(case, graduate, specialist, service):
    transfer = services.start_transfer(
        case, actor=specialist, moved_at=days_ago(2), to_external="Курская область, г. Курск, служба сопровождения"
    )
    today = timezone.localdate()
    assert transfer.status == Transfer.Status.NOTIFIED_OUTSIDE
    assert transfer.to_service is None
    assert transfer.notice_sent_at == today
    assert not transfer.notice_overdue(today + dt.timedelta(days=10))
    case.refresh_from_db()
    graduate.refresh_from_db()
    assert case.status == SupportCase.Status.CLOSED
    assert case.close_reason == SupportCase.CloseReason.MOVED
    assert case.closed_at == today
    assert "Курская область" in case.close_report
    assert graduate.service == service and graduate.incoming_service is None
    assert Contract.objects.get(case=case).terminated_at == today
