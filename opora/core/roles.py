"""The staff roles of «Опора» (domain.md, «Who uses it»)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SPECIALIST = "specialist", _("Специалист сопровождения")
    COORDINATOR = "coordinator", _("Координатор службы")
    REGIONAL = "regional", _("Региональный ресурсный центр")
    ATTRACTED = "attracted", _("Привлечённый специалист")
    ADMIN = "admin", _("Администратор")
