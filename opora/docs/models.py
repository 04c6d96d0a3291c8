"""Document templates: the region's own .docx for each kind of document, or the default one."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opora.docs.validators import validate_docx


class DocumentTemplate(models.Model):
    """A region's template of one kind of document, uploaded by the administrator.

    The region's latest active template of a kind is used; with none, the default
    shipped with the code (opora/docs/default_templates/) is. Templates hold docxtpl
    (Jinja) tags such as ``{{ graduate_genitive }}``; the default of each kind shows them all.
    """

    class Kind(models.TextChoices):
        CONTRACT = "contract", _("Договор о сопровождении")
        PLAN = "plan", _("Индивидуальный план сопровождения")
        SOCIAL_CARD = "social_card", _("Социальная карта выпускника")
        TRANSFER_NOTICE = "transfer_notice", _("Уведомление о смене места жительства")
        CONSILIUM_PROTOCOL = "consilium_protocol", _("Протокол консилиума")

    region = models.ForeignKey(
        "org.Region", on_delete=models.CASCADE, related_name="document_templates", verbose_name=_("регион")
    )
    kind = models.CharField(_("вид документа"), max_length=20, choices=Kind.choices)
    file = models.FileField(
        _("файл шаблона (.docx)"),
        upload_to="document_templates/%Y/",
        validators=[FileExtensionValidator(["docx"]), validate_docx],
        help_text=_(
            "Документ Word с полями вида {{ graduate_full_name }}. "
            "Начните с шаблона по умолчанию: в нём есть все поля этого вида документа."
        ),
    )
    description = models.CharField(_("описание"), max_length=300, blank=True)
    is_active = models.BooleanField(
        _("действует"), default=True, help_text=_("Действует последний загруженный действующий шаблон вида.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("загрузил"),
    )
    uploaded_at = models.DateTimeField(_("загружен"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("шаблон документа")
        verbose_name_plural = _("шаблоны документов")
        ordering = ["region", "kind", "-uploaded_at", "-id"]
        indexes = [models.Index(fields=["region", "kind", "is_active"], name="doc_template_lookup")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.region}"
