"""API of the support cycle: cases, contracts, levels, plans, measures, the journal and transfers.

The same scope and the same workflows as the pages (design rule 2): every row comes from
:class:`~opora.core.api.ScopedViewSet`, every write validates the shape of the request
with a serializer and then calls a function of :mod:`opora.support.services`, whose
:class:`~opora.core.errors.DomainError` becomes a 400 with the field's Russian message.
A state (status, dates of the cycle) changes only through an action, never through a PATCH.

References in requests (case, plan, measure, level, domain, service, specialist) are narrowed
to what the user may use: a record out of reach answers exactly like one that does not exist.
"""

from __future__ import annotations

import django_filters
from django.db.models import Case, Exists, OuterRef, Prefetch, Q, Subquery, When
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from opora.core.access import reach
from opora.core.api import ScopedViewSet
from opora.core.files import validate_scan
from opora.core.filters import FilterSet, IdFilter
from opora.core.roles import Role
from opora.core.validators import FACT, PLANNED, TERM, date_validator, place_validator
from opora.core.versioning import ETAG, IF_MATCH, PRECONDITION_RESPONSES
from opora.org.models import Service, User
from opora.registry.api import ScopedPrimaryKeyField
from opora.registry.models import Graduate
from opora.support import services
from opora.support.models import (
    Contract,
    Domain,
    JournalEntry,
    LevelChange,
    PlanGoal,
    PlanMeasure,
    ServiceKind,
    SupportCase,
    SupportLevel,
    SupportPlan,
    Transfer,
)

# --- What a user may refer to ---------------------------------------------------------------------


def of_users_region(queryset, user):
    """Rows of a regional directory that ``user`` sees: their region's (an administrator: all)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_administrator:
        return queryset
    if user.service_id is None:
        return queryset.none()
    return queryset.filter(region_id=user.service.region_id)


def usable_levels(user):
    return of_users_region(SupportLevel.objects.filter(is_active=True), user)


def usable_domains(user):
    return of_users_region(Domain.objects.filter(is_active=True), user)


def usable_service_kinds(user):
    return of_users_region(ServiceKind.objects.filter(is_active=True), user)


def staff_within_reach(user):
    """Specialists and coordinators a case may be given to: of the user's service (or region)."""
    staff = User.objects.filter(is_active=True, role__in=[Role.SPECIALIST, Role.COORDINATOR])
    how = reach(user, "change")
    if how == "service":
        return staff.filter(service_id=user.service_id)
    if how == "region":
        return staff.filter(service__region_id=user.service.region_id)
    return staff.none()


def services_of_region(user):
    """Services a case may be transferred to: the active services of the user's region."""
    return Service.objects.visible_to(user).filter(is_active=True)


def _in_scope(model, action="change"):
    """A narrowing function: the rows of ``model`` within the user's scope for ``action``."""
    return lambda user: model.objects.restrict(user, action)


def goals_in_scope(user):
    """Goals have no scope of their own: they are reached through their plan."""
    return PlanGoal.objects.filter(plan__in=SupportPlan.objects.restrict(user, "change"))


def with_current_level(queryset):
    """Cases annotated with the level in force today (from the level history), in one query.

    A case that has ended has no level in force, whatever its history says.
    """
    today = timezone.localdate()
    latest = LevelChange.objects.filter(case=OuterRef("pk"), effective_from__lte=today).order_by(
        "-effective_from", "-id"
    )
    open_today = Q(closed_at__isnull=True) | Q(closed_at__gt=today)
    return queryset.annotate(
        current_level_id=Case(When(open_today, then=Subquery(latest.values("level_id")[:1])), default=None),
        current_level_name=Case(When(open_today, then=Subquery(latest.values("level__name")[:1])), default=None),
    )


def _name(user) -> str | None:
    return str(user) if user is not None else None


# --- Read serializers -----------------------------------------------------------------------------


