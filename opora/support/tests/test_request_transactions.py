"""Transactions per request: a write is all or nothing; a read holds no transaction, and its audit
rows are written in a short one before the response leaves — or the user gets an error, not the data."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import DatabaseError, connection
from django.urls import reverse
from django.utils.module_loading import import_string
from rest_framework import exceptions

from opora.core import views as core_views
from opora.core.models import AuditEvent, AuditSubject
from opora.support.api import JournalViewSet
from opora.support.models import JournalEntry
from opora.support.views import journal as journal_views

pytestmark = pytest.mark.usefixtures("support_region")


def journal_tab(graduate) -> str:
    return reverse("support:journal", kwargs={"pk": graduate.pk})


def test_the_write_transaction_middleware_wraps_the_view_last():
    """It calls the view itself, so no middleware after it may need its own process_view."""
    names = django_settings.MIDDLEWARE
    position = names.index("opora.core.middleware.AtomicWritesMiddleware")
    assert all(not hasattr(import_string(name), "process_view") for name in names[position + 1 :])
    # Refusals are audited after the view's transaction is rolled back, so from outside it.
    assert names.index("opora.core.middleware.AccessDeniedAuditMiddleware") < position
    assert django_settings.DATABASES["default"]["ATOMIC_REQUESTS"] is False


def test_a_page_that_fails_after_writing_keeps_nothing_of_the_write(client, login, specialist, active_case):
    client = login(specialist)
    client.raise_request_exception = False
    created_before = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).count()
    with mock.patch.object(journal_views.messages, "success", side_effect=RuntimeError("сбой после записи")):
        response = client.post(journal_tab(active_case.graduate), {"kind": "meeting", "text": "Встреча в общежитии"})

    assert response.status_code == 500
    assert not JournalEntry.objects.filter(text="Встреча в общежитии").exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).count() == created_before


def test_an_api_write_answered_with_an_error_keeps_nothing_of_the_write(login, specialist, active_case):
    api = login(specialist)
    refusal = exceptions.ValidationError({"text": ["Отказ после записи"]})
    with mock.patch.object(JournalViewSet, "output", side_effect=refusal):
        response = api.post(
            "/api/v1/journal/",
            json.dumps({"case": active_case.pk, "kind": "phone", "text": "Позвонила, договорились о встрече"}),
            content_type="application/json",
        )

    assert response.status_code == 400
    assert response.json()["text"] == ["Отказ после записи"]
    assert not JournalEntry.objects.filter(text="Позвонила, договорились о встрече").exists()


def test_a_successful_write_is_kept_with_its_audit(login, specialist, active_case):
    created_before = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).count()

    response = login(specialist).post(journal_tab(active_case.graduate), {"kind": "meeting", "text": "Встреча"})

    assert response.status_code == 302
    assert JournalEntry.objects.filter(text="Встреча").exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).count() == created_before + 1


@pytest.mark.django_db(transaction=True)
def test_a_read_renders_outside_a_transaction_and_audits_in_a_short_one(login, specialist, active_case):
    """Nothing holds the write lock while a page queries and renders; the audit insert runs in one."""
    seen = {}
    render = core_views.ScopedView._audit_reads
    create = AuditEvent.objects.create

    def audit_reads(view):
        seen["while rendering"] = connection.in_atomic_block
        return render(view)

    def create_event(**fields):
        seen["audit insert"] = connection.in_atomic_block
        return create(**fields)

    client = login(specialist)
    with (
        mock.patch.object(core_views.ScopedView, "_audit_reads", autospec=True, side_effect=audit_reads),
        mock.patch.object(AuditEvent.objects, "create", side_effect=create_event),
    ):
        response = client.get(journal_tab(active_case.graduate))

    assert response.status_code == 200
    assert seen == {"while rendering": False, "audit insert": True}
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, path=journal_tab(active_case.graduate))
    assert AuditSubject.objects.filter(event=event, person_id=active_case.graduate_id).exists()


@pytest.mark.parametrize("kind", ["page", "api"])
def test_when_the_audit_cannot_be_written_the_user_gets_an_error_not_the_data(
    kind, client, login, specialist, graduate
):
    client = login(specialist)
    client.raise_request_exception = False
    url = (
        reverse("registry:detail", kwargs={"pk": graduate.pk})
        if kind == "page"
        else f"/api/v1/graduates/{graduate.pk}/"
    )
    with mock.patch.object(AuditEvent.objects, "create", side_effect=DatabaseError("database is locked")):
        response = client.get(url)

    assert response.status_code == 500
    assert graduate.last_name not in response.content.decode()
    assert graduate.snils not in response.content.decode()
