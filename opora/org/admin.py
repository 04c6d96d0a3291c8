"""Directories, users and API tokens, managed by the administrator in the Django admin.

No model that holds a graduate's personal data is registered here: the administrator
manages the organisation, not the registry. A token's key is shown once, on the page that
issues it; the admin lists only its first characters, dates and state.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opora.core.errors import DomainError
from opora.org import tokens
from opora.org.models import ApiToken, Region, Service, Territory, User
from opora.org.signals import acting_as

admin.site.site_header = _("«Опора» — администрирование")
admin.site.site_title = _("«Опора»")
admin.site.index_title = _("Справочники и пользователи")


class TerritoryInline(admin.TabularInline):
    model = Territory
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "journal_edit_days"]
    search_fields = ["name"]
    inlines = [TerritoryInline]


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "oktmo"]
    list_filter = ["region"]
    search_fields = ["name"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "territory", "region", "age_min", "age_max", "is_active"]
    list_filter = ["region", "kind", "is_active"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["territory"]


class ActingAsAdminMixin:
    """The admin's views name the administrator as the one who changes accounts (opora.org.signals)."""

    def changeform_view(self, request, *args, **kwargs):
        with acting_as(request.user, request):
            return super().changeform_view(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        with acting_as(request.user, request):
            return super().changelist_view(request, *args, **kwargs)


@admin.register(User)
class UserAdmin(ActingAsAdminMixin, BaseUserAdmin):
    actions = ["issue_api_token"]
    list_display = ["username", "last_name", "first_name", "role", "service", "is_active"]
    list_filter = ["role", "service__region", "is_active"]
    search_fields = ["username", "last_name", "first_name", "email"]
    autocomplete_fields = ["service"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Сотрудник"), {"fields": ("last_name", "first_name", "patronymic", "position", "email", "phone")}),
        (_("Роль и служба"), {"fields": ("role", "service")}),
        (_("Доступ"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Даты"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2", "role", "service")}),
    )

    def user_change_password(self, request, *args, **kwargs):
        with acting_as(request.user, request):
            return super().user_change_password(request, *args, **kwargs)

    @admin.action(description=_("Выдать API-токен"), permissions=["issue_token"])
    def issue_api_token(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Выберите одного сотрудника."), messages.WARNING)
            return None
        return redirect(f"{reverse('admin:org_apitoken_issue')}?user={queryset.get().pk}")

    def has_issue_token_permission(self, request) -> bool:
        return request.user.has_perm("org.add_apitoken")


class IssueTokenForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Сотрудник"), queryset=User.objects.filter(is_active=True).order_by("username")
    )
    name = forms.CharField(label=_("Назначение"), max_length=100, required=False)
    days = forms.IntegerField(label=_("Срок действия, дней"), min_value=1, max_value=3650)


class TokenStateFilter(admin.SimpleListFilter):
    title = _("состояние")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("действует")), ("expired", _("истёк")), ("revoked", _("отозван"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True, expires__gt=now)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens as the administrator sees them: whose, what for, the key's first characters, dates, state.

    Nothing here shows a key or its digest; a token is issued on its own page (the key shown
    once) and revoked by the «Отозвать» action. Rows are never deleted by hand: a revoked
    token stays, so the audit log keeps pointing at it.
    """

    change_list_template = "admin/org/apitoken/change_list.html"
    list_display = ["user", "name", "key_start", "created", "expires", "last_used", "state"]
    list_filter = [TokenStateFilter, "revoke_reason"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__last_name", "name", "prefix"]
    fields = [
        "user",
        "name",
        "key_start",
        "created",
        "expires",
        "last_used",
        "state",
        "issued_by",
        "revoked_at",
        "revoke_reason",
        "revoked_by",
    ]
    readonly_fields = fields
    actions = ["revoke_tokens"]

    @admin.display(description=_("ключ"))
    def key_start(self, obj: ApiToken) -> str:
        return f"{obj.prefix}…"

    @admin.display(description=_("состояние"))
    def state(self, obj: ApiToken) -> str:
        return obj.status

    def has_add_permission(self, request) -> bool:
        return False  # tokens are issued on their own page, which shows the key once

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("org.change_apitoken")

    @admin.action(description=_("Отозвать выбранные токены"), permissions=["revoke"])
    def revoke_tokens(self, request, queryset):
        revoked = sum(
            tokens.revoke(token, reason=tokens.RevokeReason.ADMIN, actor=request.user, request=request)
            for token in queryset.filter(revoked_at__isnull=True)
        )
        self.message_user(request, _("Отозвано токенов: %(count)s.") % {"count": revoked}, messages.SUCCESS)

    def get_urls(self):
        own = [path("issue/", self.admin_site.admin_view(self.issue_view), name="org_apitoken_issue")]
        return own + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra = {"can_issue": request.user.has_perm("org.add_apitoken"), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def issue_view(self, request):
        """«Выдать токен»: the key is shown on the answer to the POST, once, and kept nowhere.

        ``admin_view`` marks the answer never to be cached (Cache-Control: no-store).
        """
        if not request.user.has_perm("org.add_apitoken"):
            raise PermissionDenied
        initial = {"days": settings.OPORA_TOKEN_DAYS, "user": request.GET.get("user") or None}
        form = IssueTokenForm(request.POST or None, initial=initial)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Выдать API-токен"),
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                issued = tokens.issue_token(
                    data["user"], actor=request.user, name=data["name"], days=data["days"], request=request
                )
            except DomainError as err:
                form.add_error(err.field, err.message)
            else:
                context.update(title=_("API-токен выдан"), issued=issued)
                return TemplateResponse(request, "admin/org/apitoken/issued.html", context)
        return TemplateResponse(request, "admin/org/apitoken/issue.html", context, status=400 if form.errors else 200)