class CaseSerializer(serializers.ModelSerializer):
    """A case as it is read. Status and dates change only through the case's actions."""

    graduate_name = serializers.CharField(source="graduate.full_name", read_only=True)
    specialist_name = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    current_level = serializers.SerializerMethodField(help_text="Уровень сопровождения, действующий сегодня")
    current_level_name = serializers.SerializerMethodField()
    # Blank while the case is open: the schema says so (an open case has no reason of closure).
    close_reason = serializers.ChoiceField(
        choices=SupportCase.CloseReason.choices, allow_blank=True, read_only=True, label="Причина завершения"
    )

    class Meta:
        model = SupportCase
        fields = [
            "id",
            "revision",
            "graduate",
            "graduate_name",
            "specialist",
            "specialist_name",
            "status",
            "status_display",
            "identified_at",
            "identified_how",
            "contact_at",
            "activated_at",
            "closed_at",
            "close_reason",
            "close_report",
            "current_level",
            "current_level_name",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _level(self, obj) -> int | None:
        if not hasattr(obj, "current_level_id"):  # not fetched through with_current_level()
            today = timezone.localdate()
            level = obj.level_on(today) if obj.closed_at is None or obj.closed_at > today else None
            obj.current_level_id, obj.current_level_name = (level.pk, level.name) if level else (None, None)
        return obj.current_level_id

    def get_specialist_name(self, obj) -> str | None:
        return _name(obj.specialist)

    def get_current_level(self, obj) -> int | None:
        return self._level(obj)

    def get_current_level_name(self, obj) -> str | None:
        self._level(obj)
        return obj.current_level_name


class ContractSerializer(serializers.ModelSerializer):
    graduate = serializers.IntegerField(source="case.graduate_id", read_only=True)
    renewal = serializers.SerializerMethodField(help_text="Договор, которым продлён этот")
    scan = serializers.SerializerMethodField(
        help_text="Адрес скана подписанного договора (выдаётся в пределах области видимости, чтение записывается в аудит)"
    )

    class Meta:
        model = Contract
        fields = [
            "id",
            "revision",
            "case",
            "graduate",
            "service",
            "number",
            "year",
            "signed_at",
            "starts_on",
            "ends_on",
            "help_agreed",
            "graduate_obligations",
            "termination_terms",
            "scan",
            "renewed_from",
            "renewal",
            "terminated_at",
            "termination_reason",
            "created_at",
        ]
        read_only_fields = fields

    def get_scan(self, obj) -> str | None:
        # Never the file's media path: the scoped, audited download of the card.
        if not obj.scan:
            return None
        url = reverse("support:contract_scan", kwargs={"pk": obj.case.graduate_id, "contract_pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def get_renewal(self, obj) -> int | None:
        renewal = getattr(obj, "renewal", None)
        return renewal.pk if renewal is not None else None


class LevelChangeSerializer(serializers.ModelSerializer):
    level_name = serializers.CharField(source="level.name", read_only=True)
    basis_display = serializers.CharField(source="get_basis_display", read_only=True)
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = LevelChange
        fields = [
            "id",
            "case",
            "level",
            "level_name",
            "effective_from",
            "basis",
            "basis_display",
            "reason",
            "decided_by",
            "decided_by_name",
            "created_at",
        ]
        read_only_fields = fields

    def get_decided_by_name(self, obj) -> str | None:
        return _name(obj.decided_by)


class SupportLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportLevel
        fields = [
            "id",
            "region",
            "name",
            "order",
            "plan_period_months",
            "contacts_per_month",
            "description",
            "is_active",
        ]


class DomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = Domain
        fields = ["id", "region", "name", "order", "is_active"]


class ServiceKindSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceKind
        fields = ["id", "region", "name", "domain", "frequency", "order", "is_active"]


class MeasureSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="plan.case_id", read_only=True)
    domain_name = serializers.CharField(source="domain.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    responsible_display = serializers.CharField(source="get_responsible_display", read_only=True)

    class Meta:
        model = PlanMeasure
        fields = [
            "id",
            "revision",
            "plan",
            "case",
            "goal",
            "domain",
            "domain_name",
            "text",
            "responsible",
            "responsible_display",
            "responsible_name",
            "deadline",
            "status",
            "status_display",
            "result",
            "done_at",
            "carried_from",
        ]
        read_only_fields = fields


class GoalSerializer(serializers.ModelSerializer):
    domain_name = serializers.CharField(source="domain.name", read_only=True)

    class Meta:
        model = PlanGoal
        fields = ["id", "plan", "domain", "domain_name", "text", "order"]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    """A version of the plan with its goals and measures."""

    graduate = serializers.IntegerField(source="case.graduate_id", read_only=True)
    level_name = serializers.CharField(source="level.name", read_only=True, default=None, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    goals = GoalSerializer(many=True, read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)

    class Meta:
        model = SupportPlan
        fields = [
            "id",
            "revision",
            "case",
            "graduate",
            "version",
            "level",
            "level_name",
            "starts_on",
            "ends_on",
            "status",
            "status_display",
            "review_reason",
            "approved_at",
            "approved_by",
            "created_by",
            "created_at",
            "goals",
            "measures",
        ]
        read_only_fields = fields


class JournalEntrySerializer(serializers.ModelSerializer):
    graduate_name = serializers.CharField(source="graduate.full_name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    domain_name = serializers.CharField(source="domain.name", read_only=True, default=None, allow_null=True)
    service_kind_name = serializers.CharField(source="service_kind.name", read_only=True, default=None, allow_null=True)
    author_name = serializers.SerializerMethodField()
    editable_until = serializers.SerializerMethodField(
        help_text="До какого момента автор может исправить или удалить запись (срок задаёт регион); null — не исправляются"
    )

    class Meta:
        model = JournalEntry
        fields = [
            "id",
            "revision",
            "case",
            "graduate",
            "graduate_name",
            "date",
            "kind",
            "kind_display",
            "domain",
            "domain_name",
            "service_kind",
            "service_kind_name",
            "text",
            "result",
            "duration_minutes",
            "participants",
            "measure",
            "author",
            "author_name",
            "created_at",
            "editable_until",
        ]
        read_only_fields = fields

    def get_author_name(self, obj) -> str | None:
        return _name(obj.author)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_editable_until(self, obj):
        """Until when the author may correct or remove the entry (the region's period), or None."""
        region = obj.graduate.service.region
        if region.journal_edit_days <= 0:
            return None
        return serializers.DateTimeField().to_representation(obj.editable_until(region.journal_edit_days))


class TransferSerializer(serializers.ModelSerializer):
    graduate_name = serializers.CharField(source="graduate.full_name", read_only=True, allow_null=True)
    from_service_name = serializers.CharField(source="from_service.display_name", read_only=True)
    to_service_name = serializers.CharField(
        source="to_service.display_name", read_only=True, default=None, allow_null=True
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "id",
            "revision",
            "case",
            "graduate",
            "graduate_name",
            "from_service",
            "from_service_name",
            "to_service",
            "to_service_name",
            "to_external",
            "new_address",
            "moved_at",
            "started_at",
            "notice_due",
            "notice_sent_at",
            "recommendations",
            "notice",
            "status",
            "status_display",
            "accepted_at",
            "accepted_by",
            "declined_at",
            "declined_by",
            "decline_reason",
            "started_by",
        ]
        read_only_fields = fields
        extra_kwargs = {
            name: {"allow_null": True} for name in ("case", "graduate", "new_address", "recommendations", "notice")
        }

    # What a transfer tells of the person. A service that no longer holds the graduate (the sender
    # after acceptance, the receiver after declining) keeps the date, direction and status only.
    PERSONAL_FIELDS = ("case", "graduate", "graduate_name", "new_address", "recommendations", "notice")

    def to_representation(self, obj):
        data = super().to_representation(obj)
        if not person_visible(obj, self.context["request"].user):
            for name in self.PERSONAL_FIELDS:
                data[name] = None
        return data


def person_visible(transfer: Transfer, user) -> bool:
    """Whether the transfer's graduate is within the user's scope (annotated by TransferViewSet's lists)."""
    known = getattr(transfer, "person_visible", None)
    if known is None:
        known = Graduate.objects.restrict(user).filter(pk=transfer.graduate_id).exists()
        transfer.person_visible = known
    return known


# --- Request serializers: the shape of a request; the rules live in the services -----------------


class CaseCreateSerializer(serializers.Serializer):
    graduate = ScopedPrimaryKeyField(narrow=_in_scope(Graduate), queryset=Graduate.objects.all(), label="Выпускник")
    identified_at = serializers.DateField(
        validators=[date_validator(FACT)], required=False, label="Дата выявления", help_text="По умолчанию — сегодня"
    )
    identified_how = serializers.CharField(required=False, allow_blank=True, max_length=300, label="Как выявлен")
    specialist = ScopedPrimaryKeyField(
        narrow=staff_within_reach,
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        label="Специалист",
        help_text="По умолчанию — сам специалист, открывающий сопровождение",
    )


class ContactSerializer(serializers.Serializer):
    contact_at = serializers.DateField(
        validators=[date_validator(FACT)], required=False, label="Дата контакта", help_text="По умолчанию — сегодня"
    )
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        label="Запись в журнал",
        help_text="Вносится в журнал с видом «Установление контакта»; по умолчанию — «Контакт установлен»",
    )


class SignContractSerializer(serializers.Serializer):
    level = ScopedPrimaryKeyField(
        narrow=usable_levels,
        queryset=SupportLevel.objects.all(),
        required=False,
        allow_null=True,
        label="Уровень",
        help_text="Для первого договора обязателен; новый договор по сопровождению, которое уже ведётся, "
        "без уровня оставляет действующий уровень",
    )
    signed_at = serializers.DateField(validators=[date_validator(FACT)], label="Дата подписания")
    starts_on = serializers.DateField(
        validators=[date_validator(PLANNED)],
        required=False,
        label="Действует с",
        help_text="По умолчанию — дата подписания",
    )
    ends_on = serializers.DateField(
        validators=[date_validator(TERM)], required=False, label="Действует по", help_text="По умолчанию — год"
    )
    number = serializers.CharField(
        required=False, allow_blank=True, max_length=40, label="Номер", help_text="По умолчанию — следующий «N/ГГГГ»"
    )
    help_agreed = serializers.CharField(allow_blank=True, label="Меры помощи, о которых договорились")
    graduate_obligations = serializers.CharField(allow_blank=True, label="Обязательства выпускника")
    termination_terms = serializers.CharField(required=False, allow_blank=True, label="Условия расторжения")
    level_reason = serializers.CharField(required=False, allow_blank=True, label="Обоснование уровня")
    scan = serializers.FileField(required=False, label="Скан подписанного договора", validators=[validate_scan])


class RenewContractSerializer(serializers.Serializer):
    signed_at = serializers.DateField(validators=[date_validator(FACT)], label="Дата подписания")
    ends_on = serializers.DateField(
        validators=[date_validator(TERM)], required=False, label="Действует по", help_text="По умолчанию — год"
    )
    number = serializers.CharField(required=False, allow_blank=True, max_length=40, label="Номер")
    help_agreed = serializers.CharField(
        required=False, allow_blank=True, label="Меры помощи", help_text="По умолчанию — как в прежнем договоре"
    )
    graduate_obligations = serializers.CharField(
        required=False, allow_blank=True, label="Обязательства выпускника", help_text="По умолчанию — прежние"
    )
    termination_terms = serializers.CharField(required=False, allow_blank=True, label="Условия расторжения")
    scan = serializers.FileField(required=False, label="Скан подписанного договора", validators=[validate_scan])


class ChangeLevelSerializer(serializers.Serializer):
    level = ScopedPrimaryKeyField(narrow=usable_levels, queryset=SupportLevel.objects.all(), label="Уровень")
    reason = serializers.CharField(allow_blank=True, label="Обоснование")
    effective_from = serializers.DateField(
        validators=[date_validator(PLANNED)], required=False, label="Действует с", help_text="По умолчанию — сегодня"
    )
    basis = serializers.ChoiceField(
        choices=LevelChange.Basis.choices, default=LevelChange.Basis.CONSILIUM, label="Основание"
    )


class RefuseSerializer(serializers.Serializer):
    closed_at = serializers.DateField(
        validators=[date_validator(FACT)], required=False, label="Дата отказа", help_text="По умолчанию — сегодня"
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", label="Примечание")


class CloseSerializer(serializers.Serializer):
    close_reason = serializers.ChoiceField(choices=SupportCase.CloseReason.choices, label="Причина завершения")
    closed_at = serializers.DateField(
        validators=[date_validator(FACT)], required=False, label="Дата завершения", help_text="По умолчанию — сегодня"
    )
    close_report = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        label="Итоговое заключение",
        help_text="Обязательно после договора",
    )


class ReassignSerializer(serializers.Serializer):
    to_specialist = ScopedPrimaryKeyField(narrow=staff_within_reach, queryset=User.objects.all(), label="Кому")
    reason = serializers.CharField(allow_blank=True, max_length=300, label="Причина")


class StartTransferSerializer(serializers.Serializer):
    moved_at = serializers.DateField(validators=[date_validator(FACT)], label="Дата переезда")
    to_service = ScopedPrimaryKeyField(
        narrow=services_of_region,
        queryset=Service.objects.all(),
        required=False,
        allow_null=True,
        label="В службу региона",
    )
    to_external = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        validators=[place_validator],
        label="Территория за пределами региона",
        help_text="Вместо службы региона: регион, муниципальное образование и орган, куда направляется уведомление",
    )
    new_address = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300, validators=[place_validator]
    )
    recommendations = serializers.CharField(required=False, allow_blank=True, default="")


class AcceptTransferSerializer(serializers.Serializer):
    specialist = ScopedPrimaryKeyField(
        narrow=staff_within_reach,
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        label="Специалист",
        help_text="По умолчанию — сам специалист, принимающий передачу",
    )


class DeclineTransferSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        label="Причина отказа",
        help_text="Обязательна: передающая служба увидит её",
    )


class NoticeSentSerializer(serializers.Serializer):
    notice_sent_at = serializers.DateField(
        validators=[date_validator(FACT)], required=False, label="Дата направления", help_text="По умолчанию — сегодня"
    )


class EmptySerializer(serializers.Serializer):
    pass


class PlanCreateSerializer(serializers.Serializer):
    case = ScopedPrimaryKeyField(
        narrow=_in_scope(SupportCase), queryset=SupportCase.objects.all(), label="Сопровождение"
    )
    starts_on = serializers.DateField(
        validators=[date_validator(PLANNED)], required=False, label="Период с", help_text="По умолчанию — сегодня"
    )
    review_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300, label="Причина пересмотра"
    )


