"""The consilium's protocol (.docx): who took part, and per graduate — declined — the assessment,
the level before and decided, the plan, the route and the recommendations."""

from __future__ import annotations

import pytest
from django.urls import reverse
from docxtpl import DocxTemplate

from opora.assessment import consilium as consilia
from opora.assessment.protocol import KIND, protocol_context
from opora.assessment.tests.conftest import MONITORING, days_ago
from opora.assessment.tests.consilium_factories import make_assessment
from opora.assessment.tests.consilium_fixtures import hold
from opora.docs import rendering
from opora.docs import services as docs
from opora.docs.tests.conftest import docx_text, table_rows
from opora.registry.models import Graduate

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(make_graduate, give_consent, make_active_case, service, level_rules, levels, prepare, coordinator, specialist):
    """A held quarterly consilium № 12 about Иван Иванович Иванов (level raised) and Алёна Петрова (override)."""
    coordinator.last_name, coordinator.first_name, coordinator.patronymic = "Смирнова", "Ольга", "Петровна"
    coordinator.position = "руководитель службы"
    coordinator.save()
    ivanov = make_graduate(service, last_name="Иванов", first_name="Иван", patronymic="Иванович", sex=Graduate.Sex.MALE)
    petrova = make_graduate(service, last_name="Петрова", first_name="Алёна", patronymic="Сергеевна")
    cases = []
    for graduate in (ivanov, petrova):
        give_consent(graduate, on=days_ago(30))
        case = make_active_case(graduate, signed_at=days_ago(20))
        make_assessment(case, days_ago(3), {"Жильё": 4, "Образование": 2})
        cases.append(case)
    consilium = prepare(number="12", attracted_participants="Кузнецова Н. И., психолог ЦСОН")
    first, second = consilia.add_graduates(consilium, cases, actor=coordinator)
    consilia.update_decision(
        first,
        actor=coordinator,
        route="Жильё, затем трудоустройство",
        recommendations=[{"text": "Подать заявление на жильё", "responsible": "Специалист", "deadline": days_ago(-40)}],
    )
    consilia.update_decision(
        second, actor=coordinator, level=levels[MONITORING], override_reason="Жильё уже предоставлено"
    )
    return hold(consilium, coordinator)


def test_the_protocol_names_the_participants_and_the_graduates_in_the_right_case(held, login, coordinator, today):
    response = login(coordinator).get(reverse("assessment:consilium_protocol", args=[held.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="protokol-konsiliuma-12-')
    text = docx_text(response.content).replace("\u00a0", " ")
    rows = table_rows(response.content)
    assert "ПРОТОКОЛ № 12" in text
    assert "ежеквартального консилиума" in text
    assert "Председатель: Смирнова Ольга Петровна, руководитель службы" in text
    assert "Кузнецова Н. И., психолог ЦСОН" in text
    assert "1. О выпускнике Иванове Иване Ивановиче" in text
    assert "2. О выпускнице Петровой Алёне Сергеевне" in text
    assert ["Уровень до консилиума", "Поддерживающий"] in rows
    assert ["Решение об уровне", "установить уровень «Интенсивный»"] in rows
    assert ["Почему не по правилу", "Жильё уже предоставлено"] in rows
    assert ["Индивидуальный маршрут", "Жильё, затем трудоустройство"] in rows
    assert any(r[1:] == ["Подать заявление на жильё", "Специалист", f"{days_ago(-40):%d.%m.%Y}"] for r in rows)
    assert f"Оценка за 4 квартал 2026 г. от {days_ago(3):%d.%m.%Y}" in text
    assert "Жильё — 4" in text


def test_every_field_of_the_default_protocol_template_is_given_by_its_context(held):
    template = DocxTemplate(docs.default_template_path(KIND))

    unknown = template.get_undeclared_template_variables(rendering.jinja_env(), protocol_context(held))

    assert not unknown, sorted(unknown)


def test_the_protocol_context_takes_a_fixed_number_of_queries(held, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        protocol_context(held)
