"""Documents are reached through the access scope: a record out of reach answers like a missing one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opora.support import services as support

MISSING = 987654


def _urls(graduate_pk, contract, plan, transfer) -> dict[str, str]:
    return {
        "contract": reverse("docs:contract", args=[graduate_pk, contract.pk]),
        "plan": reverse("docs:plan", args=[graduate_pk, plan.pk]),
        "social_card": reverse("docs:social_card", args=[graduate_pk]),
        "transfer": reverse("docs:transfer", args=[graduate_pk, transfer.pk]),
    }


@pytest.fixture
def documents(contract, plan, transfer):
    return _urls(contract.case.graduate_id, contract, plan, transfer)


@pytest.mark.parametrize("kind", ["contract", "plan", "social_card", "transfer"])
@pytest.mark.parametrize("role", ["specialist", "coordinator", "regional"])
def test_staff_who_reach_the_graduate_download_each_document(login, users, documents, role, kind):
    response = login(users[role]).get(documents[kind])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize("kind", ["contract", "plan", "social_card"])
def test_another_services_specialist_gets_404_as_for_a_missing_record(login, other_specialist, semina, kind, request):
    # No transfer here: the graduate is only in the own service's scope.
    contract = request.getfixturevalue("contract")
    plan = request.getfixturevalue("plan")
    urls = {
        "contract": (
            reverse("docs:contract", args=[semina.pk, contract.pk]),
            reverse("docs:contract", args=[MISSING, MISSING]),
        ),
        "plan": (reverse("docs:plan", args=[semina.pk, plan.pk]), reverse("docs:plan", args=[MISSING, MISSING])),
        "social_card": (reverse("docs:social_card", args=[semina.pk]), reverse("docs:social_card", args=[MISSING])),
    }
    client = login(other_specialist)
    foreign, missing = urls[kind]

    assert client.get(foreign).status_code == 404
    assert client.get(missing).status_code == 404


@pytest.mark.parametrize("kind", ["contract", "plan", "social_card", "transfer"])
@pytest.mark.parametrize("role", ["attracted", "admin"])
def test_roles_that_reach_no_personal_data_are_refused(login, users, documents, role, kind):
    assert login(users[role]).get(documents[kind]).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, documents):
    response = client.get(documents["social_card"])

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anothers_contract_cannot_be_reached_through_ones_own_graduate(
    login, specialist, semina, contract, make_graduate, service, levels
):
    """The nested record must belong to the graduate in the URL: else 404, even within the scope."""
    own = make_graduate(service, last_name="Орлов", first_name="Денис", sex="male")
    plan = support.create_plan(contract.case, actor=specialist)
    client = login(specialist)

    assert client.get(reverse("docs:contract", args=[own.pk, contract.pk])).status_code == 404
    assert client.get(reverse("docs:plan", args=[own.pk, plan.pk])).status_code == 404
    assert client.get(reverse("docs:contract", args=[semina.pk, contract.pk])).status_code == 200


def test_the_receiving_service_gets_the_notice_while_the_transfer_is_pending(login, other_specialist, documents):
    client = login(other_specialist)

    assert client.get(documents["transfer"]).status_code == 200
    assert client.get(documents["social_card"]).status_code == 200


def test_the_sending_service_loses_the_documents_once_the_transfer_is_accepted(
    login, specialist, other_specialist, transfer, documents
):
    support.accept_transfer(transfer, actor=other_specialist)

    assert login(specialist).get(documents["transfer"]).status_code == 404
    assert login(other_specialist).get(documents["contract"]).status_code == 200
