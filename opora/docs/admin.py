"""Document templates in the admin: the administrator replaces a region's template of a kind.

The defaults can be downloaded from here as the starting point of a region's own template.
Templates hold no personal data, so the administrator's role is enough.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from opora.docs import services
from opora.docs.models import DocumentTemplate


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "region", "description", "is_active", "uploaded_by", "uploaded_at"]
    list_filter = ["region", "kind", "is_active"]
    search_fields = ["description"]
    fields = ["region", "kind", "file", "description", "is_active", "uploaded_by", "uploaded_at", "defaults"]
    readonly_fields = ["uploaded_by", "uploaded_at", "defaults"]

    @admin.display(description=_("шаблоны по умолчанию"))
    def defaults(self, obj=None):
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:docs_documenttemplate_default", args=[kind.value]), kind.label)
                for kind in DocumentTemplate.Kind
            ),
        )
        return format_html("{} {}", _("Скачайте, измените в Word и загрузите как шаблон региона:"), links)

    def save_model(self, request, obj, form, change):
        services.save_template(obj, actor=request.user, new_file="file" in form.changed_data)

    def get_urls(self):
        own = [
            path(
                "default/<str:kind>/",
                self.admin_site.admin_view(self.default_view),
                name="docs_documenttemplate_default",
            )
        ]
        return own + super().get_urls()

    def default_view(self, request, kind):
        """The default template of a kind, to start a region's own from."""
        if not self.has_view_or_change_permission(request) or kind not in DocumentTemplate.Kind.values:
            raise Http404
        return FileResponse(
            services.default_template_path(kind).open("rb"),
            as_attachment=True,
            filename=f"{DocumentTemplate.Kind(kind).label}.docx",
            content_type=services.DOCX_CONTENT_TYPE,
        )
