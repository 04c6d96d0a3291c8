"""The assessment tab of the graduate card, added without the registry knowing this app."""

from django.utils.translation import gettext_lazy as _

from opora.registry.tabs import CardTab, register_tab

register_tab(CardTab("assessment", _("Оценка"), "assessment:assessments", 55))
