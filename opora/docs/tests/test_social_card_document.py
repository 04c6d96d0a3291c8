"""The social card: the registry's fields and the support case, on one document."""

from __future__ import annotations

from opora.core.templatetags.opora import years
from opora.docs import services
from opora.docs.tests.conftest import docx_text, table_rows
from opora.registry.models import Graduate, VulnerableCategory


def _render(graduate) -> bytes:
    graduate = services.social_card_queryset().get(pk=graduate.pk)
    return services.render("social_card", services.social_card_context(graduate))


def test_the_card_shows_the_registry_fields(semina):
    category = VulnerableCategory.objects.create(code="housing", name="Жилищные проблемы")
    semina.vulnerable_categories.add(category)
    Graduate.objects.filter(pk=semina.pk).update(housing_right=True, employment=Graduate.Employment.LOOKING)

    rows = table_rows(_render(semina))

    assert ["Фамилия, имя, отчество", "Сёмина Алёна Сергеевна"] in rows
    assert ["Дата рождения (возраст)", f"14.03.2006 ({years(semina.age)})"] in rows
    assert ["Статус", "Лицо из числа детей-сирот и детей, оставшихся без попечения родителей"] in rows
    assert ["Место первичного выявления", "Отдел опеки администрации Валуйского городского округа"] in rows
    assert ["Адрес регистрации", "г. Валуйки, ул. Степана Разина, д. 5, кв. 12"] in rows
    assert ["Жилищная ситуация", "Общежитие"] in rows
    assert ["Право на обеспечение жильём из специализированного жилищного фонда", "да"] in rows
    assert ["Занятость", "Ищет работу"] in rows
    assert ["Уязвимые категории", "Жилищные проблемы"] in rows
    assert ["Факторы риска", "Долги за коммунальные услуги"] in rows


def test_a_graduate_not_on_support_gets_a_card_that_says_so(semina):
    text = docx_text(_render(semina))

    assert "Выпускник не состоит на сопровождении" in text
    assert "История уровней сопровождения" not in text
    assert "{{" not in text and "{%" not in text


def test_the_card_shows_the_case_contract_levels_plan_and_last_contacts(contract, plan, journal):
    content = _render(contract.case.graduate)
    rows = table_rows(content)
    text = docx_text(content)

    assert ["Состояние", "На сопровождении"] in rows
    assert ["Уровень сопровождения", "Поддерживающий"] in rows
    assert any(row[0] == "Договор о сопровождении" and f"№ {contract.number}" in row[1] for row in rows)
    assert any(
        row[:3] == [f"{contract.starts_on:%d.%m.%Y}", "Поддерживающий", "Предварительно, до первичного консилиума"]
        for row in rows
    )
    assert f"Версия 1 (проект), период с {plan.starts_on:%d.%m.%Y}" in text
    assert "Жильё: Встать в очередь на жильё" in text
    assert any("Собрать документы для включения в список" in row for row in rows)
    contacts = [row for row in rows if len(row) == 5 and row[1] == "Телефонный звонок"]
    assert [row[3] for row in contacts] == [
        "Созвонились, обсудили документы (2)",
        "Созвонились, обсудили документы (5)",
        "Созвонились, обсудили документы (8)",
    ]
