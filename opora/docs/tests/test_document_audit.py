"""Every download of a document is an export in the audit log; a refusal is an access denied."""

from __future__ import annotations

from django.urls import reverse

from opora.core.models import AuditEvent


def test_downloading_a_document_is_audited_as_an_export(login, specialist, contract):
    graduate = contract.case.graduate
    url = reverse("docs:contract", args=[graduate.pk, contract.pk])

    response = login(specialist).get(url, REMOTE_ADDR="10.0.0.7")

    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == specialist
    assert event.object_id == str(graduate.pk)
    assert event.service_id == graduate.service_id
    assert event.changes["document"] == "contract"
    assert event.ip_address == "10.0.0.7"
    assert event.path == url


def test_the_social_card_export_names_its_kind(login, specialist, semina):
    login(specialist).get(reverse("docs:social_card", args=[semina.pk]))

    assert AuditEvent.objects.get(action=AuditEvent.Action.EXPORT).changes == {"document": "social_card"}


def test_a_refused_download_is_audited_and_exports_nothing(login, other_specialist, semina):
    response = login(other_specialist).get(reverse("docs:social_card", args=[semina.pk]))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED, actor=other_specialist).exists()
