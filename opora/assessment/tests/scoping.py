"""The assessment records the scoping matrix (opora/core/tests/test_scoping_matrix.py) reaches the
«Оценка» pages and the assessment API through.

``assessment_history(graduate)`` gives a graduate (once) the support history of
``opora/support/tests/scoping.py`` and, written directly, an assessment of the current quarter
with one domain and a difficulty, and a monitoring. ``assessment_url_kwargs(kind, graduate_pk)``
builds the URL keyword arguments of a page naming such a record; a missing graduate gets missing ids.
"""

from __future__ import annotations

from django.utils import timezone

from opora.assessment.models import Assessment, AssessmentDifficulty, AssessmentDomain, Monitoring, half_of, quarter_of
from opora.registry.models import Graduate
from opora.support.models import Domain, SupportCase
from opora.support.tests.scoping import MISSING_PK, support_history

URL_KWARG = {"assessment": "assessment_pk"}


def assessment_history(graduate: Graduate) -> dict[str, int]:
    support_history(graduate)
    case = SupportCase.objects.filter(graduate=graduate).first()
    assessment = Assessment.objects.filter(graduate=graduate).first()
    if assessment is None:
        today = timezone.localdate()
        year, quarter = quarter_of(today)
        assessment = Assessment.objects.create(
            graduate=graduate,
            case=case,
            service=graduate.service,
            assessed_on=today,
            year=year,
            quarter=quarter,
            conclusion="Заключение",
        )
        domain = Domain.objects.filter(region=graduate.service.region).order_by("order").first()
        AssessmentDomain.objects.create(assessment=assessment, domain=domain, severity=2, reason="Причина")
        AssessmentDifficulty.objects.create(
            assessment=assessment, domain=domain, text="Трудность", key="x:трудность", status="new"
        )
        year, half = half_of(today)
        Monitoring.objects.create(
            graduate=graduate,
            case=case,
            service=graduate.service,
            monitored_on=today,
            year=year,
            half=half,
            outcome=Monitoring.Outcome.PARTIAL,
            **{name: "Описание" for name in Monitoring.INDICATORS},
        )
    return {
        "assessment": assessment.pk,
        "monitoring": Monitoring.objects.filter(graduate=graduate).values_list("pk", flat=True).first(),
    }


def assessment_fingerprint(graduate: Graduate) -> tuple:
    """What a request leaking through the scope would change of the graduate's assessments."""
    return (
        tuple(Assessment.objects.filter(graduate=graduate).values_list("pk", "replaced_by_id", "revision")),
        tuple(Monitoring.objects.filter(graduate=graduate).values_list("pk", "revision")),
        AssessmentDifficulty.objects.filter(assessment__graduate=graduate).count(),
    )


def assessment_url_kwargs(kind: str, graduate_pk: int) -> dict[str, int]:
    graduate = Graduate.objects.filter(pk=graduate_pk).select_related("service__region").first()
    if kind == "object":
        if graduate is not None:
            assessment_history(graduate)
        return {"pk": graduate_pk}
    record_pk = assessment_history(graduate)[kind] if graduate is not None else MISSING_PK
    return {"pk": graduate_pk, URL_KWARG[kind]: record_pk}
