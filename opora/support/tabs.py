"""The support tabs of the graduate card, added without the registry knowing this app."""

from django.utils.translation import gettext_lazy as _

from opora.registry.tabs import CardTab, register_tab

register_tab(CardTab("support", _("Сопровождение"), "support:case", 30))
register_tab(CardTab("plan", _("План"), "support:plan", 40))
register_tab(CardTab("journal", _("Журнал"), "support:journal", 50))
