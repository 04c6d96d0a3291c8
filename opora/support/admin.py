"""The region's support directories, edited by the administrator: levels, domains, service kinds."""

from django.contrib import admin

from opora.org.admin import RegionAdmin as BaseRegionAdmin
from opora.org.models import Region
from opora.support import services
from opora.support.models import Domain, ServiceKind, SupportLevel


@admin.register(SupportLevel)
class SupportLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "order", "plan_period_months", "contacts_per_month", "is_active"]
    list_filter = ["region", "is_active"]
    list_editable = ["order", "plan_period_months", "contacts_per_month", "is_active"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "order", "is_active"]
    list_filter = ["region", "is_active"]
    list_editable = ["order", "is_active"]


@admin.register(ServiceKind)
class ServiceKindAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "frequency", "region", "order", "is_active"]
    list_filter = ["region", "domain", "is_active"]
    search_fields = ["name"]


admin.site.unregister(Region)


@admin.register(Region)
class RegionAdmin(BaseRegionAdmin):
    """A new region gets the default levels, domains and service kinds, which it may then edit."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.setup_region(obj)
