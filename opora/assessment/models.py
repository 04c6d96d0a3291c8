"""Life-situation assessment, monitoring and the consilium (domain.md, «The support cycle», 6 and 7).

* :class:`Assessment` — the quarterly life-situation assessment card (карта оценки жизненной
  ситуации, seed 003) of a graduate on support: per domain of the region's directory a
  severity on the fixed :class:`Severity` scale with its reason, the graduate's own rating
  beside it, the difficulties found (:class:`AssessmentDifficulty`, chosen from the region's
  catalogue :class:`DifficultyType` or typed), and a conclusion. One current assessment per
  graduate and quarter; a correction replaces it and keeps the original readable.
* Each found difficulty knows, from the write, whether it is *new* against the graduate's
  previous current assessment or *persisting*; the difficulties of the previous one not found
  again are written as *closed* rows. The reports count «выявлено» from these rows.
* :class:`LevelRule` — the region's editable rule that suggests a level from the scores;
  a person decides at the :class:`Consilium` (:class:`ConsiliumDecision`), whose level
  changes are written to the support cycle's level history (``support.LevelChange``).
* :class:`Monitoring` — the half-yearly monitoring indicators (seed 001) and the criteria of
  social adaptation with the outcome judgement (seed 000).
* :class:`LifeEvent` and :class:`AssessmentTask` — an event in a graduate's life creates an
  extraordinary reassessment task.

Every model holding personal data is scoped through its graduate, as the support cycle is
(opora.core.access); the consilium through its service.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opora.core.access import RestrictedQuerySet, Scope
from opora.core.versioning import Revisioned
from opora.registry.models import Graduate


def quarter_of(day: dt.date) -> tuple[int, int]:
    """(year, quarter 1–4) of ``day``."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of a quarter."""
    first = dt.date(year, 3 * (quarter - 1) + 1, 1)
    next_first = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return first, next_first - dt.timedelta(days=1)


def half_of(day: dt.date) -> tuple[int, int]:
    """(year, half 1–2) of ``day``: monitoring runs twice a year (seed 001)."""
    return day.year, 1 if day.month <= 6 else 2


class Severity(models.IntegerChoices):
    """The fixed scale of a domain's score; every step has a text (:data:`SEVERITY_TEXTS`) so two
    specialists score alike."""

    NONE = 0, _("0 — трудностей нет")
    MINOR = 1, _("1 — незначительные")
    MODERATE = 2, _("2 — умеренные")
    SERIOUS = 3, _("3 — серьёзные")
    CRITICAL = 4, _("4 — критические")


SEVERITY_TEXTS = {
    Severity.NONE: _(
        "В этой сфере всё благополучно или она к выпускнику не относится; помощь не нужна, достаточно наблюдения."
    ),
    Severity.MINOR: _(
        "Трудности есть, но выпускник справляется сам; достаточно консультации и напоминания специалиста."
    ),
    Severity.MODERATE: _("Выпускнику нужна помощь специалиста, чтобы решить вопрос; угрозы его жизнеустройству нет."),
    Severity.SERIOUS: _(
        "Без систематической помощи ситуация ухудшится; нужны мероприятия плана и участие других ведомств."
    ),
    Severity.CRITICAL: _(
        "Угроза жизни, здоровью, жилью, свободе, учёбе или работе выпускника; помощь нужна немедленно."
    ),
}

WORST_SEVERITY = Severity.CRITICAL


class DifficultyType(models.Model):
    """A typical difficulty of a domain (каталог типичных трудностей), per region, editable."""

    region = models.ForeignKey("org.Region", on_delete=models.PROTECT, related_name="difficulty_types")
    domain = models.ForeignKey(
        "support.Domain", on_delete=models.PROTECT, related_name="difficulty_types", verbose_name=_("сфера")
    )
    name = models.CharField(_("трудность"), max_length=300)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    is_active = models.BooleanField(_("действует"), default=True)

    class Meta:
        verbose_name = _("типичная трудность")
        verbose_name_plural = _("каталог типичных трудностей")
        ordering = ["domain__order", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["domain", "name"], name="difficulty_type_unique_name")]

    def __str__(self) -> str:
        return self.name


