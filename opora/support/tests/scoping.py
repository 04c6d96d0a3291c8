"""The support records the scoping matrix (opora/core/tests/test_scoping_matrix.py) reaches pages through.

``support_url_kwargs(sub, graduate_pk)`` gives the URL keyword arguments of a support page
whose URL names a support record (``sub``: case, contract, plan, measure, transfer, journal) of
``graduate_pk``. The first call for a graduate gives it a whole support history, written
directly (not through the services, so that nothing else about the graduate changes): an
active case with a contract and its scan, a level, a plan with a goal and a measure, a
journal entry and a pending transfer to a third service of the graduate's region
(``RECEIVER``), which therefore sees the graduate. A
missing graduate gets missing ids, so that «foreign» and «missing» answer alike.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from opora.org.models import Service
from opora.registry.models import Graduate
from opora.support import services
from opora.support.models import (
    Contract,
    Domain,
    JournalEntry,
    LevelChange,
    PlanGoal,
    PlanMeasure,
    SupportCase,
    SupportLevel,
    SupportPlan,
    Transfer,
)

MISSING_PK = 987654
# The service of the region every graduate's pending transfer goes to.
RECEIVER = "Служба для проверки передач"
URL_KWARG = {
    "case": "case_pk",
    "contract": "contract_pk",
    "plan": "plan_pk",
    "measure": "measure_pk",
    "transfer": "transfer_pk",
    "journal": "entry_pk",
}


def support_history(graduate: Graduate) -> dict[str, int]:
    """The ids of the graduate's support records, created on the first call."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=30)
    region = graduate.service.region
    services.setup_region(region)
    case = SupportCase.objects.filter(graduate=graduate).first()
    if case is None:
        case = SupportCase.objects.create(
            graduate=graduate,
            status=SupportCase.Status.ACTIVE,
            identified_at=start - dt.timedelta(days=10),
            contact_at=start - dt.timedelta(days=5),
            activated_at=start,
        )
        level = SupportLevel.objects.filter(region=region).order_by("order").first()
        contract = Contract(
            case=case,
            service=graduate.service,
            number=f"М-{graduate.pk}",
            year=start.year,
            signed_at=start,
            starts_on=start,
            ends_on=start + dt.timedelta(days=364),
            help_agreed="Помощь",
            graduate_obligations="Обязательства",
        )
        contract.scan.save("contract.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        contract.save()
        LevelChange.objects.create(case=case, level=level, effective_from=start, reason="Первичное определение")
        plan = SupportPlan.objects.create(
            case=case, version=1, level=level, starts_on=start, ends_on=start + dt.timedelta(days=90)
        )
        domain = Domain.objects.filter(region=region).order_by("order").first()
        goal = PlanGoal.objects.create(plan=plan, domain=domain, text="Цель")
        PlanMeasure.objects.create(
            plan=plan,
            goal=goal,
            domain=domain,
            text="Мероприятие",
            responsible=PlanMeasure.Responsible.SPECIALIST,
            deadline=start + dt.timedelta(days=60),
        )
        JournalEntry.objects.create(
            case=case, graduate=graduate, date=start, kind=JournalEntry.Kind.PHONE, text="Звонок"
        )
        receiver, _created = Service.objects.get_or_create(
            region=region, name=RECEIVER, defaults={"territory": graduate.service.territory}
        )
        Transfer.objects.create(
            case=case,
            graduate=graduate,
            from_service=graduate.service,
            to_service=receiver,
            moved_at=today,
            started_at=today,
            notice_due=today + dt.timedelta(days=Transfer.NOTICE_DAYS),
        )
        # As start_transfer does: the receiving service sees the graduate until it accepts or declines.
        Graduate.objects.filter(pk=graduate.pk).update(incoming_service=receiver)
    return {
        "case": case.pk,
        "contract": case.contracts.get().pk,
        "plan": case.plans.get().pk,
        "measure": PlanMeasure.objects.get(plan__case=case).pk,
        "transfer": case.transfers.get().pk,
        "journal": JournalEntry.all_objects.filter(case=case).order_by("pk").values_list("pk", flat=True).first(),
    }


def support_url_kwargs(sub: str, graduate_pk: int) -> dict[str, int]:
    graduate = Graduate.objects.filter(pk=graduate_pk).select_related("service__region").first()
    record_pk = support_history(graduate)[sub] if graduate is not None else MISSING_PK
    return {"pk": graduate_pk, URL_KWARG[sub]: record_pk}
