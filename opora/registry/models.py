"""The registry of graduates (банк данных выпускников): the person, their consent and categories."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opora.core.access import RestrictedQuerySet, Scope
from opora.core.errors import DomainError
from opora.core.files import validate_photo, validate_scan
from opora.core.validators import TERM, as_validation_error, check_birth_date, check_date
from opora.core.versioning import Revisioned
from opora.registry.validators import age_on, validate_not_future, validate_phone, validate_snils


def normalize_name(text: str) -> str:
    """The search key of a name: lower case, «ё» as «е», single spaces."""
    return " ".join((text or "").lower().replace("ё", "е").split())


class VulnerableCategory(models.Model):
    """A category of graduates who need heightened attention (000; 003 «Маме важно»)."""

    code = models.SlugField(_("код"), max_length=40, unique=True)
    name = models.CharField(_("название"), max_length=200)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("уязвимая категория")
        verbose_name_plural = _("уязвимые категории")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


# How alike a typed name and a stored one must be for the typo-tolerant fallback
# (pg_trgm word similarity): «Иваонва» ~ «Иванова» scores 0.375, while unrelated
# surnames with the same ending («Смирнова» ~ «Иванова») score 0.33.
SIMILARITY_THRESHOLD = 0.35


class GraduateQuerySet(RestrictedQuerySet):
    def search(self, text: str) -> GraduateQuerySet:
        """Graduates whose name contains every word of ``text`` (case- and ё-insensitive),
        or whose SNILS contains the digits typed."""
        key = normalize_name(text)
        if not key:
            return self
        condition = models.Q()
        for word in key.split():
            condition &= models.Q(search_name__contains=word)
        digits = "".join(ch for ch in key if ch.isdigit())
        if len(digits) >= 3:
            condition |= models.Q(snils_digits__contains=digits)
        return self.filter(condition)

    def similar_to(self, text: str) -> GraduateQuerySet:
        """Names within a typo or two of ``text``, most alike first.

        PostgreSQL's pg_trgm (``word_similarity``, with its GIN index) on PostgreSQL; elsewhere
        the same measure in Python (opora.registry.similarity), registered in SQLite as
        ``opora_word_similarity`` (opora.registry.apps) — the same rows in the same order.
        """
        key = normalize_name(text)
        if connections[self.db].vendor == "postgresql":
            from django.contrib.postgres.search import TrigramWordSimilarity

            similarity = TrigramWordSimilarity(key, "search_name")
        else:
            similarity = models.Func(
                models.Value(key),
                models.F("search_name"),
                models.Value(SIMILARITY_THRESHOLD),
                function="opora_word_similarity",
                output_field=models.FloatField(),
            )
        return (
            self.annotate(similarity=similarity)
            .filter(similarity__gte=SIMILARITY_THRESHOLD)
            .order_by("-similarity", "last_name", "first_name", "id")
        )

    def born_between(self, oldest: dt.date | None, youngest: dt.date | None) -> GraduateQuerySet:
        qs = self
        if oldest:
            qs = qs.filter(birth_date__gte=oldest)
        if youngest:
            qs = qs.filter(birth_date__lte=youngest)
        return qs


class Graduate(Revisioned):
    """A graduate of an organisation for orphans, in the registry whether or not on support.

    The record holds every field of the registry (001 stage 1; 000 §3.1.3, §3.2.7; 002 §8.3).
    ``service`` is the service that holds the record: the one of the territory where the
    graduate actually lives. It is what the access scope goes by.
    """

    class Sex(models.TextChoices):
        MALE = "male", _("мужской")
        FEMALE = "female", _("женский")

    class StatusCategory(models.TextChoices):
        ORPHAN = "orphan", _("Ребёнок-сирота")
        LEFT_WITHOUT_CARE = "without_care", _("Ребёнок, оставшийся без попечения родителей")
        FROM_ORPHANS = "from_orphans", _("Лицо из числа детей-сирот и детей, оставшихся без попечения родителей")
        LOST_PARENTS = (
            "lost_parents",
            _("Лицо, потерявшее в период обучения обоих родителей или единственного родителя"),
        )

    class LeftFrom(models.TextChoices):
        ORGANISATION = "organisation", _("Организация для детей-сирот")
        FOSTER_FAMILY = "foster_family", _("Замещающая (приёмная, опекунская) семья")
        OTHER = "other", _("Другое")

    class MaritalStatus(models.TextChoices):
        SINGLE = "single", _("Не состоит в браке")
        MARRIED = "married", _("Состоит в браке")
        COHABITING = "cohabiting", _("Гражданский брак")
        DIVORCED = "divorced", _("Разведён(а)")
        WIDOWED = "widowed", _("Вдовец (вдова)")

    class Housing(models.TextChoices):
        ASSIGNED = "assigned", _("Закреплённое жильё")
        OWN = "own", _("Собственное жильё")
        QUEUE = "queue", _("В очереди на специализированный жилищный фонд")
        SPECIALISED = "specialised", _("Жильё специализированного жилищного фонда")
        DORMITORY = "dormitory", _("Общежитие")
        SOCIAL_HOTEL = "social_hotel", _("Социальная гостиница")
        RENTED = "rented", _("Съёмное жильё")
        RELATIVES = "relatives", _("Проживает у родственников")
        NONE = "none", _("Нет жилья")

    class Education(models.TextChoices):
        SCHOOL = "school", _("Учится в школе")
        VOCATIONAL = "vocational", _("Учится в колледже / техникуме (СПО)")
        HIGHER = "higher", _("Учится в вузе")
        FINISHED_VOCATIONAL = "finished_vocational", _("Окончил(а) СПО")
        FINISHED_HIGHER = "finished_higher", _("Окончил(а) вуз")
        NOT_STUDYING = "not_studying", _("Не учится, профессии нет")
        EXPELLED = "expelled", _("Отчислен(а)")

    class Employment(models.TextChoices):
        EMPLOYED = "employed", _("Работает")
        LOOKING = "looking", _("Ищет работу")
        UNEMPLOYED = "unemployed", _("Не работает")
        STUDENT = "student", _("Учится (не работает)")
        MATERNITY = "maternity", _("Отпуск по уходу за ребёнком")
        ARMY = "army", _("Служба в армии")

    class Disability(models.TextChoices):
        NONE = "none", _("Нет")
        CHILD = "child", _("Ребёнок-инвалид")
        GROUP_1 = "group_1", _("I группа")
        GROUP_2 = "group_2", _("II группа")
        GROUP_3 = "group_3", _("III группа")

    service = models.ForeignKey(
        "org.Service", on_delete=models.PROTECT, related_name="graduates", verbose_name=_("служба сопровождения")
    )
    incoming_service = models.ForeignKey(
        "org.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="incoming_graduates",
        verbose_name=_("передаётся в службу"),
        help_text=_("Служба, которой передаётся запись после переезда, пока она не приняла её"),
    )
    # Person
    last_name = models.CharField(_("фамилия"), max_length=100)
    first_name = models.CharField(_("имя"), max_length=100)
    patronymic = models.CharField(_("отчество"), max_length=100, blank=True)
    sex = models.CharField(_("пол"), max_length=10, choices=Sex.choices)
    birth_date = models.DateField(_("дата рождения"), validators=[validate_not_future])
    snils = models.CharField(
        _("СНИЛС"), max_length=14, blank=True, validators=[validate_snils], help_text=_("ХХХ-ХХХ-ХХХ ХХ")
    )
    id_document = models.CharField(
        _("документ, удостоверяющий личность"),
        max_length=200,
        blank=True,
        help_text=_("Вид, серия и номер, кем и когда выдан"),
    )
    photo_portrait = models.ImageField(
        _("фото (портрет)"),
        upload_to="photos/%Y/",
        blank=True,
        validators=[validate_photo],
    )
    photo_full = models.ImageField(
        _("фото (в полный рост)"),
        upload_to="photos/%Y/",
        blank=True,
        validators=[validate_photo],
    )
    # Status and origin
    status_category = models.CharField(_("статус"), max_length=20, choices=StatusCategory.choices)
    identification_place = models.CharField(_("место первичного выявления"), max_length=300, blank=True)
    left_from_kind = models.CharField(
        _("откуда выпущен"), max_length=20, choices=LeftFrom.choices, default=LeftFrom.ORGANISATION
    )
    left_organisation = models.CharField(_("организация (семья), из которой выпущен"), max_length=300, blank=True)
    left_at = models.DateField(_("дата выпуска"), null=True, blank=True, validators=[validate_not_future])
    # Addresses and contacts
    registration_address = models.CharField(_("адрес регистрации"), max_length=300, blank=True)
    actual_address = models.CharField(_("адрес фактического проживания"), max_length=300, blank=True)
    territory = models.ForeignKey(
        "org.Territory",
        on_delete=models.PROTECT,
        related_name="graduates",
        verbose_name=_("территория проживания"),
    )
    phone = models.CharField(_("телефон"), max_length=20, blank=True, validators=[validate_phone])
    messengers = models.CharField(_("мессенджеры, соцсети"), max_length=200, blank=True)
    email = models.EmailField(_("электронная почта"), blank=True)
    # Family
    marital_status = models.CharField(
        _("семейное положение"), max_length=20, choices=MaritalStatus.choices, default=MaritalStatus.SINGLE
    )
    children_count = models.PositiveSmallIntegerField(
        _("количество детей"), default=0, validators=[MaxValueValidator(20)]
    )
    is_pregnant = models.BooleanField(_("беременность"), default=False)
    legal_representative = models.CharField(
        _("законный представитель"),
        max_length=300,
        blank=True,
        help_text=_("Для несовершеннолетних: ФИО, кем приходится, контакты"),
    )
    # Housing
    housing = models.CharField(_("жилищная ситуация"), max_length=20, choices=Housing.choices)
    housing_right = models.BooleanField(
        _("имеет право на обеспечение жильём из специализированного фонда"), default=False
    )
    housing_on_list = models.BooleanField(_("включён в список на обеспечение жильём"), default=False)
    # Education and employment
    education = models.CharField(_("образование"), max_length=30, choices=Education.choices, blank=True)
    education_place = models.CharField(_("место учёбы"), max_length=300, blank=True)
    employment = models.CharField(_("занятость"), max_length=20, choices=Employment.choices, blank=True)
    employment_place = models.CharField(_("место работы"), max_length=300, blank=True)
    # Health and risks
    disability = models.CharField(_("инвалидность"), max_length=10, choices=Disability.choices, default=Disability.NONE)
    vulnerable_categories = models.ManyToManyField(
        VulnerableCategory, blank=True, related_name="graduates", verbose_name=_("уязвимые категории")
    )
    risk_factors = models.TextField(_("факторы риска"), blank=True)
    notes = models.TextField(_("примечания"), blank=True)
    # Set when the record passed to another service on a move: the receiving specialist checks the
    # address, territory, housing and place of study, and the mark stays on the card until then.
    details_to_confirm = models.BooleanField(
        _("сведения нужно подтвердить после переезда"), default=False, editable=False
    )
    # Derived search keys (kept in step by save(); see normalize_name).
    search_name = models.CharField(max_length=310, editable=False, db_index=True)
    snils_digits = models.CharField(max_length=11, editable=False, blank=True, db_index=True)

    created_at = models.DateTimeField(_("внесён в банк данных"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("изменён"), auto_now=True)

    objects = GraduateQuerySet.as_manager()
    # The holding service acts on the record; while a transfer is pending the receiving service
    # only sees it, and accepts or declines it (opora.core.access).
    access_scope = Scope(
        holder=("service",),
        viewers=("incoming_service",),
        extra={"receive": ("incoming_service",)},
        model="registry.Graduate",
    )
    # The person a record concerns, for the audit (opora.core.audit): "" — the graduate is the person.
    person_path = ""

    class Meta:
        verbose_name = _("выпускник")
        verbose_name_plural = _("выпускники")
        ordering = ["last_name", "first_name", "patronymic", "id"]
        indexes = [
            models.Index(fields=["service", "last_name", "first_name"], name="graduate_service_name"),
            models.Index(fields=["service", "birth_date"], name="graduate_service_birth"),
            models.Index(fields=["territory"], name="graduate_territory"),
            models.Index(fields=["status_category"], name="graduate_status"),
            models.Index(fields=["last_name", "first_name", "patronymic", "id"], name="graduate_name_order"),
            models.Index(fields=["birth_date"], name="graduate_birth"),
            models.Index(fields=["created_at"], name="graduate_created"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self):
        """The bounds of the graduate's dates (opora.core.validators): forms, the API and services alike."""
        super().clean()
        try:
            check_birth_date(self.birth_date)
            # Leaving care is a date of the graduate's own life: bounded by the birth, not by EARLIEST.
            check_date(self.left_at, field="left_at", birth_date=self.birth_date, earliest=None)
        except DomainError as err:
            raise as_validation_error(err) from None

    def save(self, *args, **kwargs):
        self.refresh_search_keys()
        if kwargs.get("update_fields") is not None:
            # A save of some fields keeps the search keys in step with the name and SNILS it may change.
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name", "snils_digits"}
        super().save(*args, **kwargs)

    def refresh_search_keys(self) -> None:
        self.search_name = normalize_name(self.full_name)
        self.snils_digits = "".join(ch for ch in self.snils if ch.isdigit())

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth_date, day)

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def turns_23_on(self) -> dt.date:
        try:
            return self.birth_date.replace(year=self.birth_date.year + 23)
        except ValueError:  # 29 February
            return dt.date(self.birth_date.year + 23, 3, 1)

    @property
    def current_consent(self) -> Consent | None:
        """The latest consent that has not been withdrawn (uses the prefetched list if any)."""
        consents = [c for c in self.consents.all() if c.withdrawn_at is None]
        return max(consents, key=lambda c: (c.given_at, c.pk), default=None)


