"""Directories and users, managed by the administrator in the Django admin.

No model that holds a graduate's personal data is registered here: the administrator
manages the organisation, not the registry.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from opora.org.models import Region, Service, Territory, User

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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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
