"""The audit log: who did what to which record, when and from where."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opora.core.access import Grant, RestrictedQuerySet, Scope
from opora.core.roles import Role


class AuditEvent(models.Model):
    """One audited event: a change, a read of personal data, a login or a refused access.

    ``service`` is the service whose data the event touched (for a single record, the
    service that holds it; for a list, the actor's own service); it is what the audit
    log is scoped and indexed by.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Создание")
        UPDATE = "update", _("Изменение")
        DELETE = "delete", _("Удаление")
        VIEW = "view", _("Просмотр карточки")
        LIST = "list", _("Просмотр списка / поиск")
        EXPORT = "export", _("Выгрузка")
        API_READ = "api_read", _("Чтение через API")
        LOGIN = "login", _("Вход")
        LOGOUT = "logout", _("Выход")
        LOGIN_FAILED = "login_failed", _("Неудачный вход")
        ACCESS_DENIED = "access_denied", _("Отказ в доступе")
        LOGIN_LOCKED = "login_locked", _("Блокировка входа")
        STAFF_ACCESS = "staff_access", _("Изменение роли, службы или доступа сотрудника")
        TOKEN_ISSUED = "token_issued", _("Выдача API-токена")
        TOKEN_REVOKED = "token_revoked", _("Отзыв API-токена")

    READ_ACTIONS = (Action.VIEW, Action.LIST, Action.EXPORT, Action.API_READ)
    CHANGE_ACTIONS = (Action.CREATE, Action.UPDATE, Action.DELETE)
    # Logins and lock-outs («Входы и блокировки» on the audit page).
    LOGIN_ACTIONS = (Action.LOGIN, Action.LOGOUT, Action.LOGIN_FAILED, Action.LOGIN_LOCKED)
    # Who may do what: a member of staff's role, service or access changed, an API token issued or revoked.
    ACCOUNT_ACTIONS = (Action.STAFF_ACCESS, Action.TOKEN_ISSUED, Action.TOKEN_REVOKED)
    # Events whose ``changes`` the audit page shows as «field: was → became».
    SHOWS_CHANGES = CHANGE_ACTIONS + ACCOUNT_ACTIONS

    at = models.DateTimeField(_("время"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("кто"),
    )
    username = models.CharField(_("имя пользователя"), max_length=150, blank=True)
    action = models.CharField(_("действие"), max_length=20, choices=Action.choices)
    service = models.ForeignKey(
        "org.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("служба")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    object_id = models.CharField(_("запись"), max_length=64, blank=True)
    object_repr = models.CharField(_("объект"), max_length=300, blank=True)
    record_ids = models.JSONField(_("записи"), default=list, blank=True)
    changes = models.JSONField(_("изменения"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("адрес"), null=True, blank=True)
    path = models.CharField(_("адрес страницы"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()
    # An event is seen by those who audit its service. Logins and account events that belong to
    # no service (a username nobody has, the administrator's own account) are the regional
    # centre's to watch: a grant in the same scope, not a special case in the audit page.
    access_scope = Scope(
        holder=("service",),
        grants=(
            Grant(
                actions=frozenset({"audit"}),
                roles=frozenset({Role.REGIONAL}),
                condition=lambda user: models.Q(
                    service__isnull=True,
                    action__in=AuditEvent.LOGIN_ACTIONS + AuditEvent.ACCOUNT_ACTIONS,
                ),
            ),
        ),
    )

    class Meta:
        verbose_name = _("событие аудита")
        verbose_name_plural = _("журнал аудита")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["service", "at"], name="audit_service_at"),
            models.Index(fields=["content_type", "object_id", "at"], name="audit_object_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.username} {self.get_action_display()}"

    @property
    def is_about_staff(self) -> bool:
        """An event about a member of staff or their token: the audit page names the account."""
        return self.action in self.ACCOUNT_ACTIONS


class AuditSubject(models.Model):
    """The person an audit event concerns: one row per graduate a read or a write touched.

    «Who saw or changed this person, and when» is then one indexed query, whichever record
    (the card, a contract, a journal entry, a list page) the event was about. ``person_id``
    is a plain number, not a foreign key, so the trail outlives the graduate's record.
    """

    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="subjects")
    person_id = models.PositiveIntegerField(_("выпускник"))
    at = models.DateTimeField(_("время"))

    class Meta:
        verbose_name = _("выпускник в событии аудита")
        verbose_name_plural = _("выпускники в событиях аудита")
        indexes = [models.Index(fields=["person_id", "at"], name="audit_subject_person_at")]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.event_id}"
