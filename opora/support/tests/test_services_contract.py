"""The contract of support: its number, its term and its renewal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from opora.core.errors import DomainError
from opora.support import services
from opora.support.models import Contract
from opora.support.services import add_months
from opora.support.tests.conftest import days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def put_on_support(make_graduate, give_consent, make_active_case, service, specialist, other_specialist):
    """A new graduate of ``where`` (``service`` by default) on support by a specialist of that service;
    returns the first contract."""

    def put(where=None, *, signed_at: dt.date | None = None, **contract) -> Contract:
        where = where or service
        graduate = make_graduate(where)
        give_consent(graduate, on=(signed_at or timezone.localdate()) - dt.timedelta(days=30))
        actor = specialist if where == service else other_specialist
        case = make_active_case(graduate, signed_at=signed_at, actor=actor, **contract)
        return case.contracts.get()

    return put


def this_year() -> int:
    return timezone.localdate().year


def test_contracts_are_numbered_one_by_one_within_the_service_and_the_year(put_on_support):
    first, second, third = put_on_support(), put_on_support(), put_on_support()
    year = this_year()
    assert [c.number for c in (first, second, third)] == [f"1/{year}", f"2/{year}", f"3/{year}"]
    assert [c.sequence for c in (first, second, third)] == [1, 2, 3]
    assert {c.year for c in (first, second, third)} == {year}


def test_each_service_numbers_its_own_contracts(put_on_support, service, other_service):
    put_on_support(service)
    put_on_support(service)
    elsewhere = put_on_support(other_service)
    assert elsewhere.number == f"1/{this_year()}"
    assert elsewhere.service == other_service


def test_numbering_starts_again_in_a_new_year(put_on_support):
    new_year = dt.date(this_year(), 1, 1)
    last_year = put_on_support(signed_at=new_year - dt.timedelta(days=1))
    put_on_support(signed_at=new_year - dt.timedelta(days=1))
    this = put_on_support()
    assert last_year.number == f"1/{this_year() - 1}"
    assert last_year.year == this_year() - 1
    assert this.number == f"1/{this_year()}"


def test_a_number_edited_by_hand_is_kept(put_on_support):
    contract = put_on_support(number="  17-П/2026 ")
    assert contract.number == "17-П/2026"
    assert contract.sequence is None
    assert put_on_support().number == f"1/{this_year()}"


def test_a_duplicate_number_is_refused(put_on_support):
    put_on_support()
    with pytest.raises(DomainError, match=f"1/{this_year()}.*уже есть") as error:
        put_on_support(number=f"1/{this_year()}")
    assert error.value.field == "number"
    assert Contract.objects.count() == 1


def test_the_same_number_is_allowed_in_another_service(put_on_support, other_service):
    put_on_support(number="7/2026")
    assert put_on_support(other_service, number="7/2026").number == "7/2026"


def test_an_automatic_number_skips_a_number_already_entered_by_hand(put_on_support):
    year = this_year()
    put_on_support()  # 1
    put_on_support(number=f"2/{year}")  # typed by hand, the same as the next automatic one
    put_on_support(number=f"4/{year}")  # typed by hand, ahead of the sequence
    numbers = [put_on_support().number for _n in range(3)]
    assert numbers == [f"3/{year}", f"5/{year}", f"6/{year}"]


def test_the_term_is_one_year_less_a_day_by_default(put_on_support):
    contract = put_on_support(signed_at=days_ago(20))
    assert contract.starts_on == contract.signed_at == days_ago(20)
    assert contract.ends_on == add_months(days_ago(20), 12) - dt.timedelta(days=1)


def test_a_contract_signed_on_29_february_ends_on_27_february(put_on_support):
    leap = dt.date(2024, 2, 29)
    contract = put_on_support(signed_at=leap)
    assert contract.ends_on == dt.date(2025, 2, 27)


def test_a_contract_cannot_end_before_it_starts(put_on_support):
    with pytest.raises(DomainError, match="раньше, чем начнёт"):
        put_on_support(signed_at=days_ago(5), ends_on=days_ago(6))


@pytest.mark.parametrize("field", ["help_agreed", "graduate_obligations"])
def test_the_help_and_the_graduates_obligations_are_required(put_on_support, field):
    with pytest.raises(DomainError) as error:
        put_on_support(**{field: "   "})
    assert error.value.field == field


def test_a_renewal_starts_the_day_after_the_old_contract_ends(put_on_support, specialist):
    old = put_on_support(signed_at=days_ago(300))
    renewal = services.renew_contract(old, actor=specialist, signed_at=days_ago(1))
    assert renewal.renewed_from == old
    assert renewal.starts_on == old.ends_on + dt.timedelta(days=1)
    assert renewal.ends_on == add_months(renewal.starts_on, 12) - dt.timedelta(days=1)
    # Numbered in the year it is signed: the old one's year goes on, a new year starts again at 1.
    signed_year = renewal.signed_at.year
    assert renewal.number == (f"2/{signed_year}" if old.year == signed_year else f"1/{signed_year}")
    assert renewal.help_agreed == old.help_agreed
    assert renewal.graduate_obligations == old.graduate_obligations


def test_a_late_renewal_starts_on_the_day_it_is_signed(put_on_support, specialist):
    old = put_on_support(signed_at=days_ago(400))
    renewal = services.renew_contract(old, actor=specialist, signed_at=days_ago(2))
    assert old.ends_on < days_ago(2)
    assert renewal.starts_on == days_ago(2)


def test_a_renewal_may_change_the_terms(put_on_support, specialist):
    old = put_on_support(signed_at=days_ago(300))
    renewal = services.renew_contract(
        old, actor=specialist, signed_at=days_ago(1), help_agreed="Помощь в постановке на учёт на жильё."
    )
    assert renewal.help_agreed == "Помощь в постановке на учёт на жильё."
    assert renewal.graduate_obligations == old.graduate_obligations


def test_a_contract_cannot_be_renewed_twice(put_on_support, specialist):
    old = put_on_support(signed_at=days_ago(300))
    services.renew_contract(old, actor=specialist, signed_at=days_ago(2))
    old.refresh_from_db()
    with pytest.raises(DomainError, match="уже продлён"):
        services.renew_contract(old, actor=specialist, signed_at=days_ago(1))
    assert Contract.objects.filter(case=old.case).count() == 2


def test_a_renewal_is_not_signed_in_the_future(put_on_support, specialist):
    old = put_on_support(signed_at=days_ago(300))
    with pytest.raises(DomainError, match="будущем"):
        services.renew_contract(old, actor=specialist, signed_at=timezone.localdate() + dt.timedelta(days=1))


def test_a_contract_of_a_closed_case_is_not_renewed(put_on_support, specialist):
    old = put_on_support(signed_at=days_ago(300))
    services.close_case(old.case, actor=specialist, reason="adapted", report="Адаптирован.")
    with pytest.raises(DomainError, match="действующему сопровождению"):
        services.renew_contract(old, actor=specialist, signed_at=days_ago(1))


def test_the_current_contract_is_the_latest_not_terminated(put_on_support, specialist):
    old = put_on_support(signed_at=days_ago(300))
    renewal = services.renew_contract(old, actor=specialist, signed_at=days_ago(1))
    assert old.case.current_contract == renewal
    assert renewal.is_in_force(renewal.starts_on)
    assert not renewal.is_in_force(renewal.starts_on - dt.timedelta(days=1))


def test_a_specialist_of_another_service_cannot_sign_the_first_contract(
    contacted_case, other_specialist, levels, specialist
):
    with pytest.raises(DomainError, match="Договор заключает служба, которая ведёт сопровождение"):
        services.sign_contract(
            contacted_case,
            actor=other_specialist,
            level=levels["Поддерживающий"],
            signed_at=timezone.localdate(),
            help_agreed="Помощь с документами.",
            graduate_obligations="Выходить на связь.",
        )

    contacted_case.refresh_from_db()
    assert contacted_case.status == contacted_case.Status.CONTACT
    assert not Contract.objects.filter(case=contacted_case).exists()
