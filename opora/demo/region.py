"""The demo region of «Опора»: a regional system like Belgorod's with about 2,300 graduates.

``manage.py load_demo`` (opora/demo/management/commands/load_demo.py) builds with it, in one
transaction:

* the region «Белгородская область» (code 31) with 21 territories (municipal and city
  districts of the region);
* 21 municipal support services, one per territory, and the regional resource centre;
* about 2,300 graduates (``--graduates N``) spread over the services by the size of the
  territory, with valid SNILS, phones, addresses, status, housing, education, employment,
  vulnerable categories and written consents;
* five users: ``region``, ``coordinator1``, ``specialist1``, ``specialist2`` and ``admin``.

The support cycle's data on these graduates come next, from opora.demo.support.

The data are deterministic for a given day (``random.Random(2026)`` and a seeded Faker):
every date is counted back from ``--as-of`` (today by default), so that every graduate is
15–23 years old on that day and nothing happens after it. The loaders read no clock but
that default: ``load_demo --as-of 2027-01-01`` builds the same region on any day.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from faker import Faker

from opora.core.roles import Role
from opora.org.models import Region, Service, Territory, User
from opora.registry.models import Consent, Graduate, VulnerableCategory
from opora.registry.validators import age_on, snils_checksum

SEED = 2026
REGION_NAME = "Белгородская область"
REGION_CODE = "31"
DEFAULT_GRADUATES = 2300
BATCH_SIZE = 500


@dataclass(frozen=True)
class Place:
    """A territory of the demo region and what its service and graduates look like."""

    name: str  # Territory.name
    genitive: str  # «Валуйского муниципального округа»: in the service's name
    short_genitive: str  # «Валуйского округа»: in the service's short name
    centre: str  # the administrative centre, «г. Валуйки»
    postcode: str
    phone_code: str  # the long-distance code without the 8: «47236»
    weight: int  # a share of the region's graduates (roughly the population, thousands)
    villages: tuple[str, ...] = ()
    streets: tuple[str, ...] = ()  # the centre's streets; the common ones if empty


# fmt: off
BELGOROD_STREETS = (
    "ул. Щорса", "ул. Костюкова", "пр-т Богдана Хмельницкого", "ул. Губкина", "пр-т Славы", "ул. Попова",
    "ул. Королёва", "ул. Есенина", "ул. Мичурина", "Народный б-р", "ул. Победы", "Белгородский пр-т",
    "ул. Преображенская", "ул. Чумичова", "ул. Магистральная", "ул. Шаландина", "ул. Харьковская",
    "ул. Конева", "ул. Октябрьская", "ул. 5 Августа", "ул. Гагарина", "ул. Буденного", "ул. Ватутина",
    "ул. Мокроусова", "ул. Некрасова", "ул. Садовая",
)
STARY_OSKOL_STREETS = (
    "мкр. Жукова", "мкр. Олимпийский", "мкр. Степной", "мкр. Королёва", "мкр. Восточный", "мкр. Лебединец",
    "мкр. Макаренко", "мкр. Приборостроитель", "мкр. Солнечный", "мкр. Юность", "ул. Ленина",
    "ул. Комсомольская", "ул. Прядченко", "ул. Октябрьская", "ул. Революционная", "ул. Хмелёва",
)
GUBKIN_STREETS = (
    "ул. Дзержинского", "ул. Кирова", "ул. Севастопольская", "ул. Агошкова", "ул. Народная", "ул. Мира",
    "ул. Победы", "ул. Комсомольская", "ул. Королёва", "ул. Преображенская", "ул. Фрунзе",
)
TOWN_STREETS = (
    "ул. Ленина", "ул. Советская", "ул. Мира", "ул. Молодёжная", "ул. Садовая", "ул. Октябрьская",
    "ул. Гагарина", "ул. Комсомольская", "ул. Первомайская", "ул. Победы", "ул. Пушкина", "ул. Школьная",
    "ул. Центральная", "ул. Зелёная", "ул. Набережная", "ул. Пролетарская", "ул. Кирова", "ул. Чапаева",
    "ул. Заречная", "ул. Свердлова", "ул. Луговая", "ул. Маяковского",
)
VILLAGE_STREETS = (
    "ул. Центральная", "ул. Молодёжная", "ул. Садовая", "ул. Школьная", "ул. Полевая", "ул. Зелёная",
    "ул. Луговая", "ул. Заречная", "ул. Набережная", "ул. Мира", "ул. Победы", "пер. Садовый",
)

# The order matters: the first is «service 1», the second «service 2» (see Command).
PLACES: tuple[Place, ...] = (
    Place("г. Белгород", "г. Белгорода", "г. Белгорода", "г. Белгород", "308000", "4722", 330,
          streets=BELGOROD_STREETS),
    Place("Старооскольский городской округ", "Старооскольского городского округа", "Старооскольского округа",
          "г. Старый Оскол", "309500", "4725", 210, ("с. Городище", "с. Котово", "с. Озёрки"), STARY_OSKOL_STREETS),
    Place("Губкинский городской округ", "Губкинского городского округа", "Губкинского округа", "г. Губкин",
          "309180", "47241", 110, ("с. Богословка", "с. Бобровы Дворы", "с. Сергиевка"), GUBKIN_STREETS),
    Place("Алексеевский муниципальный округ", "Алексеевского муниципального округа", "Алексеевского округа",
          "г. Алексеевка", "309850", "47234", 58, ("с. Иловка", "с. Красное", "с. Матрёно-Гезово")),
    Place("Белгородский район", "Белгородского района", "Белгородского района", "п. Майский", "308503", "4722",
          120, ("п. Разумное", "п. Дубовое", "с. Стрелецкое", "п. Северный")),
    Place("Борисовский район", "Борисовского района", "Борисовского района", "п. Борисовка", "309340", "47246",
          26, ("с. Стригуны", "с. Берёзовка")),
    Place("Валуйский муниципальный округ", "Валуйского муниципального округа", "Валуйского округа", "г. Валуйки",
          "309990", "47236", 62, ("п. Уразово", "с. Насоново")),
    Place("Вейделевский район", "Вейделевского района", "Вейделевского района", "п. Вейделевка", "309720",
          "47237", 19, ("с. Закутское", "с. Белый Колодезь")),
    Place("Волоконовский район", "Волоконовского района", "Волоконовского района", "п. Волоконовка", "309650",
          "47235", 28, ("п. Пятницкое", "с. Тишанка")),
    Place("Грайворонский муниципальный округ", "Грайворонского муниципального округа", "Грайворонского округа",
          "г. Грайворон", "309370", "47261", 28, ("с. Головчино", "с. Дорогощь")),
    Place("Ивнянский район", "Ивнянского района", "Ивнянского района", "п. Ивня", "309110", "47243", 21,
          ("с. Курасовка", "с. Сафоновка")),
    Place("Корочанский район", "Корочанского района", "Корочанского района", "г. Короча", "309210", "47231", 38,
          ("с. Погореловка", "с. Шляхово")),
    Place("Красногвардейский район", "Красногвардейского района", "Красногвардейского района", "г. Бирюч",
          "309920", "47247", 31, ("с. Никитовка", "с. Засосна")),
    Place("Краснояружский район", "Краснояружского района", "Краснояружского района", "п. Красная Яруга",
          "309420", "47263", 14, ("с. Илёк-Пеньковка", "с. Репяховка")),
    Place("Новооскольский муниципальный округ", "Новооскольского муниципального округа", "Новооскольского округа",
          "г. Новый Оскол", "309640", "47233", 38, ("с. Великомихайловка", "с. Ярское")),
    Place("Прохоровский район", "Прохоровского района", "Прохоровского района", "п. Прохоровка", "309000",
          "47242", 27, ("с. Беленихино", "с. Призначное")),
    Place("Ракитянский район", "Ракитянского района", "Ракитянского района", "п. Ракитное", "309310", "47245",
          33, ("п. Пролетарский", "с. Венгеровка")),
    Place("Ровеньской район", "Ровеньского района", "Ровеньского района", "п. Ровеньки", "309740", "47238", 22,
          ("с. Айдар", "с. Нагорье")),
    Place("Чернянский район", "Чернянского района", "Чернянского района", "п. Чернянка", "309560", "47232", 30,
          ("с. Ездочное", "с. Русская Халань")),
    Place("Шебекинский муниципальный округ", "Шебекинского муниципального округа", "Шебекинского округа",
          "г. Шебекино", "309290", "47248", 85, ("п. Маслова Пристань", "с. Новая Таволжанка")),
    Place("Яковлевский муниципальный округ", "Яковлевского муниципального округа", "Яковлевского округа",
          "г. Строитель", "309070", "47244", 57, ("п. Томаровка", "п. Яковлево")),
)

REGIONAL_CENTRE = {
    "name": "Региональный ресурсный центр постинтернатного сопровождения",
    "short_name": "Региональный ресурсный центр",
    "address": "308009, Белгородская обл., г. Белгород, ул. Попова, д. 25",
    "phone": "+7 (4722) 35-17-40",
    "email": "rrc@soprovozhdenie31.example",
}

# Organisations for orphans, by the territory they stand in (index into PLACES).
ORPHANAGES: dict[int, tuple[str, ...]] = {
    0: ("ОГКУ «Белгородский центр развития и социализации детей «Южный»»",
        "ОГКОУ «Белгородская школа-интернат для детей-сирот и детей, оставшихся без попечения родителей»"),
    1: ("ОГКУ «Старооскольский центр развития и социализации детей «Старт»»",
        "ОГКУ «Старооскольский детский дом»"),
    2: ("ОГКУ «Губкинский детский дом»",),
    3: ("ОГКУ «Алексеевский детский дом»",),
    4: ("ОГКОУ «Разуменская школа-интернат»",),
    5: ("ОГКУ «Борисовский детский дом»",),
    6: ("ОГКУ «Валуйский детский дом»",),
    11: ("ОГКУ «Корочанский детский дом»",),
    14: ("ОГКОУ «Новооскольская школа-интернат для детей-сирот»",),
    19: ("ОГКУ «Шебекинский детский дом»",),
}
COLLEGES: dict[int, tuple[str, ...]] = {
    0: ("ОГАПОУ «Белгородский индустриальный колледж»", "ОГАПОУ «Белгородский строительный колледж»",
        "ОГАПОУ «Белгородский политехнический колледж»", "ОГАПОУ «Белгородский механико-технологический колледж»",
        "ОГАПОУ «Белгородский техникум общественного питания»"),
    1: ("ОГАПОУ «Старооскольский технологический техникум»", "ОГАПОУ «Старооскольский медицинский колледж»",
        "ОГАПОУ «Старооскольский индустриально-технологический техникум»"),
    2: ("ОГАПОУ «Губкинский горно-политехнический колледж»",),
    3: ("ОГАПОУ «Алексеевский колледж»",),
    5: ("ОГАПОУ «Борисовский агромеханический техникум»",),
    6: ("ОГАПОУ «Валуйский колледж»",),
    7: ("ОГАПОУ «Вейделевский агротехнический техникум»",),
    9: ("ОГАПОУ «Грайворонский техникум»",),
    11: ("ОГАПОУ «Корочанский сельскохозяйственный техникум»",),
    12: ("ОГАПОУ «Бирючанский техникум»",),
    14: ("ОГАПОУ «Новооскольский колледж»",),
    15: ("ОГАПОУ «Прохоровский агротехнический техникум»",),
    16: ("ОГАПОУ «Ракитянский агротехнологический техникум»",),
    18: ("ОГАПОУ «Чернянский агромеханический техникум»",),
    19: ("ОГАПОУ «Шебекинский техникум промышленности и транспорта»",),
    20: ("ОГАПОУ «Яковлевский политехнический техникум»",),
}
UNIVERSITIES = (
    "НИУ «БелГУ»", "БГТУ им. В. Г. Шухова", "Белгородский ГАУ им. В. Я. Горина",
    "Белгородский университет кооперации, экономики и права", "СТИ НИТУ «МИСиС» (г. Старый Оскол)",
)
EMPLOYERS_BY_PLACE: dict[int, tuple[str, ...]] = {
    1: ("АО «Оскольский электрометаллургический комбинат»", "АО «Стойленский ГОК»"),
    2: ("АО «Лебединский ГОК»",),
}
INDUSTRY_JOBS = ("слесарь-ремонтник", "электромонтёр", "машинист крана", "подсобный рабочий", "сварщик")
EMPLOYERS: dict[str, tuple[str, ...]] = {  # employer: the jobs graduates hold there
    "АО «Тандер» (магазин «Магнит»)": ("продавец-кассир", "кладовщик", "грузчик"),
    "ООО «Агроторг» (магазин «Пятёрочка»)": ("продавец-кассир", "пекарь", "кладовщик"),
    "ГК «Агро-Белогорье»": ("оператор свинокомплекса", "ветеринарный санитар", "подсобный рабочий"),
    "ООО «Белгранкорм»": ("оператор птицефабрики", "упаковщик", "водитель погрузчика"),
    "ООО «Мираторг-Белгород»": ("обвальщик мяса", "упаковщик", "оператор линии"),
    "ГК «ЭФКО»": ("оператор линии", "аппаратчик", "лаборант"),
    "ООО «Вайлдберриз» (пункт выдачи заказов)": ("менеджер пункта выдачи",),
    "МУП «Городское благоустройство»": ("дворник", "озеленитель", "рабочий по благоустройству"),
    "ИП Шевченко А. В. (автосервис)": ("автослесарь", "шиномонтажник"),
    "ООО «Агроэко»": ("оператор свинокомплекса", "тракторист"),
    "ОГБУЗ (районная больница)": ("санитар", "помощник по уходу"),
    "ООО «Кафе «Встреча»»": ("повар", "официант", "бармен"),
    "Салон красоты «Шарм»": ("парикмахер", "мастер маникюра"),
    "ООО «Швейная фабрика «Белгородчанка»»": ("оператор швейного оборудования", "закройщик"),
}
MOBILE_CODES = ("904", "905", "906", "908", "909", "910", "915", "920", "951", "952", "960", "961", "980")
MESSENGERS = ("Telegram", "ВКонтакте", "Telegram, ВКонтакте", "WhatsApp", "Telegram, WhatsApp", "MAX")
TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ("a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
     "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"),
    strict=True,
))
Education, Employment, Housing = Graduate.Education, Graduate.Employment, Graduate.Housing
Disability, MaritalStatus = Graduate.Disability, Graduate.MaritalStatus
STUDYING = (Education.SCHOOL, Education.VOCATIONAL, Education.HIGHER)
LIVES_AT_REGISTRATION = (Housing.ASSIGNED, Housing.OWN, Housing.RELATIVES)
OTHER_REGIONS = ("г. Курск", "г. Воронеж", "г. Липецк", "г. Орёл", "г. Тамбов")

# Popular names of the 2002–2011 cohorts; Faker adds the rarer ones.
MALE_NAMES = (
    "Александр", "Максим", "Артём", "Дмитрий", "Даниил", "Иван", "Кирилл", "Никита", "Михаил", "Егор", "Матвей",
    "Андрей", "Илья", "Алексей", "Роман", "Сергей", "Владислав", "Ярослав", "Тимофей", "Денис", "Павел",
    "Евгений", "Владимир", "Глеб", "Николай", "Антон", "Вадим", "Константин", "Виктор", "Данила",
)
FEMALE_NAMES = (
    "Анастасия", "Мария", "Дарья", "Анна", "Елизавета", "Полина", "Виктория", "Екатерина", "Софья",
    "Александра", "Ксения", "Алина", "Валерия", "Кристина", "Юлия", "Ольга", "Вероника", "Арина", "Диана",
    "Алёна", "Татьяна", "Наталья", "Маргарита", "Ангелина", "Карина", "Яна", "Елена", "Ирина", "Варвара",
    "Милана",
)
PATRONYMICS = (  # (male, female) from the fathers' names of the 1970s–1980s
    ("Александрович", "Александровна"), ("Сергеевич", "Сергеевна"), ("Андреевич", "Андреевна"),
    ("Алексеевич", "Алексеевна"), ("Дмитриевич", "Дмитриевна"), ("Владимирович", "Владимировна"),
    ("Евгеньевич", "Евгеньевна"), ("Игоревич", "Игоревна"), ("Николаевич", "Николаевна"),
    ("Юрьевич", "Юрьевна"), ("Викторович", "Викторовна"), ("Олегович", "Олеговна"),
    ("Михайлович", "Михайловна"), ("Иванович", "Ивановна"), ("Павлович", "Павловна"),
    ("Романович", "Романовна"), ("Вячеславович", "Вячеславовна"), ("Денисович", "Денисовна"),
    ("Максимович", "Максимовна"), ("Анатольевич", "Анатольевна"), ("Валерьевич", "Валерьевна"),
    ("Геннадьевич", "Геннадьевна"), ("Васильевич", "Васильевна"), ("Витальевич", "Витальевна"),
    ("Константинович", "Константиновна"), ("Петрович", "Петровна"), ("Владиславович", "Владиславовна"),
)
RISK_FACTORS = (
    "Задолженность по оплате жилищно-коммунальных услуг.",
    "Злоупотребление алкоголем.",
    "Конфликтные отношения с кровными родственниками.",
    "Долговые обязательства (микрозаймы).",
    "Пропуски занятий, угроза отчисления.",
    "Нет постоянного источника дохода.",
)
CONSENT_SCOPE = (
    "Фамилия, имя, отчество; пол; дата рождения; СНИЛС; документ, удостоверяющий личность; адреса регистрации "
    "и фактического проживания; контактные данные; статус; сведения о семье, жилищной ситуации, образовании, "
    "занятости и состоянии здоровья. Цель: постинтернатное сопровождение и содействие в реализации прав "
    "(159-ФЗ). Действия: сбор, запись, систематизация, накопление, хранение, уточнение, использование, передача "
    "органам и организациям системы профилактики, обезличивание, блокирование, удаление, уничтожение — с "
    "использованием средств автоматизации и без них. Согласие действует до окончания сопровождения и может быть "
    "отозвано письменным заявлением."
)

# (username, role, service: "regional" / 1 / 2 / None, last, first, patronymic, position)
DEMO_USERS = (
    ("region", Role.REGIONAL, "regional", "Кравченко", "Елена", "Викторовна",
     "Руководитель регионального ресурсного центра"),
    ("coordinator1", Role.COORDINATOR, 1, "Шаповалова", "Ольга", "Николаевна",
     "Руководитель службы постинтернатного сопровождения"),
    ("specialist1", Role.SPECIALIST, 1, "Гребенникова", "Анна", "Сергеевна", "Специалист по социальной работе"),
    ("specialist2", Role.SPECIALIST, 2, "Кривошеева", "Мария", "Игоревна", "Специалист по социальной работе"),
    ("admin", Role.ADMIN, None, "Бондарев", "Сергей", "Петрович", "Администратор системы"),
)

# fmt: on


def parse_as_of(value: str) -> dt.date:
    """``--as-of``: a date ГГГГ-ММ-ДД."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(_("ожидается дата ГГГГ-ММ-ДД, получено «%(v)s»") % {"v": value}) from None


