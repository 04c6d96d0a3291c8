"""The individual plan: period, level, goals by domain and the measures as rows of a table."""

from __future__ import annotations

from opora.docs import services
from opora.docs.tests.conftest import docx_text, table_rows
from opora.support import services as support


def _render(plan) -> bytes:
    plan = services.plan_queryset().get(pk=plan.pk)
    return services.render("plan", services.plan_context(plan))


def test_the_plan_names_the_graduate_in_the_genitive_with_its_period_and_level(plan):
    text = docx_text(_render(plan))

    assert "постинтернатного сопровождения\nСёминой Алёны Сергеевны" in text
    assert f"с {plan.starts_on:%d.%m.%Y} по {plan.ends_on:%d.%m.%Y}" in text
    assert "Поддерживающий" in text
    assert "С планом ознакомлена, согласна" in text
    assert "{{" not in text and "{%" not in text


def test_every_measure_is_a_row_of_the_measures_table(plan):
    rows = table_rows(_render(plan))

    measures = [row for row in rows if row[0] in {"1", "2"} and len(row) == 7]
    assert len(measures) == 2
    by_text = {row[2]: row for row in measures}
    housing = by_text["Собрать документы для включения в список"]
    assert housing[1] == "Жильё"
    assert housing[3] == "Выпускник"
    assert housing[5] == "Запланировано"
    work = by_text["Встать на учёт в центре занятости"]
    assert work[3] == "Привлечённая организация (ЦЗН Валуйского округа)"
    deadline = plan.measures.get(text="Встать на учёт в центре занятости").deadline
    assert work[4] == f"{deadline:%d.%m.%Y}"


def test_the_goals_are_listed_by_domain(plan):
    rows = table_rows(_render(plan))

    assert ["1", "Жильё", "Встать в очередь на жильё"] in rows
    assert ["2", "Трудоустройство", "Найти постоянную работу"] in rows


def test_a_measure_done_shows_its_result_and_date(plan, specialist):
    measure = plan.measures.get(text="Встать на учёт в центре занятости")
    support.update_measure(measure, actor=specialist, status="done", result="Поставлена на учёт\nПособие назначено")

    rows = table_rows(_render(plan))

    row = next(r for r in rows if len(r) == 7 and r[2] == "Встать на учёт в центре занятости")
    assert row[5].startswith("Выполнено")
    assert row[6] == "Поставлена на учёт\nПособие назначено"


def test_an_approved_plan_shows_who_approved_it_and_when(plan, coordinator):
    coordinator.first_name, coordinator.last_name, coordinator.patronymic = "Ольга", "Руденко", "Ивановна"
    coordinator.save()
    support.approve_plan(plan, actor=coordinator)

    text = docx_text(_render(plan))

    assert "УТВЕРЖДЁН" in text
    assert "Руденко О. И." in text
    assert f"{plan.starts_on.year}" in text


def test_a_plan_without_measures_says_so(case, specialist):
    plan = support.create_plan(case, actor=specialist)

    text = docx_text(_render(plan))

    assert "Мероприятия не запланированы." in text
    assert "Цели не сформулированы." in text
