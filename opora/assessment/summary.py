"""The summary card of a service and a quarter (сводная карта оценки жизненной ситуации, seed 003; issue 8, point 6).

Rows: the graduates the service assessed in the quarter, each by their current assessment of
that service and quarter (the latest when there are several — a quarterly and an
extraordinary one; a corrected original is replaced by its correction and counts once).
Columns: the region's domains; a cell is the specialist's score and the difficulties found.
The bottom rows, per domain: how many graduates scored 1 or worse, how many difficulties were
found (new and persisting) and how many of them are new, and the mean score — computed by the
database over all the rows, not over a page.

The service is the one that **made** the assessment (``Assessment.service``): a graduate who
moved since is counted where they were assessed. The counts are the service's own figures;
the rows name only the graduates the user may see (a graduate handed over to another service
since is counted, not named, and the page says how many such rows there are).

The filter (service, year, quarter) is checked by :class:`SummaryFilter` — the page, the XLSX
export and the API share it — and :func:`check_quarter` (a quarter that has not begun has no
assessments to sum).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opora.assessment.models import Assessment, AssessmentDifficulty, AssessmentDomain, quarter_of
from opora.core.access import reach
from opora.core.errors import DomainError
from opora.core.filters import IntegerField
from opora.core.validators import EARLIEST, MAX_ID
from opora.org.models import Service
from opora.support.models import Domain

FOUND = AssessmentDifficulty.FOUND
NEW = AssessmentDifficulty.Status.NEW


def check_quarter(year: int, quarter: int, *, today: dt.date | None = None) -> tuple[int, int]:
    """A quarter the summary can be made for: from :data:`EARLIEST` to the current quarter."""
    today = today or timezone.localdate()
    if not 1 <= quarter <= 4:
        raise DomainError(_("Квартал — число от 1 до 4."), field="quarter")
    if year < EARLIEST.year:
        raise DomainError(_("Год не может быть раньше %(year)s.") % {"year": EARLIEST.year}, field="year")
    if (year, quarter) > quarter_of(today):
        raise DomainError(_("Этот квартал ещё не наступил."), field="quarter")
    return year, quarter


def summary_services(user) -> QuerySet[Service]:
    """The services whose summary ``user`` may see: their own; the regional centre — every service of its region."""
    how = reach(user, "view")
    if how is None:
        return Service.objects.none()
    if how == "region":
        return Service.objects.filter(region_id=user.service.region_id).order_by("name")
    return Service.objects.filter(pk=user.service_id)


class SummaryFilter(forms.Form):
    """``service``, ``year``, ``quarter``: defaults — the user's service and the current quarter.

    A malformed value is a 400 with the reason at the field; a service the user may not see
    (or one that does not exist) is a 404 (:meth:`service_or_404`).
    """

    service = IntegerField(label=gettext_lazy("Служба"), required=False, min_value=1, max_value=MAX_ID)
    year = IntegerField(label=gettext_lazy("Год"), required=False, min_value=EARLIEST.year, max_value=9999)
    quarter = IntegerField(label=gettext_lazy("Квартал"), required=False, min_value=1, max_value=4)

    def __init__(self, data, *, user):
        self.user = user
        super().__init__({k: data.get(k) for k in ("service", "year", "quarter") if data.get(k) not in (None, "")})

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        current_year, current_quarter = quarter_of(timezone.localdate())
        year = cleaned.get("year") or current_year
        quarter = cleaned.get("quarter") or (current_quarter if year == current_year else 4)
        try:
            cleaned["year"], cleaned["quarter"] = check_quarter(year, quarter)
        except DomainError as err:
            self.add_error(err.field, err.message)
        return cleaned

    def service_or_404(self) -> Service:
        pk = self.cleaned_data.get("service") or self.user.service_id
        service = summary_services(self.user).select_related("region").filter(pk=pk).first()
        if service is None:
            raise Http404
        return service

    def messages(self) -> dict[str, list[str]]:
        return {field: [str(m) for m in errors] for field, errors in self.errors.items()}


def assessments_of(service: Service, year: int, quarter: int) -> QuerySet[Assessment]:
    """The rows of the summary: per graduate the latest current assessment the service made in the quarter."""
    mine = Assessment.objects.current().filter(service=service, year=year, quarter=quarter)
    later = mine.filter(graduate=OuterRef("graduate")).filter(
        Q(assessed_on__gt=OuterRef("assessed_on")) | Q(assessed_on=OuterRef("assessed_on"), pk__gt=OuterRef("pk"))
    )
    return mine.filter(~Exists(later))


@dataclass
class DomainTotals:
    domain: Domain
    assessed: int = 0
    with_difficulties: int = 0  # graduates scored 1 or worse
    found: int = 0  # difficulties found: new and persisting
    new: int = 0
    mean: float | None = None


def domain_totals(assessments: QuerySet[Assessment], domains: list[Domain]) -> list[DomainTotals]:
    """Per domain, over every row of the summary: two aggregate queries, whatever the number of rows."""
    scores = {
        row["domain"]: row
        for row in AssessmentDomain.objects.filter(assessment__in=assessments)
        .values("domain")
        .annotate(assessed=Count("id"), with_difficulties=Count("id", filter=Q(severity__gte=1)), mean=Avg("severity"))
        .order_by()
    }
    found = {
        row["domain"]: row
        for row in AssessmentDifficulty.objects.filter(assessment__in=assessments)
        .values("domain")
        .annotate(found=Count("id", filter=Q(status__in=FOUND)), new=Count("id", filter=Q(status=NEW)))
        .order_by()
    }
    out = []
    for domain in domains:
        s, f = scores.get(domain.pk, {}), found.get(domain.pk, {})
        mean = s.get("mean")
        out.append(
            DomainTotals(
                domain=domain,
                assessed=s.get("assessed", 0),
                with_difficulties=s.get("with_difficulties", 0),
                found=f.get("found", 0),
                new=f.get("new", 0),
                mean=round(float(mean), 2) if mean is not None else None,
            )
        )
    return out


def summary_domains(service: Service, assessments: QuerySet[Assessment]) -> list[Domain]:
    """The region's active domains and any other that a row scored (retired since)."""
    used = AssessmentDomain.objects.filter(assessment__in=assessments).values("domain")
    return list(
        Domain.objects.filter(region_id=service.region_id)
        .filter(Q(is_active=True) | Q(pk__in=used))
        .order_by("order", "name", "id")
    )