class LevelRule(models.Model):
    """One line of the region's level-suggestion rule, tried in ``order``; the first that holds wins.

    A line holds when at least ``min_domains`` domains are scored ``min_severity`` or worse by the
    specialist (e.g. «1 сфера на шаге 4 → интенсивный»). When no line holds, the least intensive
    active level of the region is suggested. The suggestion is advice: the consilium decides.
    """

    region = models.ForeignKey("org.Region", on_delete=models.PROTECT, related_name="level_rules")
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    min_severity = models.PositiveSmallIntegerField(
        _("оценка не ниже"), choices=Severity.choices, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    min_domains = models.PositiveSmallIntegerField(
        _("число сфер не меньше"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    level = models.ForeignKey(
        "support.SupportLevel", on_delete=models.PROTECT, related_name="+", verbose_name=_("предлагаемый уровень")
    )
    is_active = models.BooleanField(_("действует"), default=True)

    class Meta:
        verbose_name = _("правило предложения уровня")
        verbose_name_plural = _("правила предложения уровня")
        ordering = ["region", "order", "id"]

    def __str__(self) -> str:
        return _("%(n)s и более сфер с оценкой %(s)s и выше → %(level)s") % {
            "n": self.min_domains,
            "s": self.min_severity,
            "level": self.level,
        }

    def holds(self, severities: list[int]) -> bool:
        return sum(1 for s in severities if s is not None and s >= self.min_severity) >= self.min_domains


def suggest_level(region_id: int, severities: list[int]):
    """The level the region's rule suggests for the specialist's ``severities`` (one per domain)."""
    from opora.support.models import SupportLevel

    for rule in LevelRule.objects.filter(region_id=region_id, is_active=True).select_related("level"):
        if rule.holds(severities):
            return rule.level
    return SupportLevel.objects.filter(region_id=region_id, is_active=True).order_by("-order", "-id").first()


class AssessmentQuerySet(RestrictedQuerySet):
    def current(self):
        """The assessments in force: not replaced by a correction."""
        return self.filter(replaced_by__isnull=True)


class Assessment(Revisioned):
    """The life-situation assessment card of a graduate on support (карта оценки жизненной ситуации).

    ``year``/``quarter`` is the quarter it is for (of ``assessed_on``). A correction is a new
    assessment with ``corrects`` set; the original gets ``replaced_by`` and stays readable.
    ``service`` is the service that made it (the graduate may move later): the summary card of a
    service and a quarter counts its own assessments.
    """

    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", _("Ежеквартальная")
        EXTRAORDINARY = "extraordinary", _("Внеочередная")

    graduate = models.ForeignKey(
        "registry.Graduate", on_delete=models.CASCADE, related_name="assessments", verbose_name=_("выпускник")
    )
    case = models.ForeignKey(
        "support.SupportCase", on_delete=models.CASCADE, related_name="assessments", verbose_name=_("сопровождение")
    )
    service = models.ForeignKey(
        "org.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("служба, проводившая оценку")
    )
    kind = models.CharField(_("вид"), max_length=20, choices=Kind.choices, default=Kind.QUARTERLY)
    assessed_on = models.DateField(_("дата оценки"))
    year = models.PositiveSmallIntegerField(_("год"))
    quarter = models.PositiveSmallIntegerField(_("квартал"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    conclusion = models.TextField(_("заключение"))
    suggested_level = models.ForeignKey(
        "support.SupportLevel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("уровень по правилу региона"),
    )
    task = models.ForeignKey(
        "assessment.AssessmentTask",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("по задаче"),
    )
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("исправляет оценку"),
    )
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("заменена исправлением"),
    )
    correction_reason = models.CharField(_("причина исправления"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("кто оценил")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AssessmentQuerySet.as_manager()
    access_scope = Graduate.access_scope.through("graduate")
    person_path = "graduate"

    class Meta:
        verbose_name = _("оценка жизненной ситуации")
        verbose_name_plural = _("оценки жизненной ситуации")
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["graduate", "year", "quarter"],
                condition=models.Q(kind="quarterly", replaced_by__isnull=True),
                name="assessment_one_quarterly_per_graduate",
            )
        ]
        indexes = [
            models.Index(fields=["graduate", "assessed_on"], name="assessment_graduate_date"),
            models.Index(fields=["service", "year", "quarter"], name="assessment_service_quarter"),
        ]

    def __str__(self) -> str:
        return _("Оценка за %(q)s квартал %(y)s г.") % {"q": self.quarter, "y": self.year}

    @property
    def is_current(self) -> bool:
        return self.replaced_by_id is None


class AssessmentDomain(models.Model):
    """One domain of an assessment: the specialist's score with its reason and the graduate's own."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="domains")
    domain = models.ForeignKey("support.Domain", on_delete=models.PROTECT, related_name="+", verbose_name=_("сфера"))
    severity = models.PositiveSmallIntegerField(_("оценка специалиста"), choices=Severity.choices)
    reason = models.TextField(_("обоснование оценки"))
    graduate_severity = models.PositiveSmallIntegerField(
        _("оценка выпускника"), choices=Severity.choices, null=True, blank=True
    )
    graduate_comment = models.TextField(_("слова выпускника"), blank=True)
    notes = models.TextField(_("другие трудности, комментарий"), blank=True)

    access_scope = Graduate.access_scope.through("assessment__graduate")
    person_path = "assessment__graduate"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("сфера оценки")
        verbose_name_plural = _("сферы оценки")
        ordering = ["domain__order", "domain__name"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="assessment_domain_once"),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.severity}"


class AssessmentDifficulty(models.Model):
    """A difficulty of an assessment, with its status against the graduate's previous assessment.

    ``key`` identifies the difficulty across assessments: ``t<id>`` for a catalogue item,
    ``x:<normalised text>`` for a typed one. ``NEW`` and ``PERSISTING`` rows were found in this
    assessment; a ``CLOSED`` row records a difficulty of the previous assessment not found in
    this one (it is not a difficulty of this assessment). A difficulty closed and found again
    later is new again. The statuses are written by the services and rewritten for the following
    assessments when an earlier one is corrected.
    """

    class Status(models.TextChoices):
        NEW = "new", _("Выявлена впервые")
        PERSISTING = "persisting", _("Сохраняется")
        CLOSED = "closed", _("Преодолена")

    FOUND = (Status.NEW, Status.PERSISTING)

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="difficulties")
    domain = models.ForeignKey("support.Domain", on_delete=models.PROTECT, related_name="+", verbose_name=_("сфера"))
    difficulty_type = models.ForeignKey(
        DifficultyType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("трудность")
    )
    text = models.CharField(_("трудность (своими словами)"), max_length=300, blank=True)
    key = models.CharField(max_length=320, editable=False)
    status = models.CharField(_("статус"), max_length=20, choices=Status.choices)

    access_scope = Graduate.access_scope.through("assessment__graduate")
    person_path = "assessment__graduate"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("трудность в оценке")
        verbose_name_plural = _("трудности в оценке")
        ordering = ["domain__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "key"], name="assessment_difficulty_once"),
            models.CheckConstraint(
                condition=models.Q(difficulty_type__isnull=False) | ~models.Q(text=""),
                name="assessment_difficulty_named",
            ),
        ]
        indexes = [models.Index(fields=["status", "domain"], name="assessment_difficulty_status")]

    def __str__(self) -> str:
        return self.text or str(self.difficulty_type)

    @property
    def label(self) -> str:
        return self.text or (self.difficulty_type.name if self.difficulty_type_id else "")

    @staticmethod
    def key_for(difficulty_type_id: int | None, text: str = "") -> str:
        if difficulty_type_id:
            return f"t{difficulty_type_id}"
        return "x:" + " ".join(text.lower().replace("ё", "е").split())


class Monitoring(Revisioned):
    """Half-yearly monitoring of a graduate on support (seed 001) with the criteria of social
    adaptation and the outcome judgement (seed 000). May be filled with the quarterly assessment."""

    class Outcome(models.TextChoices):
        SUCCESSFUL = "successful", _("Успешно социализирован")
        PARTIAL = "partial", _("Частично социализирован")
        NOT = "not", _("Не социализирован")

    graduate = models.ForeignKey(
        "registry.Graduate", on_delete=models.CASCADE, related_name="monitorings", verbose_name=_("выпускник")
    )
    case = models.ForeignKey("support.SupportCase", on_delete=models.CASCADE, related_name="monitorings")
    service = models.ForeignKey("org.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("служба"))
    assessment = models.OneToOneField(
        Assessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="monitoring",
        verbose_name=_("вместе с оценкой"),
    )
    monitored_on = models.DateField(_("дата мониторинга"))
    year = models.PositiveSmallIntegerField(_("год"))
    half = models.PositiveSmallIntegerField(_("полугодие"), validators=[MinValueValidator(1), MaxValueValidator(2)])
    # Indicators (seed 001, «Мониторинговое сопровождение … по следующим показателям»).
    social_position = models.TextField(_("социальный статус (учёба, работа)"))
    means_of_living = models.TextField(_("средства к существованию"))
    family_status = models.TextField(_("семейное положение"))
    law_abidance = models.TextField(_("законопослушность"))
    housing_conditions = models.TextField(_("жилищные и бытовые условия"))
    blood_relatives = models.TextField(_("отношения с кровными родственниками"))
    contacts_circle = models.TextField(_("круг общения"))
    # Criteria of social adaptation (seed 000): met or not.
    criterion_education = models.BooleanField(_("получает образование или получил профессию"), default=False)
    criterion_employment = models.BooleanField(_("трудоустроен"), default=False)
    criterion_housing = models.BooleanField(_("обеспечен жильём"), default=False)
    criterion_health = models.BooleanField(_("прикреплён к поликлинике, получает медицинскую помощь"), default=False)
    criterion_environment = models.BooleanField(_("есть поддерживающее окружение"), default=False)
    criterion_self_regulation = models.BooleanField(_("способен к саморегуляции"), default=False)
    criterion_emotional = models.BooleanField(_("эмоциональное состояние устойчиво"), default=False)
    outcome = models.CharField(_("итог"), max_length=20, choices=Outcome.choices)
    comment = models.TextField(_("комментарий"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    CRITERIA = (
        "criterion_education",
        "criterion_employment",
        "criterion_housing",
        "criterion_health",
        "criterion_environment",
        "criterion_self_regulation",
        "criterion_emotional",
    )
    INDICATORS = (
        "social_position",
        "means_of_living",
        "family_status",
        "law_abidance",
        "housing_conditions",
        "blood_relatives",
        "contacts_circle",
    )

    objects = RestrictedQuerySet.as_manager()
    access_scope = Graduate.access_scope.through("graduate")
    person_path = "graduate"

    class Meta:
        verbose_name = _("мониторинг адаптации")
        verbose_name_plural = _("мониторинг адаптации")
        ordering = ["-monitored_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["graduate", "year", "half"], name="monitoring_one_per_half"),
        ]
        indexes = [models.Index(fields=["service", "year", "half"], name="monitoring_service_half")]

    def __str__(self) -> str:
        return _("Мониторинг за %(h)s полугодие %(y)s г.") % {"h": self.half, "y": self.year}

    @property
    def criteria_met(self) -> list[str]:
        return [str(self._meta.get_field(f).verbose_name) for f in self.CRITERIA if getattr(self, f)]


class LifeEvent(Revisioned):
    """An event in a graduate's life that calls for an extraordinary reassessment."""

    class Kind(models.TextChoices):
        TURNED_18 = "turned_18", _("Исполнилось 18 лет")
        LEFT_COLLEGE = "left_college", _("Окончил учебное заведение")
        EXPELLED = "expelled", _("Отчислен из учебного заведения")
        ARMY_CALLUP = "army_callup", _("Призван в армию")
        ARMY_RETURN = "army_return", _("Вернулся из армии")
        CUSTODY_RELEASE = "custody_release", _("Освобождён из мест лишения свободы")
        CHILD_BORN = "child_born", _("Рождение ребёнка")
        HOUSING_LOST = "housing_lost", _("Утрата жилья")
        JOB_LOST = "job_lost", _("Потеря работы")
        OTHER = "other", _("Другое")

    graduate = models.ForeignKey(
        "registry.Graduate", on_delete=models.CASCADE, related_name="life_events", verbose_name=_("выпускник")
    )
    kind = models.CharField(_("событие"), max_length=20, choices=Kind.choices)
    occurred_on = models.DateField(_("дата события"))
    note = models.TextField(_("подробности"), blank=True)
    # The reassessment task that covers the event: the one it set, or the one already open when it
    # was recorded (one open task per graduate, opora.assessment.events). None: not on support then.
    task = models.ForeignKey(
        "assessment.AssessmentTask",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        editable=False,
        verbose_name=_("задача внеочередной оценки"),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RestrictedQuerySet.as_manager()
    access_scope = Graduate.access_scope.through("graduate")
    person_path = "graduate"

    class Meta:
        verbose_name = _("событие в жизни выпускника")
        verbose_name_plural = _("события в жизни выпускника")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["graduate", "occurred_on"], name="life_event_graduate_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.occurred_on:%d.%m.%Y})"


class AssessmentTask(Revisioned):
    """A task to reassess a graduate out of turn (after a life event), done by an assessment."""

    class Status(models.TextChoices):
        OPEN = "open", _("Ждёт оценки")
        DONE = "done", _("Выполнена")
        CANCELLED = "cancelled", _("Отменена")

    graduate = models.ForeignKey(
        "registry.Graduate", on_delete=models.CASCADE, related_name="assessment_tasks", verbose_name=_("выпускник")
    )
    life_event = models.ForeignKey(
        LifeEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks", verbose_name=_("событие")
    )
    due_on = models.DateField(_("срок"))
    status = models.CharField(_("статус"), max_length=20, choices=Status.choices, default=Status.OPEN)
    done_by = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("оценка")
    )
    cancel_reason = models.CharField(_("причина отмены"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RestrictedQuerySet.as_manager()
    access_scope = Graduate.access_scope.through("graduate")
    person_path = "graduate"

    class Meta:
        verbose_name = _("задача внеочередной оценки")
        verbose_name_plural = _("задачи внеочередной оценки")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="assessment_task_status_due")]

    def __str__(self) -> str:
        return _("Внеочередная оценка до %(date)s") % {"date": f"{self.due_on:%d.%m.%Y}"}


class Consilium(Revisioned):
    """A consilium of a service (консилиум): primary (on entry, sets the individual route, seed 004),
    quarterly (sets the levels, seed 003) or extraordinary.

    Prepared by the coordinator (``PREPARED``: the list of graduates to discuss and draft
    decisions), then held (``HELD``): its decisions take effect on ``held_on`` and are final.
    """

    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Первичный")
        QUARTERLY = "quarterly", _("Ежеквартальный")
        EXTRAORDINARY = "extraordinary", _("Внеочередной")

    class Status(models.TextChoices):
        PREPARED = "prepared", _("Готовится")
        HELD = "held", _("Проведён")

    service = models.ForeignKey(
        "org.Service", on_delete=models.PROTECT, related_name="consilia", verbose_name=_("служба")
    )
    kind = models.CharField(_("вид"), max_length=20, choices=Kind.choices, default=Kind.QUARTERLY)
    number = models.CharField(_("номер протокола"), max_length=40, blank=True)
    held_on = models.DateField(_("дата проведения"))
    year = models.PositiveSmallIntegerField(_("год"))
    quarter = models.PositiveSmallIntegerField(_("квартал"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    status = models.CharField(_("статус"), max_length=20, choices=Status.choices, default=Status.PREPARED)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("председатель"),
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="consilia", verbose_name=_("участники (сотрудники)")
    )
    attracted_participants = models.TextField(
        _("привлечённые специалисты"), blank=True, help_text=_("По одному на строку: ФИО, должность, организация")
    )
    agenda = models.TextField(_("повестка"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RestrictedQuerySet.as_manager()
    access_scope = Scope(holder=("service",), model="assessment.Consilium")

    class Meta:
        verbose_name = _("консилиум")
        verbose_name_plural = _("консилиумы")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["service", "held_on"], name="consilium_service_date")]

    def __str__(self) -> str:
        return _("%(kind)s консилиум %(date)s") % {"kind": self.get_kind_display(), "date": f"{self.held_on:%d.%m.%Y}"}


class ConsiliumDecision(Revisioned):
    """The consilium's decision on one graduate: the level set or kept (the suggestion beside it; an
    override needs a reason), the plan approved or sent back, recommendations."""

    class PlanDecision(models.TextChoices):
        NONE = "", _("План не рассматривался")
        APPROVED = "approved", _("План утверждён")
        RETURNED = "returned", _("План возвращён на доработку")

    consilium = models.ForeignKey(Consilium, on_delete=models.CASCADE, related_name="decisions")
    graduate = models.ForeignKey(
        "registry.Graduate", on_delete=models.CASCADE, related_name="consilium_decisions", verbose_name=_("выпускник")
    )
    case = models.ForeignKey("support.SupportCase", on_delete=models.CASCADE, related_name="consilium_decisions")
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("рассмотренная оценка"),
    )
    level_before = models.ForeignKey(
        "support.SupportLevel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("уровень до консилиума"),
    )
    suggested_level = models.ForeignKey(
        "support.SupportLevel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("уровень по правилу"),
    )
    level = models.ForeignKey(
        "support.SupportLevel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("решение об уровне"),
    )
    override_reason = models.TextField(_("почему не по правилу"), blank=True)
    level_change = models.OneToOneField(
        "support.LevelChange",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consilium_decision",
        editable=False,
        verbose_name=_("запись в истории уровней"),
    )
    plan = models.ForeignKey(
        "support.SupportPlan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("план"),
    )
    plan_decision = models.CharField(
        _("решение по плану"), max_length=20, choices=PlanDecision.choices, blank=True, default=""
    )
    route = models.TextField(_("индивидуальный маршрут"), blank=True)
    notes = models.TextField(_("обсуждение"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    access_scope = Graduate.access_scope.through("graduate")
    person_path = "graduate"

    class Meta:
        verbose_name = _("решение консилиума")
        verbose_name_plural = _("решения консилиума")
        ordering = ["consilium", "id"]
        constraints = [
            models.UniqueConstraint(fields=["consilium", "graduate"], name="consilium_decision_once"),
        ]
        indexes = [models.Index(fields=["graduate", "consilium"], name="consilium_decision_graduate")]

    def __str__(self) -> str:
        return _("Решение по выпускнику №%(id)s") % {"id": self.graduate_id}

    @property
    def changes_level(self) -> bool:
        return self.level_id is not None and self.level_id != self.level_before_id


class ConsiliumRecommendation(models.Model):
    """A recommendation of a consilium decision: what, who is responsible, by when."""

    decision = models.ForeignKey(ConsiliumDecision, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField(_("рекомендация"))
    responsible = models.CharField(_("ответственный"), max_length=200)
    deadline = models.DateField(_("срок"))

    objects = RestrictedQuerySet.as_manager()
    access_scope = Graduate.access_scope.through("decision__graduate")
    person_path = "decision__graduate"

    class Meta:
        verbose_name = _("рекомендация консилиума")
        verbose_name_plural = _("рекомендации консилиума")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.text[:80]