class Consent(Revisioned):
    """A written consent to the processing of personal data (152-ФЗ art. 9; 002 §7.1.8)."""

    class GivenBy(models.TextChoices):
        GRADUATE = "graduate", _("Выпускник")
        REPRESENTATIVE = "representative", _("Законный представитель")

    graduate = models.ForeignKey(
        Graduate, on_delete=models.CASCADE, related_name="consents", verbose_name=_("выпускник")
    )
    given_at = models.DateField(_("дата согласия"), validators=[validate_not_future])
    given_by = models.CharField(_("кем дано"), max_length=20, choices=GivenBy.choices, default=GivenBy.GRADUATE)
    scope = models.TextField(
        _("объём согласия"),
        help_text=_("Перечень данных, цели и действия, на которые дано согласие"),
    )
    valid_until = models.DateField(_("действует до"), null=True, blank=True)
    scan = models.FileField(
        _("скан подписанного согласия"),
        upload_to="consents/%Y/",
        blank=True,
        validators=[validate_scan],
    )
    withdrawn_at = models.DateField(_("отозвано"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RestrictedQuerySet.as_manager()
    access_scope = Graduate.access_scope.through("graduate")
    person_path = "graduate"

    class Meta:
        verbose_name = _("согласие на обработку персональных данных")
        verbose_name_plural = _("согласия на обработку персональных данных")
        ordering = ["-given_at", "-id"]

    def __str__(self) -> str:
        return _("Согласие от %(date)s") % {"date": self.given_at.strftime("%d.%m.%Y")}

    def clean(self):
        """The bounds of the consent's dates (opora.core.validators); the birth when the graduate is known."""
        super().clean()
        birth = self.graduate.birth_date if self.graduate_id else None
        try:
            check_date(self.given_at, field="given_at", birth_date=birth)
            check_date(self.valid_until, kind=TERM, field="valid_until")
        except DomainError as err:
            raise as_validation_error(err) from None
