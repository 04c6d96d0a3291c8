"""The summary card as an .xlsx file, read back with openpyxl: the filter on top, headers, rows, counts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from opora.assessment.views.summary import HEADER_ROW
from opora.conftest import suite_today
from opora.core.models import AuditEvent

from .summary_data import third_quarter

URL = "assessment:summary_xlsx"


@pytest.fixture
def quarter(service, other_service, levels, make_graduate):
    return third_quarter(service, other_service, levels, make_graduate)


def _sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_the_export_writes_the_filter_the_headers_the_rows_and_the_counts(client, quarter, specialist, service):
    client.force_login(specialist)

    response = client.get(reverse(URL), {"year": 2026, "quarter": 3})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    sheet = _sheet(response)
    assert sheet["A1"].value == "Сводная карта оценки жизненной ситуации"
    assert (sheet["A2"].value, sheet["B2"].value) == ("Служба", service.name)
    assert (sheet["A3"].value, sheet["B3"].value) == ("Период", "3 квартал 2026 г.")
    assert sheet["A4"].value == "Выгружено" and "Тестова А." in sheet["B4"].value
    assert sheet["B4"].value.startswith(f"{suite_today():%d.%m.%Y}")
    assert "переданные в другую службу" in sheet["A5"].value
    headers = [c.value for c in sheet[HEADER_ROW]]
    assert headers[:6] == [
        "№",
        "Выпускник",
        "Дата оценки",
        "Вид оценки",
        "Правовой статус: оценка",
        "Правовой статус: трудности",
    ]
    assert headers[8:10] == ["Жильё: оценка", "Жильё: трудности"]
    assert sheet.freeze_panes == f"C{HEADER_ROW + 1}"
    assert sheet.column_dimensions["B"].width == 36

    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    people = [r for r in rows[:3]]
    assert [r[1] for r in people] == [
        "Борисова Алёна Сергеевна",
        "Васильева Алёна Сергеевна",
        "Иванова Алёна Сергеевна",
    ]
    ivanova = people[2]
    assert ivanova[2].date() == dt.date(2026, 8, 1)
    assert ivanova[8:10] == (3, "Нет жилья; Долг за коммунальные услуги")
    totals = {r[1]: r for r in rows[3:] if r[1]}
    assert totals["Всего выпускников: 4"]
    assert totals["Выпускников с оценкой 1 и выше"][8] == 4
    assert totals["Выявлено трудностей (новые и сохраняющиеся)"][8] == 4
    assert totals["Из них выявлено впервые"][8] == 3
    assert totals["Средняя оценка"][8] == 2.75
    assert totals["Средняя оценка"][6] == 0.25


def test_the_export_is_audited_as_an_export_of_the_rows(client, quarter, specialist):
    client.force_login(specialist)

    client.get(reverse(URL), {"year": 2026, "quarter": 3})

    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, actor=specialist)
    assert set(event.record_ids) == {a.pk for a in quarter["rows"]} - {quarter["moved"].pk}
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LIST).exists()


def test_a_bad_filter_exports_nothing(client, quarter, specialist):
    client.force_login(specialist)

    response = client.get(reverse(URL), {"quarter": "9"})

    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_another_services_export_is_a_404(client, quarter, specialist, other_service):
    client.force_login(specialist)

    response = client.get(reverse(URL), {"service": other_service.pk, "year": 2026, "quarter": 3})

    assert response.status_code == 404