def as_of_moment(day: dt.date) -> dt.datetime:
    """The moment the demo is built «as of»: the start of the working day ``day`` (09:00 local time).

    Every ``created_at`` of the demo is at most this moment, so nothing is recorded after it.
    """
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def birthday(birth: dt.date, age: int) -> dt.date:
    """The day a person turns ``age`` (born on 29 February: 1 March in a common year, as in age_on)."""
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:
        return dt.date(birth.year + age, 3, 1)


def landline(rng: random.Random, place: Place) -> str:
    """A fixed-line number of ``place``: «+7 (4722) 35-17-40», «+7 (47236) 3-12-45»."""
    local = f"{rng.randint(20, 79)}" if len(place.phone_code) == 4 else f"{rng.randint(2, 7)}"
    return f"+7 ({place.phone_code}) {local}-{rng.randint(0, 99):02d}-{rng.randint(0, 99):02d}"


def apportion(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` by ``weights`` (largest remainder), at least one each when there are enough."""
    floor = 1 if total >= len(weights) else 0
    rest = total - floor * len(weights)
    whole = sum(weights)
    shares = [rest * w / whole for w in weights]
    counts = [floor + int(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


class DemoRegion:
    """Generates the graduates of the demo region, deterministically."""

    def __init__(self, today: dt.date, categories: dict[str, VulnerableCategory], used_snils: set[str]):
        self.today = today
        self.now = as_of_moment(today)
        self.rng = random.Random(SEED)
        self.fake = Faker("ru_RU")
        self.fake.seed_instance(SEED)
        self.categories = categories
        self.used_snils = used_snils

    # --- small pieces ---------------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, options: dict):
        keys = list(options)
        return self.rng.choices(keys, weights=[options[k] for k in keys])[0]

    def day_between(self, lo: dt.date, hi: dt.date) -> dt.date:
        return lo + dt.timedelta(days=self.rng.randint(0, max((hi - lo).days, 0)))

    def mobile(self) -> str:
        r = self.rng
        return f"+7 ({r.choice(MOBILE_CODES)}) {r.randint(100, 999)}-{r.randint(0, 99):02d}-{r.randint(0, 99):02d}"

    def snils(self) -> str:
        while True:
            body = f"{self.rng.randint(100_000_000, 999_999_999)}"
            if body not in self.used_snils:
                self.used_snils.add(body)
                control = snils_checksum(body)
                return f"{body[:3]}-{body[3:6]}-{body[6:]} {control:02d}"

    def person(self, sex: str) -> tuple[str, str, str]:
        """Last name, first name and patronymic that agree with ``sex``."""
        f, male = self.fake, sex == Graduate.Sex.MALE
        last = f.last_name_male() if male else f.last_name_female()
        if self.chance(0.85):
            first = self.rng.choice(MALE_NAMES if male else FEMALE_NAMES)
        else:
            first = f.first_name_male() if male else f.first_name_female()
        if self.chance(0.85):
            patronymic = self.rng.choice(PATRONYMICS)[0 if male else 1]
        else:
            patronymic = f.middle_name_male() if male else f.middle_name_female()
        return last, first, patronymic

    def email(self, last: str, first: str, birth: dt.date) -> str:
        """An address on a reserved domain, made of the person's name."""
        name = "".join(TRANSLIT.get(ch, ch) for ch in f"{last}.{first[0]}".lower())
        tail = self.rng.choice((str(birth.year), f"{birth.day:02d}{birth.month:02d}", str(self.rng.randint(1, 99))))
        return f"{name}{tail}@{self.fake.safe_domain_name()}"

    def settlement(self, place: Place) -> str:
        if place.villages and self.chance(0.3):
            return self.rng.choice(place.villages)
        return place.centre

    def address(self, place: Place, settlement: str | None = None, *, flat: bool = True) -> str:
        """A postal address in ``place`` (in ``settlement`` if given), without the postcode."""
        r = self.rng
        settlement = settlement or self.settlement(place)
        parts = ["Белгородская обл."]
        if not settlement.startswith("г. "):
            parts.append(place.name.replace(" район", " р-н"))
        parts.append(settlement)
        if settlement == place.centre:
            parts.append(r.choice(place.streets or TOWN_STREETS))
            flat_share = 0.8 if settlement.startswith("г. ") else 0.35
        else:
            parts.append(r.choice(VILLAGE_STREETS))
            flat_share = 0.05
        house = f"д. {r.randint(1, 140)}"
        if self.chance(0.08):
            house += r.choice("абв")
        parts.append(house)
        if flat and self.chance(flat_share):
            parts.append(f"кв. {r.randint(1, 180)}")
        return ", ".join(parts)

    def identification_place(self, index: int) -> str:
        if self.chance(0.04):
            return self.rng.choice(OTHER_REGIONS)
        if not self.chance(0.7):
            index = self.rng.choices(range(len(PLACES)), weights=[p.weight for p in PLACES])[0]
        place = PLACES[index]
        settlement = self.settlement(place)
        if settlement.startswith("г. ") and settlement == place.centre and place.name == settlement:
            return settlement
        return f"{settlement}, {place.name}"

    def passport(self, birth: dt.date, age: int) -> str:
        issued = birthday(birth, 20 if age >= 20 else 14) + dt.timedelta(days=self.rng.randint(5, 60))
        issued = min(issued, self.today)
        number = f"14 {issued.year % 100:02d} {self.rng.randint(100000, 999999)}"
        return (
            f"Паспорт гражданина РФ {number}, выдан УМВД России по Белгородской области "
            f"{issued:%d.%m.%Y}, код подразделения 310-{self.rng.randint(1, 40):03d}"
        )

    def birth_date(self, age: int) -> dt.date:
        hi = shift_years(self.today, -age)
        lo = shift_years(self.today, -(age + 1)) + dt.timedelta(days=1)
        while age_on(lo, self.today) > age:
            lo += dt.timedelta(days=1)
        while age_on(hi, self.today) < age:
            hi -= dt.timedelta(days=1)
        return self.day_between(lo, hi)

    # --- one graduate ---------------------------------------------------------------------------
    def graduate(self, index: int, service: Service) -> tuple[Graduate, list[str], list[Consent]]:
        """A graduate of ``service`` (not saved), the codes of their vulnerable categories, their consents."""
        r, place = self.rng, PLACES[index]
        sex = Graduate.Sex.FEMALE if self.chance(0.47) else Graduate.Sex.MALE
        last, first, patronymic = self.person(sex)
        age = self.pick({15: 3, 16: 5, 17: 8, 18: 14, 19: 15, 20: 15, 21: 14, 22: 13, 23: 13})
        birth = self.birth_date(age)
        g = Graduate(
            service=service,
            territory_id=service.territory_id,
            last_name=last,
            first_name=first,
            patronymic=patronymic,
            sex=sex,
            birth_date=birth,
            snils=self.snils() if self.chance(0.85) else "",
            id_document=self.passport(birth, age) if self.chance(0.97) else "",
            identification_place=self.identification_place(index),
            phone=self.mobile() if self.chance(0.92) else "",
            messengers=r.choice(MESSENGERS) if self.chance(0.6) else "",
            email=self.email(last, first, birth) if self.chance(0.15) else "",
        )
        carer = self.origin(g, index, age)
        college_place = self.studies_and_work(g, index, age)
        self.family_and_health(g, age)
        self.housing(g, index, age)
        codes = self.vulnerability(g, age)

        # Registered mostly in the territory; the actual address is always in it.
        registered_here = self.chance(0.88)
        g.registration_address = self.address(place if registered_here else r.choice(PLACES))
        if g.housing == Housing.DORMITORY:
            g.actual_address = (
                f"{self.address(place, place.centre, flat=False)}, общежитие, комн. {r.randint(101, 520)}"
            )
        elif g.housing == Housing.SOCIAL_HOTEL:
            g.actual_address = f"{REGIONAL_CENTRE['address'].split(', ', 1)[1]}, социальная гостиница"
        elif registered_here and g.housing in LIVES_AT_REGISTRATION and self.chance(0.8):
            g.actual_address = g.registration_address
        else:
            g.actual_address = self.address(place)

        if age < 18:
            if g.education == Education.VOCATIONAL:
                phone = landline(self.rng, PLACES[college_place])
                g.legal_representative = f"{g.education_place} (на период обучения), тел. {phone}"
            elif carer:
                g.legal_representative = f"{carer}, попечитель, тел. {self.mobile()}"
            else:
                phone = landline(self.rng, place)
                g.legal_representative = f"Отдел опеки и попечительства администрации {place.genitive}, тел. {phone}"

        consents: list[Consent] = []
        if self.chance(0.9):
            given = max(g.left_at - dt.timedelta(days=20), birthday(birth, 14))
            given = self.day_between(given, min(g.left_at + dt.timedelta(days=45), self.today))
            as_minor = age_on(birth, given) < 18
            consents.append(self.consent(given, by_representative=as_minor))
            if as_minor and age >= 18 and self.chance(0.6):  # renewed by the graduate on coming of age
                adult = birthday(birth, 18)
                renewed = self.day_between(adult, min(adult + dt.timedelta(days=60), self.today))
                consents.append(self.consent(renewed, by_representative=False))
        entered = min([c.given_at for c in consents] + [g.left_at + dt.timedelta(days=r.randint(0, 30)), self.today])
        g.created_at = self.moment(entered)
        g.refresh_search_keys()
        return g, codes, consents

    def origin(self, g: Graduate, index: int, age: int) -> str:
        """Status and leaving care (after the 15th–18th birthday, never in the future); the carer's name if any."""
        r, place = self.rng, PLACES[index]
        if age < 18:
            g.status_category = self.pick(
                {Graduate.StatusCategory.ORPHAN: 35, Graduate.StatusCategory.LEFT_WITHOUT_CARE: 65}
            )
        else:
            g.status_category = self.pick(
                {Graduate.StatusCategory.FROM_ORPHANS: 90, Graduate.StatusCategory.LOST_PARENTS: 10}
            )
        left_age = self.pick({a: w for a, w in {15: 25, 16: 15, 17: 15, 18: 45}.items() if a <= age})
        leaving_birthday = birthday(g.birth_date, left_age)
        g.left_at = self.day_between(leaving_birthday, min(leaving_birthday + dt.timedelta(days=300), self.today))
        g.left_from_kind = self.pick(
            {Graduate.LeftFrom.ORGANISATION: 68, Graduate.LeftFrom.FOSTER_FAMILY: 29, Graduate.LeftFrom.OTHER: 3}
        )
        if age < 18 and g.left_from_kind == Graduate.LeftFrom.FOSTER_FAMILY and self.chance(0.6):
            g.left_from_kind = Graduate.LeftFrom.ORGANISATION
        carer = ""
        if g.status_category == Graduate.StatusCategory.LOST_PARENTS:
            # Not in care before: the record names the family in which the parents died.
            g.left_from_kind = Graduate.LeftFrom.OTHER
            g.left_organisation = "Родная семья (родители умерли в период обучения выпускника)"
        elif g.left_from_kind == Graduate.LeftFrom.ORGANISATION:
            home = index if index in ORPHANAGES and self.chance(0.6) else r.choice(list(ORPHANAGES))
            g.left_organisation = r.choice(ORPHANAGES[home])
        elif g.left_from_kind == Graduate.LeftFrom.FOSTER_FAMILY:
            carer = " ".join(self.person(Graduate.Sex.FEMALE if self.chance(0.85) else Graduate.Sex.MALE))
            kind, who = r.choice((("Приёмная семья", "приёмный родитель"), ("Опекунская семья", "опекун")))
            g.left_organisation = f"{kind} ({who} — {carer}), {place.name}"
        else:
            g.left_organisation = f"ОГБУСО «Социально-реабилитационный центр для несовершеннолетних {place.genitive}»"
        return carer

    def studies_and_work(self, g: Graduate, index: int, age: int) -> int:
        """Education and employment by age; returns the index of the place of the graduate's college."""
        r, place = self.rng, PLACES[index]
        if age < 18:
            g.education = self.pick(
                {Education.SCHOOL: 6, Education.VOCATIONAL: 80, Education.NOT_STUDYING: 7, Education.EXPELLED: 7}
            )
        elif age < 20:
            g.education = self.pick(
                {
                    Education.VOCATIONAL: 55,
                    Education.HIGHER: 8,
                    Education.FINISHED_VOCATIONAL: 15,
                    Education.NOT_STUDYING: 12,
                    Education.EXPELLED: 10,
                }
            )
        else:
            g.education = self.pick(
                {
                    Education.VOCATIONAL: 15 if age < 22 else 2,
                    Education.HIGHER: 8,
                    Education.FINISHED_VOCATIONAL: 45,
                    Education.FINISHED_HIGHER: 3 if age >= 22 else 0,
                    Education.NOT_STUDYING: 20,
                    Education.EXPELLED: 9,
                }
            )
        college_place = index if index in COLLEGES and self.chance(0.6) else r.choice((0, 0, 1, *COLLEGES))
        if g.education == Education.SCHOOL:
            g.education_place = f"МБОУ «Средняя общеобразовательная школа № {r.randint(1, 12)}», {place.centre}"
        elif g.education in (Education.VOCATIONAL, Education.FINISHED_VOCATIONAL, Education.EXPELLED):
            g.education_place = r.choice(COLLEGES[college_place])
        elif g.education in (Education.HIGHER, Education.FINISHED_HIGHER):
            g.education_place = r.choice(UNIVERSITIES)

        male = g.sex == Graduate.Sex.MALE
        if g.education in (Education.SCHOOL, Education.VOCATIONAL, Education.HIGHER):
            g.employment = Employment.EMPLOYED if age >= 18 and self.chance(0.2) else Employment.STUDENT
        elif male and 18 <= age <= 21 and self.chance(0.15):
            g.employment = Employment.ARMY
            g.employment_place = "Служба по призыву в Вооружённых Силах РФ"
        elif age < 18:
            g.employment = self.pick({Employment.LOOKING: 50, Employment.UNEMPLOYED: 50})
        else:
            g.employment = self.pick({Employment.EMPLOYED: 60, Employment.LOOKING: 20, Employment.UNEMPLOYED: 20})
        if g.employment == Employment.EMPLOYED:
            employer = r.choice((*EMPLOYERS_BY_PLACE.get(index, ()), *EMPLOYERS))
            g.employment_place = f"{employer}, {r.choice(EMPLOYERS.get(employer, INDUSTRY_JOBS))}"
        return college_place

    def family_and_health(self, g: Graduate, age: int) -> None:
        male = g.sex == Graduate.Sex.MALE
        if not male and age >= 19 and self.chance(0.18):
            g.children_count = self.pick({1: 80, 2: 17, 3: 3})
        elif male and age >= 20 and self.chance(0.06):
            g.children_count = 1
        g.is_pregnant = not male and age >= 17 and self.chance(0.03)
        if g.children_count and not male and g.employment != Employment.STUDENT and self.chance(0.6):
            g.employment, g.employment_place = Employment.MATERNITY, ""
        if age >= 18 and (g.children_count or self.chance(0.12)):
            g.marital_status = self.pick(
                {
                    MaritalStatus.SINGLE: 40,
                    MaritalStatus.COHABITING: 30,
                    MaritalStatus.MARRIED: 25,
                    MaritalStatus.DIVORCED: 5,
                }
            )
        if age < 18:
            g.disability = self.pick({Disability.NONE: 95, Disability.CHILD: 5})
        else:
            g.disability = self.pick(
                {Disability.NONE: 945, Disability.GROUP_3: 30, Disability.GROUP_2: 20, Disability.GROUP_1: 5}
            )

    def housing(self, g: Graduate, index: int, age: int) -> None:
        # The region's social hotel is the regional centre's, in Belgorod.
        hotel = 5 if index == 0 else 0
        if age < 18:
            dormitory = 0 if g.education == Education.SCHOOL else 50
            g.housing = self.pick(
                {Housing.DORMITORY: dormitory, Housing.ASSIGNED: 20, Housing.RELATIVES: 25, Housing.SOCIAL_HOTEL: hotel}
            )
        else:
            studying = g.employment == Employment.STUDENT or g.education in STUDYING
            g.housing = self.pick(
                {
                    Housing.QUEUE: 22,
                    Housing.SPECIALISED: 18,
                    Housing.ASSIGNED: 12,
                    Housing.DORMITORY: 14 if studying else 2,
                    Housing.RENTED: 12,
                    Housing.RELATIVES: 10,
                    Housing.OWN: 4,
                    Housing.SOCIAL_HOTEL: hotel,
                    Housing.NONE: 3,
                }
            )
        if g.housing == Housing.OWN:
            g.housing_right = False
        elif g.housing == Housing.ASSIGNED:
            g.housing_right = self.chance(0.2)
        else:
            g.housing_right = True
        g.housing_on_list = g.housing == Housing.QUEUE or (
            g.housing_right and g.housing != Housing.SPECIALISED and self.chance(0.6)
        )

    def vulnerability(self, g: Graduate, age: int) -> list[str]:
        """At most two vulnerable categories that follow the record; fills in the risk factors."""
        r, male = self.rng, g.sex == Graduate.Sex.MALE
        idle = g.employment in (Employment.LOOKING, Employment.UNEMPLOYED)
        candidates = (
            ("disability", g.disability != Disability.NONE, 1.0),
            ("pregnant", g.is_pregnant, 1.0),
            ("young_parents", g.children_count > 0, 0.8),
            ("housing_problems", g.housing in (Housing.NONE, Housing.SOCIAL_HOTEL), 0.9),
            ("housing_problems", g.housing == Housing.RELATIVES, 0.4),
            ("employment_difficulties", idle and age >= 18, 0.45),
            ("antisocial_behaviour", True, 0.05),
            ("released_from_prison", age >= 19, 0.015),
        )
        codes: list[str] = []
        for code, applies, p in candidates:
            if applies and code not in codes and len(codes) < 2 and code in self.categories and self.chance(p):
                codes.append(code)
        risks = []
        if "antisocial_behaviour" in codes:
            if age < 18:
                risks.append("Состоит на учёте в ПДН.")
            else:
                risks.append(f"Привлекал{'ся' if male else 'ась'} к административной ответственности.")
        if "released_from_prison" in codes:
            year = self.today.year - r.randint(0, 2)
            risks.append(f"Освобожд{'ён' if male else 'ена'} из исправительного учреждения в {year} г.")
        if g.housing == Housing.RELATIVES and "housing_problems" in codes:
            risks.append("Проживает с родственниками, ведущими асоциальный образ жизни.")
        if self.chance(0.08):
            risks.append(r.choice(RISK_FACTORS))
        g.risk_factors = "\n".join(risks)
        return codes

    def consent(self, given: dt.date, by_representative: bool) -> Consent:
        return Consent(
            given_at=given,
            given_by=Consent.GivenBy.REPRESENTATIVE if by_representative else Consent.GivenBy.GRADUATE,
            scope=CONSENT_SCOPE,
            created_at=self.moment(given),
        )

    def moment(self, day: dt.date) -> dt.datetime:
        """A working-hours moment of ``day``, never later than the as-of moment."""
        at = dt.datetime.combine(day, dt.time(self.rng.randint(9, 17), self.rng.randint(0, 59)))
        return min(timezone.make_aware(at), self.now)


def directories() -> tuple[Region, list[Territory], list[Service], Service]:
    """The region, its territories and municipal services (in the order of ``PLACES``) and the regional centre."""
    region, _created = Region.objects.get_or_create(name=REGION_NAME, defaults={"code": REGION_CODE})
    territories: list[Territory] = []
    services: list[Service] = []
    rng = random.Random(SEED)
    for place in PLACES:
        territory, _created = Territory.objects.get_or_create(region=region, name=place.name)
        street = rng.choice(place.streets or TOWN_STREETS)
        service, _created = Service.objects.get_or_create(
            region=region,
            name=f"Служба постинтернатного сопровождения ОГБУ «Комплексный центр социального обслуживания "
            f"населения {place.genitive}»",
            defaults={
                "territory": territory,
                "kind": Service.Kind.MUNICIPAL,
                "short_name": f"Служба сопровождения {place.short_genitive}",
                "address": f"{place.postcode}, Белгородская обл., {place.centre}, {street}, д. {rng.randint(2, 60)}",
                "phone": landline(rng, place),
                "email": f"soprovozhdenie{len(services) + 1:02d}@soprovozhdenie31.example",
            },
        )
        territories.append(territory)
        services.append(service)
    centre, _created = Service.objects.get_or_create(
        region=region,
        name=REGIONAL_CENTRE["name"],
        defaults={**REGIONAL_CENTRE, "kind": Service.Kind.REGIONAL_CENTRE, "territory": None},
    )
    return region, territories, services, centre


def graduates(total: int, services: list[Service], as_of: dt.date) -> tuple[int, int]:
    """Create ``total`` graduates over ``services``; return how many graduates and consents."""
    if not connection.features.can_return_rows_from_bulk_insert:
        raise CommandError(_("База данных не возвращает ключи при массовой вставке: загрузка невозможна."))
    categories = VulnerableCategory.objects.in_bulk(field_name="code")
    used = {s[:9] for s in Graduate.objects.exclude(snils_digits="").values_list("snils_digits", flat=True)}
    maker = DemoRegion(as_of, categories, used)
    rows: list[tuple[Graduate, list[str], list[Consent]]] = []
    counts = apportion(total, [p.weight for p in PLACES])
    for index, (service, count) in enumerate(zip(services, counts, strict=True)):
        rows.extend(maker.graduate(index, service) for _n in range(count))

    through = Graduate.vulnerable_categories.through
    consents = 0
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start : start + BATCH_SIZE]
        # search_name and snils_digits were filled in by refresh_search_keys(): bulk_create skips save().
        Graduate.objects.bulk_create([graduate for graduate, _codes, _papers in batch])
        links = []
        papers = []
        for graduate, codes, kept in batch:
            links += [through(graduate_id=graduate.pk, vulnerablecategory_id=categories[c].pk) for c in codes]
            for consent in kept:
                consent.graduate = graduate
                papers.append(consent)
        through.objects.bulk_create(links)
        Consent.objects.bulk_create(papers)
        consents += len(papers)
    return len(rows), consents


def users(services: list[Service], centre: Service) -> list[tuple[User, bool]]:
    """The demo users; an existing one is left as it is."""
    result = []
    for username, role, where, last, first, patronymic, position in DEMO_USERS:
        user = User.objects.filter(username=username).select_related("service").first()
        if user is not None:
            result.append((user, False))
            continue
        service = centre if where == "regional" else services[where - 1] if where else None
        user = User(
            username=username,
            role=role,
            service=service,
            last_name=last,
            first_name=first,
            patronymic=patronymic,
            position=position,
            phone=service.phone if service else "",
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        user.set_password(settings.OPORA_DEMO_PASSWORD)
        user.save()
        result.append((user, True))
    return result
