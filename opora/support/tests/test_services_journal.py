"""The support journal (карта сопровождения): contacts and services, entered quickly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from opora.core.errors import DomainError
from opora.core.models import AuditEvent
from opora.support import services
from opora.support.models import JournalEntry, PlanMeasure, ServiceKind
from opora.support.tests.conftest import days_ago

pytestmark = pytest.mark.django_db

Kind = JournalEntry.Kind


@pytest.fixture
def case(graduate, give_consent, make_active_case):
    give_consent(graduate, on=days_ago(40))
    return make_active_case(graduate, signed_at=days_ago(30))


@pytest.fixture
def plan_measure(case, specialist, domains):
    plan = services.create_plan(case, actor=specialist, starts_on=days_ago(30))
    return services.add_measure(
        plan,
        actor=specialist,
        text="Сопроводить в МФЦ для замены паспорта",
        domain=domains["Правовой статус"],
        responsible=PlanMeasure.Responsible.SPECIALIST,
        deadline=plan.ends_on,
    )


def test_a_quick_entry_needs_only_the_date_the_kind_and_a_line(case, specialist):
    entry = services.add_journal_entry(case, actor=specialist, date=days_ago(2), kind=Kind.PHONE, text="Созвонились")
    entry.refresh_from_db()
    assert (entry.date, entry.kind, entry.text) == (days_ago(2), "phone", "Созвонились")
    assert entry.case == case and entry.graduate == case.graduate and entry.author == specialist
    assert entry.domain is None and entry.measure is None and entry.result == ""


def test_the_date_defaults_to_today(case, specialist):
    entry = services.add_journal_entry(case, actor=specialist, kind=Kind.MESSENGER, text="Написала в Telegram")
    assert entry.date == timezone.localdate()


def test_a_full_entry_keeps_every_detail(case, specialist, domains, plan_measure, region):
    kind_of_service = ServiceKind.objects.get(region=region, name="Сопровождение в социально значимые учреждения")
    entry = services.add_journal_entry(
        case,
        actor=specialist,
        date=days_ago(1),
        kind=Kind.ACCOMPANYING,
        domain=domains["Правовой статус"],
        service_kind=kind_of_service,
        text="Сопроводила в МФЦ, подали заявление на замену паспорта",
        result="Заявление принято, готовность через 10 дней",
        duration_minutes=120,
        participants="Специалист, выпускник",
        measure=plan_measure,
    )
    entry.refresh_from_db()
    assert entry.measure == plan_measure
    assert list(plan_measure.journal_entries.all()) == [entry]
    assert entry.duration_minutes == 120


def test_an_entry_may_be_made_before_the_contract(graduate, specialist):
    case = services.open_case(graduate, actor=specialist, identified_at=days_ago(5))
    entry = services.add_journal_entry(case, actor=specialist, date=days_ago(4), kind=Kind.LETTER, text="Письмо")
    assert entry.case == case


def test_a_date_in_the_future_is_refused(case, specialist):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(DomainError, match="будущем") as error:
        services.add_journal_entry(case, actor=specialist, date=tomorrow, kind=Kind.PHONE, text="Позвоню")
    assert error.value.field == "date"
    assert not JournalEntry.objects.exclude(kind=Kind.CONTACT).exists()  # the contact step wrote one


def test_a_date_before_identification_is_refused(case, specialist):
    with pytest.raises(DomainError, match="раньше выявления"):
        services.add_journal_entry(case, actor=specialist, date=days_ago(41), kind=Kind.PHONE, text="Звонок")


@pytest.mark.parametrize("text", ["", "   "])
def test_an_entry_without_a_text_is_refused(case, specialist, text):
    with pytest.raises(DomainError, match="что сделано"):
        services.add_journal_entry(case, actor=specialist, kind=Kind.PHONE, text=text)


def test_an_unknown_kind_is_refused_by_the_models_validation(case, specialist):
    with pytest.raises(ValidationError, match="kind"):
        services.add_journal_entry(case, actor=specialist, kind="telepathy", text="Подумала о выпускнике")
    assert not JournalEntry.objects.exclude(kind=Kind.CONTACT).exists()  # the contact step wrote one


@pytest.mark.parametrize("ending", ["closed", "refused"])
def test_a_finished_case_takes_no_new_entries(graduate, specialist, ending):
    case = services.open_case(graduate, actor=specialist, identified_at=days_ago(5))
    if ending == "closed":
        services.close_case(case, actor=specialist, reason="other", on=days_ago(1))
    else:
        services.refuse(case, actor=specialist, on=days_ago(1))
    case.refresh_from_db()
    with pytest.raises(DomainError, match="новые записи в журнал не вносятся"):
        services.add_journal_entry(case, actor=specialist, date=days_ago(1), kind=Kind.PHONE, text="Звонок")


def test_a_measure_of_another_case_is_refused(case, specialist, plan_measure, make_graduate, service, give_consent):
    other = make_graduate(service, last_name="Соколов", first_name="Денис", sex="male")
    other_case = services.open_case(other, actor=specialist, identified_at=days_ago(5))
    with pytest.raises(DomainError, match="другого сопровождения") as error:
        services.add_journal_entry(
            other_case, actor=specialist, kind=Kind.MEETING, text="Встреча", measure=plan_measure
        )
    assert error.value.field == "measure"
    assert not JournalEntry.objects.exclude(kind=Kind.CONTACT).exists()  # the contact step wrote one


def test_an_entry_is_audited_as_a_creation(case, specialist):
    services.add_journal_entry(case, actor=specialist, date=days_ago(2), kind=Kind.HOME_VISIT, text="Патронат")
    event = AuditEvent.objects.filter(object_id=str(case.graduate_id)).latest("id")
    assert event.action == AuditEvent.Action.CREATE
    assert event.changes == {"journal": [None, days_ago(2).isoformat()], "journal_kind": [None, "home_visit"]}
