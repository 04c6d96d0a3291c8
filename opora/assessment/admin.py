"""The region's assessment directories, edited by the administrator: the catalogue of typical
difficulties per domain and the level-suggestion rule (like support's directories)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from opora.assessment.models import DifficultyType, LevelRule


class DifficultyTypeForm(forms.ModelForm):
    class Meta:
        model = DifficultyType
        fields = ["region", "domain", "name", "order", "is_active"]

    def clean(self):
        data = super().clean()
        region, domain = data.get("region"), data.get("domain")
        if region and domain and domain.region_id != region.pk:
            self.add_error("domain", _("Сфера из справочника другого региона."))
        return data


class LevelRuleForm(forms.ModelForm):
    class Meta:
        model = LevelRule
        fields = ["region", "order", "min_severity", "min_domains", "level", "is_active"]

    def clean(self):
        data = super().clean()
        region, level = data.get("region"), data.get("level")
        if region and level and level.region_id != region.pk:
            self.add_error("level", _("Уровень из справочника другого региона."))
        return data


@admin.register(DifficultyType)
class DifficultyTypeAdmin(admin.ModelAdmin):
    form = DifficultyTypeForm
    list_display = ["name", "domain", "region", "order", "is_active"]
    list_filter = ["region", "domain", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name"]
    list_select_related = ["domain", "region"]


@admin.register(LevelRule)
class LevelRuleAdmin(admin.ModelAdmin):
    form = LevelRuleForm
    list_display = ["__str__", "region", "order", "min_severity", "min_domains", "level", "is_active"]
    list_filter = ["region", "is_active"]
    list_editable = ["order", "min_severity", "min_domains", "level", "is_active"]
    list_select_related = ["level", "region"]
