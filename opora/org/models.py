"""The organisation: region → territories → services, and the staff who work in them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opora.core.access import reach
from opora.core.roles import Role


class DirectoryQuerySet(models.QuerySet):
    """Directories (territories, services) are not personal data: staff see their whole region."""

    region_path = "region"

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if getattr(user, "is_administrator", False):
            return self
        if user.service_id is None:
            return self.none()
        return self.filter(**{f"{self.region_path}_id": user.service.region_id})


class ServiceQuerySet(DirectoryQuerySet):
    def assignable_by(self, user):
        """Services into which ``user`` may enter or move a graduate (the access scope's reach)."""
        how = reach(user, "change")
        if how == "service":
            return self.filter(pk=user.service_id)
        if how == "region":
            return self.filter(region_id=user.service.region_id, is_active=True)
        return self.none()


class Region(models.Model):
    """A subject of the federation that runs one regional system of post-institutional support."""

    name = models.CharField(_("название"), max_length=200, unique=True)
    code = models.CharField(_("код"), max_length=10, unique=True, help_text=_("Например, 31 для Белгородской области"))
    journal_edit_days = models.PositiveSmallIntegerField(
        _("срок исправления записей журнала, сут."),
        default=3,
        validators=[MaxValueValidator(90)],
        help_text=_(
            "Сколько суток после внесения автор может исправить или удалить свою запись журнала сопровождения; "
            "0 — записи не исправляются. После срока запись только для чтения."
        ),
    )

    class Meta:
        verbose_name = _("регион")
        verbose_name_plural = _("регионы")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Territory(models.Model):
    """A municipal district or city district: the territorial unit a graduate lives in."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="territories", verbose_name=_("регион"))
    name = models.CharField(_("название"), max_length=200)
    oktmo = models.CharField(_("код ОКТМО"), max_length=11, blank=True)

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("территория")
        verbose_name_plural = _("территории")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="territory_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A support service (служба сопровождения) or the regional resource centre."""

    class Kind(models.TextChoices):
        MUNICIPAL = "municipal", _("Муниципальная служба сопровождения")
        ORPHANAGE = "orphanage", _("Служба при организации для детей-сирот")
        REGIONAL_CENTRE = "regional_centre", _("Региональный ресурсный центр")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="services", verbose_name=_("регион"))
    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="services",
        null=True,
        blank=True,
        verbose_name=_("территория"),
        help_text=_("Территория, которую обслуживает служба (для регионального центра не заполняется)"),
    )
    kind = models.CharField(_("вид"), max_length=20, choices=Kind.choices, default=Kind.MUNICIPAL)
    name = models.CharField(_("название"), max_length=300)
    short_name = models.CharField(_("краткое название"), max_length=120, blank=True)
    address = models.CharField(_("адрес"), max_length=300, blank=True)
    phone = models.CharField(_("телефон"), max_length=40, blank=True)
    email = models.EmailField(_("электронная почта"), blank=True)
    age_min = models.PositiveSmallIntegerField(_("возраст выпускников от"), default=15)
    age_max = models.PositiveSmallIntegerField(_("возраст выпускников до"), default=23)
    is_active = models.BooleanField(_("действует"), default=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("служба сопровождения")
        verbose_name_plural = _("службы сопровождения")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="service_unique_name_in_region"),
            models.CheckConstraint(
                condition=models.Q(age_min__lte=models.F("age_max")), name="service_age_range_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class User(AbstractUser):
    """A member of staff. Their role and service decide what they may see (opora.core.access)."""

    role = models.CharField(_("роль"), max_length=20, choices=Role.choices, default=Role.SPECIALIST)
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        related_name="staff",
        null=True,
        blank=True,
        verbose_name=_("служба"),
        help_text=_("Для сотрудников регионального центра — региональный ресурсный центр."),
    )
    patronymic = models.CharField(_("отчество"), max_length=150, blank=True)
    position = models.CharField(_("должность"), max_length=200, blank=True)
    phone = models.CharField(_("телефон"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("сотрудник")
        verbose_name_plural = _("сотрудники")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.short_name or self.username

    @property
    def short_name(self) -> str:
        """«Иванова А. П.» — how colleagues are named on screens."""
        initials = " ".join(f"{part[0]}." for part in (self.first_name, self.patronymic) if part)
        return f"{self.last_name} {initials}".strip()

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser


class ApiToken(models.Model):
    """An API key of one member of staff, kept only as a digest.

    The key itself is shown once, when it is issued (``opora.org.tokens.issue_token``); the
    database holds its SHA-256 digest and its first characters (``prefix``) for telling
    tokens apart in the admin. A token works until it ``expires`` or is revoked: by the
    administrator, when the user's password changes or when the user is blocked. A revoked
    token keeps its row, so the audit log can still say which token it was.
    """

    class RevokeReason(models.TextChoices):
        ADMIN = "admin", _("решение администратора")
        PASSWORD_CHANGED = "password_changed", _("сменён пароль")
        USER_DEACTIVATED = "user_deactivated", _("учётная запись заблокирована")
        ROTATED = "rotated", _("выдан новый токен")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("сотрудник"))
    name = models.CharField(
        _("назначение"), max_length=100, blank=True, help_text=_("Например, «выгрузка в ИС региона»")
    )
    prefix = models.CharField(_("начало ключа"), max_length=8, db_index=True, editable=False)
    digest = models.CharField(_("хеш ключа"), max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("выдан"), default=timezone.now, editable=False)
    expires = models.DateTimeField(_("действует до"))
    last_used = models.DateTimeField(_("последнее использование"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("отозван"), null=True, blank=True, editable=False)
    revoke_reason = models.CharField(
        _("причина отзыва"), max_length=20, choices=RevokeReason.choices, blank=True, editable=False
    )
    issued_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("кто выдал")
    )
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("кто отозвал")
    )

    class Meta:
        verbose_name = _("API-токен")
        verbose_name_plural = _("API-токены")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_revoked")]

    def __str__(self) -> str:
        return f"{self.user.get_username()}: {self.prefix}…"

    def is_expired(self, now=None) -> bool:
        return self.expires <= (now or timezone.now())

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return str(_("отозван"))
        if self.is_expired():
            return str(_("истёк"))
        return str(_("действует"))