def rows_with_cells(assessments, domains: list[Domain]) -> list[dict]:
    """The cell matrix of some rows (a page, or all of them for the export): three queries for any number.

    ``assessments`` is an ordered queryset (or a list of its rows already fetched with
    :func:`with_details`).
    """
    rows = []
    for assessment in assessments:
        scores = {d.domain_id: d.severity for d in assessment.domains.all()}
        found: dict[int, list[str]] = {}
        for difficulty in assessment.difficulties.all():
            found.setdefault(difficulty.domain_id, []).append(difficulty.label)
        rows.append(
            {
                "assessment": assessment,
                "graduate": assessment.graduate,
                "cells": [
                    {"domain": d, "severity": scores.get(d.pk), "difficulties": found.get(d.pk, [])} for d in domains
                ],
            }
        )
    return rows


def with_details(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """The rows in the order of the card (by the graduate's name), with their scores and found difficulties."""
    return (
        assessments.select_related("graduate")
        .prefetch_related(
            Prefetch("domains", queryset=AssessmentDomain.objects.only("assessment_id", "domain_id", "severity")),
            Prefetch(
                "difficulties",
                queryset=AssessmentDifficulty.objects.filter(status__in=FOUND)
                .select_related("difficulty_type")
                .order_by("id"),
            ),
        )
        .order_by("graduate__last_name", "graduate__first_name", "graduate__patronymic", "graduate_id")
    )


@dataclass
class Summary:
    """Everything the page, the export and the API show of one service's quarter."""

    service: Service
    year: int
    quarter: int
    domains: list[Domain]
    totals: list[DomainTotals]
    total_rows: int  # every graduate the service assessed in the quarter
    visible: QuerySet[Assessment]  # the rows the user may see, with their details, in order

    @property
    def hidden_rows(self) -> int:
        return self.total_rows - self.visible_count

    @property
    def visible_count(self) -> int:
        if not hasattr(self, "_visible_count"):
            self._visible_count = self.visible.count()
        return self._visible_count

    @property
    def period(self) -> str:
        return _("%(quarter)s квартал %(year)s г.") % {"quarter": self.quarter, "year": self.year}


def build_summary(user, service: Service, year: int, quarter: int) -> Summary:
    """The summary of ``service`` for the quarter as ``user`` sees it (the service already checked)."""
    assessments = assessments_of(service, year, quarter)
    domains = summary_domains(service, assessments)
    return Summary(
        service=service,
        year=year,
        quarter=quarter,
        domains=domains,
        totals=domain_totals(assessments, domains),
        total_rows=assessments.count(),
        visible=with_details(assessments.restrict(user, "view")),
    )
