"""The card tab «Консилиумы» (the decisions concerning the graduate), added without the registry knowing this app."""

from django.utils.translation import gettext_lazy as _

from opora.registry.tabs import CardTab, register_tab

register_tab(CardTab("consilia", _("Консилиумы"), "assessment:graduate_consilia", 57))
