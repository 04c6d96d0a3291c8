"""A new contract on a case on support with no contract in force: after a move (the old contract
ended by its clause when the receiving service accepted) or after the term ran out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.support import services
from opora.support.models import Contract, LevelChange, SupportCase
from opora.support.tests.conftest import HELP_AGREED, INTENSIVE, OBLIGATIONS, SUPPORTING, days_ago

pytestmark = pytest.mark.django_db

NEW_HELP = "Содействие в постановке на учёт в центре занятости по новому месту жительства."


def sign(case, actor, **terms):
    terms.setdefault("signed_at", timezone.localdate())
    terms.setdefault("help_agreed", NEW_HELP)
    terms.setdefault("graduate_obligations", OBLIGATIONS)
    return services.sign_contract(SupportCase.objects.select_related("graduate").get(pk=case.pk), actor=actor, **terms)


@pytest.fixture
def moved_case(active_case, other_service, specialist, other_specialist) -> SupportCase:
    """``active_case`` handed to ``other_service`` and accepted today: its contract ended by the move."""
    transfer = services.start_transfer(
        active_case, actor=specialist, moved_at=days_ago(3), to_service=other_service, new_address="ул. Новая, 5"
    )
    services.accept_transfer(transfer, actor=other_specialist)
    return SupportCase.objects.get(pk=active_case.pk)


def test_the_receiving_service_signs_a_new_contract_under_its_own_number(moved_case, other_service, other_specialist):
    old = moved_case.contracts.get()
    year = timezone.localdate().year

    new = sign(moved_case, other_specialist)

    assert new.service == other_service
    assert new.number == f"1/{year}" and new.sequence == 1
    assert new.starts_on == timezone.localdate()
    assert new.is_in_force(timezone.localdate())
    assert new.renewed_from is None
    old.refresh_from_db()
    assert old.terminated_at == timezone.localdate() and "Переезд выпускника" in old.termination_reason
    moved_case.refresh_from_db()
    assert moved_case.status == SupportCase.Status.ACTIVE
    assert moved_case.current_contract == new


def test_the_new_number_follows_the_receiving_services_own_contracts(
    moved_case, other_service, other_specialist, make_graduate, give_consent, make_active_case
):
    local = make_graduate(other_service, last_name="Местная")
    give_consent(local)
    make_active_case(local, actor=other_specialist)

    new = sign(moved_case, other_specialist)

    assert new.number == f"2/{timezone.localdate().year}"


def test_without_a_level_the_level_in_force_and_its_history_stay(moved_case, other_specialist, levels):
    history = list(LevelChange.objects.filter(case=moved_case).values_list("pk", flat=True))

    sign(moved_case, other_specialist)

    assert list(LevelChange.objects.filter(case=moved_case).values_list("pk", flat=True)) == history
    assert moved_case.level_on(timezone.localdate()) == levels[SUPPORTING]


def test_the_same_level_given_again_changes_nothing_in_the_history(moved_case, other_specialist, levels):
    sign(moved_case, other_specialist, level=levels[SUPPORTING])

    assert LevelChange.objects.filter(case=moved_case).count() == 1


def test_a_new_level_on_the_form_starts_with_the_new_contract(moved_case, other_specialist, levels):
    new = sign(moved_case, other_specialist, level=levels[INTENSIVE], starts_on=timezone.localdate())

    change = LevelChange.objects.filter(case=moved_case).latest("id")
    assert (change.level, change.effective_from, change.decided_by) == (
        levels[INTENSIVE],
        new.starts_on,
        other_specialist,
    )
    assert change.reason == "Уровень пересмотрен при заключении нового договора."
    assert LevelChange.objects.filter(case=moved_case).count() == 2


def test_the_audit_names_the_old_and_the_new_contract(moved_case, other_specialist, levels):
    old = moved_case.contracts.get()

    new = sign(moved_case, other_specialist, level=levels[INTENSIVE])

    event = AuditEvent.objects.filter(changes__has_key="contract").latest("id")
    assert event.changes["contract"] == [str(old), str(new)]
    assert event.changes["support_level"] == [SUPPORTING, INTENSIVE]
    assert event.actor == other_specialist


def test_refused_while_a_contract_is_in_force(active_case, specialist):
    with pytest.raises(DomainError, match="есть действующий договор"):
        sign(active_case, specialist)

    assert active_case.contracts.count() == 1


def test_refused_while_a_renewal_waits_to_start(graduate, give_consent, make_active_case, specialist):
    give_consent(graduate, on=days_ago(400))
    case = make_active_case(graduate, signed_at=days_ago(350))
    services.renew_contract(case.contracts.get(), actor=specialist, signed_at=timezone.localdate())

    with pytest.raises(DomainError, match="есть действующий договор"):
        sign(case, specialist)


def test_the_second_new_contract_is_refused(moved_case, other_specialist):
    sign(moved_case, other_specialist)

    with pytest.raises(DomainError, match="есть действующий договор"):
        sign(moved_case, other_specialist)
    assert moved_case.contracts.count() == 2


def test_the_sending_service_cannot_sign_after_the_move(moved_case, specialist, coordinator):
    for actor in (specialist, coordinator):
        with pytest.raises(DomainError, match="служба, которая ведёт сопровождение"):
            sign(moved_case, actor)

    assert moved_case.contracts.count() == 1


def test_the_sending_services_stale_copy_is_refused_as_moved_away(moved_case, specialist, service):
    # What the sending specialist saw before the acceptance: the graduate still in her service.
    stale = SupportCase.objects.select_related("graduate").get(pk=moved_case.pk)
    stale.graduate.service_id = service.pk

    with pytest.raises(DomainError, match="тем временем передан"):
        services.sign_contract(
            stale,
            actor=specialist,
            signed_at=timezone.localdate(),
            help_agreed=HELP_AGREED,
            graduate_obligations=OBLIGATIONS,
        )


def test_refused_during_a_pending_transfer(graduate, give_consent, make_active_case, specialist, other_service):
    give_consent(graduate, on=days_ago(500))
    case = make_active_case(graduate, signed_at=days_ago(400))  # its term ran out
    services.start_transfer(case, actor=specialist, moved_at=days_ago(1), to_service=other_service)

    with pytest.raises(DomainError, match="передаётся в другую службу"):
        sign(case, specialist)


def test_after_the_term_ran_out_the_holder_may_sign_a_new_contract(
    graduate, give_consent, make_active_case, specialist
):
    give_consent(graduate, on=days_ago(500))
    case = make_active_case(graduate, signed_at=days_ago(400))
    expired = case.contracts.get()

    new = sign(case, specialist)

    assert new.service == expired.service and new.starts_on == timezone.localdate()
    assert new.number != expired.number


def test_the_new_contract_cannot_start_before_the_old_one_ended(moved_case, other_specialist):
    with pytest.raises(DomainError, match="раньше, чем закончился прежний") as error:
        sign(moved_case, other_specialist, signed_at=days_ago(1), starts_on=days_ago(1))

    assert error.value.field == "starts_on"


def test_a_consent_in_force_is_still_needed(moved_case, other_specialist):
    moved_case.graduate.consents.update(withdrawn_at=days_ago(0))

    with pytest.raises(DomainError, match="согласия") as error:
        sign(moved_case, other_specialist)

    assert error.value.code == "no_consent"


def test_a_level_of_another_region_is_refused(moved_case, other_specialist, other_region):
    services.setup_region(other_region)
    foreign = other_region.support_levels.first()

    with pytest.raises(DomainError, match="не действует в регионе"):
        sign(moved_case, other_specialist, level=foreign)


def test_the_first_contract_still_needs_a_level(contacted_case, specialist):
    with pytest.raises(DomainError, match="Выберите уровень") as error:
        sign(contacted_case, specialist, signed_at=days_ago(1))

    assert error.value.field == "level"


def test_the_move_ended_contract_cannot_be_renewed(moved_case, other_specialist):
    old = moved_case.contracts.get()

    with pytest.raises(DomainError, match="расторгнут .*заключите новый договор"):
        services.renew_contract(old, actor=other_specialist, signed_at=timezone.localdate())


def test_a_contract_of_the_service_the_graduate_left_is_not_renewed_by_the_new_one(
    graduate, give_consent, make_active_case, specialist, other_service, other_specialist
):
    give_consent(graduate, on=days_ago(500))
    case = make_active_case(graduate, signed_at=days_ago(400))  # ran out before the move: not terminated
    transfer = services.start_transfer(case, actor=specialist, moved_at=days_ago(1), to_service=other_service)
    services.accept_transfer(transfer, actor=other_specialist)
    expired = Contract.objects.get(case=case)
    assert expired.terminated_at is None

    with pytest.raises(DomainError, match="заключён другой службой"):
        services.renew_contract(expired, actor=other_specialist, signed_at=timezone.localdate())
    new = sign(case, other_specialist)
    assert new.service == other_service
    assert new.ends_on == services.add_months(new.starts_on, 12) - dt.timedelta(days=1)


def test_a_first_signing_that_finds_the_case_signed_meanwhile_is_refused_not_made_a_second_contract(
    contacted_case, specialist, levels
):
    stale = SupportCase.objects.select_related("graduate").get(pk=contacted_case.pk)  # seen in «контакт установлен»
    sign(contacted_case, specialist, level=levels[SUPPORTING], signed_at=days_ago(1))

    with pytest.raises(DomainError, match="Нельзя перевести сопровождение из состояния «На сопровождении»"):
        services.sign_contract(
            stale,
            actor=specialist,
            level=levels[SUPPORTING],
            signed_at=days_ago(1),
            help_agreed=HELP_AGREED,
            graduate_obligations=OBLIGATIONS,
        )
    assert contacted_case.contracts.count() == 1
