"""The history and the audit log in plain words: file names not paths, no revision markers, lists and
flags rendered; the person's name beside «выпускник №N» (only for those the viewer may see); filters
by person and «только отказы в доступе», with bad values refused as a 400; a fixed query cost."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opora.core import audit
from opora.core.models import AuditEvent
from opora.registry import services
from opora.registry.models import Graduate, VulnerableCategory

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
RAW = re.compile(r"\b(True|False|None)\b|\d{4}-\d{2}-\d{2}|photos/|_rev:|\['")
AUDIT_BUDGET = 16


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def changed(graduate, specialist):
    """A change with a photo, a date, a flag and a list of categories."""
    categories = [
        VulnerableCategory.objects.create(code="housing", name="Жилищные проблемы", order=1),
        VulnerableCategory.objects.create(code="parents", name="Молодые родители", order=2),
    ]
    services.update_graduate(
        Graduate.objects.get(pk=graduate.pk),
        actor=specialist,
        data={
            "photo_portrait": SimpleUploadedFile("portret.png", PNG, "image/png"),
            "left_at": dt.date(2024, 6, 30),
            "housing_on_list": True,
        },
        vulnerable_categories=categories,
    )
    return graduate


def table(body: str, marker: str) -> str:
    return body.split(marker, 1)[1].split("</table>", 1)[0]


@pytest.mark.parametrize(("url", "marker"), [("registry:history", 'id="history"'), ("audit", "<tbody>")])
def test_files_flags_dates_and_lists_read_as_words(login, coordinator, changed, url, marker):
    args = [changed.pk] if url == "registry:history" else []

    rows = table(login(coordinator).get(reverse(url, args=args)).content.decode(), marker)

    assert RAW.search(rows) is None, RAW.search(rows)
    assert "portret" in rows and ".png" in rows
    assert "30.06.2024" in rows
    assert "Жилищные проблемы, Молодые родители" in rows
    assert "да" in rows


def test_older_entries_with_python_lists_and_flag_words_read_as_words(login, coordinator, graduate):
    audit.record(
        AuditEvent.Action.UPDATE,
        actor=coordinator,
        obj=graduate,
        changes={
            "vulnerable_categories": ["[]", "['Молодые родители', 'Жилищные проблемы']"],
            "is_pregnant": ["False", "True"],
        },
    )

    rows = table(login(coordinator).get(reverse("audit")).content.decode(), "<tbody>")

    assert "Молодые родители, Жилищные проблемы" in rows
    assert "нет" in rows and "да" in rows
    assert RAW.search(rows) is None, RAW.search(rows)


def test_the_audit_log_names_the_person_beside_the_number(login, coordinator, specialist, graduate):
    login(specialist).get(reverse("registry:detail", args=[graduate.pk]))

    body = login(coordinator).get(reverse("audit")).content.decode()

    assert f"{graduate.full_name}</a>, выпускник №{graduate.pk}</td>" in body
    assert f'href="?person={graduate.pk}"' in body


def test_showing_the_names_is_itself_an_audited_read(login, coordinator, specialist, graduate):
    login(specialist).get(reverse("registry:detail", args=[graduate.pk]))

    login(coordinator).get(reverse("audit"))

    read = AuditEvent.objects.filter(action=AuditEvent.Action.LIST, actor=coordinator).latest("id")
    assert read.record_ids == [graduate.pk]
    assert read.path == reverse("audit")


def test_a_person_the_viewer_may_no_longer_see_is_only_a_number(
    login, coordinator, specialist, graduate, other_service
):
    audit.record(AuditEvent.Action.VIEW, actor=specialist, obj=graduate)
    # Filed under this service, about a record that has since moved to another service.
    Graduate.objects.filter(pk=graduate.pk).update(service=other_service)

    body = login(coordinator).get(reverse("audit")).content.decode()

    assert graduate.last_name not in body
    assert f"выпускник №{graduate.pk}</td>" in body


def test_a_list_read_names_its_first_people_and_counts_the_rest(login, coordinator, make_graduate, service):
    people = [make_graduate(service, last_name=f"Фамилия{i}") for i in range(5)]
    request = type("R", (), {"user": coordinator, "META": {}, "path": "/graduates/"})()
    audit.record_list_read(request, Graduate, [p.pk for p in people])

    body = login(coordinator).get(reverse("audit")).content.decode()

    assert "и ещё 2" in body
    assert sum(p.last_name in body for p in people) == 3


def test_the_audit_log_filters_by_person_number_or_name(
    login, coordinator, specialist, graduate, make_graduate, service
):
    other = make_graduate(service, last_name="Орлова", first_name="Ольга")
    client = login(specialist)
    client.get(reverse("registry:detail", args=[graduate.pk]))
    client.get(reverse("registry:detail", args=[other.pk]))
    coord = login(coordinator)

    by_number = coord.get(reverse("audit"), {"person": f"№{other.pk}", "action": "view"})
    by_name = coord.get(reverse("audit"), {"person": "орлова", "action": "view"})

    for response in (by_number, by_name):
        assert response.status_code == 200
        assert [e.object_id for e in response.context["page"]] == [str(other.pk)]


def test_only_refusals_of_access(login, coordinator, specialist, graduate, foreign_graduate):
    client = login(specialist)
    client.get(reverse("registry:detail", args=[graduate.pk]))
    client.get(reverse("registry:detail", args=[foreign_graduate.pk]))  # another service's: refused

    page = login(coordinator).get(reverse("audit"), {"show": "denied"})

    assert page.status_code == 200
    assert "Только отказы в доступе" in page.content.decode()
    actions = {e.action for e in page.context["page"]}
    assert actions == {AuditEvent.Action.ACCESS_DENIED}


@pytest.mark.parametrize(
    "query",
    [
        {"person": "99999999999999999999"},
        {"person": "0"},
        {"record": "abc"},
        {"record": "99999999999999999999"},
        {"date_from": "31.02.2026"},
        {"date_from": "10.03.2026", "date_to": "01.03.2026"},
        {"show": "everything"},
        {"action": "hack"},
    ],
)
def test_a_filter_value_that_makes_no_sense_is_a_400_in_russian(login, coordinator, graduate, query):
    audit.record(AuditEvent.Action.VIEW, actor=coordinator, obj=graduate)

    response = login(coordinator).get(reverse("audit"), query)

    assert response.status_code == 400
    body = response.content.decode()
    assert "Фильтр не применён: исправьте отмеченные поля." in body
    assert list(response.context["page"]) == []


def test_the_audit_page_costs_the_same_for_five_events_or_fifty(
    client, coordinator, specialist, make_graduate, service, django_assert_max_num_queries
):
    client.force_login(coordinator)
    client.get(reverse("audit"))  # the session and the content types

    def cost(n: int) -> int:
        for i in range(n):
            graduate = make_graduate(service, last_name=f"Бюджет{i}")
            audit.record(AuditEvent.Action.UPDATE, actor=specialist, obj=graduate, changes={"housing": ["own", "none"]})
        with django_assert_max_num_queries(AUDIT_BUDGET) as captured:
            assert client.get(reverse("audit")).status_code == 200
        return len(captured)

    assert cost(5) == cost(45)
