"""The support lists of the API: filters, pagination, the region's directories and the audit of reads."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from opora.core.models import AuditEvent
from opora.org.models import Service, Territory
from opora.support import services
from opora.support.models import Domain, JournalEntry, SupportCase, SupportLevel
from opora.support.tests.conftest import INTENSIVE, MONITORING, SUPPORTING, days_ago


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def api(login, specialist, support_region):
    return login(specialist)


@pytest.fixture
def cases(make_graduate, service, give_consent, make_active_case, specialist, coordinator, levels):
    """Four cases of the service: identified, on support (two levels, two specialists), closed."""
    identified = services.open_case(make_graduate(service, last_name="Выявленная"), actor=specialist)
    supporting = make_active_case(give_consent(make_graduate(service, last_name="Поддерживаемая")).graduate)
    intensive = make_active_case(
        give_consent(make_graduate(service, last_name="Интенсивная")).graduate, level=INTENSIVE, actor=coordinator
    )
    services.reassign([intensive], actor=coordinator, to_specialist=coordinator, reason="Сложный случай")
    closed = make_active_case(
        give_consent(make_graduate(service, last_name="Завершённая"), on=days_ago(40)).graduate, signed_at=days_ago(30)
    )
    services.close_case(closed, actor=specialist, reason="adapted", report="Устроена", on=days_ago(1))
    return {"identified": identified, "supporting": supporting, "intensive": intensive, "closed": closed}


def test_the_cases_can_be_filtered(api, cases, levels, coordinator):
    def listed(**params):
        return set(ids(api.get("/api/v1/cases/", params)))

    pk = {name: case.pk for name, case in cases.items()}
    assert listed() == set(pk.values())
    assert listed(status="active") == {pk["supporting"], pk["intensive"]}
    assert listed(graduate=cases["closed"].graduate_id) == {pk["closed"]}
    assert listed(specialist=coordinator.pk) == {pk["intensive"]}
    assert listed(level=levels[INTENSIVE].pk) == {pk["intensive"]}
    assert listed(level=levels[SUPPORTING].pk) == {pk["supporting"]}
    assert listed(level=levels[MONITORING].pk) == set()
    assert listed(on_support="true") == {pk["supporting"], pk["intensive"]}
    assert listed(on_support="false") == {pk["identified"], pk["closed"]}
    assert listed(status="active", level=levels[INTENSIVE].pk, on_support="true") == {pk["intensive"]}


def test_a_case_shows_the_level_in_force_today_not_a_planned_one(api, cases, levels, specialist):
    case = cases["supporting"]
    services.change_level(
        case,
        levels[INTENSIVE],
        actor=specialist,
        reason="Запланировано",
        effective_from=timezone.localdate() + dt.timedelta(days=7),
    )

    row = next(r for r in api.get("/api/v1/cases/").json()["results"] if r["id"] == case.pk)

    assert row["current_level_name"] == SUPPORTING
    assert api.get(f"/api/v1/cases/{case.pk}/").json()["current_level_name"] == SUPPORTING


def test_a_bad_filter_value_is_a_400_naming_the_filter(api, cases):
    response = api.get("/api/v1/cases/", {"status": "sleeping", "on_support": "maybe"})

    assert response.status_code == 400
    assert set(response.json()) >= {"status"}


def test_cases_can_be_ordered(api, cases):
    response = api.get("/api/v1/cases/", {"ordering": "identified_at,id"})

    dates = [row["identified_at"] for row in response.json()["results"]]
    assert dates == sorted(dates)


@pytest.fixture
def journal(active_case, specialist, domains):
    """Sixty entries over sixty days: phone calls on even days, meetings on odd ones (and nothing else)."""
    JournalEntry.objects.filter(kind=JournalEntry.Kind.CONTACT).delete()  # the contact step's entry
    entries = [
        JournalEntry(
            case=active_case,
            graduate=active_case.graduate,
            date=days_ago(n),
            kind="phone" if n % 2 == 0 else "meeting",
            domain=domains["Жильё"],
            text=f"Запись {n}",
            author=specialist,
        )
        for n in range(60)
    ]
    return JournalEntry.objects.bulk_create(entries)


def test_the_journal_is_paginated_newest_first(api, journal):
    first = api.get("/api/v1/journal/").json()
    second = api.get(first["next"]).json()

    assert first["count"] == 60
    assert len(first["results"]) == 50
    assert len(second["results"]) == 10
    assert second["next"] is None
    assert first["results"][0]["date"] == timezone.localdate().isoformat()
    assert second["results"][-1]["date"] == days_ago(59).isoformat()
    assert api.get("/api/v1/journal/", {"page_size": 7}).json()["results"][6]["text"] == "Запись 6"
    assert api.get("/api/v1/journal/", {"page": 9}).status_code == 404


def test_the_journal_can_be_filtered_by_dates_kind_case_and_graduate(api, journal, active_case):
    def count(**params):
        return api.get("/api/v1/journal/", params).json()["count"]

    assert count(date_from=days_ago(9).isoformat()) == 10
    assert count(date_from=days_ago(9).isoformat(), date_to=days_ago(5).isoformat()) == 5
    assert count(kind="phone") == 30
    assert count(kind="phone", date_from=days_ago(9).isoformat()) == 5
    assert count(case=active_case.pk) == 60
    assert count(graduate=active_case.graduate_id) == 60
    assert count(case=active_case.pk + 1000) == 0
    bad = api.get("/api/v1/journal/", {"date_from": "вчера"})
    assert bad.status_code == 400
    assert "date_from" in bad.json()


def test_contracts_plans_measures_and_level_changes_filter_by_case(api, cases, specialist, domains):
    case = cases["supporting"]
    plan = services.create_plan(case, actor=specialist)
    measure = services.add_measure(
        plan, actor=specialist, domain=domains["Жильё"], text="Заявление", responsible="graduate", deadline=plan.ends_on
    )

    assert ids(api.get("/api/v1/contracts/", {"case": case.pk})) == [case.contracts.get().pk]
    assert ids(api.get("/api/v1/contracts/", {"graduate": case.graduate_id})) == [case.contracts.get().pk]
    assert len(ids(api.get("/api/v1/contracts/"))) == 3
    assert ids(api.get("/api/v1/level-changes/", {"case": case.pk})) == [case.level_changes.get().pk]
    assert ids(api.get("/api/v1/plans/", {"graduate": case.graduate_id})) == [plan.pk]
    assert ids(api.get("/api/v1/plans/", {"status": "approved"})) == []
    assert ids(api.get("/api/v1/measures/", {"case": case.pk})) == [measure.pk]
    assert ids(api.get("/api/v1/measures/", {"status": "done"})) == []


def test_the_directories_show_the_users_region_only(api, region, other_region, levels):
    services.setup_region(other_region)
    mine = set(SupportLevel.objects.filter(region=region).values_list("pk", flat=True))
    foreign_domain = Domain.objects.filter(region=other_region).first()

    assert set(ids(api.get("/api/v1/levels/"))) == mine
    assert {row["region"] for row in api.get("/api/v1/domains/", {"page_size": 100}).json()["results"]} == {region.pk}
    assert {row["region"] for row in api.get("/api/v1/service-kinds/", {"page_size": 100}).json()["results"]} == {
        region.pk
    }
    assert api.get(f"/api/v1/domains/{foreign_domain.pk}/").status_code == 404
    assert api.get(f"/api/v1/levels/{levels[INTENSIVE].pk}/").json()["plan_period_months"] == 3


def test_the_directories_are_read_only(api, levels):
    url = f"/api/v1/levels/{levels[INTENSIVE].pk}/"

    assert api.patch(url, json.dumps({"name": "Кризисный"}), content_type="application/json").status_code == 405
    assert api.post("/api/v1/levels/", {"name": "Кризисный"}).status_code == 405
    assert SupportLevel.objects.get(pk=levels[INTENSIVE].pk).name == INTENSIVE


def test_a_list_read_is_audited_with_the_ids_of_its_own_model(api, cases, specialist):
    response = api.get("/api/v1/cases/")

    event = AuditEvent.objects.get(action=AuditEvent.Action.API_READ, actor=specialist)
    assert event.content_type == ContentType.objects.get_for_model(SupportCase)
    assert sorted(event.record_ids) == sorted(row["id"] for row in response.json()["results"])


def test_a_detail_read_is_audited_against_the_record_and_its_service(api, active_case, specialist, service):
    contract = active_case.contracts.get()

    response = api.get(f"/api/v1/contracts/{contract.pk}/")

    assert response.status_code == 200, response.content
    event = AuditEvent.objects.get(action=AuditEvent.Action.API_READ, actor=specialist)
    assert (event.content_type.model, event.object_id, event.service) == ("contract", str(contract.pk), service)


def test_the_regional_centre_lists_the_whole_region(
    login, regional, cases, make_graduate, other_service, other_region, make_active_case, give_consent, other_specialist
):
    theirs = make_active_case(
        give_consent(make_graduate(other_service, last_name="Соседская")).graduate, actor=other_specialist
    )
    outside_service = Service.objects.create(
        region=other_region,
        territory=Territory.objects.create(region=other_region, name="Чужой район"),
        name="Чужая служба",
    )
    make_graduate(outside_service, last_name="Чужая")

    listed = set(ids(login(regional).get("/api/v1/cases/")))

    assert listed == {case.pk for case in cases.values()} | {theirs.pk}
