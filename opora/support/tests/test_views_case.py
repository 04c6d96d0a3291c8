"""The «Сопровождение» tab: the case's states, the contract and its scan, the level, refusal and closure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from opora.core.models import AuditEvent
from opora.support import services
from opora.support.models import Contract, LevelChange, PlanMeasure, SupportCase
from opora.support.tests.conftest import HELP_AGREED, OBLIGATIONS, days_ago

pytestmark = pytest.mark.usefixtures("support_region")

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def tab(graduate) -> str:
    return reverse("support:case", kwargs={"pk": graduate.pk})


def sign_data(levels, **overrides) -> dict:
    data = {
        "level": levels["Интенсивный"].pk,
        "signed_at": timezone.localdate().strftime("%d.%m.%Y"),
        "help_agreed": HELP_AGREED,
        "graduate_obligations": OBLIGATIONS,
        "termination_terms": "По заявлению сторон.",
    }
    data.update(overrides)
    return data


# --- The tab -------------------------------------------------------------------------------------


def test_a_graduate_without_a_case_is_offered_to_open_one(login, specialist, graduate):
    response = login(specialist).get(tab(graduate))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Сопровождение не открывалось" in body
    assert "Выпускник выявлен — открыть сопровождение" in body
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, object_id=str(graduate.pk)).exists()


def test_specialist_opens_a_case(login, specialist, graduate):
    client = login(specialist)

    response = client.post(
        reverse("support:case_open", kwargs={"pk": graduate.pk}),
        {"identified_at": days_ago(2).strftime("%d.%m.%Y"), "how": "Личное заявление"},
    )

    assert response.status_code == 302
    case = SupportCase.objects.get(graduate=graduate)
    assert case.status == SupportCase.Status.IDENTIFIED
    assert case.identified_at == days_ago(2)
    assert case.specialist == specialist
    body = client.get(tab(graduate)).content.decode()
    assert "Сопровождение открыто" in body
    assert "Личное заявление" in body


def test_a_second_open_case_is_refused_with_the_services_message(login, specialist, identified_case):
    response = login(specialist).post(
        reverse("support:case_open", kwargs={"pk": identified_case.graduate_id}),
        {"identified_at": days_ago(1).strftime("%d.%m.%Y")},
    )

    assert response.status_code == 400
    assert "У выпускника уже есть незавершённое сопровождение." in response.content.decode()
    assert SupportCase.objects.filter(graduate_id=identified_case.graduate_id).count() == 1


def test_a_future_identification_date_is_shown_at_its_field(login, specialist, graduate):
    response = login(specialist).post(
        reverse("support:case_open", kwargs={"pk": graduate.pk}),
        {"identified_at": (timezone.localdate() + dt.timedelta(days=3)).strftime("%d.%m.%Y")},
    )

    assert response.status_code == 400
    assert response.context["open_form"].errors["identified_at"] == ["Дата не может быть в будущем."]
    assert not SupportCase.objects.exists()


def test_an_identified_case_offers_contact_refusal_and_closure_but_not_the_contract(login, specialist, identified_case):
    body = login(specialist).get(tab(identified_case.graduate)).content.decode()

    assert "Контакт установлен</button>" in body
    assert reverse("support:case_refuse", args=[identified_case.graduate_id, identified_case.pk]) in body
    assert reverse("support:case_close", args=[identified_case.graduate_id, identified_case.pk]) in body
    assert reverse("support:contract_sign", args=[identified_case.graduate_id, identified_case.pk]) not in body
    assert reverse("support:level_change", args=[identified_case.graduate_id, identified_case.pk]) not in body


def test_contact_is_recorded(login, specialist, identified_case):
    response = login(specialist).post(
        reverse("support:case_contact", args=[identified_case.graduate_id, identified_case.pk]),
        {"contact_at": days_ago(1).strftime("%d.%m.%Y")},
    )

    assert response.status_code == 302
    identified_case.refresh_from_db()
    assert identified_case.status == SupportCase.Status.CONTACT
    assert identified_case.contact_at == days_ago(1)


def test_an_active_case_does_not_offer_contact_or_refusal_and_refuses_them_by_post(login, specialist, active_case):
    client = login(specialist)
    graduate = active_case.graduate

    body = client.get(tab(graduate)).content.decode()
    contact = client.post(
        reverse("support:case_contact", args=[graduate.pk, active_case.pk]),
        {"contact_at": days_ago(0).strftime("%d.%m.%Y")},
    )
    refuse = client.post(
        reverse("support:case_refuse", args=[graduate.pk, active_case.pk]),
        {"closed_at": days_ago(0).strftime("%d.%m.%Y")},
    )

    assert "Контакт установлен</button>" not in body
    assert reverse("support:case_refuse", args=[graduate.pk, active_case.pk]) not in body
    assert reverse("support:level_change", args=[graduate.pk, active_case.pk]) in body
    assert contact.status_code == 400
    assert (
        "Нельзя перевести сопровождение из состояния «На сопровождении» в состояние «Контакт установлен»."
        in contact.content.decode()
    )
    assert refuse.status_code == 400
    assert "в состояние «Отказ от сопровождения»" in refuse.content.decode()
    active_case.refresh_from_db()
    assert active_case.status == SupportCase.Status.ACTIVE


# --- The contract --------------------------------------------------------------------------------


def test_signing_the_contract_puts_the_graduate_on_support_at_the_level(login, specialist, contacted_case, levels):
    client = login(specialist)
    graduate = contacted_case.graduate
    url = reverse("support:contract_sign", args=[graduate.pk, contacted_case.pk])
    year = timezone.localdate().year

    form_page = client.get(url).content.decode()
    response = client.post(url, sign_data(levels))

    assert f"следующий номер службы: 1/{year}" in form_page
    assert response.status_code == 302
    contacted_case.refresh_from_db()
    assert contacted_case.status == SupportCase.Status.ACTIVE
    contract = Contract.objects.get(case=contacted_case)
    assert contract.number == f"1/{year}"
    assert contract.ends_on == services.add_months(contract.starts_on, 12) - dt.timedelta(days=1)
    assert contacted_case.level_on(timezone.localdate()) == levels["Интенсивный"]
    body = client.get(tab(graduate)).content.decode()
    assert f"Договор № 1/{year}" in body
    assert "выпускник на сопровождении" in body
    assert 'id="current-level">Интенсивный' in body


def test_a_typed_contract_number_is_kept(login, specialist, contacted_case, levels):
    login(specialist).post(
        reverse("support:contract_sign", args=[contacted_case.graduate_id, contacted_case.pk]),
        sign_data(levels, number="17-С"),
    )

    assert Contract.objects.get(case=contacted_case).number == "17-С"


def test_without_a_consent_the_contract_is_refused_and_nothing_is_created(login, specialist, identified_case, levels):
    client = login(specialist)
    graduate = identified_case.graduate
    services.establish_contact(identified_case, actor=specialist, on=days_ago(1))
    url = reverse("support:contract_sign", args=[graduate.pk, identified_case.pk])

    form_page = client.get(url).content.decode()
    response = client.post(url, sign_data(levels))

    assert 'id="consent-missing"' in form_page
    assert response.status_code == 400
    body = response.content.decode()
    assert "Нет действующего письменного согласия на обработку персональных данных" in body
    assert not Contract.objects.exists()
    assert not LevelChange.objects.exists()
    identified_case.refresh_from_db()
    assert identified_case.status == SupportCase.Status.CONTACT


def test_signing_is_refused_for_an_identified_case(login, specialist, identified_case, levels, give_consent):
    give_consent(identified_case.graduate)

    response = login(specialist).post(
        reverse("support:contract_sign", args=[identified_case.graduate_id, identified_case.pk]), sign_data(levels)
    )

    assert response.status_code == 400
    assert "из состояния «Выявлен» в состояние «На сопровождении»" in response.content.decode()
    assert not Contract.objects.exists()


def test_the_scan_is_stored_and_served_only_through_the_scoped_page(
    login, specialist, other_specialist, contacted_case, levels, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = login(specialist)
    graduate = contacted_case.graduate
    scan = SimpleUploadedFile("dogovor.pdf", PDF, content_type="application/pdf")

    client.post(reverse("support:contract_sign", args=[graduate.pk, contacted_case.pk]), sign_data(levels, scan=scan))
    contract = Contract.objects.get(case=contacted_case)
    url = reverse("support:contract_scan", args=[graduate.pk, contract.pk])
    body = client.get(tab(graduate)).content.decode()
    served = client.get(url)

    assert url in body
    assert settings.MEDIA_URL not in body
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PDF
    assert AuditEvent.objects.filter(changes__file="contract_scan").exists()
    client.force_login(other_specialist)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", b"MZ\x90\x00 this is a program", "Содержимое файла не соответствует"),
        ("scan.docx", b"PK\x03\x04", "не поддерживается. Разрешенные расширения: pdf, jpg, jpeg, png."),
    ],
)
def test_a_scan_that_is_not_a_pdf_jpeg_or_png_is_refused(
    login, specialist, contacted_case, levels, settings, tmp_path, name, content, message
):
    settings.MEDIA_ROOT = tmp_path

    response = login(specialist).post(
        reverse("support:contract_sign", args=[contacted_case.graduate_id, contacted_case.pk]),
        sign_data(levels, scan=SimpleUploadedFile(name, content)),
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Contract.objects.exists()


def test_a_scan_over_the_size_limit_is_refused(login, specialist, contacted_case, levels, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.OPORA_MAX_SCAN_MB = 1
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024 + 1))

    response = login(specialist).post(
        reverse("support:contract_sign", args=[contacted_case.graduate_id, contacted_case.pk]),
        sign_data(levels, scan=big),
    )

    assert response.status_code == 400
    assert "Файл слишком большой: не более 1 МБ." in response.content.decode()
    assert not Contract.objects.exists()


def test_a_contract_of_another_graduate_is_not_reachable_through_ones_own_card(
    login, specialist, active_case, make_graduate, service, give_consent, make_active_case, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    other = make_graduate(service, last_name="Другая")
    give_consent(other)
    other_case = make_active_case(other)
    contract = other_case.contracts.get()
    contract.scan.save("c.pdf", SimpleUploadedFile("c.pdf", PDF), save=True)
    client = login(specialist)

    assert client.get(reverse("support:contract_scan", args=[active_case.graduate_id, contract.pk])).status_code == 404
    assert client.get(reverse("support:contract_renew", args=[active_case.graduate_id, contract.pk])).status_code == 404
    assert client.get(reverse("support:case_detail", args=[active_case.graduate_id, other_case.pk])).status_code == 404


@pytest.fixture
def signed_long_ago(graduate, give_consent, make_active_case):
    """Put ``graduate`` on support with a contract signed ``days`` ago (and a consent before it)."""

    def make(days: int) -> SupportCase:
        give_consent(graduate, on=days_ago(days + 1))
        return make_active_case(graduate, signed_at=days_ago(days))

    return make


def test_the_tab_reminds_when_the_contract_ends_within_30_days(login, specialist, graduate, signed_long_ago):
    case = signed_long_ago(340)

    body = login(specialist).get(tab(graduate)).content.decode()

    assert 'id="contract-expiry"' in body
    assert "заканчивается" in body
    assert reverse("support:contract_renew", args=[graduate.pk, case.contracts.get().pk]) in body


def test_the_tab_says_when_the_contract_has_ended(login, specialist, graduate, signed_long_ago):
    signed_long_ago(400)

    body = login(specialist).get(tab(graduate)).content.decode()

    assert 'id="contract-expiry"' in body
    assert "закончился" in body
    assert "срок истёк" in body


def test_no_reminder_while_the_contract_has_long_to_run(login, specialist, active_case):
    body = login(specialist).get(tab(active_case.graduate)).content.decode()

    assert 'id="contract-expiry"' not in body


def test_renewing_the_contract_starts_the_day_after_it_ends(login, specialist, graduate, signed_long_ago):
    case = signed_long_ago(350)
    old = case.contracts.get()
    client = login(specialist)
    url = reverse("support:contract_renew", args=[graduate.pk, old.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "signed_at": timezone.localdate().strftime("%d.%m.%Y"),
            "help_agreed": old.help_agreed,
            "graduate_obligations": old.graduate_obligations,
        },
    )

    assert old.help_agreed in page
    assert response.status_code == 302
    renewal = Contract.objects.get(renewed_from=old)
    assert renewal.starts_on == old.ends_on + dt.timedelta(days=1)
    body = client.get(tab(graduate)).content.decode()
    assert 'id="contract-expiry"' not in body
    assert "продлён" in body


def test_a_contract_is_renewed_only_once(login, specialist, graduate, signed_long_ago):
    case = signed_long_ago(350)
    old = case.contracts.get()
    services.renew_contract(
        old, actor=specialist, signed_at=timezone.localdate(), help_agreed=HELP_AGREED, graduate_obligations=OBLIGATIONS
    )

    response = login(specialist).post(
        reverse("support:contract_renew", args=[graduate.pk, old.pk]),
        {"signed_at": timezone.localdate().strftime("%d.%m.%Y"), "help_agreed": "x", "graduate_obligations": "y"},
    )

    assert response.status_code == 400
    assert "Этот договор уже продлён." in response.content.decode()


# --- The level -----------------------------------------------------------------------------------


def test_a_level_change_is_kept_with_date_reason_and_who_decided(login, coordinator, active_case, levels):
    client = login(coordinator)
    graduate = active_case.graduate
    url = reverse("support:level_change", args=[graduate.pk, active_case.pk])

    response = client.post(
        url,
        {
            "level": levels["Мониторинговый"].pk,
            "effective_from": timezone.localdate().strftime("%d.%m.%Y"),
            "basis": "consilium",
            "reason": "Трудоустроен, живёт самостоятельно.",
        },
    )

    assert response.status_code == 302
    change = LevelChange.objects.filter(case=active_case).order_by("-id").first()
    assert change.level == levels["Мониторинговый"]
    assert change.decided_by == coordinator
    history = client.get(tab(graduate)).content.decode()
    history = history[history.index('id="level-history"') :]
    assert "Мониторинговый" in history and "Поддерживающий" in history
    assert "Трудоустроен, живёт самостоятельно." in history
    assert "Решение консилиума" in history
    assert str(coordinator) in history


def test_the_same_level_again_is_refused_at_the_level_field(login, specialist, active_case, levels):
    response = login(specialist).post(
        reverse("support:level_change", args=[active_case.graduate_id, active_case.pk]),
        {
            "level": levels["Поддерживающий"].pk,
            "effective_from": timezone.localdate().strftime("%d.%m.%Y"),
            "basis": "consilium",
            "reason": "Без изменений",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["level"] == ["Этот уровень и так действует на эту дату."]
    assert LevelChange.objects.filter(case=active_case).count() == 1


# --- Refusal and closure -------------------------------------------------------------------------


def test_refusal_asks_for_confirmation_and_keeps_the_graduate(login, specialist, identified_case):
    client = login(specialist)
    url = reverse("support:case_refuse", args=[identified_case.graduate_id, identified_case.pk])

    page = client.get(url).content.decode()
    response = client.post(url, {"closed_at": timezone.localdate().strftime("%d.%m.%Y"), "note": "Не нуждается"})

    assert "data-confirm=" in page  # opora.js asks before the form is sent
    assert response.status_code == 302
    identified_case.refresh_from_db()
    assert identified_case.status == SupportCase.Status.REFUSED
    body = client.get(tab(identified_case.graduate)).content.decode()
    assert "Отказ от сопровождения оформлен." in body
    assert "Открыть новое сопровождение" in body


def test_closing_an_active_case_without_a_report_is_refused(login, specialist, active_case):
    response = login(specialist).post(
        reverse("support:case_close", args=[active_case.graduate_id, active_case.pk]),
        {"close_reason": "adapted", "closed_at": timezone.localdate().strftime("%d.%m.%Y"), "close_report": ""},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["close_report"] == ["Напишите итоговое заключение о сопровождении."]
    active_case.refresh_from_db()
    assert active_case.is_open


def test_closing_with_a_report_ends_the_contract_and_keeps_the_history(login, specialist, planned_case, domains):
    plan = planned_case.plans.get()
    services.add_measure(
        plan,
        actor=specialist,
        domain=domains["Жильё"],
        text="Встать на учёт",
        responsible="graduate",
        deadline=plan.ends_on,
    )
    client = login(specialist)
    graduate = planned_case.graduate
    url = reverse("support:case_close", args=[graduate.pk, planned_case.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "close_reason": "adapted",
            "closed_at": timezone.localdate().strftime("%d.%m.%Y"),
            "close_report": "Живёт самостоятельно, работает.",
        },
    )

    assert "data-confirm=" in page  # opora.js asks before the form is sent
    assert response.status_code == 302
    planned_case.refresh_from_db()
    assert planned_case.status == SupportCase.Status.CLOSED
    assert planned_case.contracts.get().terminated_at == timezone.localdate()
    assert PlanMeasure.objects.get(plan=plan).status == PlanMeasure.Status.CANCELLED
    body = client.get(tab(graduate)).content.decode()
    assert "Сопровождение завершено: успешная адаптация." in body
    assert "Живёт самостоятельно, работает." in body
    assert 'id="case-actions"' not in body


def test_earlier_cases_stay_readable(login, specialist, identified_case):
    services.refuse(identified_case, actor=specialist)
    new = services.open_case(identified_case.graduate, actor=specialist)
    client = login(specialist)

    current = client.get(tab(identified_case.graduate)).content.decode()
    earlier = client.get(reverse("support:case_detail", args=[identified_case.graduate_id, identified_case.pk]))

    assert reverse("support:case_detail", args=[identified_case.graduate_id, identified_case.pk]) in current
    assert earlier.status_code == 200
    assert earlier.context["case"] == identified_case
    assert "К текущему сопровождению" in earlier.content.decode()
    assert earlier.context["open_case"] == new


# --- Access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["administrator", "attracted"])
def test_roles_without_personal_data_are_refused(request, login, active_case, levels, role):
    client = login(request.getfixturevalue(role))
    graduate = active_case.graduate

    assert client.get(tab(graduate)).status_code == 403
    assert client.get(reverse("support:level_change", args=[graduate.pk, active_case.pk])).status_code == 403
    response = client.post(
        reverse("support:case_close", args=[graduate.pk, active_case.pk]),
        {"close_reason": "other", "close_report": "x"},
    )
    assert response.status_code == 403
    active_case.refresh_from_db()
    assert active_case.is_open


def test_a_foreign_services_case_answers_404_and_does_not_change(login, other_specialist, active_case):
    client = login(other_specialist)
    graduate = active_case.graduate

    assert client.get(tab(graduate)).status_code == 404
    response = client.post(
        reverse("support:case_close", args=[graduate.pk, active_case.pk]),
        {"close_reason": "other", "closed_at": timezone.localdate().strftime("%d.%m.%Y"), "close_report": "x"},
    )
    assert response.status_code == 404
    active_case.refresh_from_db()
    assert active_case.is_open


def test_regional_centre_acts_on_a_case_of_its_region(login, regional, identified_case):
    response = login(regional).post(
        reverse("support:case_contact", args=[identified_case.graduate_id, identified_case.pk]),
        {"contact_at": timezone.localdate().strftime("%d.%m.%Y")},
    )

    assert response.status_code == 302
    identified_case.refresh_from_db()
    assert identified_case.status == SupportCase.Status.CONTACT


# --- Query budget --------------------------------------------------------------------------------

TAB_BUDGET = 19  # +1: the count of incoming transfers in the menu


def test_the_case_tab_costs_the_same_however_long_the_history(
    login, specialist, active_case, levels, django_assert_max_num_queries
):
    client = login(specialist)
    url = tab(active_case.graduate)
    client.get(url)
    with django_assert_max_num_queries(TAB_BUDGET) as small:
        client.get(url)
    contract = active_case.contracts.get()
    for n in range(1, 8):
        LevelChange.objects.create(
            case=active_case,
            level=levels["Интенсивный" if n % 2 else "Поддерживающий"],
            effective_from=days_ago(n * 3),
            reason=f"Пересмотр {n}",
            decided_by=specialist,
        )
    for n in range(3):
        Contract.objects.create(
            case=active_case,
            service=contract.service,
            number=f"Д-{n}",
            year=2020 + n,
            signed_at=dt.date(2020 + n, 1, 10),
            starts_on=dt.date(2020 + n, 1, 10),
            ends_on=dt.date(2020 + n, 12, 31),
            help_agreed="—",
            graduate_obligations="—",
            terminated_at=dt.date(2020 + n, 12, 31),
        )
    with django_assert_max_num_queries(TAB_BUDGET) as big:
        client.get(url)

    assert len(big) == len(small)
