from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    """Life-situation assessment, monitoring and the consilium: the quarterly rhythm that sets the level."""

    name = "opora.assessment"
    label = "assessment"
    verbose_name = _("Оценка и консилиум")

    def ready(self) -> None:
        from opora.assessment import (
            consilium_tabs,  # noqa: F401  (the card tab «Консилиумы»)
            tabs,  # noqa: F401  (adds the «Оценка» tab to the graduate card)
        )
        from opora.assessment.services import on_region_set_up
        from opora.registry.tabs import CardTab, register_tab
        from opora.support.signals import region_set_up

        region_set_up.connect(on_region_set_up, dispatch_uid="assessment_defaults")
        register_tab(CardTab("trajectory", _("Траектория"), "assessment:trajectory", 46))
