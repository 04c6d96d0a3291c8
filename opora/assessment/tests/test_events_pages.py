"""The «События» tab: record a life event from the card (phone-friendly form), see the task it set,
cancel a task with a reason after a confirmation; bad input is a 400 at the field."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from opora.assessment.models import AssessmentTask, LifeEvent
from opora.assessment.tests.rhythm_factories import on_support, open_task
from opora.core.models import AuditEvent


@pytest.fixture
def supported(levels, graduate, today, specialist):
    return on_support(graduate, today - dt.timedelta(days=200), specialist=specialist)


def tab(graduate) -> str:
    return reverse("assessment:events", kwargs={"pk": graduate.pk})


def test_the_card_has_an_events_tab(login, specialist, supported):
    body = login(specialist).get(reverse("registry:detail", args=[supported.graduate_id])).content.decode()

    assert f'href="{tab(supported.graduate)}"' in body
    assert "События" in body


def test_a_specialist_records_an_event_and_sees_the_task_it_set(login, specialist, supported, today):
    client = login(specialist)
    occurred = today - dt.timedelta(days=2)

    response = client.post(
        tab(supported.graduate),
        {"kind": "expelled", "occurred_on": occurred.strftime("%d.%m.%Y"), "note": "Отчислен за неуспеваемость"},
        follow=True,
    )

    assert response.status_code == 200
    body = response.content.decode()
    due = (occurred + dt.timedelta(days=14)).strftime("%d.%m.%Y")
    assert f"Назначена внеочередная оценка — до {due}." in body
    assert "Отчислен из учебного заведения" in body
    assert f"Оценить до {due}" in body
    task = AssessmentTask.objects.get()
    assert task.status == AssessmentTask.Status.OPEN
    # The task leads to the assessment form, set to an extraordinary assessment.
    link = re.search(rf'href="([^"]+)" id="task-{task.pk}-assess"', body).group(1)
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert re.search(r'<option value="extraordinary" selected>', form)


def test_a_date_in_the_future_is_refused_at_the_field(login, specialist, supported, today):
    response = login(specialist).post(
        tab(supported.graduate),
        {"kind": "job_lost", "occurred_on": (today + dt.timedelta(days=1)).strftime("%d.%m.%Y")},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["occurred_on"] == ["Дата не может быть в будущем."]
    assert not LifeEvent.objects.exists()


def test_the_regional_centre_may_record_an_event_in_its_region(login, regional, supported):
    response = login(regional).get(tab(supported.graduate))

    assert response.status_code == 200
    assert 'id="event-form"' in response.content.decode()


def test_the_tab_read_is_audited(login, specialist, supported):
    login(specialist).get(tab(supported.graduate))

    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert event.object_id == str(supported.graduate_id)


def test_cancelling_asks_for_a_reason_and_confirmation(login, specialist, supported, today):
    task = open_task(supported.graduate, today + dt.timedelta(days=5))
    url = reverse("assessment:task_cancel", kwargs={"pk": supported.graduate_id, "task_pk": task.pk})
    client = login(specialist)

    page = client.get(url)
    empty = client.post(url, {"reason": "", "revision": task.revision})
    done = client.post(url, {"reason": "Событие не подтвердилось", "revision": task.revision})

    assert 'data-confirm="Отменить задачу внеочередной оценки?"' in page.content.decode()
    assert empty.status_code == 400
    assert "Укажите причину отмены." in empty.content.decode()
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == AssessmentTask.Status.CANCELLED
    assert task.cancel_reason == "Событие не подтвердилось"


def test_a_cancel_from_a_stale_page_shows_the_other_change(login, specialist, coordinator, supported, today):
    task = open_task(supported.graduate, today + dt.timedelta(days=5))
    url = reverse("assessment:task_cancel", kwargs={"pk": supported.graduate_id, "task_pk": task.pk})
    login(coordinator).post(url, {"reason": "Не нужна", "revision": 1})

    response = login(specialist).post(url, {"reason": "Тоже не нужна", "revision": 1})

    assert response.status_code == 409
    assert "Запись уже изменил" in response.content.decode()
    assert AssessmentTask.objects.get().cancel_reason == "Не нужна"


def test_the_tab_takes_as_many_queries_for_many_events_as_for_few(
    login, specialist, supported, today, django_assert_max_num_queries
):
    client = login(specialist)
    open_task(supported.graduate, today)
    client.get(tab(supported.graduate))
    with django_assert_max_num_queries(40) as few:
        client.get(tab(supported.graduate))
    for n in range(6):
        open_task(supported.graduate, today - dt.timedelta(days=n + 1), status=AssessmentTask.Status.DONE)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(tab(supported.graduate)).status_code == 200