class ApprovePlanSerializer(serializers.Serializer):
    approved_at = serializers.DateField(
        validators=[date_validator(FACT)], required=False, label="Дата утверждения", help_text="По умолчанию — сегодня"
    )


class GoalCreateSerializer(serializers.Serializer):
    domain = ScopedPrimaryKeyField(narrow=usable_domains, queryset=Domain.objects.all(), label="Сфера")
    text = serializers.CharField(allow_blank=True, label="Цель")


class MeasureCreateSerializer(serializers.Serializer):
    plan = ScopedPrimaryKeyField(narrow=_in_scope(SupportPlan), queryset=SupportPlan.objects.all(), label="План")
    goal = ScopedPrimaryKeyField(
        narrow=goals_in_scope,
        queryset=PlanGoal.objects.all(),
        required=False,
        allow_null=True,
        label="Цель",
    )
    domain = ScopedPrimaryKeyField(
        narrow=usable_domains,
        queryset=Domain.objects.all(),
        required=False,
        label="Сфера",
        help_text="По умолчанию — сфера цели",
    )
    text = serializers.CharField(label="Мероприятие")
    responsible = serializers.ChoiceField(choices=PlanMeasure.Responsible.choices, label="Ответственный")
    responsible_name = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, label="Кто именно"
    )
    deadline = serializers.DateField(validators=[date_validator(TERM)], label="Срок")

    def validate(self, attrs):
        if attrs.get("domain") is None and attrs.get("goal") is None:
            raise serializers.ValidationError({"domain": ["Укажите сферу или цель плана."]})
        return attrs


