"""The relocation notice (000 §3.2.7): the facts of Transfer.notice and both services' names."""

from __future__ import annotations

from opora.docs import services
from opora.docs.tests.conftest import docx_text, table_rows
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
