"""Fixtures of the document tests: «Сёмина Алёна Сергеевна» on support, with a plan, a journal and a move."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document

from opora.registry.models import Consent, Graduate
from opora.support import services as support
from opora.support.models import Domain, JournalEntry, PlanMeasure, SupportLevel

HELP_AGREED = "Содействие в оформлении документов\nПомощь в трудоустройстве"
OBLIGATIONS = "Выходить на связь не реже раза в месяц\nСообщать о смене адреса"


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def docx_text(content: bytes) -> str:
    """All the text of a .docx: paragraphs, tables (nested too), headers and footers, one line each."""
    document = Document(io.BytesIO(content))
    out: list[str] = []

    def walk(container) -> None:
        for paragraph in container.paragraphs:
            out.append(paragraph.text)
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(document)
    for section in document.sections:
        walk(section.header)
        walk(section.footer)
    # Non-breaking spaces («№ 1», «2025 г.») read as plain spaces.
    return "\n".join(out).replace("\u00a0", " ")


def table_rows(content: bytes) -> list[list[str]]:
    """The rows of every top-level table, as lists of cell texts."""
    document = Document(io.BytesIO(content))
    return [[cell.text.replace("\u00a0", " ") for cell in row.cells] for table in document.tables for row in table.rows]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def levels(region) -> dict[str, SupportLevel]:
    support.setup_region(region)
    return {level.name: level for level in SupportLevel.objects.filter(region=region)}


@pytest.fixture
def domains(levels, region) -> dict[str, Domain]:
    return {domain.name: domain for domain in Domain.objects.filter(region=region)}


@pytest.fixture
def semina(make_graduate, service) -> Graduate:
    graduate = make_graduate(
        service,
        last_name="Сёмина",
        first_name="Алёна",
        patronymic="Сергеевна",
        sex=Graduate.Sex.FEMALE,
        birth_date=dt.date(2006, 3, 14),
        registration_address="г. Валуйки, ул. Степана Разина, д. 5, кв. 12",
        actual_address="г. Валуйки, ул. Никольская, д. 1, общежитие",
        phone="+7 910 123-45-67",
        identification_place="Отдел опеки администрации Валуйского городского округа",
        legal_representative="",
        risk_factors="Долги за коммунальные услуги",
    )
    Consent.objects.create(graduate=graduate, given_at=days_ago(30), scope="Все данные для сопровождения")
    return graduate


@pytest.fixture
def case(semina, levels, specialist):
    specialist.first_name, specialist.last_name, specialist.patronymic = "Анна", "Тестова", "Петровна"
    specialist.position = "Специалист по социальной работе"
    specialist.phone = "+7 472 365-00-00"
    specialist.save()
    case = support.open_case(semina, actor=specialist, identified_at=days_ago(20))
    support.establish_contact(case, actor=specialist, on=days_ago(15))
    support.sign_contract(
        case,
        actor=specialist,
        level=levels["Поддерживающий"],
        signed_at=days_ago(10),
        help_agreed=HELP_AGREED,
        graduate_obligations=OBLIGATIONS,
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def contract(case):
    return case.contracts.get()


@pytest.fixture
def plan(case, domains, specialist):
    plan = support.create_plan(case, actor=specialist, starts_on=days_ago(9))
    housing = support.add_goal(plan, actor=specialist, domain=domains["Жильё"], text="Встать в очередь на жильё")
    support.add_goal(plan, actor=specialist, domain=domains["Трудоустройство"], text="Найти постоянную работу")
    support.add_measure(
        plan,
        actor=specialist,
        goal=housing,
        domain=domains["Жильё"],
        text="Собрать документы для включения в список",
        responsible=PlanMeasure.Responsible.GRADUATE,
        deadline=plan.starts_on + dt.timedelta(days=30),
    )
    support.add_measure(
        plan,
        actor=specialist,
        domain=domains["Трудоустройство"],
        text="Встать на учёт в центре занятости",
        responsible=PlanMeasure.Responsible.ORGANISATION,
        responsible_name="ЦЗН Валуйского округа",
        deadline=plan.starts_on + dt.timedelta(days=20),
    )
    return plan


@pytest.fixture
def journal(case, domains, specialist):
    return [
        support.add_journal_entry(
            case,
            actor=specialist,
            date=days_ago(day),
            kind=JournalEntry.Kind.PHONE,
            domain=domains["Жильё"],
            text=f"Созвонились, обсудили документы ({day})",
        )
        for day in (8, 5, 2)
    ]


@pytest.fixture
def transfer(case, other_service, specialist):
    return support.start_transfer(
        case,
        actor=specialist,
        moved_at=days_ago(1),
        to_service=other_service,
        new_address="г. Старый Оскол, мкр. Жукова, д. 3",
        recommendations="Продолжить сбор документов на жильё.\nКонтакт раз в неделю.",
    )