class MeasureUpdateSerializer(serializers.Serializer):
    """Only the progress of a measure changes; what was planned stays as it was agreed."""

    status = serializers.ChoiceField(
        choices=PlanMeasure.Status.choices, required=False, label="Статус", help_text="По умолчанию — прежний"
    )
    result = serializers.CharField(
        required=False, allow_blank=True, label="Результат", help_text="По умолчанию — прежний"
    )
    done_at = serializers.DateField(
        validators=[date_validator(FACT)], required=False, allow_null=True, label="Дата выполнения"
    )


class JournalEntryCreateSerializer(serializers.Serializer):
    case = ScopedPrimaryKeyField(
        narrow=_in_scope(SupportCase), queryset=SupportCase.objects.all(), label="Сопровождение"
    )
    date = serializers.DateField(
        validators=[date_validator(FACT)], required=False, label="Дата", help_text="По умолчанию — сегодня"
    )
    kind = serializers.ChoiceField(choices=JournalEntry.Kind.choices, label="Вид")
    domain = ScopedPrimaryKeyField(
        narrow=usable_domains, queryset=Domain.objects.all(), required=False, allow_null=True, label="Сфера"
    )
    service_kind = ScopedPrimaryKeyField(
        narrow=usable_service_kinds, queryset=ServiceKind.objects.all(), required=False, allow_null=True, label="Услуга"
    )
    text = serializers.CharField(allow_blank=True, label="Что сделано")
    result = serializers.CharField(required=False, allow_blank=True, label="Результат")
    duration_minutes = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=24 * 60, label="Длительность, мин."
    )
    participants = serializers.CharField(required=False, allow_blank=True, max_length=300, label="Участники")
    measure = ScopedPrimaryKeyField(
        narrow=_in_scope(PlanMeasure),
        queryset=PlanMeasure.objects.all(),
        required=False,
        allow_null=True,
        label="Мероприятие плана",
    )


