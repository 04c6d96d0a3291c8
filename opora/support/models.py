"""The support cycle (технология индивидуального сопровождения): case, contract, level,
individual plan, journal and transfer.

Every model that holds personal data is scoped through its graduate (``scope``,
opora.core.access): the graduate's service acts on it; during a transfer the receiving
service (``Graduate.incoming_service``) only sees it.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opora.core.access import RestrictedQuerySet, Scope
from opora.core.files import validate_scan
from opora.core.versioning import Revisioned
from opora.registry.models import Graduate

# A number or a letter a person typed at the start of an item («1.», «2)», «3.1.», «а)»): the
# documents number the items themselves, so a typed number would show twice («2.1.1. 1. …»).
_ITEM_MARKER = re.compile(
    r"^\s*(?:[-–—•*·]+\s*|\(?\d{1,2}(?:\.\d{1,2})*[.)]\s+|\d{1,2}(?:\.\d{1,2})+\s+(?=[А-ЯЁA-Z])|\(?[а-яёa-z]\)\s+)"
)


def numbered_items(text: str) -> list[str]:
    """A multi-line text as its items: non-empty lines without the list markers typed before them."""
    out = []
    for line in (text or "").splitlines():
        previous = None
        while previous != line:  # «1. - Содействие» loses both markers
            previous, line = line, _ITEM_MARKER.sub("", line, count=1)
        line = line.strip()
        if line:
            out.append(line)
    return out


# What a contract's termination clause says of a move (the default template's 5.1 does too).
_MOVING_WORDS = ("переезд", "переезж", "места жительства", "место жительства", "другую территорию")
# The section of the contract's termination terms (opora/docs/default_templates/build.py, section 5).
TERMINATION_SECTION = 5


class SupportLevel(models.Model):
    """A support level of the region's scheme (003: интенсивный / поддерживающий / мониторинговый).

    The plan period and the contact norm come from the level; the region edits them.
    """

    region = models.ForeignKey("org.Region", on_delete=models.PROTECT, related_name="support_levels")
    name = models.CharField(_("название"), max_length=100)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0, help_text=_("1 — самый интенсивный"))
    plan_period_months = models.PositiveSmallIntegerField(
        _("период плана, мес."), default=3, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    contacts_per_month = models.PositiveSmallIntegerField(
        _("норма контактов в месяц"), default=1, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    description = models.TextField(_("описание"), blank=True)
    is_active = models.BooleanField(_("действует"), default=True)

    class Meta:
        verbose_name = _("уровень сопровождения")
        verbose_name_plural = _("уровни сопровождения")
        ordering = ["region", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="support_level_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def contact_interval_days(self) -> int:
        """Days between contacts that the norm allows (30 / contacts per month)."""
        return max(1, 30 // self.contacts_per_month)


class Domain(models.Model):
    """A life domain (сфера жизнедеятельности), shared by plans, assessments and the journal."""

    region = models.ForeignKey("org.Region", on_delete=models.PROTECT, related_name="domains")
    name = models.CharField(_("название"), max_length=100)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    is_active = models.BooleanField(_("действует"), default=True)

    class Meta:
        verbose_name = _("сфера жизнедеятельности")
        verbose_name_plural = _("сферы жизнедеятельности")
        ordering = ["region", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="domain_unique_name")]

    def __str__(self) -> str:
        return self.name


class ServiceKind(models.Model):
    """A kind of service from the catalogue of measures (001, the calendar of measures)."""

    region = models.ForeignKey("org.Region", on_delete=models.PROTECT, related_name="service_kinds")
    name = models.CharField(_("название"), max_length=300)
    domain = models.ForeignKey(Domain, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("сфера"))
    frequency = models.CharField(_("периодичность"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    is_active = models.BooleanField(_("действует"), default=True)

    class Meta:
        verbose_name = _("вид услуги")
        verbose_name_plural = _("виды услуг")
        ordering = ["region", "order", "name"]

    def __str__(self) -> str:
        return self.name


class SupportCaseQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(status__in=SupportCase.OPEN_STATUSES)

    def on_support(self, day: dt.date | None = None):
        """Cases «на сопровождении» on ``day`` (today by default), from their dates, not their status."""
        day = day or timezone.localdate()
        return self.filter(activated_at__lte=day).filter(models.Q(closed_at__isnull=True) | models.Q(closed_at__gt=day))


class SupportCase(Revisioned):
    """One episode of support of a graduate: from identification to closure.

    A graduate has at most one open case; earlier cases stay as history.
    """

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Выявлен")
        CONTACT = "contact", _("Контакт установлен")
        ACTIVE = "active", _("На сопровождении")
        CLOSED = "closed", _("Сопровождение завершено")
        REFUSED = "refused", _("Отказ от сопровождения")

    class CloseReason(models.TextChoices):
        AGE_23 = "age_23", _("Достижение 23 лет")
        CONTRACT_ENDED = "contract_ended", _("Окончание договора без продления")
        REFUSAL = "refusal", _("Отказ выпускника")
        MOVED = "moved", _("Переезд (передан в другую территорию)")
        ADAPTED = "adapted", _("Успешная адаптация")
        DEATH = "death", _("Смерть")
        OTHER = "other", _("Другое")

    OPEN_STATUSES = (Status.IDENTIFIED, Status.CONTACT, Status.ACTIVE)

    graduate = models.ForeignKey(
        "registry.Graduate", on_delete=models.CASCADE, related_name="support_cases", verbose_name=_("выпускник")
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_cases",
        verbose_name=_("специалист"),
    )
    status = models.CharField(_("статус"), max_length=20, choices=Status.choices, default=Status.IDENTIFIED)
    identified_at = models.DateField(_("дата выявления"))
    identified_how = models.CharField(_("как выявлен"), max_length=300, blank=True)
    contact_at = models.DateField(_("контакт установлен"), null=True, blank=True)
    activated_at = models.DateField(_("поставлен на сопровождение"), null=True, blank=True)
    closed_at = models.DateField(_("дата завершения"), null=True, blank=True)
    close_reason = models.CharField(_("причина завершения"), max_length=20, choices=CloseReason.choices, blank=True)
    close_report = models.TextField(_("итоговое заключение"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SupportCaseQuerySet.as_manager()
    access_scope = Graduate.access_scope.through("graduate")
    person_path = "graduate"

    class Meta:
        verbose_name = _("сопровождение")
        verbose_name_plural = _("сопровождения")
        ordering = ["-identified_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["graduate"],
                condition=models.Q(status__in=["identified", "contact", "active"]),
                name="support_case_one_open_per_graduate",
            )
        ]
        indexes = [
            models.Index(fields=["status", "specialist"], name="case_status_specialist"),
            models.Index(fields=["activated_at", "closed_at"], name="case_support_dates"),
        ]

    def __str__(self) -> str:
        return _("Сопровождение с %(date)s") % {"date": self.identified_at.strftime("%d.%m.%Y")}

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def level_change_on(self, day: dt.date) -> LevelChange | None:
        return self.level_changes.filter(effective_from__lte=day).order_by("-effective_from", "-id").first()

    def level_on(self, day: dt.date) -> SupportLevel | None:
        """The level in force on ``day``, from the level history."""
        change = self.level_change_on(day)
        return change.level if change else None

    @property
    def current_contract(self) -> Contract | None:
        return self.contracts.filter(terminated_at__isnull=True).order_by("-starts_on", "-id").first()

    @property
    def current_plan(self) -> SupportPlan | None:
        return self.plans.exclude(status=SupportPlan.Status.SUPERSEDED).order_by("-version").first()


class Contract(Revisioned):
    """The contract of support (договор о сопровождении / о взаимных обязательствах), 001."""

    case = models.ForeignKey(SupportCase, on_delete=models.CASCADE, related_name="contracts")
    service = models.ForeignKey(
        "org.Service", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("служба")
    )
    number = models.CharField(_("номер"), max_length=40)
    year = models.PositiveSmallIntegerField(_("год"))
    sequence = models.PositiveIntegerField(_("порядковый номер"), null=True, blank=True)
    signed_at = models.DateField(_("дата подписания"))
    starts_on = models.DateField(_("действует с"))
    ends_on = models.DateField(_("действует по"))
    help_agreed = models.TextField(_("меры помощи, о которых договорились"))
    graduate_obligations = models.TextField(_("обязательства выпускника"))
    termination_terms = models.TextField(_("условия расторжения"), blank=True)
    scan = models.FileField(
        _("скан подписанного договора"),
        upload_to="contracts/%Y/",
        blank=True,
        validators=[validate_scan],
    )
    renewed_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="renewal", verbose_name=_("продление")
    )
    terminated_at = models.DateField(_("расторгнут"), null=True, blank=True)
    termination_reason = models.CharField(_("причина расторжения"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RestrictedQuerySet.as_manager()
    access_scope = Graduate.access_scope.through("case__graduate")
    person_path = "case__graduate"

    class Meta:
        verbose_name = _("договор о сопровождении")
        verbose_name_plural = _("договоры о сопровождении")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "year", "number"], name="contract_unique_number"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="contract_dates_valid"),
        ]
        indexes = [models.Index(fields=["ends_on"], name="contract_ends_on")]

    def __str__(self) -> str:
        return _("Договор № %(number)s от %(date)s") % {
            "number": self.number,
            "date": self.signed_at.strftime("%d.%m.%Y"),
        }

    def is_in_force(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on and (self.terminated_at is None or self.terminated_at > day)

    def moving_clause(self) -> str:
        """The clause («5.1») of the contract by which it ends when the graduate moves away, or "".

        Without terms of its own the contract has the default ones, whose 5.1 ends it on a move;
        with its own, the first item that speaks of a move (the items are numbered 5.1, 5.2, …).
        """
        items = numbered_items(self.termination_terms)
        if not items:
            return f"{TERMINATION_SECTION}.1"
        for number, item in enumerate(items, 1):
            lowered = item.lower()
            if any(word in lowered for word in _MOVING_WORDS):
                return f"{TERMINATION_SECTION}.{number}"
        return ""


class LevelChange(models.Model):
    """A decision on the support level, effective from a date: the history that tells the level on any day."""

    class Basis(models.TextChoices):
        INITIAL = "initial", _("Первичное определение")
        CONSILIUM = "consilium", _("Решение консилиума")
        REVIEW = "review", _("Пересмотр по итогам оценки")
        CRISIS = "crisis", _("Кризисная ситуация")
        OTHER = "other", _("Другое")
        PROVISIONAL = "provisional", _("Предварительно, до первичного консилиума")

    case = models.ForeignKey(SupportCase, on_delete=models.CASCADE, related_name="level_changes")
    level = models.ForeignKey(SupportLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("уровень"))
    effective_from = models.DateField(_("действует с"))
    basis = models.CharField(_("основание"), max_length=20, choices=Basis.choices, default=Basis.INITIAL)
    reason = models.TextField(_("обоснование"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("кто решил")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RestrictedQuerySet.as_manager()
    access_scope = Graduate.access_scope.through("case__graduate")
    person_path = "case__graduate"

    class Meta:
        verbose_name = _("смена уровня сопровождения")
        verbose_name_plural = _("смены уровня сопровождения")
        ordering = ["-effective_from", "-id"]
        indexes = [models.Index(fields=["case", "effective_from"], name="level_change_case_date")]

    def __str__(self) -> str:
        return f"{self.level} с {self.effective_from:%d.%m.%Y}"


class SupportPlan(Revisioned):
    """A version of the individual support plan (ИППС). A new version supersedes the old, which stays readable."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Проект")
        APPROVED = "approved", _("Утверждён")
        SUPERSEDED = "superseded", _("Заменён новой версией")

    case = models.ForeignKey(SupportCase, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveSmallIntegerField(_("версия"))
    level = models.ForeignKey(
        SupportLevel, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("уровень")
    )
    starts_on = models.DateField(_("период с"))
    ends_on = models.DateField(_("период по"))
    status = models.CharField(_("статус"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    review_reason = models.CharField(_("причина пересмотра"), max_length=300, blank=True)
    approved_at = models.DateField(_("утверждён"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RestrictedQuerySet.as_manager()
    access_scope = Graduate.access_scope.through("case__graduate")
    person_path = "case__graduate"

    class Meta:
        verbose_name = _("индивидуальный план сопровождения")
        verbose_name_plural = _("индивидуальные планы сопровождения")
        ordering = ["case", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="plan_unique_version"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="plan_dates_valid"),
        ]
        indexes = [models.Index(fields=["ends_on"], name="plan_ends_on")]

    def __str__(self) -> str:
        return _("План, версия %(v)s") % {"v": self.version}

    def review_due(self, today: dt.date, level_today: SupportLevel | None) -> str:
        """Why the plan should be reviewed now (its period is over, or the level changed), or ""."""
        if self.status == self.Status.SUPERSEDED:
            return ""
        if self.ends_on < today:
            return _("период плана закончился %(date)s") % {"date": self.ends_on.strftime("%d.%m.%Y")}
        if level_today is not None and self.level_id is not None and level_today.pk != self.level_id:
            return _("уровень сопровождения изменился: теперь «%(level)s»") % {"level": level_today.name}
        return ""


class PlanGoal(models.Model):
    """A goal of the plan in one life domain."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="goals")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+", verbose_name=_("сфера"))
    text = models.TextField(_("цель"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("цель плана")
        verbose_name_plural = _("цели плана")
        ordering = ["plan", "domain__order", "order", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class PlanMeasure(Revisioned):
    """A measure of the plan: what is done, by whom (the graduate too), by when, with what result."""

    class Responsible(models.TextChoices):
        SPECIALIST = "specialist", _("Специалист сопровождения")
        ORGANISATION = "organisation", _("Привлечённая организация")
        MENTOR = "mentor", _("Наставник")
        GRADUATE = "graduate", _("Выпускник")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Запланировано")
        IN_PROGRESS = "in_progress", _("Выполняется")
        DONE = "done", _("Выполнено")
        NOT_DONE = "not_done", _("Не выполнено")
        CANCELLED = "cancelled", _("Отменено")

    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="measures")
    goal = models.ForeignKey(
        PlanGoal, on_delete=models.SET_NULL, null=True, blank=True, related_name="measures", verbose_name=_("цель")
    )
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+", verbose_name=_("сфера"))
    text = models.TextField(_("мероприятие"))
    responsible = models.CharField(_("ответственный"), max_length=20, choices=Responsible.choices)
    responsible_name = models.CharField(_("кто именно"), max_length=200, blank=True)
    deadline = models.DateField(_("срок"))
    status = models.CharField(_("статус"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    result = models.TextField(_("результат"), blank=True)
    done_at = models.DateField(_("дата выполнения"), null=True, blank=True)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("перенесено из")
    )

    objects = RestrictedQuerySet.as_manager()
    access_scope = Graduate.access_scope.through("plan__case__graduate")
    person_path = "plan__case__graduate"

    class Meta:
        verbose_name = _("мероприятие плана")
        verbose_name_plural = _("мероприятия плана")
        ordering = ["plan", "deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"], name="measure_status_deadline")]

    def __str__(self) -> str:
        return self.text[:80]

    def is_overdue(self, today: dt.date) -> bool:
        return self.status in self.OPEN_STATUSES and self.deadline < today


class LiveJournalManager(models.Manager.from_queryset(RestrictedQuerySet)):
    """The journal as everyone reads and counts it: without the entries removed by mistake.

    A removed entry is kept (soft-deleted) so that its history stays readable, but it is
    hidden here, in the default manager, so that no list, count, caseload or document can
    forget to leave it out. ``JournalEntry.all_objects`` reaches it (the history, the locks).
    """

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


class JournalEntry(Revisioned):
    """A contact or a service in the support journal (карта сопровождения, аналитический журнал).

    Its author may correct or remove it within the region's period (``Region.journal_edit_days``,
    counted from when it was entered); the service's coordinator may remove an erroneous one.
    Every correction and removal is in the audit log with the previous values; a removed entry
    stays in the table, marked removed (who, when, why), hidden from the journal and its counts.
    """

    class Kind(models.TextChoices):
        CONTACT = "contact", _("Установление контакта")
        PHONE = "phone", _("Телефонный звонок")
        MEETING = "meeting", _("Встреча")
        HOME_VISIT = "home_visit", _("Посещение на дому (социальный патронат)")
        ACCOMPANYING = "accompanying", _("Сопровождение в учреждение")
        LETTER = "letter", _("Письмо, ходатайство")
        GROUP_EVENT = "group_event", _("Групповое мероприятие")
        MESSENGER = "messenger", _("Переписка в мессенджере")
        OTHER = "other", _("Другое")

    # Kinds that count as a contact with the graduate for the level's norm.
    CONTACT_KINDS = (
        Kind.CONTACT,
        Kind.PHONE,
        Kind.MEETING,
        Kind.HOME_VISIT,
        Kind.ACCOMPANYING,
        Kind.GROUP_EVENT,
        Kind.MESSENGER,
    )

    case = models.ForeignKey(SupportCase, on_delete=models.CASCADE, related_name="journal")
    graduate = models.ForeignKey("registry.Graduate", on_delete=models.CASCADE, related_name="journal_entries")
    date = models.DateField(_("дата"))
    kind = models.CharField(_("вид"), max_length=20, choices=Kind.choices)
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("сфера")
    )
    service_kind = models.ForeignKey(
        ServiceKind, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("услуга")
    )
    text = models.TextField(_("что сделано"))
    result = models.TextField(_("результат"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("длительность, мин."), null=True, blank=True, validators=[MaxValueValidator(24 * 60)]
    )
    participants = models.CharField(_("участники"), max_length=300, blank=True)
    measure = models.ForeignKey(
        PlanMeasure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journal_entries",
        verbose_name=_("мероприятие плана"),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    removed_at = models.DateTimeField(_("удалена"), null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("кто удалил"),
    )
    removed_reason = models.CharField(_("причина удаления"), max_length=300, blank=True, editable=False)

    objects = LiveJournalManager()
    all_objects = RestrictedQuerySet.as_manager()
    access_scope = Graduate.access_scope.through("graduate")
    person_path = "graduate"

    # What a correction may change (the case, the graduate and the author stay).
    EDITABLE_FIELDS = ("date", "kind", "domain", "service_kind", "text", "result", "duration_minutes", "participants")

    class Meta:
        base_manager_name = "all_objects"
        verbose_name = _("запись журнала сопровождения")
        verbose_name_plural = _("журнал сопровождения")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["case", "date"], name="journal_case_date"),
            models.Index(fields=["graduate", "date"], name="journal_graduate_date"),
            models.Index(fields=["date"], name="journal_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.get_kind_display()}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    def editable_until(self, days: int) -> dt.datetime:
        """The moment the author's period of correction ends (``days`` after the entry was entered)."""
        return self.created_at + dt.timedelta(days=days)


class Transfer(Revisioned):
    """Handing a case to the service of the territory the graduate moved to (000 §3.2.7).

    The sending service must send the relocation notice within 3 days. Until the
    receiving service accepts, both see the graduate; on acceptance the case, with its
    whole history, belongs to the receiving service.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Ожидает принятия")
        ACCEPTED = "accepted", _("Принято")
        CANCELLED = "cancelled", _("Отменено")
        DECLINED = "declined", _("Отклонено принимающей службой")
        NOTIFIED_OUTSIDE = "notified_outside", _("Передано за пределы региона (уведомление)")

    NOTICE_DAYS = 3

    case = models.ForeignKey(SupportCase, on_delete=models.CASCADE, related_name="transfers")
    graduate = models.ForeignKey("registry.Graduate", on_delete=models.CASCADE, related_name="transfers")
    from_service = models.ForeignKey(
        "org.Service", on_delete=models.PROTECT, related_name="transfers_out", verbose_name=_("из службы")
    )
    to_service = models.ForeignKey(
        "org.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_in",
        verbose_name=_("в службу"),
    )
    to_external = models.CharField(
        _("территория за пределами региона"),
        max_length=300,
        blank=True,
        help_text=_("Регион, муниципальное образование и орган (служба), куда направляется уведомление"),
    )
    new_address = models.CharField(_("новый адрес"), max_length=300, blank=True)
    moved_at = models.DateField(_("дата переезда"))
    started_at = models.DateField(_("передача начата"))
    notice_due = models.DateField(_("уведомить до"))
    notice_sent_at = models.DateField(_("уведомление направлено"), null=True, blank=True)
    recommendations = models.TextField(_("рекомендации"), blank=True)
    notice = models.JSONField(_("сведения уведомления"), default=dict, blank=True)
    status = models.CharField(_("статус"), max_length=20, choices=Status.choices, default=Status.PENDING)
    accepted_at = models.DateField(_("принято"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    declined_at = models.DateField(_("отклонено"), null=True, blank=True)
    decline_reason = models.TextField(_("причина отказа в принятии"), blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = RestrictedQuerySet.as_manager()
    # The sending service acts on a transfer (notice sent, cancel); the receiving one sees it and
    # accepts or declines it. After acceptance the sender keeps the record of the transfer, not
    # the graduate: what the transfer shows of the person follows the graduate's own scope.
    access_scope = Scope(holder=("from_service",), viewers=("to_service",), extra={"receive": ("to_service",)})
    person_path = "graduate"

    class Meta:
        verbose_name = _("передача сопровождения")
        verbose_name_plural = _("передачи сопровождения")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="pending"), name="transfer_one_pending_per_case"
            )
        ]
        indexes = [models.Index(fields=["status", "to_service"], name="transfer_status_to")]

    def __str__(self) -> str:
        target = self.to_service or self.to_external
        return _("Передача в «%(target)s»") % {"target": target}

    def notice_overdue(self, today: dt.date) -> bool:
        return self.notice_sent_at is None and today > self.notice_due


class Reassignment(models.Model):
    """A change of the case's specialist, with the reason the coordinator gave."""

    case = models.ForeignKey(SupportCase, on_delete=models.CASCADE, related_name="reassignments")
    from_specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_specialist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.CharField(_("причина"), max_length=300)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    access_scope = Graduate.access_scope.through("case__graduate")
    person_path = "case__graduate"

    class Meta:
        verbose_name = _("передача другому специалисту")
        verbose_name_plural = _("передачи другому специалисту")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_specialist or '—'} → {self.to_specialist or '—'}"
