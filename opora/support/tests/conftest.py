"""Shared fixtures of the support cycle's tests.

The region of ``opora/conftest.py`` gets the default support directories only when a test
asks for ``support_region`` (or ``levels`` / ``domains``): nothing here is autouse.
Other test modules may append their own fixtures below the marked line; keep these at the top.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from opora.registry.models import Consent
from opora.support import services
from opora.support.models import Domain, SupportLevel

INTENSIVE, SUPPORTING, MONITORING = "Интенсивный", "Поддерживающий", "Мониторинговый"
CONSENT_SCOPE = "ФИО, дата рождения, СНИЛС, адреса, контакты; цель — постинтернатное сопровождение."
HELP_AGREED = "Содействие в оформлении документов и в трудоустройстве."
OBLIGATIONS = "Выходить на связь не реже раза в месяц, сообщать о смене адреса."


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def support_region(region) -> dict[str, SupportLevel]:
    """The test region with the default support directories; returns its levels by name."""
    services.setup_region(region)
    return {level.name: level for level in SupportLevel.objects.filter(region=region)}


@pytest.fixture
def levels(support_region) -> dict[str, SupportLevel]:
    return support_region


@pytest.fixture
def domains(support_region, region) -> dict[str, Domain]:
    return {domain.name: domain for domain in Domain.objects.filter(region=region)}


@pytest.fixture
def give_consent(db):
    """Record a written consent for ``graduate`` given on ``on`` (yesterday by default)."""

    def give(graduate, on: dt.date | None = None, **fields) -> Consent:
        return Consent.objects.create(graduate=graduate, given_at=on or days_ago(1), scope=CONSENT_SCOPE, **fields)

    return give


@pytest.fixture
def consented_graduate(graduate, give_consent):
    """The graduate of ``service`` with a written consent given yesterday."""
    give_consent(graduate)
    return graduate


@pytest.fixture
def make_active_case(levels, specialist):
    """Put a graduate who has a consent on support: open_case → establish_contact → sign_contract.

    ``signed_at`` is the day of the contract (today by default); identification and contact
    are a few days before it.
    """

    def make(graduate, *, level: str = SUPPORTING, signed_at: dt.date | None = None, actor=None, **contract):
        actor = actor or specialist
        signed_at = signed_at or timezone.localdate()
        case = services.open_case(graduate, actor=actor, identified_at=signed_at - dt.timedelta(days=10))
        services.establish_contact(case, actor=actor, on=signed_at - dt.timedelta(days=5))
        services.sign_contract(
            case,
            actor=actor,
            level=levels[level],
            signed_at=signed_at,
            help_agreed=contract.pop("help_agreed", HELP_AGREED),
            graduate_obligations=contract.pop("graduate_obligations", OBLIGATIONS),
            **contract,
        )
        case.refresh_from_db()
        return case

    return make


@pytest.fixture
def active_case(consented_graduate, make_active_case):
    """An open case of ``consented_graduate`` on support at level «Поддерживающий» from today."""
    return make_active_case(consented_graduate)


# --- Fixtures of other test modules go below this line. ------------------------------------------


# --- Caseload (test_caseload_*.py, test_registry_filters.py) ---------------------------------------
@pytest.fixture
def caseload_case(levels, domains, make_graduate, service, specialist):
    """An open case built directly from the models, with its dates and facts as the test needs.

    Days are counted from today: ``activated`` days ago the contract was signed (at ``level``),
    ``contacted`` days ago the last contact (None: none), ``overdue_measures`` measures are past
    their deadline; ``contract_ends_in`` / ``plan_ends_in`` days from today (None: no such record).
    """
    from opora.support.models import Contract, JournalEntry, LevelChange, PlanMeasure, SupportCase, SupportPlan

    domain = next(iter(domains.values()))

    def make(
        last_name: str = "Иванова",
        *,
        graduate_service=None,
        specialist=specialist,
        status: str = "active",
        level: str | None = INTENSIVE,
        activated: int = 60,
        contacted: int | None = None,
        overdue_measures: int = 0,
        contract_ends_in: int | None = 300,
        plan_ends_in: int | None = None,
        **graduate_fields,
    ) -> SupportCase:
        graduate = make_graduate(graduate_service or service, last_name=last_name, **graduate_fields)
        active = status == SupportCase.Status.ACTIVE
        case = SupportCase.objects.create(
            graduate=graduate,
            specialist=specialist,
            status=status,
            identified_at=days_ago(activated + 20),
            contact_at=days_ago(activated + 10) if status != SupportCase.Status.IDENTIFIED else None,
            activated_at=days_ago(activated) if active else None,
        )
        if active and level:
            LevelChange.objects.create(case=case, level=levels[level], effective_from=days_ago(activated), reason="—")
        if active and contract_ends_in is not None:
            Contract.objects.create(
                case=case,
                service=graduate.service,
                number=f"К-{case.pk}",
                year=days_ago(activated).year,
                signed_at=days_ago(activated),
                starts_on=days_ago(activated),
                ends_on=timezone.localdate() + dt.timedelta(days=contract_ends_in),
                help_agreed=HELP_AGREED,
                graduate_obligations=OBLIGATIONS,
            )
        if active and (plan_ends_in is not None or overdue_measures):
            plan = SupportPlan.objects.create(
                case=case,
                version=1,
                level=levels[level] if level else None,
                starts_on=days_ago(activated),
                ends_on=timezone.localdate() + dt.timedelta(days=plan_ends_in if plan_ends_in is not None else 300),
                status=SupportPlan.Status.APPROVED,
            )
            for n in range(overdue_measures):
                PlanMeasure.objects.create(
                    plan=plan,
                    domain=domain,
                    text=f"Мероприятие {n}",
                    responsible=PlanMeasure.Responsible.SPECIALIST,
                    deadline=days_ago(n + 1),
                )
        if contacted is not None:
            JournalEntry.objects.create(
                case=case, graduate=graduate, date=days_ago(contacted), kind=JournalEntry.Kind.PHONE, text="Звонок"
            )
        return case

    return make


@pytest.fixture
def colleague(service):
    """A second specialist of ``service`` (the coordinator can give cases to her)."""
    from opora.org.models import User

    user = User(username="colleague", role="specialist", service=service, last_name="Коллегова", first_name="Вера")
    user.set_password("test-pass-1234")
    user.save()
    return user


# --- Case, plan, journal and transfer pages (test_views_*.py, test_browser_cycle.py) ---------------
@pytest.fixture
def identified_case(support_region, graduate, specialist):
    """A case of ``graduate`` opened (выявлен) ten days ago through the service."""
    return services.open_case(graduate, actor=specialist, identified_at=days_ago(10), how="Выпуск из организации")


@pytest.fixture
def contacted_case(identified_case, give_consent, specialist):
    """``identified_case`` after contact (five days ago), with a written consent: ready for the contract."""
    give_consent(identified_case.graduate, on=days_ago(6))
    return services.establish_contact(identified_case, actor=specialist, on=days_ago(5))


@pytest.fixture
def planned_case(active_case, specialist):
    """``active_case`` with a draft plan (version 1) from today."""
    services.create_plan(active_case, actor=specialist)
    return active_case