class JournalEntryUpdateSerializer(serializers.Serializer):
    """A correction of an entry: what the request names changes, the rest stays as the row holds it."""

    date = serializers.DateField(required=False, label="Дата")
    kind = serializers.ChoiceField(choices=JournalEntry.Kind.choices, required=False, label="Вид")
    domain = ScopedPrimaryKeyField(
        narrow=usable_domains, queryset=Domain.objects.all(), required=False, allow_null=True, label="Сфера"
    )
    service_kind = ScopedPrimaryKeyField(
        narrow=usable_service_kinds, queryset=ServiceKind.objects.all(), required=False, allow_null=True, label="Услуга"
    )
    text = serializers.CharField(required=False, allow_blank=True, label="Что сделано")
    result = serializers.CharField(required=False, allow_blank=True, label="Результат")
    duration_minutes = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=24 * 60, label="Длительность, мин."
    )
    participants = serializers.CharField(required=False, allow_blank=True, max_length=300, label="Участники")


class JournalEntryRemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        label="Причина удаления",
        help_text="Обязательна, когда запись удаляет не её автор (координатор службы)",
    )


# --- Filters ----------------------------------------------------------------------------------------


class CaseFilter(FilterSet):
    graduate = IdFilter(field_name="graduate_id", label="Выпускник")
    status = django_filters.ChoiceFilter(choices=SupportCase.Status.choices, label="Статус")
    specialist = IdFilter(field_name="specialist_id", label="Специалист")
    level = IdFilter(field_name="current_level_id", label="Уровень, действующий сегодня")
    on_support = django_filters.BooleanFilter(method="filter_on_support", label="На сопровождении сегодня")

    class Meta:
        model = SupportCase
        fields = ["graduate", "status", "specialist", "level", "on_support"]

    def filter_on_support(self, queryset, name, value):
        on_support = SupportCase.objects.on_support().values("pk")
        return queryset.filter(pk__in=on_support) if value else queryset.exclude(pk__in=on_support)


class ByCaseFilter(FilterSet):
    """Records of a case: filtered by the case or by the graduate."""

    case = IdFilter(field_name="case_id", label="Сопровождение")
    graduate = IdFilter(field_name="case__graduate_id", label="Выпускник")


class ContractFilter(ByCaseFilter):
    class Meta:
        model = Contract
        fields = ["case", "graduate"]


class LevelChangeFilter(ByCaseFilter):
    class Meta:
        model = LevelChange
        fields = ["case", "graduate"]


class PlanFilter(ByCaseFilter):
    status = django_filters.ChoiceFilter(choices=SupportPlan.Status.choices, label="Статус")

    class Meta:
        model = SupportPlan
        fields = ["case", "graduate", "status"]


class MeasureFilter(FilterSet):
    plan = IdFilter(field_name="plan_id", label="План")
    case = IdFilter(field_name="plan__case_id", label="Сопровождение")
    goal = IdFilter(field_name="goal_id", label="Цель")
    status = django_filters.ChoiceFilter(choices=PlanMeasure.Status.choices, label="Статус")

    class Meta:
        model = PlanMeasure
        fields = ["plan", "case", "goal", "status"]


class JournalFilter(FilterSet):
    case = IdFilter(field_name="case_id", label="Сопровождение")
    graduate = IdFilter(field_name="graduate_id", label="Выпускник")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="С даты")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="По дату")
    kind = django_filters.ChoiceFilter(choices=JournalEntry.Kind.choices, label="Вид")

    class Meta:
        model = JournalEntry
        fields = ["case", "graduate", "date_from", "date_to", "kind"]


class TransferFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=Transfer.Status.choices, label="Статус")
    direction = django_filters.ChoiceFilter(
        choices=[("incoming", "Входящие (в мою службу)"), ("outgoing", "Исходящие (из моей службы)")],
        method="filter_direction",
        label="Направление",
    )
    case = IdFilter(field_name="case_id", label="Сопровождение")
    graduate = IdFilter(field_name="graduate_id", label="Выпускник")

    class Meta:
        model = Transfer
        fields = ["status", "direction", "case", "graduate"]

    def filter_direction(self, queryset, name, value):
        service_id = getattr(self.request.user, "service_id", None)
        return queryset.filter(**{"to_service_id" if value == "incoming" else "from_service_id": service_id})


# --- Viewsets ---------------------------------------------------------------------------------------


