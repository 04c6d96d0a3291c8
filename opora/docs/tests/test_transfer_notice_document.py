"""The relocation notice (000 §3.2.7): the facts of Transfer.notice and both services' names."""

from __future__ import annotations

from opora.docs import services
from opora.docs.tests.conftest import days_ago, docx_text, table_rows
from opora.registry.models import Graduate
from opora.support import services as support


def _render(transfer) -> bytes:
    transfer = services.transfer_queryset().get(pk=transfer.pk)
    return services.render("transfer_notice", services.transfer_context(transfer))


def test_the_notice_carries_every_fact_the_receiving_territory_needs(transfer):
    content = _render(transfer)
    rows = table_rows(content)
    text = docx_text(content)

    assert "УВЕДОМЛЕНИЕ" in text
    assert "Служба сопровождения Старооскольского округа" in text  # the addressee
    assert "Служба сопровождения Валуйского округа уведомляет, что выпускница Сёмина Алёна Сергеевна" in text
    assert f"{transfer.moved_at:%d.%m.%Y} сменила место жительства" in text
    assert ["Фамилия, имя, отчество", "Сёмина Алёна Сергеевна"] in rows
    assert ["Дата рождения", "14.03.2006"] in rows
    assert ["Статус", "Лицо из числа детей-сирот и детей, оставшихся без попечения родителей"] in rows
    assert ["Законный представитель", "—"] in rows
    assert ["Место первичного выявления", "Отдел опеки администрации Валуйского городского округа"] in rows
    assert ["Жилищное положение", "Общежитие"] in rows
    assert ["Новый адрес", "г. Старый Оскол, мкр. Жукова, д. 3"] in rows
    assert "Продолжить сбор документов на жильё.\nКонтакт раз в неделю." in text
    assert "Исполнитель: Тестова Анна Петровна, тел. +7 472 365-00-00" in text


def test_the_notice_states_what_was_recorded_when_the_transfer_started(transfer):
    Graduate.objects.filter(pk=transfer.graduate_id).update(identification_place="Изменено позже")

    rows = table_rows(_render(transfer))

    assert ["Место первичного выявления", "Отдел опеки администрации Валуйского городского округа"] in rows


def test_a_notice_outside_the_region_is_addressed_to_the_named_territory(case, specialist):
    transfer = support.start_transfer(
        case, actor=specialist, moved_at=case.activated_at, to_external="Управление соцзащиты г. Курска"
    )

    text = docx_text(_render(transfer))

    assert "Управление соцзащиты г. Курска" in text
    assert "Просим организовать сопровождение выпускника по новому месту жительства." in text


def test_the_notice_carries_every_field_of_seed_000_3_2_7_with_the_housing_list_status(
    make_graduate, service, specialist, levels, other_service
):
    """000 §3.2.7: ФИО, дата рождения, статус, законный представитель, место выявления, обеспеченность
    жильём (положение, право, список) и рекомендации — each value read back from the generated DOCX."""
    from opora.registry.models import Consent

    graduate = make_graduate(
        service,
        last_name="Котов",
        first_name="Илья",
        patronymic="Петрович",
        sex=Graduate.Sex.MALE,
        birth_date=days_ago(17 * 365),
        status_category=Graduate.StatusCategory.ORPHAN,
        legal_representative="Опекун Котова Нина Ивановна, тётя, +7 900 000-00-00",
        identification_place="Отдел опеки Валуйского округа",
        housing=Graduate.Housing.QUEUE,
        housing_right=True,
        housing_on_list=True,
    )
    Consent.objects.create(graduate=graduate, given_at=days_ago(30), scope="Все данные")
    case = support.open_case(graduate, actor=specialist, identified_at=days_ago(20))
    transfer = support.start_transfer(
        case, actor=specialist, moved_at=days_ago(1), to_service=other_service, recommendations="Навещать дома."
    )

    content = _render(transfer)
    rows = table_rows(content)

    assert ["Фамилия, имя, отчество", "Котов Илья Петрович"] in rows
    assert ["Дата рождения", graduate.birth_date.strftime("%d.%m.%Y")] in rows
    assert ["Статус", "Ребёнок-сирота"] in rows
    assert ["Законный представитель", "Опекун Котова Нина Ивановна, тётя, +7 900 000-00-00"] in rows
    assert ["Место первичного выявления", "Отдел опеки Валуйского округа"] in rows
    assert ["Жилищное положение", "В очереди на специализированный жилищный фонд"] in rows
    assert ["Право на обеспечение жильём из специализированного жилищного фонда", "имеет"] in rows
    assert [
        "Список на обеспечение жильём",
        "включён в список детей-сирот и лиц из их числа, подлежащих обеспечению жилыми помещениями",
    ] in rows
    assert "Навещать дома." in docx_text(content)


def test_a_graduate_not_on_the_housing_list_is_said_so(transfer):
    rows = table_rows(_render(transfer))

    assert [
        "Список на обеспечение жильём",
        "не включена в список детей-сирот и лиц из их числа, подлежащих обеспечению жилыми помещениями",
    ] in rows


def test_a_notice_recorded_before_the_list_status_was_kept_shows_the_records_value(transfer):
    from opora.support.models import Transfer

    notice = dict(transfer.notice)
    notice.pop("housing_on_list")
    Transfer.objects.filter(pk=transfer.pk).update(notice=notice)
    Graduate.objects.filter(pk=transfer.graduate_id).update(housing_on_list=True)

    rows = table_rows(_render(transfer))

    assert [
        "Список на обеспечение жильём",
        "включена в список детей-сирот и лиц из их числа, подлежащих обеспечению жилыми помещениями",
    ] in rows
