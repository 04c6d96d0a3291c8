"""The summary card of a service and a quarter (сводная карта оценки жизненной ситуации, issue 8, point 6).

The page shows the rows a page at a time and the per-domain counts over all of them; the XLSX
export writes the same table with the filter at the top. Both are scoped views over the
assessments: the rows come from ``Assessment.objects.restrict(user)``, the service from
:func:`opora.assessment.summary.summary_services` (own service; the regional centre: any of its
region) — another service is a 404, as a service that does not exist. Every row shown or
exported is written to the audit log as read.
"""

from __future__ import annotations

import io
from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from opora.assessment.models import Assessment
from opora.assessment.summary import SummaryFilter, build_summary, rows_with_cells, summary_services
from opora.core.models import AuditEvent
from opora.core.views import ScopedView

PAGE_SIZE = 50
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SummaryView(ScopedView):
    """/assessment/summary/?service=&year=&quarter=: the card, paginated rows, counts over all rows."""

    model = Assessment

    def summary(self, request):
        """The checked filter and its summary; (form, None) when the filter is refused."""
        form = SummaryFilter(request.GET, user=request.user)
        if not form.is_valid():
            return form, None
        service = form.service_or_404()
        return form, build_summary(request.user, service, form.cleaned_data["year"], form.cleaned_data["quarter"])

    def get(self, request):
        form, summary = self.summary(request)
        context = {"form": form, "services": list(summary_services(request.user)), "quarters": (1, 2, 3, 4)}
        if summary is None:
            return render(request, "assessment/summary_card.html", context, status=400)
        page = self.paginate(summary.visible, PAGE_SIZE)
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            summary=summary,
            page=page,
            rows=rows_with_cells(page.object_list, summary.domains),
            query=query.urlencode(),
            filter_query={"service": summary.service.pk, "year": summary.year, "quarter": summary.quarter},
        )
        return render(request, "assessment/summary_card.html", context)


class SummaryExportView(SummaryView):
    """The same card as an .xlsx file: the filter at the top, Russian headers, frozen header, widths."""

    read_action = AuditEvent.Action.EXPORT

    def get(self, request):
        form, summary = self.summary(request)
        if summary is None:
            return render(request, "assessment/summary_card.html", {"form": form}, status=400)
        assessments = list(summary.visible)
        self.shown(Assessment, [a.pk for a in assessments])
        content = workbook(summary, rows_with_cells(assessments, summary.domains), request.user)
        name = _("Сводная карта %(service)s %(quarter)s кв %(year)s.xlsx") % {
            "service": summary.service.display_name,
            "quarter": summary.quarter,
            "year": summary.year,
        }
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        ascii_name = f"summary-{summary.service.pk}-{summary.year}-q{summary.quarter}.xlsx"
        response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
        response["Cache-Control"] = "private, no-store"
        return response

    def _write_read_audit(self, audit) -> None:
        # An export of personal data, not a list seen on screen.
        for model, ids in self._shown.items():
            audit.record_list_read(self.request, model, ids, action=AuditEvent.Action.EXPORT)


# The rows above the table: title, service, quarter, when and who exported; then an empty line.
HEADER_ROW = 6


def workbook(summary, rows: list[dict], user) -> bytes:
    """The summary card as an .xlsx: per domain two columns (score, difficulties found), counts at the bottom."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Сводная карта")
    bold = Font(bold=True)
    now = timezone.localtime()
    sheet["A1"] = _("Сводная карта оценки жизненной ситуации")
    sheet["A1"].font = Font(bold=True, size=14)
    filter_rows = [
        (_("Служба"), summary.service.name),
        (_("Период"), summary.period),
        (_("Выгружено"), _("%(date)s, %(who)s") % {"date": f"{now:%d.%m.%Y %H:%M}", "who": str(user)}),
    ]
    for i, (label, value) in enumerate(filter_rows, start=2):
        sheet.cell(row=i, column=1, value=label).font = bold
        sheet.cell(row=i, column=2, value=value)
    if summary.hidden_rows:
        sheet.cell(
            row=5,
            column=1,
            value=_("В итогах учтены ещё выпускники, переданные в другую службу (без имён): %(n)s")
            % {"n": summary.hidden_rows},
        )
    headers = [_("№"), _("Выпускник"), _("Дата оценки"), _("Вид оценки")]
    for domain in summary.domains:
        headers += [
            _("%(domain)s: оценка") % {"domain": domain.name},
            _("%(domain)s: трудности") % {"domain": domain.name},
        ]
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=text)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    wrap = Alignment(wrap_text=True, vertical="top")
    row_no = HEADER_ROW
    for number, row in enumerate(rows, start=1):
        row_no += 1
        assessment = row["assessment"]
        values = [number, row["graduate"].full_name, assessment.assessed_on, assessment.get_kind_display()]
        for cell in row["cells"]:
            values += [cell["severity"], "; ".join(cell["difficulties"])]
        for column, value in enumerate(values, start=1):
            target = sheet.cell(row=row_no, column=column, value=value)
            target.alignment = wrap
            if column == 3:
                target.number_format = "DD.MM.YYYY"
    totals = [
        (_("Выпускников с оценкой 1 и выше"), "with_difficulties"),
        (_("Выявлено трудностей (новые и сохраняющиеся)"), "found"),
        (_("Из них выявлено впервые"), "new"),
        (_("Средняя оценка"), "mean"),
    ]
    row_no += 1
    sheet.cell(row=row_no, column=2, value=_("Всего выпускников: %(n)s") % {"n": summary.total_rows}).font = bold
    for label, key in totals:
        row_no += 1
        sheet.cell(row=row_no, column=2, value=label).font = bold
        for i, total in enumerate(summary.totals):
            sheet.cell(row=row_no, column=5 + 2 * i, value=getattr(total, key)).font = bold
    widths = [5, 36, 12, 16] + [10, 40] * len(summary.domains)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=3)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


urlpatterns = [
    path("assessment/summary/", SummaryView.as_view(), name="summary"),
    path("assessment/summary/xlsx/", SummaryExportView.as_view(), name="summary_xlsx"),
]