class SupportMixin:
    """Requests validated by ``input_serializers[action]``; answers in the viewset's serializer.

    Used with :class:`ScopedViewSet` (in any order): the records answered are audited as read.
    """

    input_serializers: dict[str, type[serializers.Serializer]] = {}

    def get_serializer_class(self):
        return self.input_serializers.get(self.action, self.serializer_class)

    def validated(self) -> dict:
        serializer = self.get_serializer_class()(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def output(self, obj, serializer_class=None, status_code=status.HTTP_200_OK) -> Response:
        serializer_class = serializer_class or self.serializer_class
        self.show(obj)
        return Response(serializer_class(obj, context=self.get_serializer_context()).data, status=status_code)


def _given(data: dict, *names: str) -> dict:
    """The named values the request actually gave (so that the service's defaults apply to the rest)."""
    return {name: data[name] for name in names if data.get(name) is not None}


@extend_schema_view(
    list=extend_schema(summary="Сопровождения (в пределах области видимости пользователя)"),
    retrieve=extend_schema(summary="Сопровождение"),
    create=extend_schema(
        summary="Открыть сопровождение (выявлен)", request=CaseCreateSerializer, responses={201: CaseSerializer}
    ),
)
class CaseViewSet(SupportMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Support cases. Filters: graduate, status, specialist, level (in force today), on_support."""

    queryset = SupportCase.objects.select_related("graduate", "specialist")
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    ordering_fields = ["identified_at", "activated_at", "closed_at", "id"]
    input_serializers = {
        "create": CaseCreateSerializer,
        "contact": ContactSerializer,
        "sign_contract": SignContractSerializer,
        "change_level": ChangeLevelSerializer,
        "refuse": RefuseSerializer,
        "close": CloseSerializer,
        "reassign": ReassignSerializer,
        "transfer": StartTransferSerializer,
    }

    def filter_queryset(self, queryset):
        return super().filter_queryset(with_current_level(queryset))

    def fresh(self, case: SupportCase) -> Response:
        return self.output(with_current_level(self.queryset).get(pk=case.pk))

    def create(self, request):
        data = self.validated()
        case = services.open_case(
            data["graduate"],
            actor=request.user,
            identified_at=data.get("identified_at"),
            how=data.get("identified_how", ""),
            specialist=data.get("specialist"),
            request=request,
        )
        response = self.fresh(case)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(summary="Контакт установлен", request=ContactSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def contact(self, request, pk=None):
        case = self.get_object()
        data = self.validated()
        return self.fresh(
            services.establish_contact(
                case, actor=request.user, on=data.get("contact_at"), text=data.get("text", ""), request=request
            )
        )

    @extend_schema(
        summary="Заключить договор и поставить на сопровождение",
        description="Нужно действующее письменное согласие на обработку персональных данных. "
        "По сопровождению, которое уже ведётся, но без действующего договора (прежний прекращён при "
        "переезде или истёк), — новый договор службы, которая ведёт сопровождение.",
        request=SignContractSerializer,
        responses={201: ContractSerializer},
    )
    @action(detail=True, methods=["post"], url_path="sign-contract")
    def sign_contract(self, request, pk=None):
        case = self.get_object()
        data = self.validated()
        contract = services.sign_contract(
            case,
            actor=request.user,
            level=data.get("level"),
            signed_at=data["signed_at"],
            help_agreed=data["help_agreed"],
            graduate_obligations=data["graduate_obligations"],
            request=request,
            **_given(data, "starts_on", "ends_on", "number", "termination_terms", "level_reason", "scan"),
        )
        return self.output(contract, ContractSerializer, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Сменить уровень сопровождения", request=ChangeLevelSerializer, responses={201: LevelChangeSerializer}
    )
    @action(detail=True, methods=["post"], url_path="change-level")
    def change_level(self, request, pk=None):
        case = self.get_object()
        data = self.validated()
        change = services.change_level(
            case,
            data["level"],
            actor=request.user,
            reason=data["reason"],
            basis=data["basis"],
            request=request,
            **_given(data, "effective_from"),
        )
        return self.output(change, LevelChangeSerializer, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Отказ от сопровождения (до договора)", request=RefuseSerializer, responses={200: CaseSerializer}
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        case = self.get_object()
        data = self.validated()
        return self.fresh(
            services.refuse(case, actor=request.user, on=data.get("closed_at"), note=data["note"], request=request)
        )

    @extend_schema(summary="Завершить сопровождение", request=CloseSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        case = self.get_object()
        data = self.validated()
        return self.fresh(
            services.close_case(
                case,
                actor=request.user,
                reason=data["close_reason"],
                on=data.get("closed_at"),
                report=data["close_report"],
                request=request,
            )
        )

    @extend_schema(
        summary="Передать другому специалисту (координатор службы, региональный центр)",
        request=ReassignSerializer,
        responses={200: CaseSerializer},
    )
    @action(detail=True, methods=["post"], scope_action="assign")
    def reassign(self, request, pk=None):
        case = self.get_object()
        data = self.validated()
        services.reassign(
            [case], actor=request.user, to_specialist=data["to_specialist"], reason=data["reason"], request=request
        )
        return self.fresh(case)

    @extend_schema(
        summary="Начать передачу в связи с переездом",
        description="В службу региона (она принимает передачу) или за пределы региона (уведомление, "
        "сопровождение завершается). Уведомление направляется в течение 3 дней.",
        request=StartTransferSerializer,
        responses={201: TransferSerializer},
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        case = self.get_object()
        data = self.validated()
        transfer = services.start_transfer(
            case,
            actor=request.user,
            moved_at=data["moved_at"],
            to_service=data.get("to_service"),
            to_external=data["to_external"],
            new_address=data["new_address"],
            recommendations=data["recommendations"],
            request=request,
        )
        return self.output(transfer, TransferSerializer, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Договоры о сопровождении"),
    retrieve=extend_schema(summary="Договор о сопровождении"),
)
class ContractViewSet(SupportMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Contracts; they are signed through POST /cases/{id}/sign-contract/. Filters: case, graduate."""

    queryset = Contract.objects.select_related("case", "renewal")
    serializer_class = ContractSerializer
    filterset_class = ContractFilter
    ordering_fields = ["starts_on", "ends_on", "signed_at", "id"]
    input_serializers = {"renew": RenewContractSerializer}

    @extend_schema(
        summary="Продлить договор на новый срок", request=RenewContractSerializer, responses={201: ContractSerializer}
    )
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        contract = self.get_object()
        data = self.validated()
        renewal = services.renew_contract(
            contract,
            actor=request.user,
            signed_at=data["signed_at"],
            request=request,
            **_given(data, "ends_on", "number", "help_agreed", "graduate_obligations", "termination_terms", "scan"),
        )
        return self.output(renewal, status_code=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="История уровней сопровождения"),
    retrieve=extend_schema(summary="Решение об уровне сопровождения"),
)
class LevelChangeViewSet(SupportMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Level decisions; made through POST /cases/{id}/change-level/. Filters: case, graduate."""

    queryset = LevelChange.objects.select_related("level", "decided_by")
    serializer_class = LevelChangeSerializer
    filterset_class = LevelChangeFilter
    ordering_fields = ["effective_from", "id"]


class RegionDirectoryViewSet(viewsets.ReadOnlyModelViewSet):
    """A directory of the support cycle: the user's region's rows (edited in the admin)."""

    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return of_users_region(super().get_queryset(), self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Уровни сопровождения региона"), retrieve=extend_schema(summary="Уровень сопровождения")
)
class SupportLevelViewSet(RegionDirectoryViewSet):
    queryset = SupportLevel.objects.order_by("order", "name", "id")
    serializer_class = SupportLevelSerializer
    filterset_fields = ["is_active"]
    ordering_fields = ["order", "name", "id"]


@extend_schema_view(
    list=extend_schema(summary="Сферы жизнедеятельности региона"),
    retrieve=extend_schema(summary="Сфера жизнедеятельности"),
)
class DomainViewSet(RegionDirectoryViewSet):
    queryset = Domain.objects.order_by("order", "name", "id")
    serializer_class = DomainSerializer
    filterset_fields = ["is_active"]
    ordering_fields = ["order", "name", "id"]


@extend_schema_view(list=extend_schema(summary="Виды услуг региона"), retrieve=extend_schema(summary="Вид услуги"))
class ServiceKindViewSet(RegionDirectoryViewSet):
    queryset = ServiceKind.objects.order_by("order", "name", "id")
    serializer_class = ServiceKindSerializer
    filterset_fields = ["domain", "is_active"]
    ordering_fields = ["order", "name", "id"]


@extend_schema_view(
    list=extend_schema(summary="Индивидуальные планы сопровождения"),
    retrieve=extend_schema(summary="Индивидуальный план с целями и мероприятиями"),
    create=extend_schema(
        summary="Составить план (новую версию)",
        description="Период — по уровню, действующему на дату начала; незавершённые мероприятия прежней "
        "версии переносятся в новую.",
        request=PlanCreateSerializer,
        responses={201: PlanSerializer},
    ),
)
class PlanViewSet(SupportMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Versions of the individual plan with goals and measures. Filters: case, graduate, status."""

    queryset = SupportPlan.objects.select_related("case", "level").prefetch_related(
        Prefetch("goals", PlanGoal.objects.select_related("domain")),
        Prefetch("measures", PlanMeasure.objects.select_related("domain")),
    )
    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    ordering_fields = ["starts_on", "ends_on", "version", "id"]
    input_serializers = {
        "create": PlanCreateSerializer,
        "approve": ApprovePlanSerializer,
        "goals": GoalCreateSerializer,
    }

    def fresh(self, plan: SupportPlan, status_code=status.HTTP_200_OK) -> Response:
        return self.output(self.queryset.get(pk=plan.pk), status_code=status_code)

    def create(self, request):
        data = self.validated()
        plan = services.create_plan(
            data["case"],
            actor=request.user,
            review_reason=data["review_reason"],
            request=request,
            **_given(data, "starts_on"),
        )
        return self.fresh(plan, status.HTTP_201_CREATED)

    @extend_schema(summary="Утвердить план", request=ApprovePlanSerializer, responses={200: PlanSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = self.get_object()
        data = self.validated()
        return self.fresh(services.approve_plan(plan, actor=request.user, on=data.get("approved_at"), request=request))

    @extend_schema(
        summary="Добавить цель плана",
        description="Только в проект плана: утверждённый план меняется новой версией (POST /plans/).",
        request=GoalCreateSerializer,
        responses={201: GoalSerializer, 400: OpenApiResponse(description="План утверждён или не действует")},
    )
    @action(detail=True, methods=["post"])
    def goals(self, request, pk=None):
        plan = self.get_object()
        data = self.validated()
        goal = services.add_goal(plan, actor=request.user, domain=data["domain"], text=data["text"], request=request)
        return self.output(goal, GoalSerializer, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Мероприятия планов"),
    retrieve=extend_schema(summary="Мероприятие плана"),
    create=extend_schema(
        summary="Добавить мероприятие в план",
        description=(
            "Только в проект плана: утверждённый план меняется новой версией (POST /plans/). "
            "Срок должен быть в периоде плана."
        ),
        request=MeasureCreateSerializer,
        responses={201: MeasureSerializer, 400: OpenApiResponse(description="План утверждён, срок вне периода")},
    ),
    partial_update=extend_schema(
        summary="Отметить ход мероприятия: статус и результат",
        description="Нужен заголовок If-Match с ETag мероприятия; пишутся только изменившиеся поля.",
        request=MeasureUpdateSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={200: MeasureSerializer, **PRECONDITION_RESPONSES},
    ),
)
class MeasureViewSet(SupportMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Measures of the plans. Filters: plan, case, goal, status. PATCH changes only status and result."""

    queryset = PlanMeasure.objects.select_related("plan", "domain")
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilter
    ordering_fields = ["deadline", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    input_serializers = {"create": MeasureCreateSerializer, "partial_update": MeasureUpdateSerializer}

    def create(self, request):
        data = self.validated()
        plan = data.pop("plan")
        fields = {name: value for name, value in data.items() if value is not None}
        measure = services.add_measure(plan, actor=request.user, request=request, **fields)
        return self.output(measure, status_code=status.HTTP_201_CREATED)

    def revision_filed_under(self, measure):
        return measure.plan.case.graduate

    def partial_update(self, request, pk=None):
        measure = self.get_object()
        data = self.validated()
        # What the request does not name stays as the row holds it when locked.
        measure = services.update_measure(
            measure,
            actor=request.user,
            expected_revision=self.expected_revision,
            request=request,
            **{name: data[name] for name in ("status", "result", "done_at") if name in data},
        )
        return self.output(measure)


@extend_schema_view(
    list=extend_schema(summary="Журнал сопровождения"),
    retrieve=extend_schema(summary="Запись журнала сопровождения"),
    create=extend_schema(
        summary="Внести запись в журнал (контакт или услугу)",
        request=JournalEntryCreateSerializer,
        responses={201: JournalEntrySerializer},
    ),
    partial_update=extend_schema(
        summary="Исправить запись журнала (автор, в срок, установленный регионом)",
        description=(
            "Нужен заголовок If-Match с ETag записи; пишутся только изменившиеся поля, прежние значения "
            "остаются в истории. Чужая запись или истёкший срок — 400 с объяснением."
        ),
        request=JournalEntryUpdateSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={200: JournalEntrySerializer, **PRECONDITION_RESPONSES},
    ),
    destroy=extend_schema(
        summary="Удалить ошибочную запись журнала",
        description=(
            "Автор — в срок, установленный регионом; координатор службы — в любое время, с причиной. "
            "Запись исчезает из журнала и счёта, но остаётся в истории. Нужен заголовок If-Match."
        ),
        request=JournalEntryRemoveSerializer,
        parameters=[IF_MATCH],
        responses={204: None, **PRECONDITION_RESPONSES},
    ),
)
class JournalViewSet(SupportMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Contacts and services. Filters: case, graduate, date_from, date_to, kind.

    PATCH corrects and DELETE removes an entry, both with If-Match. They need «change» on the
    entry (a colleague of the service sees it, so it is no 404 for them); who may and until when
    is the workflow's rule (services.journal_refusal), refused with 400 and the reason.
    """

    queryset = JournalEntry.objects.select_related(
        "graduate", "graduate__service__region", "domain", "service_kind", "author"
    )
    serializer_class = JournalEntrySerializer
    filterset_class = JournalFilter
    ordering_fields = ["date", "id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    precondition_methods = ("PUT", "PATCH", "DELETE")
    method_scope_actions = {"DELETE": "change"}
    input_serializers = {
        "create": JournalEntryCreateSerializer,
        "partial_update": JournalEntryUpdateSerializer,
        "destroy": JournalEntryRemoveSerializer,
    }

    def partial_update(self, request, pk=None):
        entry = self.get_object()
        data = self.validated()
        entry = services.update_journal_entry(
            entry, actor=request.user, expected_revision=self.expected_revision, request=request, **data
        )
        return self.output(self.queryset.get(pk=entry.pk))

    def destroy(self, request, pk=None):
        entry = self.get_object()
        data = self.validated()
        services.remove_journal_entry(
            entry,
            actor=request.user,
            reason=data.get("reason", ""),
            expected_revision=self.expected_revision,
            request=request,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    def create(self, request):
        data = self.validated()
        case = data.pop("case")
        fields = {name: value for name, value in data.items() if value is not None}
        entry = services.add_journal_entry(case, actor=request.user, request=request, **fields)
        return self.output(self.queryset.get(pk=entry.pk), status_code=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Передачи сопровождения (входящие и исходящие)"),
    retrieve=extend_schema(summary="Передача сопровождения"),
)
class TransferViewSet(SupportMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Transfers on a move; started through POST /cases/{id}/transfer/. Filters: status, direction, case, graduate."""

    queryset = Transfer.objects.select_related("graduate", "from_service", "to_service")
    serializer_class = TransferSerializer
    filterset_class = TransferFilter
    ordering_fields = ["started_at", "notice_due", "id"]

    def get_queryset(self):
        visible = Graduate.objects.restrict(self.request.user).filter(pk=OuterRef("graduate_id"))
        return super().get_queryset().annotate(person_visible=Exists(visible))

    input_serializers = {
        "accept": AcceptTransferSerializer,
        "decline": DeclineTransferSerializer,
        "cancel": EmptySerializer,
        "notice_sent": NoticeSentSerializer,
    }

    @extend_schema(
        summary="Принять передачу (принимающая служба)",
        description="Выпускник со всей историей переходит в принимающую службу; передающая служба его больше не видит.",
        request=AcceptTransferSerializer,
        responses={200: TransferSerializer},
    )
    @action(detail=True, methods=["post"], scope_action="receive")
    def accept(self, request, pk=None):
        transfer = self.get_object()
        data = self.validated()
        transfer = services.accept_transfer(
            transfer, actor=request.user, specialist=data.get("specialist"), request=request
        )
        return self.output(transfer)

    @extend_schema(
        summary="Отклонить передачу (принимающая служба)",
        description="С обязательной причиной; выпускник остаётся в передающей службе.",
        request=DeclineTransferSerializer,
        responses={200: TransferSerializer, 400: OpenApiResponse(description="Передача уже завершена или нет причины")},
    )
    @action(detail=True, methods=["post"], scope_action="receive")
    def decline(self, request, pk=None):
        transfer = self.get_object()
        data = self.validated()
        transfer = services.decline_transfer(
            transfer, actor=request.user, reason=data.get("reason", ""), request=request
        )
        return self.output(transfer)

    @extend_schema(
        summary="Отменить передачу",
        request=None,
        responses={200: TransferSerializer, 400: OpenApiResponse(description="Передача уже завершена")},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        transfer = self.get_object()
        return self.output(services.cancel_transfer(transfer, actor=request.user, request=request))

    @extend_schema(
        summary="Отметить, что уведомление направлено",
        request=NoticeSentSerializer,
        responses={200: TransferSerializer},
    )
    @action(detail=True, methods=["post"], url_path="notice-sent")
    def notice_sent(self, request, pk=None):
        transfer = self.get_object()
        data = self.validated()
        transfer = services.mark_notice_sent(
            transfer, actor=request.user, on=data.get("notice_sent_at"), request=request
        )
        return self.output(transfer)
