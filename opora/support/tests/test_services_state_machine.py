"""The case's state machine: выявлен → контакт → на сопровождении → завершено, and отказ."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from opora.conftest import years_ago
from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.registry.models import Graduate
from opora.support import services
from opora.support.models import Contract, PlanMeasure, SupportCase, Transfer
from opora.support.tests.conftest import HELP_AGREED, OBLIGATIONS, SUPPORTING, days_ago

pytestmark = pytest.mark.django_db

Status = SupportCase.Status
CYRILLIC = re.compile("[А-Яа-яЁё]")
REFUSED_TRANSITION = "Нельзя перевести сопровождение"


def refused(match: str = REFUSED_TRANSITION):
    """pytest.raises for a DomainError whose message is Russian and says ``match``."""
    return pytest.raises(DomainError, match=match)


def assert_russian(error: pytest.ExceptionInfo) -> None:
    assert CYRILLIC.search(error.value.message), error.value.message


@pytest.fixture
def case(graduate, specialist):
    """A case just identified (выявлен) ten days ago."""
    return services.open_case(graduate, actor=specialist, identified_at=days_ago(10), how="Список выпуска")


@pytest.fixture
def contact_case(case, specialist):
    return services.establish_contact(case, actor=specialist, on=days_ago(5))


def sign(case, actor, level, signed_at=None):
    return services.sign_contract(
        case,
        actor=actor,
        level=level,
        signed_at=signed_at or timezone.localdate(),
        help_agreed=HELP_AGREED,
        graduate_obligations=OBLIGATIONS,
    )


def reload(case) -> SupportCase:
    return SupportCase.objects.get(pk=case.pk)


def graduate_events(graduate):
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Graduate), object_id=str(graduate.pk)
    ).order_by("at", "id")


# --- Legal transitions --------------------------------------------------------------------------


def test_opening_a_case_makes_the_graduate_identified_with_the_specialist_who_opened_it(case, specialist):
    assert case.status == Status.IDENTIFIED
    assert case.identified_at == days_ago(10)
    assert case.specialist == specialist


def test_an_identified_graduate_can_be_contacted(case, specialist):
    services.establish_contact(case, actor=specialist, on=days_ago(3))
    case = reload(case)
    assert (case.status, case.contact_at) == (Status.CONTACT, days_ago(3))


def test_signing_the_contract_puts_a_contacted_graduate_on_support(contact_case, specialist, levels, give_consent):
    give_consent(contact_case.graduate, on=days_ago(2))
    contract = sign(contact_case, specialist, levels[SUPPORTING], signed_at=days_ago(1))
    case = reload(contact_case)
    assert case.status == Status.ACTIVE
    assert case.activated_at == contract.starts_on == days_ago(1)
    assert case.level_on(timezone.localdate()) == levels[SUPPORTING]


@pytest.mark.parametrize("step", ["identified", "contact"])
def test_a_graduate_may_refuse_support_before_the_contract(step, case, specialist):
    if step == "contact":
        services.establish_contact(case, actor=specialist, on=days_ago(5))
    services.refuse(case, actor=specialist, on=days_ago(1), note="Не нуждается в помощи")
    case = reload(case)
    assert case.status == Status.REFUSED
    assert case.closed_at == days_ago(1)
    assert case.close_reason == SupportCase.CloseReason.REFUSAL
    assert case.close_report == "Не нуждается в помощи"


@pytest.mark.parametrize("step", ["identified", "contact"])
def test_a_case_not_yet_on_support_may_be_closed_without_a_report(step, case, specialist):
    if step == "contact":
        services.establish_contact(case, actor=specialist, on=days_ago(5))
    services.close_case(case, actor=specialist, reason=SupportCase.CloseReason.OTHER, on=days_ago(1))
    case = reload(case)
    assert (case.status, case.closed_at, case.close_reason) == (Status.CLOSED, days_ago(1), "other")


def test_a_case_on_support_closes_with_a_reason_and_a_report(active_case, specialist):
    services.close_case(
        active_case, actor=specialist, reason=SupportCase.CloseReason.ADAPTED, report="Работает, живёт отдельно."
    )
    case = reload(active_case)
    assert case.status == Status.CLOSED
    assert case.closed_at == timezone.localdate()
    assert case.close_report == "Работает, живёт отдельно."


# --- Illegal transitions ------------------------------------------------------------------------


def test_a_contract_cannot_be_signed_before_contact_is_established(case, specialist, levels, give_consent):
    give_consent(case.graduate, on=days_ago(20))
    with refused() as error:
        sign(case, specialist, levels[SUPPORTING])
    assert_russian(error)
    assert "«Выявлен»" in error.value.message and "«На сопровождении»" in error.value.message
    assert reload(case).status == Status.IDENTIFIED
    assert not Contract.objects.exists()


def test_a_graduate_on_support_cannot_refuse_only_close(active_case, specialist):
    with refused() as error:
        services.refuse(active_case, actor=specialist)
    assert_russian(error)
    assert reload(active_case).status == Status.ACTIVE


def test_contact_cannot_be_established_twice(contact_case, specialist):
    with refused() as error:
        services.establish_contact(contact_case, actor=specialist, on=days_ago(1))
    assert_russian(error)
    assert reload(contact_case).contact_at == days_ago(5)


@pytest.mark.parametrize("ending", ["closed", "refused"])
@pytest.mark.parametrize("step", ["contact", "sign", "refuse", "close"])
def test_a_finished_case_cannot_move_anywhere(ending, step, case, specialist, levels, give_consent):
    give_consent(case.graduate, on=days_ago(20))
    if ending == "closed":
        services.close_case(case, actor=specialist, reason=SupportCase.CloseReason.OTHER, on=days_ago(2))
    else:
        services.refuse(case, actor=specialist, on=days_ago(2))
    attempts = {
        "contact": lambda: services.establish_contact(case, actor=specialist, on=days_ago(1)),
        "sign": lambda: sign(case, specialist, levels[SUPPORTING]),
        "refuse": lambda: services.refuse(case, actor=specialist),
        "close": lambda: services.close_case(case, actor=specialist, reason="other", report="Повторно"),
    }
    before = reload(case)
    with refused() as error:
        attempts[step]()
    assert_russian(error)
    after = reload(case)
    assert (after.status, after.closed_at, after.close_reason) == (before.status, before.closed_at, before.close_reason)


def test_contact_before_identification_is_refused(case, specialist):
    with refused("раньше выявления"):
        services.establish_contact(case, actor=specialist, on=days_ago(11))


def test_a_contract_signed_before_the_contact_is_refused(contact_case, specialist, levels, give_consent):
    give_consent(contact_case.graduate, on=days_ago(20))
    with refused("раньше установления контакта"):
        sign(contact_case, specialist, levels[SUPPORTING], signed_at=days_ago(6))
    assert reload(contact_case).status == Status.CONTACT


def test_a_refusal_before_identification_is_refused(case, specialist):
    with refused("раньше выявления"):
        services.refuse(case, actor=specialist, on=days_ago(11))
    assert reload(case).status == Status.IDENTIFIED


def test_dates_in_the_future_are_refused(case, specialist):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with refused("будущем"):
        services.establish_contact(case, actor=specialist, on=tomorrow)
    with refused("будущем"):
        services.close_case(case, actor=specialist, reason="other", on=tomorrow)
    with refused("будущем"):
        services.open_case(case.graduate, actor=specialist, identified_at=tomorrow)


def test_an_unknown_close_reason_is_refused(case, specialist):
    with refused("причину завершения"):
        services.close_case(case, actor=specialist, reason="bored")


# --- One open case per graduate -----------------------------------------------------------------


def test_a_graduate_has_at_most_one_open_case(case, specialist):
    with refused("незавершённое сопровождение") as error:
        services.open_case(case.graduate, actor=specialist)
    assert_russian(error)
    assert SupportCase.objects.filter(graduate=case.graduate).count() == 1


def test_after_closure_a_new_episode_opens_and_the_old_one_stays(case, specialist):
    services.close_case(case, actor=specialist, reason=SupportCase.CloseReason.OTHER, on=days_ago(5))
    second = services.open_case(case.graduate, actor=specialist, identified_at=days_ago(1), how="Повторное обращение")
    episodes = list(SupportCase.objects.filter(graduate=case.graduate).order_by("identified_at"))
    assert [e.pk for e in episodes] == [case.pk, second.pk]
    assert [e.status for e in episodes] == [Status.CLOSED, Status.IDENTIFIED]
    assert episodes[0].closed_at == days_ago(5)


def test_after_a_refusal_a_new_episode_may_open(case, specialist):
    services.refuse(case, actor=specialist, on=days_ago(3))
    services.open_case(case.graduate, actor=specialist)
    assert SupportCase.objects.filter(graduate=case.graduate).open().count() == 1


# --- The consent before the contract ------------------------------------------------------------


def test_a_contract_needs_a_written_consent(contact_case, specialist, levels):
    with refused("согласия") as error:
        sign(contact_case, specialist, levels[SUPPORTING])
    assert error.value.code == "no_consent"
    assert reload(contact_case).status == Status.CONTACT


def test_a_withdrawn_consent_does_not_count(contact_case, specialist, levels, give_consent):
    give_consent(contact_case.graduate, on=days_ago(20), withdrawn_at=days_ago(2))
    with refused("согласия"):
        sign(contact_case, specialist, levels[SUPPORTING])


def test_a_consent_given_after_the_contract_date_does_not_count(contact_case, specialist, levels, give_consent):
    give_consent(contact_case.graduate, on=timezone.localdate())
    with refused("согласия"):
        sign(contact_case, specialist, levels[SUPPORTING], signed_at=days_ago(1))


def test_an_expired_consent_does_not_count(contact_case, specialist, levels, give_consent):
    give_consent(contact_case.graduate, on=days_ago(400), valid_until=days_ago(30))
    with refused("согласия"):
        sign(contact_case, specialist, levels[SUPPORTING])


def test_a_consent_valid_on_the_contract_date_counts(contact_case, specialist, levels, give_consent):
    give_consent(contact_case.graduate, on=days_ago(400), valid_until=timezone.localdate())
    sign(contact_case, specialist, levels[SUPPORTING])
    assert reload(contact_case).status == Status.ACTIVE


# --- Closure ------------------------------------------------------------------------------------


def test_closing_a_case_on_support_needs_a_closing_report(active_case, specialist):
    with refused("итоговое заключение"):
        services.close_case(active_case, actor=specialist, reason=SupportCase.CloseReason.ADAPTED, report="  ")
    assert reload(active_case).status == Status.ACTIVE


def test_the_reason_reached_23_is_refused_for_a_twenty_year_old(make_graduate, service, specialist):
    graduate = make_graduate(service, birth_date=years_ago(20, days=100))
    case = services.open_case(graduate, actor=specialist, identified_at=days_ago(10))
    with refused("23 лет"):
        services.close_case(case, actor=specialist, reason=SupportCase.CloseReason.AGE_23, report="Исполнилось 23")
    assert reload(case).status == Status.IDENTIFIED


def test_the_reason_reached_23_is_accepted_on_the_23rd_birthday(make_graduate, service, specialist):
    graduate = make_graduate(service, birth_date=years_ago(23))
    case = services.open_case(graduate, actor=specialist, identified_at=days_ago(10))
    services.close_case(case, actor=specialist, reason=SupportCase.CloseReason.AGE_23, report="Исполнилось 23 года")
    assert reload(case).close_reason == SupportCase.CloseReason.AGE_23


def test_closure_before_identification_is_refused(case, specialist):
    with refused("раньше выявления"):
        services.close_case(case, actor=specialist, reason="other", on=days_ago(11))


def test_closure_cancels_open_measures_terminates_the_contract_and_cancels_a_transfer(
    make_graduate, service, other_service, specialist, make_active_case, give_consent, domains
):
    graduate = make_graduate(service)
    give_consent(graduate, on=days_ago(60))
    case = make_active_case(graduate, signed_at=days_ago(40))
    plan = services.create_plan(case, actor=specialist, starts_on=days_ago(40))
    common = {"domain": domains["Трудоустройство"], "responsible": PlanMeasure.Responsible.SPECIALIST}
    planned = services.add_measure(plan, actor=specialist, text="Резюме", deadline=days_ago(10), **common)
    ongoing = services.add_measure(plan, actor=specialist, text="Центр занятости", deadline=days_ago(5), **common)
    done = services.add_measure(plan, actor=specialist, text="Собеседование", deadline=days_ago(20), **common)
    services.update_measure(ongoing, actor=specialist, status=PlanMeasure.Status.IN_PROGRESS)
    services.update_measure(done, actor=specialist, status="done", result="Принят на работу", done_at=days_ago(15))
    transfer = services.start_transfer(case, actor=specialist, moved_at=days_ago(1), to_service=other_service)

    services.close_case(case, actor=specialist, reason=SupportCase.CloseReason.ADAPTED, report="Адаптирован.")

    statuses = dict(PlanMeasure.objects.filter(plan=plan).values_list("pk", "status"))
    assert statuses == {planned.pk: "cancelled", ongoing.pk: "cancelled", done.pk: "done"}
    assert PlanMeasure.objects.get(pk=done.pk).result == "Принят на работу"
    contract = Contract.objects.get(case=case)
    assert contract.terminated_at == timezone.localdate()
    assert contract.termination_reason == SupportCase.CloseReason.ADAPTED.label
    assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.CANCELLED
    graduate.refresh_from_db()
    assert graduate.incoming_service is None
    assert graduate.service == service


def test_closure_leaves_an_already_ended_contract_as_it_was(
    make_graduate, service, specialist, make_active_case, give_consent
):
    graduate = make_graduate(service)
    give_consent(graduate, on=days_ago(500))
    case = make_active_case(graduate, signed_at=days_ago(400))
    services.close_case(case, actor=specialist, reason=SupportCase.CloseReason.CONTRACT_ENDED, report="Не продлён.")
    contract = Contract.objects.get(case=case)
    assert contract.ends_on < timezone.localdate()
    assert contract.terminated_at is None


# --- The audit trail ----------------------------------------------------------------------------


def test_every_transition_is_audited_against_the_graduate(graduate, specialist, levels, give_consent):
    give_consent(graduate, on=days_ago(20))
    case = services.open_case(graduate, actor=specialist, identified_at=days_ago(10))
    services.establish_contact(case, actor=specialist, on=days_ago(5))
    sign(case, specialist, levels[SUPPORTING])
    services.close_case(case, actor=specialist, reason="adapted", report="Адаптирован.")
    second = services.open_case(graduate, actor=specialist)
    services.refuse(second, actor=specialist)

    events = list(graduate_events(graduate))
    assert all(e.actor == specialist and e.service_id == graduate.service_id for e in events)
    assert all(e.action == AuditEvent.Action.UPDATE for e in events)
    changes = [e.changes for e in events]
    # The log keeps codes; the history renders their labels (test_history_labels.py).
    assert changes[0] == {"support_case": [None, "identified"]}
    # The contact goes into the journal too, in the same event.
    assert changes[1] == {
        "support_status": ["identified", "contact"],
        "journal": [None, days_ago(5).isoformat()],
        "journal_kind": [None, "contact"],
    }
    assert changes[2]["support_status"] == ["contact", "active"]
    assert changes[2]["support_level"] == [None, SUPPORTING]
    assert changes[2]["contract"][1].startswith("Договор № 1/")
    assert changes[3] == {"support_status": ["active", "closed"], "close_reason": [None, "adapted"]}
    assert changes[4] == {"support_case": [None, "identified"]}
    assert changes[5] == {"support_status": ["identified", "refused"]}
    assert len(events) == 6


def test_a_refused_transition_writes_nothing_to_the_audit_log(case, specialist):
    before = graduate_events(case.graduate).count()
    with refused():
        services.refuse(services.refuse(case, actor=specialist), actor=specialist)
    assert graduate_events(case.graduate).count() == before + 1  # the first refusal only
