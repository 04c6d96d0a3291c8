"""A contract's scan follows its record: deleting the graduate removes it with everything under them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from opora.registry import services as registry
from opora.registry.models import Graduate
from opora.support import services
from opora.support.models import Contract
from opora.support.tests.conftest import HELP_AGREED, OBLIGATIONS, SUPPORTING, days_ago

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored(media: Path) -> set[str]:
    return {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()}


@pytest.fixture
def contract_with_scan(consented_graduate, specialist, levels, media) -> Contract:
    case = services.open_case(consented_graduate, actor=specialist, identified_at=days_ago(10))
    services.establish_contact(case, actor=specialist, on=days_ago(5))
    contract = services.sign_contract(
        case,
        actor=specialist,
        level=levels[SUPPORTING],
        signed_at=days_ago(1),
        help_agreed=HELP_AGREED,
        graduate_obligations=OBLIGATIONS,
        scan=ContentFile(PDF, name="contract.pdf"),
    )
    assert stored(media) == {contract.scan.name}
    return contract


def test_deleting_the_graduate_removes_the_contract_scan(
    login, coordinator, contract_with_scan, media, django_capture_on_commit_callbacks
):
    graduate = contract_with_scan.case.graduate

    with django_capture_on_commit_callbacks(execute=True):
        response = login(coordinator).post(
            reverse("registry:delete", args=[graduate.pk]), {"confirm_name": graduate.last_name}
        )

    assert response.status_code == 302
    assert not Contract.objects.exists()
    assert stored(media) == set()


def test_a_deletion_rolled_back_keeps_the_contract_scan(
    coordinator, contract_with_scan, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        registry.delete_graduate(contract_with_scan.case.graduate, actor=coordinator)
        raise RuntimeError("rolled back")

    assert Graduate.objects.exists()
    assert stored(media) == {contract_with_scan.scan.name}


def test_a_renewal_without_a_scan_leaves_the_old_contracts_scan_in_place(
    specialist, contract_with_scan, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.renew_contract(contract_with_scan, actor=specialist, signed_at=days_ago(0))

    assert stored(media) == {contract_with_scan.scan.name}
