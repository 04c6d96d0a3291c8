"""The support part of the demo data (manage.py load_demo, opora.demo.support) keeps the domain's rules.

The demo is built ``--as-of`` the suite's fixed day; specialist1's showcase is constructed, so its
counts are exact on any day.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from opora.conftest import suite_today
from opora.demo.region import as_of_moment
from opora.org.models import User
from opora.registry.models import Consent, Graduate
from opora.support import services
from opora.support.models import (
    Contract,
    JournalEntry,
    LevelChange,
    PlanGoal,
    PlanMeasure,
    SupportCase,
    SupportLevel,
    SupportPlan,
    Transfer,
)
from opora.support.services import add_months

GRADUATES = 600  # enough for specialist1's caseload of 40
Status = SupportCase.Status
MODELS = (SupportCase, Contract, LevelChange, SupportPlan, PlanGoal, PlanMeasure, JournalEntry, Transfer, Consent, User)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One demo region for the whole module (loading takes a few seconds), rolled back afterwards.

    Each test runs in its own savepoint inside this transaction, as usual.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            call_command("load_demo", graduates=GRADUATES, as_of=suite_today(), stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


pytestmark = pytest.mark.django_db


def cases_with_level_today(today) -> dict[int, str]:
    """The level in force today of every case on support, from the level history."""
    changes = LevelChange.objects.filter(effective_from__lte=today).order_by("case", "effective_from", "id")
    return {c.case_id: c.level.name for c in changes.select_related("level")}


def test_the_level_distribution_follows_seed_003(demo, today):
    active = SupportCase.objects.filter(status=Status.ACTIVE)
    assert active.count() == round(GRADUATES * 801 / 2300)
    assert set(active.on_support(today).values_list("pk", flat=True)) == set(active.values_list("pk", flat=True))
    levels = cases_with_level_today(today)
    counts = Counter(levels[pk] for pk in active.values_list("pk", flat=True))
    total = sum(counts.values())
    shares = {name: counts[name] / total for name in counts}
    assert shares["Мониторинговый"] == pytest.approx(0.68, abs=0.02)
    assert shares["Поддерживающий"] == pytest.approx(0.25, abs=0.02)
    assert shares["Интенсивный"] == pytest.approx(0.07, abs=0.02)


def test_there_is_a_realistic_mix_of_statuses_and_closing_reasons(demo):
    statuses = Counter(SupportCase.objects.values_list("status", flat=True))
    assert set(statuses) == set(Status.values)
    reasons = Counter(SupportCase.objects.filter(status=Status.CLOSED).values_list("close_reason", flat=True))
    assert len(reasons) >= 4, reasons
    assert "Сопровождение завершено" in demo and "Интенсивный" in demo  # the Russian summary


def test_no_graduate_has_two_open_cases_and_earlier_episodes_are_finished(demo):
    open_counts = SupportCase.objects.open().values("graduate").annotate(n=Count("id")).filter(n__gt=1)
    assert not open_counts.exists()
    for case in SupportCase.objects.filter(graduate__support_cases__status__in=SupportCase.OPEN_STATUSES).exclude(
        status__in=SupportCase.OPEN_STATUSES
    ):
        current = SupportCase.objects.open().get(graduate=case.graduate)
        assert case.closed_at < current.identified_at


def test_every_case_on_support_has_a_contract_in_force_and_a_consent_before_it(demo, today):
    for case in SupportCase.objects.filter(status=Status.ACTIVE).prefetch_related("contracts", "graduate__consents"):
        contracts = sorted(case.contracts.all(), key=lambda c: c.starts_on)
        assert contracts, case
        assert any(c.is_in_force(today) for c in contracts), case
        first = contracts[0]
        assert first.starts_on == case.activated_at
        consents = [c for c in case.graduate.consents.all() if c.withdrawn_at is None]
        assert any(c.given_at <= first.signed_at for c in consents), case


def test_the_dates_of_a_case_follow_its_course_and_none_is_in_the_future(demo, today):
    for case in SupportCase.objects.all():
        days = [case.identified_at, case.contact_at, case.activated_at, case.closed_at]
        present = [d for d in days if d is not None]
        assert present == sorted(present), case.pk
        assert max(present) <= today
        if case.status in (Status.CONTACT, Status.ACTIVE):
            assert case.contact_at is not None
        if case.status == Status.ACTIVE:
            assert case.activated_at is not None and case.closed_at is None
    past_only = {
        Contract: ["signed_at"],
        LevelChange: ["effective_from"],
        SupportPlan: ["starts_on", "approved_at"],
        PlanMeasure: ["done_at"],
        JournalEntry: ["date"],
        Transfer: ["moved_at", "started_at", "notice_sent_at", "accepted_at"],
        Consent: ["given_at"],
    }
    for model, names in past_only.items():
        for name in names:
            assert not model.objects.filter(**{f"{name}__gt": today}).exists(), (model.__name__, name)
    now = as_of_moment(today)  # the demo records nothing after the start of its as-of day
    for model in (SupportCase, Contract, LevelChange, SupportPlan, JournalEntry, Consent):
        assert not model.objects.filter(created_at__gt=now).exists(), model.__name__


def test_contracts_are_numbered_per_service_and_year_and_renewals_follow_on(demo, today):
    numbers = defaultdict(list)
    for contract in Contract.objects.all():
        assert contract.number == f"{contract.sequence}/{contract.year}"
        assert contract.year == contract.signed_at.year
        numbers[(contract.service_id, contract.year)].append(contract.sequence)
        assert contract.ends_on == add_months(contract.starts_on, 12) - dt.timedelta(days=1)
        if contract.renewed_from_id:
            old = contract.renewed_from
            assert contract.starts_on == max(old.ends_on + dt.timedelta(days=1), contract.signed_at)
    for sequences in numbers.values():
        assert sorted(sequences) == list(range(1, len(sequences) + 1))
    assert Contract.objects.filter(renewed_from__isnull=False).exists()


def test_specialist1_has_exactly_three_contracts_ending_within_30_days(demo, today):
    expiring = Contract.objects.filter(
        case__specialist__username="specialist1",
        case__status=Status.ACTIVE,
        renewal__isnull=True,
        terminated_at=None,
        ends_on__range=(today, today + dt.timedelta(days=30)),
    )
    assert sorted(expiring.values_list("ends_on", flat=True)) == [
        today + dt.timedelta(days=6),
        today + dt.timedelta(days=13),
        today + dt.timedelta(days=27),
    ]
    for contract in expiring:
        assert contract.ends_on == add_months(contract.starts_on, 12) - dt.timedelta(days=1)
        assert contract.is_in_force(today)


def test_specialist1_has_40_open_cases_and_a_case_in_every_status(demo):
    mine = Counter(SupportCase.objects.filter(specialist__username="specialist1").values_list("status", flat=True))
    assert mine == {Status.IDENTIFIED: 2, Status.CONTACT: 2, Status.ACTIVE: 36, Status.CLOSED: 2, Status.REFUSED: 1}
    assert SupportCase.objects.open().filter(specialist__username="specialist1").count() == 40


def test_the_level_history_starts_with_the_contract_and_changes_each_time(demo):
    changed = 0
    for case in SupportCase.objects.exclude(activated_at=None).prefetch_related("level_changes"):
        changes = sorted(case.level_changes.all(), key=lambda c: (c.effective_from, c.pk))
        assert changes[0].effective_from == case.activated_at
        # Set at signing; provisionally (until the primary consilium) for the cases of the last 100 days.
        assert changes[0].basis in (LevelChange.Basis.INITIAL, LevelChange.Basis.PROVISIONAL)
        for before, after in zip(changes, changes[1:], strict=False):
            # The primary consilium confirms a provisional level: the same level, a new basis.
            assert before.level_id != after.level_id or before.basis == LevelChange.Basis.PROVISIONAL
            assert before.effective_from < after.effective_from
            assert after.reason
        changed += len(changes) > 1
    assert changed > 0


def test_plans_are_versioned_and_their_measures_keep_to_the_period(demo, today):
    for case in SupportCase.objects.exclude(activated_at=None).prefetch_related("plans__level", "level_changes"):
        plans = sorted(case.plans.all(), key=lambda p: p.version)
        assert plans, case
        assert [p.version for p in plans] == list(range(1, len(plans) + 1))
        assert [p.status for p in plans[:-1]] == [SupportPlan.Status.SUPERSEDED] * (len(plans) - 1)
        assert plans[-1].status != SupportPlan.Status.SUPERSEDED
        for plan in plans:
            assert plan.starts_on >= case.activated_at
            assert plan.level == case.level_on(plan.starts_on)
            assert plan.ends_on == add_months(plan.starts_on, plan.level.plan_period_months) - dt.timedelta(days=1)
            assert bool(plan.review_reason) == (plan.version > 1)
    for measure in PlanMeasure.objects.select_related("plan", "goal", "carried_from__plan"):
        assert measure.plan.starts_on <= measure.deadline <= measure.plan.ends_on
        assert measure.goal is None or measure.goal.plan_id == measure.plan_id
        if measure.status in (PlanMeasure.Status.DONE, PlanMeasure.Status.NOT_DONE):
            assert measure.result and measure.done_at
        if measure.carried_from_id:
            assert measure.carried_from.plan.case_id == measure.plan.case_id
            assert measure.carried_from.plan.version == measure.plan.version - 1
    counts = PlanMeasure.objects.values("plan").annotate(n=Count("id")).values_list("n", flat=True)
    assert min(counts) >= 2 and max(counts) <= 6
    current = PlanMeasure.objects.filter(plan__case__status=Status.ACTIVE).exclude(
        plan__status=SupportPlan.Status.SUPERSEDED
    )
    assert current.filter(status=PlanMeasure.Status.DONE).exists()
    assert current.filter(status__in=PlanMeasure.OPEN_STATUSES, deadline__lt=today).exists(), "some are overdue"
    assert SupportPlan.objects.filter(status=SupportPlan.Status.SUPERSEDED).exists()


def test_closure_cancelled_the_open_measures_and_terminated_the_contract(demo):
    for case in SupportCase.objects.filter(status=Status.CLOSED).exclude(activated_at=None):
        assert case.close_reason and case.close_report
        assert not PlanMeasure.objects.filter(plan__case=case, status__in=PlanMeasure.OPEN_STATUSES).exists()
        for contract in case.contracts.all():
            if contract.ends_on >= case.closed_at:
                assert contract.terminated_at == case.closed_at
        if case.close_reason == SupportCase.CloseReason.AGE_23:
            assert case.graduate.age_on(case.closed_at) >= 23
    for case in SupportCase.objects.filter(status=Status.REFUSED):
        assert case.close_reason == SupportCase.CloseReason.REFUSAL and case.closed_at


def test_the_journal_covers_the_year_within_each_case(demo, today):
    entries = JournalEntry.objects.select_related("case", "measure__plan")
    assert entries.filter(date__lt=today - dt.timedelta(days=300)).exists()
    assert not entries.filter(date__lt=today - dt.timedelta(days=366)).exists()
    for entry in entries:
        assert entry.graduate_id == entry.case.graduate_id
        assert entry.case.identified_at <= entry.date <= (entry.case.closed_at or today)
        assert entry.text
        if entry.measure_id:
            assert entry.measure.plan.case_id == entry.case_id
    assert len(set(entries.values_list("kind", flat=True))) >= 6
    # Roughly 2–6 contacts a month on support, more at the intensive level.
    active = SupportCase.objects.filter(status=Status.ACTIVE, activated_at__lte=today - dt.timedelta(days=365))
    per_case = JournalEntry.objects.filter(case__in=active).count() / max(active.count(), 1)
    assert 18 <= per_case <= 60


def test_the_staff_carries_the_open_cases(demo):
    for case in SupportCase.objects.open().exclude(specialist=None).select_related("specialist", "graduate"):
        assert case.specialist.service_id == case.graduate.service_id
    generated = User.objects.filter(username__startswith="spec0") | User.objects.filter(username__startswith="spec1")
    assert generated.exists()
    assert not any(u.has_usable_password() for u in generated)


def test_two_transfers_are_pending_one_to_service_2_in_time_one_overdue(demo, today):
    pending = Transfer.objects.filter(status=Transfer.Status.PENDING).select_related("to_service", "graduate")
    assert pending.count() == 2
    service2 = User.objects.get(username="specialist2").service
    [to_2] = [t for t in pending if t.to_service == service2]
    assert not to_2.notice_overdue(today)
    assert (to_2.started_at, to_2.notice_due) == (today, today + dt.timedelta(days=3))
    [overdue] = [t for t in pending if t.notice_overdue(today)]
    assert overdue.notice_due == today - dt.timedelta(days=3)
    for transfer in pending:
        assert transfer.case.specialist.username == "specialist1"
        assert transfer.graduate.incoming_service == transfer.to_service
        assert transfer.case.status == Status.ACTIVE
        assert transfer.notice["full_name"] == transfer.graduate.full_name
    assert Graduate.objects.exclude(incoming_service=None).count() == 2


def test_loading_again_adds_nothing(demo):
    before = {model.__name__: model.objects.count() for model in MODELS}
    out = io.StringIO()
    call_command("load_demo", graduates=GRADUATES, stdout=out)
    assert {model.__name__: model.objects.count() for model in MODELS} == before
    assert "уже загружены" in out.getvalue()


def test_the_demo_cases_go_on_through_the_services(demo, today):
    """What a demo user does next works: accept the transfer, renew, review the plan, change the level, close."""
    specialist1 = User.objects.get(username="specialist1")
    specialist2 = User.objects.get(username="specialist2")
    transfer = Transfer.objects.get(status=Transfer.Status.PENDING, to_service=specialist2.service)
    services.accept_transfer(transfer, actor=specialist2)
    transfer.graduate.refresh_from_db()
    assert transfer.graduate.service == specialist2.service

    expiring = Contract.objects.filter(
        case__status=Status.ACTIVE, renewal__isnull=True, terminated_at=None, ends_on__gte=today
    ).order_by("ends_on")[0]
    renewal = services.renew_contract(expiring, actor=expiring.created_by, signed_at=today)
    assert renewal.number == f"{renewal.sequence}/{today.year}"

    case = SupportCase.objects.filter(status=Status.ACTIVE, specialist=specialist1).exclude(pk=transfer.case_id)[0]
    plan = services.create_plan(case, actor=specialist1, review_reason="Пересмотр на консилиуме")
    assert plan.version == case.plans.count()
    services.add_journal_entry(case, actor=specialist1, kind=JournalEntry.Kind.PHONE, text="Созвонились")
    other = next(
        level
        for level in SupportLevel.objects.filter(region=case.graduate.service.region)
        if level != case.level_on(today)
    )
    services.change_level(case, other, actor=specialist1, reason="Решение консилиума")
    services.close_case(case, actor=specialist1, reason="adapted", report="Цели плана достигнуты.")
    assert not PlanMeasure.objects.filter(plan__case=case, status__in=PlanMeasure.OPEN_STATUSES).exists()
